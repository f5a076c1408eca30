// SPDX-License-Identifier: MIT
/**
 * DER building and reading on top of node-forge's ASN.1 structure support. node-forge is used
 * for structure only: every private-key operation goes through the CryptoPort (native).
 *
 * Reading is strict DER with bounded depth: server-supplied DER (CertRep, CA certificates) is
 * hostile input, and node-forge < 1.3.2 had unbounded-recursion and validator-desync CVEs.
 */
import forge from "node-forge";
import { ProtocolViolationError } from "../../errors/index.js";

export const asn1 = forge.asn1;
export type Asn1 = forge.asn1.Asn1;
const { Class, Type } = forge.asn1;

/** Largest DER object any wire codec accepts (a SCEP CertRep with a chain is a few KiB). */
export const MAX_DER_BYTES = 1 << 20;

export const toBinary = (u: Uint8Array): string => Buffer.from(u.buffer, u.byteOffset, u.byteLength).toString("binary");
export const fromBinary = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, "binary"));

/** DER encoding of an ASN.1 object. */
export function encode(obj: Asn1): Uint8Array {
  return fromBinary(asn1.toDer(obj).getBytes());
}

/** Parses DER; malformed, truncated, trailing or too-deep input is a ProtocolViolationError naming `what`. */
export function decode(der: Uint8Array, what: string, maxDepth = 48): Asn1 {
  if (der.length === 0) throw new ProtocolViolationError("asn1.empty", `${what} is empty`);
  if (der.length > MAX_DER_BYTES) {
    throw new ProtocolViolationError("asn1.too-large", `${what} is ${der.length} bytes, more than ${MAX_DER_BYTES}`);
  }
  try {
    return asn1.fromDer(toBinary(der), { strict: true, parseAllBytes: true, decodeBitStrings: false, maxDepth } as never);
  } catch (err) {
    throw new ProtocolViolationError("asn1.malformed", `${what} is not valid DER (${(err as Error).message})`, {
      cause: err,
    });
  }
}

// ---- builders ----------------------------------------------------------------------------

export const seq = (...items: Asn1[]): Asn1 => asn1.create(Class.UNIVERSAL, Type.SEQUENCE, true, items);

/** SET OF with elements sorted by their DER encoding, as X.690 §11.6 requires. */
export function set(...items: Asn1[]): Asn1 {
  const sorted = items
    .map((item) => ({ item, der: Buffer.from(encode(item)) }))
    .sort((a, b) => Buffer.compare(a.der, b.der))
    .map((x) => x.item);
  return asn1.create(Class.UNIVERSAL, Type.SET, true, sorted);
}

export const oid = (dotted: string): Asn1 =>
  asn1.create(Class.UNIVERSAL, Type.OID, false, asn1.oidToDer(dotted).getBytes());

export const nul = (): Asn1 => asn1.create(Class.UNIVERSAL, Type.NULL, false, "");

export const bool = (v: boolean): Asn1 => asn1.create(Class.UNIVERSAL, Type.BOOLEAN, false, v ? "\xff" : "\x00");

/** INTEGER from a small number or from big-endian unsigned bytes (a 0x00 is prepended when needed). */
export function int(v: number | Uint8Array): Asn1 {
  if (typeof v === "number") return asn1.create(Class.UNIVERSAL, Type.INTEGER, false, asn1.integerToDer(v).getBytes());
  let i = 0;
  while (i < v.length - 1 && v[i] === 0 && (v[i + 1]! & 0x80) === 0) i++;
  const trimmed = v.subarray(i);
  const bytes = trimmed[0]! & 0x80 ? Uint8Array.from([0, ...trimmed]) : trimmed;
  return asn1.create(Class.UNIVERSAL, Type.INTEGER, false, toBinary(bytes));
}

export const octets = (v: Uint8Array): Asn1 => asn1.create(Class.UNIVERSAL, Type.OCTETSTRING, false, toBinary(v));
export const printable = (s: string): Asn1 => asn1.create(Class.UNIVERSAL, Type.PRINTABLESTRING, false, s);
export const utf8 = (s: string): Asn1 =>
  asn1.create(Class.UNIVERSAL, Type.UTF8, false, Buffer.from(s, "utf8").toString("binary"));
export const ia5 = (s: string): Asn1 => asn1.create(Class.UNIVERSAL, Type.IA5STRING, false, s);
export const bitString = (v: Uint8Array, unusedBits = 0): Asn1 =>
  asn1.create(Class.UNIVERSAL, Type.BITSTRING, false, String.fromCharCode(unusedBits) + toBinary(v));

/** UTCTime before 2050, GeneralizedTime from 2050 (RFC 5280 §4.1.2.5). */
export function time(d: Date): Asn1 {
  return d.getUTCFullYear() < 2050
    ? asn1.create(Class.UNIVERSAL, Type.UTCTIME, false, asn1.dateToUtcTime(d))
    : asn1.create(Class.UNIVERSAL, Type.GENERALIZEDTIME, false, asn1.dateToGeneralizedTime(d));
}

/** [n] EXPLICIT wrapper. */
export const explicit = (n: number, inner: Asn1): Asn1 => asn1.create(Class.CONTEXT_SPECIFIC, n, true, [inner]);

/** [n] IMPLICIT constructed (e.g. SignedData certificates, signedAttrs). */
export const implicitSet = (n: number, items: Asn1[]): Asn1 => asn1.create(Class.CONTEXT_SPECIFIC, n, true, items);

/** [n] IMPLICIT primitive (e.g. EnvelopedData encryptedContent). */
export const implicitBytes = (n: number, v: Uint8Array): Asn1 =>
  asn1.create(Class.CONTEXT_SPECIFIC, n, false, toBinary(v));

/** An already-encoded DER element, embedded as is. */
export const raw = (der: Uint8Array, what = "embedded DER"): Asn1 => decode(der, what);

/** PrintableString when every character is allowed there, else UTF8String (RFC 5280 DirectoryString). */
export function directoryString(s: string): Asn1 {
  return /^[A-Za-z0-9 '()+,\-./:=?]*$/.test(s) ? printable(s) : utf8(s);
}

// ---- readers -----------------------------------------------------------------------------

function violation(what: string, detail: string): ProtocolViolationError {
  return new ProtocolViolationError("asn1.unexpected", `${what}: ${detail}`);
}

const typeNames: Record<number, string> = {
  [Type.SEQUENCE]: "SEQUENCE",
  [Type.SET]: "SET",
  [Type.INTEGER]: "INTEGER",
  [Type.OID]: "OBJECT IDENTIFIER",
  [Type.OCTETSTRING]: "OCTET STRING",
  [Type.BITSTRING]: "BIT STRING",
  [Type.PRINTABLESTRING]: "PrintableString",
  [Type.UTF8]: "UTF8String",
};

/** Children of a constructed element, checking its universal type when given. */
export function children(obj: Asn1 | undefined, what: string, type?: number, min = 0): Asn1[] {
  if (!obj) throw violation(what, "missing");
  if (!Array.isArray(obj.value)) throw violation(what, "expected a constructed element");
  if (type !== undefined && (obj.tagClass !== Class.UNIVERSAL || obj.type !== type)) {
    throw violation(what, `expected ${typeNames[type] ?? `type ${type}`}`);
  }
  if (obj.value.length < min) throw violation(what, `expected at least ${min} elements, got ${obj.value.length}`);
  return obj.value as Asn1[];
}

/** Primitive content bytes of an element of the given universal type. */
export function primitive(obj: Asn1 | undefined, what: string, type?: number): Uint8Array {
  if (!obj) throw violation(what, "missing");
  if (typeof obj.value !== "string") throw violation(what, "expected a primitive element");
  if (type !== undefined && (obj.tagClass !== Class.UNIVERSAL || obj.type !== type)) {
    throw violation(what, `expected ${typeNames[type] ?? `type ${type}`}`);
  }
  return fromBinary(obj.value);
}

export const readOid = (obj: Asn1 | undefined, what: string): string =>
  asn1.derToOid(toBinary(primitive(obj, what, Type.OID)) as never);

/** Unsigned big-endian bytes of an INTEGER (leading sign byte removed). */
export function readIntBytes(obj: Asn1 | undefined, what: string): Uint8Array {
  const b = primitive(obj, what, Type.INTEGER);
  if (b.length === 0) throw violation(what, "empty INTEGER");
  return b.length > 1 && b[0] === 0 ? b.subarray(1) : b;
}

export function readSmallInt(obj: Asn1 | undefined, what: string): number {
  const b = primitive(obj, what, Type.INTEGER);
  if (b.length === 0) throw violation(what, "empty INTEGER");
  if (b.length > 4) throw violation(what, "integer too large");
  return asn1.derToInteger(toBinary(b) as never);
}

/** Text of any ASN.1 string type. */
export function readString(obj: Asn1 | undefined, what: string): string {
  const b = primitive(obj, what);
  if (obj!.tagClass !== Class.UNIVERSAL) throw violation(what, "expected a string");
  switch (obj!.type as number) {
    case Type.UTF8:
      return Buffer.from(b).toString("utf8");
    case Type.BMPSTRING:
      return obj!.value as string; // forge already decoded the UTF-16 code units
    case Type.PRINTABLESTRING:
    case Type.IA5STRING:
    case 20 /* TeletexString */:
    case 26 /* VisibleString */:
    case 28 /* UniversalString: rare, treat as latin1 */:
      return Buffer.from(b).toString("latin1");
    default:
      throw violation(what, `expected a string type, got universal type ${obj!.type}`);
  }
}

export function readTime(obj: Asn1 | undefined, what: string): Date {
  const b = primitive(obj, what);
  const s = Buffer.from(b).toString("latin1");
  if (obj!.type === Type.UTCTIME) return asn1.utcTimeToDate(s);
  if (obj!.type === Type.GENERALIZEDTIME) return asn1.generalizedTimeToDate(s);
  throw violation(what, "expected UTCTime or GeneralizedTime");
}

export function isContext(obj: Asn1 | undefined, n: number): boolean {
  return !!obj && obj.tagClass === Class.CONTEXT_SPECIFIC && obj.type === n;
}

/** Re-encodes `obj` with a new universal tag (e.g. signedAttrs [0] → SET for signing, RFC 5652 §5.4). */
export function retagAsSet(obj: Asn1): Uint8Array {
  return encode(asn1.create(Class.UNIVERSAL, Type.SET, true, obj.value as Asn1[]));
}

export { Class, Type };
