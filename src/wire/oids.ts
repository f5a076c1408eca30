// SPDX-License-Identifier: MIT
/** Object identifiers used by the wire codecs (RFC 5652, RFC 5280, RFC 2985, RFC 8894). */
import type { ContentCipher, HashAlg } from "../ports/crypto.js";

export const OID = {
  // CMS content types
  data: "1.2.840.113549.1.7.1",
  signedData: "1.2.840.113549.1.7.2",
  envelopedData: "1.2.840.113549.1.7.3",
  // PKCS#9 attributes
  contentType: "1.2.840.113549.1.9.3",
  messageDigest: "1.2.840.113549.1.9.4",
  signingTime: "1.2.840.113549.1.9.5",
  challengePassword: "1.2.840.113549.1.9.7",
  extensionRequest: "1.2.840.113549.1.9.14",
  emailAddress: "1.2.840.113549.1.9.1",
  // SCEP (RFC 8894 §3.2.1)
  scepMessageType: "2.16.840.1.113733.1.9.2",
  scepPkiStatus: "2.16.840.1.113733.1.9.3",
  scepFailInfo: "2.16.840.1.113733.1.9.4",
  scepSenderNonce: "2.16.840.1.113733.1.9.5",
  scepRecipientNonce: "2.16.840.1.113733.1.9.6",
  scepTransactionId: "2.16.840.1.113733.1.9.7",
  scepFailInfoText: "1.3.6.1.5.5.7.24.1",
  // key and signature algorithms
  rsaEncryption: "1.2.840.113549.1.1.1",
  sha1WithRSA: "1.2.840.113549.1.1.5",
  sha256WithRSA: "1.2.840.113549.1.1.11",
  sha384WithRSA: "1.2.840.113549.1.1.12",
  sha512WithRSA: "1.2.840.113549.1.1.13",
  oiwSha1WithRSA: "1.3.14.3.2.29",
  ecPublicKey: "1.2.840.10045.2.1",
  ecdsaWithSha1: "1.2.840.10045.4.1",
  ecdsaWithSha256: "1.2.840.10045.4.3.2",
  ecdsaWithSha384: "1.2.840.10045.4.3.3",
  ecdsaWithSha512: "1.2.840.10045.4.3.4",
  // digests
  md5: "1.2.840.113549.2.5",
  sha1: "1.3.14.3.2.26",
  sha256: "2.16.840.1.101.3.4.2.1",
  sha384: "2.16.840.1.101.3.4.2.2",
  sha512: "2.16.840.1.101.3.4.2.3",
  // content ciphers
  aes128cbc: "2.16.840.1.101.3.4.1.2",
  aes192cbc: "2.16.840.1.101.3.4.1.22",
  aes256cbc: "2.16.840.1.101.3.4.1.42",
  desEde3cbc: "1.2.840.113549.3.7",
  desCbc: "1.3.14.3.2.7",
  // X.509 extensions
  subjectKeyIdentifier: "2.5.29.14",
  keyUsage: "2.5.29.15",
  subjectAltName: "2.5.29.17",
  basicConstraints: "2.5.29.19",
  authorityKeyIdentifier: "2.5.29.35",
  extKeyUsage: "2.5.29.37",
  // EKUs
  serverAuth: "1.3.6.1.5.5.7.3.1",
  clientAuth: "1.3.6.1.5.5.7.3.2",
  codeSigning: "1.3.6.1.5.5.7.3.3",
  emailProtection: "1.3.6.1.5.5.7.3.4",
  // SAN otherName
  msUpn: "1.3.6.1.4.1.311.20.2.3",
} as const;

export const hashOid: Record<HashAlg, string> = {
  md5: OID.md5,
  sha1: OID.sha1,
  sha256: OID.sha256,
  sha384: OID.sha384,
  sha512: OID.sha512,
};

export const cipherOid: Record<ContentCipher, string> = {
  "aes-128-cbc": OID.aes128cbc,
  "aes-192-cbc": OID.aes192cbc,
  "aes-256-cbc": OID.aes256cbc,
  "des-ede3-cbc": OID.desEde3cbc,
  "des-cbc": OID.desCbc,
};

export const cipherKeyLength: Record<ContentCipher, number> = {
  "aes-128-cbc": 16,
  "aes-192-cbc": 24,
  "aes-256-cbc": 32,
  "des-ede3-cbc": 24,
  "des-cbc": 8,
};

export const cipherIvLength: Record<ContentCipher, number> = {
  "aes-128-cbc": 16,
  "aes-192-cbc": 16,
  "aes-256-cbc": 16,
  "des-ede3-cbc": 8,
  "des-cbc": 8,
};

function invert<K extends string>(m: Record<K, string>): Record<string, K> {
  return Object.fromEntries(Object.entries(m).map(([k, v]) => [v, k])) as Record<string, K>;
}
export const hashByOid = invert(hashOid);
export const cipherByOid = invert(cipherOid);

/** Signature algorithm OID → digest, for RSA and ECDSA (rsaEncryption means "the digest alg says"). */
export const signatureHash: Record<string, HashAlg> = {
  [OID.sha1WithRSA]: "sha1",
  [OID.oiwSha1WithRSA]: "sha1",
  [OID.sha256WithRSA]: "sha256",
  [OID.sha384WithRSA]: "sha384",
  [OID.sha512WithRSA]: "sha512",
  [OID.ecdsaWithSha1]: "sha1",
  [OID.ecdsaWithSha256]: "sha256",
  [OID.ecdsaWithSha384]: "sha384",
  [OID.ecdsaWithSha512]: "sha512",
};

export function rsaSignatureOid(hash: HashAlg): string {
  switch (hash) {
    case "sha1":
      return OID.sha1WithRSA;
    case "sha384":
      return OID.sha384WithRSA;
    case "sha512":
      return OID.sha512WithRSA;
    default:
      return OID.sha256WithRSA;
  }
}

export function ecdsaSignatureOid(hash: HashAlg): string {
  switch (hash) {
    case "sha1":
      return OID.ecdsaWithSha1;
    case "sha384":
      return OID.ecdsaWithSha384;
    case "sha512":
      return OID.ecdsaWithSha512;
    default:
      return OID.ecdsaWithSha256;
  }
}

/** Names for readable output (inspect, transcripts). */
export const oidNames: Record<string, string> = Object.fromEntries(
  Object.entries(OID).map(([name, oid]) => [oid, name]),
);
