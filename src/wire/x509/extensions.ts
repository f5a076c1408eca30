// SPDX-License-Identifier: MIT
/** X.509 v3 extensions used by enrollment certificates and CSRs (RFC 5280 §4.2). */
import forge from "node-forge";
import {
  Class,
  Type,
  asn1,
  bitString,
  bool,
  children,
  encode,
  explicit,
  fromBinary,
  ia5,
  int,
  octets,
  oid,
  primitive,
  readOid,
  seq,
  toBinary,
  utf8,
  type Asn1,
} from "../asn1/der.js";
import { OID } from "../oids.js";

export interface Extension {
  oid: string;
  critical: boolean;
  /** DER of the extnValue content (inside the OCTET STRING). */
  value: Uint8Array;
}

export function extensionAsn1(ext: Extension): Asn1 {
  const items = [oid(ext.oid)];
  if (ext.critical) items.push(bool(true));
  items.push(octets(ext.value));
  return seq(...items);
}

export function readExtension(obj: Asn1, what: string): Extension {
  const parts = children(obj, what, Type.SEQUENCE, 2);
  const critical = parts.length === 3 && primitive(parts[1], `${what} critical`, Type.BOOLEAN)[0] !== 0;
  return { oid: readOid(parts[0], `${what} id`), critical, value: primitive(parts[parts.length - 1], `${what} value`, Type.OCTETSTRING) };
}

/** keyUsage bit positions (RFC 5280 §4.2.1.3). */
export const KEY_USAGE_BITS = [
  "digitalSignature",
  "nonRepudiation",
  "keyEncipherment",
  "dataEncipherment",
  "keyAgreement",
  "keyCertSign",
  "cRLSign",
  "encipherOnly",
  "decipherOnly",
] as const;
export type KeyUsage = (typeof KEY_USAGE_BITS)[number];

export function keyUsage(usages: KeyUsage[], critical = true): Extension {
  let bits = 0;
  for (const u of usages) bits |= 1 << (15 - KEY_USAGE_BITS.indexOf(u));
  let bytes = Uint8Array.from([bits >> 8, bits & 0xff]);
  if (bytes[1] === 0) bytes = bytes.subarray(0, 1);
  // DER: the number of unused bits is that of trailing zero bits of the last byte.
  const last = bytes[bytes.length - 1]!;
  let unused = 0;
  while (unused < 7 && last !== 0 && (last & (1 << unused)) === 0) unused++;
  return { oid: OID.keyUsage, critical, value: encode(bitString(bytes, unused)) };
}

export function readKeyUsage(value: Uint8Array): KeyUsage[] {
  const obj = asn1.fromDer(toBinary(value), { strict: true, decodeBitStrings: false } as never);
  const b = fromBinary(obj.value as string).subarray(1);
  const bits = ((b[0] ?? 0) << 8) | (b[1] ?? 0);
  return KEY_USAGE_BITS.filter((_, i) => bits & (1 << (15 - i)));
}

export function basicConstraints(ca: boolean, pathLen?: number): Extension {
  const items: Asn1[] = [];
  if (ca) items.push(bool(true));
  if (ca && pathLen !== undefined) items.push(int(pathLen));
  return { oid: OID.basicConstraints, critical: true, value: encode(seq(...items)) };
}

export function readBasicConstraints(value: Uint8Array): { ca: boolean } {
  const obj = asn1.fromDer(toBinary(value), { strict: true } as never);
  const first = (obj.value as Asn1[])[0];
  return { ca: !!first && first.type === Type.BOOLEAN && first.value !== "\x00" };
}

export const EKU_NAMES: Record<string, string> = {
  serverAuth: OID.serverAuth,
  clientAuth: OID.clientAuth,
  codeSigning: OID.codeSigning,
  emailProtection: OID.emailProtection,
};

export function extKeyUsage(usages: string[], critical = false): Extension {
  return { oid: OID.extKeyUsage, critical, value: encode(seq(...usages.map((u) => oid(EKU_NAMES[u] ?? u)))) };
}

export function readExtKeyUsage(value: Uint8Array): string[] {
  const obj = asn1.fromDer(toBinary(value), { strict: true } as never);
  const names = Object.fromEntries(Object.entries(EKU_NAMES).map(([k, v]) => [v, k]));
  return (obj.value as Asn1[]).map((o) => {
    const d = readOid(o, "extKeyUsage");
    return names[d] ?? d;
  });
}

export interface SubjectAltNames {
  dns?: string[];
  email?: string[];
  uri?: string[];
  /** Microsoft UPN (otherName 1.3.6.1.4.1.311.20.2.3). */
  upn?: string[];
  /** IPv4 addresses (dotted quad). */
  ip?: string[];
}

export function subjectAltName(san: SubjectAltNames, critical = false): Extension {
  const names: Asn1[] = [];
  const implicitIa5 = (n: number, s: string) => asn1.create(Class.CONTEXT_SPECIFIC, n, false, s);
  for (const e of san.email ?? []) names.push(implicitIa5(1, e));
  for (const d of san.dns ?? []) names.push(implicitIa5(2, d));
  for (const u of san.uri ?? []) names.push(implicitIa5(6, u));
  for (const a of san.ip ?? []) {
    const parts = a.split(".").map(Number);
    if (parts.length !== 4 || parts.some((n) => !Number.isInteger(n) || n < 0 || n > 255)) throw new Error(`"${a}" is not an IPv4 address`);
    names.push(asn1.create(Class.CONTEXT_SPECIFIC, 7, false, String.fromCharCode(...parts)));
  }
  for (const u of san.upn ?? []) {
    names.push(asn1.create(Class.CONTEXT_SPECIFIC, 0, true, [oid(OID.msUpn), explicit(0, utf8(u))]));
  }
  return { oid: OID.subjectAltName, critical, value: encode(seq(...names)) };
}

export function readSubjectAltName(value: Uint8Array): string[] {
  const obj = asn1.fromDer(toBinary(value), { strict: true } as never);
  return (obj.value as Asn1[]).map((n) => {
    if (n.tagClass !== Class.CONTEXT_SPECIFIC) return "unknown";
    switch (n.type) {
      case 1:
        return `email:${n.value as string}`;
      case 2:
        return `DNS:${n.value as string}`;
      case 6:
        return `URI:${n.value as string}`;
      case 7:
        return `IP:${forge.util.bytesToHex(n.value as string)}`;
      case 0: {
        const parts = n.value as Asn1[];
        const inner = (parts[1]?.value as Asn1[] | undefined)?.[0];
        return `otherName:${readOid(parts[0], "otherName")}:${inner ? Buffer.from(inner.value as string, "binary").toString("utf8") : ""}`;
      }
      default:
        return `[${n.type}]`;
    }
  });
}

export function subjectKeyIdentifier(keyId: Uint8Array): Extension {
  return { oid: OID.subjectKeyIdentifier, critical: false, value: encode(octets(keyId)) };
}

export function authorityKeyIdentifier(keyId: Uint8Array): Extension {
  return {
    oid: OID.authorityKeyIdentifier,
    critical: false,
    value: encode(seq(asn1.create(Class.CONTEXT_SPECIFIC, 0, false, toBinary(keyId)))),
  };
}

export { ia5 };
