// SPDX-License-Identifier: MIT
/** Readable X.509 extensions (certificates and CSR extensionRequest), built on the wire readers. */
import { Class, Type, children, decode, primitive, readOid, readSmallInt, type Asn1 } from "../../wire/asn1/der.js";
import { OID } from "../../wire/oids.js";
import { readExtKeyUsage, readKeyUsage, readSubjectAltName, type Extension } from "../../wire/x509/extensions.js";
import { readName } from "../../wire/x509/name.js";
import type { ExtensionInspection } from "./types.js";
import { hex, nameOf, shortHex } from "./names.js";

function basicConstraints(value: Uint8Array): { ca: boolean; pathLen?: number } {
  const items = children(decode(value, "basicConstraints"), "basicConstraints", Type.SEQUENCE);
  let i = 0;
  let ca = false;
  if (items[0]?.tagClass === Class.UNIVERSAL && items[0].type === Type.BOOLEAN) {
    ca = primitive(items[0], "basicConstraints cA")[0] !== 0;
    i++;
  }
  const pathLen = items[i] ? readSmallInt(items[i], "basicConstraints pathLenConstraint") : undefined;
  return pathLen === undefined ? { ca } : { ca, pathLen };
}

function ipText(hexBytes: string): string {
  if (hexBytes.length === 8) return (hexBytes.match(/../g) ?? []).map((b) => parseInt(b, 16)).join(".");
  if (hexBytes.length === 32) return (hexBytes.match(/.{4}/g) ?? []).map((g) => g.replace(/^0{1,3}/, "")).join(":");
  return hexBytes;
}

/** SAN entries: the wire reader's forms, with IPs dotted, UPNs named and directory names decoded. */
function subjectAltNames(value: Uint8Array): string[] {
  const names = readSubjectAltName(value);
  const raw = children(decode(value, "subjectAltName"), "subjectAltName", Type.SEQUENCE);
  return names.map((n, i) => {
    const node: Asn1 | undefined = raw[i];
    if (node?.tagClass === Class.CONTEXT_SPECIFIC && node.type === 4) {
      return `DirName:${readName(children(node, "directoryName", undefined, 1)[0]!, "directoryName").text}`;
    }
    if (node?.tagClass === Class.CONTEXT_SPECIFIC && node.type === 8) return `RID:${nameOf(readOid(node, "registeredID"))}`;
    if (n.startsWith("IP:")) return `IP:${ipText(n.slice(3))}`;
    const other = /^otherName:([\d.]+):(.*)$/s.exec(n);
    if (other) return other[1] === OID.msUpn ? `UPN:${other[2]}` : `otherName:${nameOf(other[1]!)}:${other[2]}`;
    return n;
  });
}

function authorityKeyId(value: Uint8Array): { keyId?: string; text: string } {
  const parts = children(decode(value, "authorityKeyIdentifier"), "authorityKeyIdentifier", Type.SEQUENCE);
  let keyId: string | undefined;
  const text: string[] = [];
  for (const p of parts) {
    if (p.tagClass !== Class.CONTEXT_SPECIFIC) continue;
    if (p.type === 0) {
      keyId = hex(primitive(p, "keyIdentifier"));
      text.push(`keyid:${keyId}`);
    } else if (p.type === 2) {
      text.push(`serial:${hex(primitive(p, "authorityCertSerialNumber"))}`);
    } else if (p.type === 1) {
      text.push("issuer name given");
    }
  }
  return { keyId, text: text.join(", ") || "(empty)" };
}

function decodeKnown(ext: Extension): Pick<ExtensionInspection, "text" | "decoded"> | undefined {
  switch (ext.oid) {
    case OID.basicConstraints: {
      const bc = basicConstraints(ext.value);
      return { decoded: bc, text: `CA:${bc.ca ? "TRUE" : "FALSE"}${bc.pathLen !== undefined ? `, pathlen:${bc.pathLen}` : ""}` };
    }
    case OID.keyUsage: {
      const ku = readKeyUsage(ext.value);
      return { decoded: ku, text: ku.join(", ") || "(none)" };
    }
    case OID.extKeyUsage: {
      const eku = readExtKeyUsage(ext.value).map((u) => (/^\d+(\.\d+)+$/.test(u) ? nameOf(u) : u));
      return { decoded: eku, text: eku.join(", ") || "(none)" };
    }
    case OID.subjectAltName: {
      const san = subjectAltNames(ext.value);
      return { decoded: san, text: san.join(", ") || "(none)" };
    }
    case OID.subjectKeyIdentifier: {
      const ski = hex(primitive(decode(ext.value, "subjectKeyIdentifier"), "subjectKeyIdentifier", Type.OCTETSTRING));
      return { decoded: ski, text: ski };
    }
    case OID.authorityKeyIdentifier: {
      const aki = authorityKeyId(ext.value);
      return aki.keyId !== undefined ? { decoded: aki.keyId, text: aki.text } : { text: aki.text };
    }
    default:
      return undefined;
  }
}

/** Decodes one extension; unknown or malformed ones keep their DER in `valueHex`. */
export function inspectExtension(ext: Extension): ExtensionInspection {
  const base = { oid: ext.oid, name: nameOf(ext.oid), critical: ext.critical };
  try {
    const known = decodeKnown(ext);
    if (known) return { ...base, text: known.text, ...(known.decoded !== undefined ? { decoded: known.decoded } : {}) };
  } catch (err) {
    return {
      ...base,
      text: `malformed (${ext.value.length} bytes): ${shortHex(ext.value)}`,
      valueHex: hex(ext.value),
      error: (err as Error).message,
    };
  }
  return { ...base, text: `${ext.value.length} bytes: ${shortHex(ext.value)}`, valueHex: hex(ext.value) };
}
