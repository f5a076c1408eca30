// SPDX-License-Identifier: MIT
/**
 * The reference CA's CertRep encoding choices (`embedded.scep.certRep`, wire/scep/certrep-encoding.ts): real bytes a
 * CA wrote, produced here so that a client release's parser meets them. Default: the RFC 5652 / RFC 8894 encoding.
 */
import { createCipheriv, randomBytes } from "node:crypto";
import type { ContentCipher, CryptoPort, HashAlg, PrivateKey } from "../../ports/crypto.js";
import { implicitBytes, int, oid, seq } from "../../wire/asn1/der.js";
import { encodeEnvelopedData } from "../../wire/cms/enveloped-data.js";
import { ecdsaSignatureOid, rsaSignatureOid } from "../../wire/oids.js";
import { AES128_GCM_OID, type CertRepEncoding } from "../../wire/scep/certrep-encoding.js";
import type { Certificate } from "../../wire/x509/certificate.js";

/** SignerInfo.digestAlgorithm for `signerDigestAlgorithm: signature`: the signature algorithm's OID (undefined: the digest's own). */
export function signerDigestAlgorithmOid(enc: CertRepEncoding | undefined, key: PrivateKey, hash: HashAlg): string | undefined {
  if (enc?.signerDigestAlgorithm !== "signature") return undefined;
  return key.kind === "rsa" ? rsaSignatureOid(hash) : ecdsaSignatureOid(hash);
}

/**
 * The SUCCESS CertRep's content cipher: the request's (RFC 8894 §3.3.2), a single-DES request answered with 3DES,
 * unless `contentCipher` names one. `aes-128-gcm` needs its own envelope (`gcmEnvelope`).
 */
export function replyCipher(enc: CertRepEncoding | undefined, requestCipher: ContentCipher): ContentCipher | "aes-128-gcm" {
  const c = enc?.contentCipher;
  if (c === undefined || c === "request") return requestCipher === "des-cbc" ? "des-ede3-cbc" : requestCipher;
  return c;
}

/**
 * EnvelopedData with AES-128-GCM content encryption, written as the Go pkcs7 library micromdm/scep used until July
 * 2018 wrote it (github.com/groob/pkcs7 43549d8 `encryptAES128GCM`): ContentEncryptionAlgorithmIdentifier
 * id-aes128-GCM with parameters SEQUENCE { [4] IMPLICIT nonce (12 bytes), INTEGER 16 } (Go's `asn1:"tag:4"` makes
 * the nonce context-specific, where RFC 5084 §3.2 has an OCTET STRING), the ciphertext followed by its 16-byte tag,
 * in a constructed [0] holding one OCTET STRING (`marshalEncryptedContent`). RFC 5084 puts AES-GCM in
 * AuthEnvelopedData (RFC 5083); here it sits in a plain EnvelopedData, as that library did.
 */
export function gcmEnvelope(content: Uint8Array, recipient: Certificate, crypto: CryptoPort): Uint8Array {
  const key = randomBytes(16);
  const nonce = randomBytes(12);
  const cipher = createCipheriv("aes-128-gcm", key, nonce);
  const ciphertext = Buffer.concat([cipher.update(content), cipher.final(), cipher.getAuthTag()]);
  return encodeEnvelopedData({
    recipient,
    encryptedKey: crypto.rsaEncryptPkcs1(recipient.spki, new Uint8Array(key)),
    contentEncryptionAlgorithm: seq(oid(AES128_GCM_OID), seq(implicitBytes(4, new Uint8Array(nonce)), int(16))),
    ciphertext: new Uint8Array(ciphertext),
    constructedContent: true,
  });
}
