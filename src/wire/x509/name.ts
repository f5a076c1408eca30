// SPDX-License-Identifier: MIT
/** X.501 Name: "CN=…,O=…" strings to DER and back (RFC 4514 subset: `\,` `\+` `\\` escapes). */
import { Type, children, decode, directoryString, encode, ia5, oid, printable, readOid, readString, seq, set, type Asn1 } from "../asn1/der.js";
import { OID } from "../oids.js";
import { ScenarioError } from "../../errors/index.js";

const attrOids: Record<string, string> = {
  CN: "2.5.4.3",
  SN: "2.5.4.4",
  SERIALNUMBER: "2.5.4.5",
  C: "2.5.4.6",
  L: "2.5.4.7",
  ST: "2.5.4.8",
  STREET: "2.5.4.9",
  O: "2.5.4.10",
  OU: "2.5.4.11",
  TITLE: "2.5.4.12",
  GIVENNAME: "2.5.4.42",
  UID: "0.9.2342.19200300.100.1.1",
  DC: "0.9.2342.19200300.100.1.25",
  E: OID.emailAddress,
  EMAILADDRESS: OID.emailAddress,
};
const attrNames: Record<string, string> = Object.fromEntries(
  Object.entries(attrOids).filter(([k]) => k !== "EMAILADDRESS").map(([k, v]) => [v, k]),
);

export interface NameAttribute {
  type: string; // short name ("CN") or dotted OID
  value: string;
}

/** Splits on unescaped separators. */
function splitEscaped(s: string, sep: string): string[] {
  const out: string[] = [];
  let cur = "";
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === "\\" && i + 1 < s.length) {
      cur += c + s[++i];
    } else if (c === sep) {
      out.push(cur);
      cur = "";
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/** Parses "CN=a,O=b" (or "/CN=a/O=b", the openssl form) into RDNs, in order of appearance. */
export function parseDn(dn: string): NameAttribute[][] {
  const trimmed = dn.trim();
  if (trimmed === "") return [];
  const parts = trimmed.startsWith("/") ? splitEscaped(trimmed.slice(1), "/") : splitEscaped(trimmed, ",");
  return parts.map((rdn) =>
    splitEscaped(rdn, "+").map((ava) => {
      const eq = ava.indexOf("=");
      if (eq <= 0) throw new ScenarioError(`"${ava.trim()}" in distinguished name "${dn}" is not TYPE=value`);
      const type = ava.slice(0, eq).trim().toUpperCase();
      if (!attrOids[type] && !/^\d+(\.\d+)+$/.test(type)) {
        throw new ScenarioError(`unknown attribute type "${type}" in distinguished name "${dn}"`);
      }
      return { type, value: ava.slice(eq + 1).trim().replace(/\\(.)/g, "$1") };
    }),
  );
}

/** Encoding options: which string type to use per attribute (default: DirectoryString choice). */
export type StringChoice = (type: string, value: string) => Asn1;

const defaultChoice: StringChoice = (type, value) => {
  if (type === "C" || type === "SERIALNUMBER") return printable(value);
  if (type === "E" || type === "EMAILADDRESS" || type === "DC") return ia5(value);
  return directoryString(value);
};

export function nameAsn1(rdns: NameAttribute[][], choice: StringChoice = defaultChoice): Asn1 {
  return seq(
    ...rdns.map((rdn) => set(...rdn.map((a) => seq(oid(attrOids[a.type] ?? a.type), choice(a.type, a.value))))),
  );
}

export const encodeName = (dn: string | NameAttribute[][], choice?: StringChoice): Uint8Array =>
  encode(nameAsn1(typeof dn === "string" ? parseDn(dn) : dn, choice));

/** Reads a Name into attributes, and its one-line form ("CN=a, O=b"). */
export function readName(obj: Asn1, what: string): { rdns: NameAttribute[][]; text: string } {
  const rdns = children(obj, what, Type.SEQUENCE).map((rdn, i) =>
    children(rdn, `${what} RDN ${i}`, Type.SET, 1).map((ava) => {
      const [t, v] = children(ava, `${what} attribute`, Type.SEQUENCE, 2);
      const o = readOid(t, `${what} attribute type`);
      return { type: attrNames[o] ?? o, value: readString(v, `${what} attribute value`) };
    }),
  );
  const esc = (s: string) => s.replace(/([,+\\])/g, "\\$1");
  return { rdns, text: rdns.map((r) => r.map((a) => `${a.type}=${esc(a.value)}`).join("+")).join(", ") };
}

/**
 * A Name in OpenSSL's canonical form (crypto/x509/x_name.c `x509_name_canon`, which X509_NAME_cmp compares): per
 * attribute, the value with leading and trailing white space dropped, inner runs of white space made one space and
 * letters lower-cased; the attributes of a multi-valued RDN in a fixed order. Two names OpenSSL calls equal have the
 * same canonical form here (this also folds non-ASCII case, so it errs on the side of "equal").
 */
function canonicalName(rdns: NameAttribute[][]): string {
  const value = (v: string) => v.trim().replace(/\s+/g, " ").toLowerCase();
  return JSON.stringify(rdns.map((rdn) => rdn.map((a) => [attrOids[a.type] ?? a.type, value(a.value)]).sort()));
}

/** Whether two DER Names are the same name to OpenSSL (X509_NAME_cmp: canonical forms compared, not the bytes or the case). */
export function sameName(a: Uint8Array, b: Uint8Array, what = "Name"): boolean {
  return canonicalName(readName(decode(a, what), what).rdns) === canonicalName(readName(decode(b, what), what).rdns);
}
