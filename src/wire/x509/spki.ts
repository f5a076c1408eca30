// SPDX-License-Identifier: MIT
/** SubjectPublicKeyInfo inspection and the signature-algorithm choice that follows from it. */
import type { HashAlg } from "../../ports/crypto.js";
import { Type, children, decode, nul, oid, primitive, readOid, seq, type Asn1 } from "../asn1/der.js";
import { OID, ecdsaSignatureOid, rsaSignatureOid } from "../oids.js";

export interface SpkiInfo {
  kind: "rsa" | "ec" | "other";
  algorithmOid: string;
  /** RSA modulus bits, or 256/384 for EC curves; 0 when unknown. */
  bits: number;
  /** Content of the subjectPublicKey BIT STRING (without the unused-bits byte): input of the RFC 5280 key id. */
  publicKeyBits: Uint8Array;
}

export function spkiInfo(spki: Uint8Array): SpkiInfo {
  const [alg, key] = children(decode(spki, "SubjectPublicKeyInfo"), "SubjectPublicKeyInfo", Type.SEQUENCE, 2);
  const algorithmOid = readOid(children(alg, "SPKI algorithm", Type.SEQUENCE, 1)[0], "SPKI algorithm id");
  const publicKeyBits = primitive(key, "subjectPublicKey", Type.BITSTRING).subarray(1);
  let bits = 0;
  let kind: SpkiInfo["kind"] = "other";
  if (algorithmOid === OID.rsaEncryption) {
    kind = "rsa";
    const rsaKey = decode(publicKeyBits, "RSAPublicKey");
    const modulus = primitive(children(rsaKey, "RSAPublicKey", Type.SEQUENCE, 2)[0], "modulus", Type.INTEGER);
    const m = modulus[0] === 0 ? modulus.subarray(1) : modulus;
    bits = m.length * 8 - Math.clz32(m[0]!) + 24;
  } else if (algorithmOid === OID.ecPublicKey) {
    kind = "ec";
    bits = publicKeyBits.length > 70 ? 384 : 256;
  }
  return { kind, algorithmOid, bits, publicKeyBits };
}

/** AlgorithmIdentifier for signatures made by a key of this kind. */
export function signatureAlgorithm(kind: "rsa" | "ec", hash: HashAlg): Asn1 {
  return kind === "rsa" ? seq(oid(rsaSignatureOid(hash)), nul()) : seq(oid(ecdsaSignatureOid(hash)));
}
