// SPDX-License-Identifier: MIT
/**
 * An RSA PKCS#8 record of the key pool as a JWK, read with a minimal DER reader, so the pool can
 * import it with `createPrivateKey({ format: "jwk" })`. Importing the same DER record through
 * OpenSSL 3's decoder framework (`createPrivateKey({ format: "der", type: "pkcs8" })`) costs
 * ≈ 0.3 ms per key on the 2-core bench machine, a JWK ≈ 0.01 ms (docs/performance.md, issue 14 #4):
 * one import per device, ≈ 3 % of a simulator enrolment.
 *
 * The reader accepts exactly PrivateKeyInfo { version 0, rsaEncryption with NULL parameters,
 * OCTET STRING { RSAPrivateKey version 0 (two-prime) with its eight integers } } (RFC 5208 §5,
 * RFC 8017 A.1.2) in DER with nothing left over; anything else returns undefined and the caller
 * imports through OpenSSL, which also names what is wrong with a damaged record.
 */
import type { JsonWebKey } from "node:crypto";

const RSA_ENCRYPTION = Buffer.from("06092a864886f70d0101010500", "hex"); // OID 1.2.840.113549.1.1.1, NULL

interface Tlv {
  tag: number;
  start: number;
  end: number;
}

/** One DER TLV at `at`, inside `limit`; undefined when it does not fit or is not minimal DER. */
function tlv(b: Uint8Array, at: number, limit: number): Tlv | undefined {
  if (at + 2 > limit) return undefined;
  const tag = b[at]!;
  let len = b[at + 1]!;
  let start = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 3 || start + n > limit) return undefined;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[start + i]!;
    if (len < 0x80 || b[start] === 0) return undefined; // not the shortest form
    start += n;
  }
  const end = start + len;
  return end <= limit ? { tag, start, end } : undefined;
}

const b64url = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.length).toString("base64url");

/** An unsigned big-endian integer's magnitude (the sign octet dropped); undefined if negative or not minimal. */
function positive(b: Uint8Array, t: Tlv): Uint8Array | undefined {
  if (t.tag !== 0x02 || t.end === t.start) return undefined;
  if (b[t.start]! & 0x80) return undefined;
  if (b[t.start] === 0 && t.end - t.start > 1) {
    if (!(b[t.start + 1]! & 0x80)) return undefined;
    return b.subarray(t.start + 1, t.end);
  }
  return b.subarray(t.start, t.end);
}

export function rsaPkcs8ToJwk(der: Uint8Array): JsonWebKey | undefined {
  const outer = tlv(der, 0, der.length);
  if (!outer || outer.tag !== 0x30 || outer.end !== der.length) return undefined;
  const version = tlv(der, outer.start, outer.end);
  if (!version || version.tag !== 0x02 || version.end - version.start !== 1 || der[version.start] !== 0) return undefined;
  const alg = tlv(der, version.end, outer.end);
  if (!alg || alg.tag !== 0x30 || !Buffer.from(der.subarray(alg.start, alg.end)).equals(RSA_ENCRYPTION)) return undefined;
  const octets = tlv(der, alg.end, outer.end);
  if (!octets || octets.tag !== 0x04 || octets.end !== outer.end) return undefined; // no attributes expected
  const rsa = tlv(der, octets.start, octets.end);
  if (!rsa || rsa.tag !== 0x30 || rsa.end !== octets.end) return undefined;
  const ints: Uint8Array[] = [];
  let at = rsa.start;
  for (let i = 0; i < 9; i++) {
    const t = tlv(der, at, rsa.end);
    const v = t && positive(der, t);
    if (!t || !v) return undefined;
    ints.push(v);
    at = t.end;
  }
  if (at !== rsa.end || ints[0]!.length !== 1 || ints[0]![0] !== 0) return undefined; // two-prime only
  const [, n, e, d, p, q, dp, dq, qi] = ints.map(b64url);
  return { kty: "RSA", n, e, d, p, q, dp, dq, qi };
}

/**
 * An RSA SubjectPublicKeyInfo as a JWK, for `createPublicKey({ format: "jwk" })`: importing the
 * DER through OpenSSL 3's decoder costs ≈ 0.1 ms, a JWK ≈ 0.005 ms, and the reference server
 * imports one new device key per enrolment (docs/performance.md, "Server CPU per enrolment").
 * Accepts exactly SubjectPublicKeyInfo { rsaEncryption with NULL parameters, BIT STRING with no
 * unused bits holding RSAPublicKey { modulus, publicExponent } } (RFC 5280 §4.1, RFC 8017 A.1.1)
 * in DER with nothing left over; anything else (EC keys, RSASSA-PSS keys, damaged DER) returns
 * undefined and the caller imports through OpenSSL, which decides as before.
 */
export function rsaSpkiToJwk(der: Uint8Array): JsonWebKey | undefined {
  const outer = tlv(der, 0, der.length);
  if (!outer || outer.tag !== 0x30 || outer.end !== der.length) return undefined;
  const alg = tlv(der, outer.start, outer.end);
  if (!alg || alg.tag !== 0x30 || !Buffer.from(der.subarray(alg.start, alg.end)).equals(RSA_ENCRYPTION)) return undefined;
  const bits = tlv(der, alg.end, outer.end);
  if (!bits || bits.tag !== 0x03 || bits.end !== outer.end || bits.end - bits.start < 2 || der[bits.start] !== 0) return undefined;
  const rsa = tlv(der, bits.start + 1, bits.end);
  if (!rsa || rsa.tag !== 0x30 || rsa.end !== bits.end) return undefined;
  const nT = tlv(der, rsa.start, rsa.end);
  const n = nT && positive(der, nT);
  const eT = nT && tlv(der, nT.end, rsa.end);
  const e = eT && positive(der, eT);
  if (!n || !e || eT.end !== rsa.end) return undefined;
  return { kty: "RSA", n: b64url(n), e: b64url(e) };
}
