// SPDX-License-Identifier: MIT
/**
 * How a SCEP CA encodes its CertRep, and how one client release's CertRep parser reacts to an encoding. These are
 * encoding choices real CAs made (each produces real bytes that `openssl cms -cmsout -print` still parses), not
 * defects named after a ticket:
 *
 * - `signerDigestAlgorithm`: what SignerInfo.digestAlgorithm holds. `digest` (RFC 5652 §5.3: a
 *   DigestAlgorithmIdentifier, the one SignedData.digestAlgorithms lists) or `signature`: the signature
 *   algorithm's OID (sha1WithRSAEncryption, sha256WithRSAEncryption, ecdsa-with-…) while
 *   SignedData.digestAlgorithms still lists the digest. The Go pkcs7 library micromdm/scep used until July 2018
 *   (github.com/groob/pkcs7 branch sha256, `AddSigner`: `DigestAlgorithm: sigAlgo`) wrote this; commit 18eb4f3
 *   "Ensure AddSigner uses the correct digestAlgorithm" (micromdm/micromdm 1593d130) fixed it.
 * - `contentCipher`: the content-encryption algorithm of the CertRep's pkcsPKIEnvelope. `request` (default): the
 *   request envelope's cipher, as RFC 8894 §3.3.2 expects of a CA; or one cipher for every CertRep. `aes-128-gcm` is
 *   written as that pkcs7 library wrote it (encryptAES128GCM: GCMParameters with the nonce tagged [4], ICV length
 *   16, the ciphertext with its tag in a constructed [0]); it answered every AES-CBC request with it until
 *   micromdm/micromdm 9f60f7ba ("pin to aes_fix branch", fixing micromdm#453).
 *
 * A client's reaction is `accept` (it decodes the encoding and still verifies/decrypts for real), `reject` (it
 * refuses the answer as invalid) or `crash` (its parser faults on it: on Apple devices profiled dies and the
 * installer loses its XPC connection). The per-release table is catalog data (devices/scep-clients/*.yaml).
 */

export const SIGNER_DIGEST_ALGORITHM_FORMS = ["digest", "signature"] as const;
export type SignerDigestAlgorithmForm = (typeof SIGNER_DIGEST_ALGORITHM_FORMS)[number];

export const CERTREP_CONTENT_CIPHERS = ["request", "des-cbc", "des-ede3-cbc", "aes-128-cbc", "aes-256-cbc", "aes-128-gcm"] as const;
export type CertRepContentCipher = (typeof CERTREP_CONTENT_CIPHERS)[number];

/** `embedded.scep.certRep`: how the CA encodes every CertRep. Absent keys: the RFC encoding. */
export interface CertRepEncoding {
  signerDigestAlgorithm?: SignerDigestAlgorithmForm;
  contentCipher?: CertRepContentCipher;
}

/** id-aes128-GCM (RFC 5084 §3.2). */
export const AES128_GCM_OID = "2.16.840.1.101.3.4.1.6";

/** The properties a parser table row can name, with the values a CertRep can show for each. */
export const CERTREP_PROPERTIES = {
  signerDigestAlgorithm: ["signature"],
  contentCipher: ["aes-128-gcm"],
} as const;
/**
 * What a client release judges in the CA's GetCACaps answer (RFC 8894 §3.5.2), before any PKIOperation. `no-digest`:
 * none of SHA-1, SHA-256, SHA-512 is advertised (SCEPStandard implies SHA-256). A row says `reject` (the device refuses
 * the CA itself) or `accept` (it falls back to the legacy defaults and lets the CA judge the request); a release with no
 * row falls back (the RFC 8894 legacy defaults: GET, DES3, SHA-1).
 */
export const CACAPS_PROPERTIES = {
  getCaCaps: ["no-digest"],
  /**
   * What a release does with a GetCACert RA/CA set in which no certificate may serve as RA by its keyUsage (none has both
   * digitalSignature and keyEncipherment, and no pair has one each): `reject` refuses the CA at GetCACert (Apple from
   * macOS 13.0: SecSCEP's scep_find_ra_candidates, errSecKeyUsageIncorrect -67731); `accept` goes on with the CA
   * (protocol/apple/scep-recipient.ts). A release with no row keeps the rule its platform's client has without one.
   */
  getCaCert: ["no-ra-candidate"],
} as const;
export type CertRepProperty = keyof typeof CERTREP_PROPERTIES | keyof typeof CACAPS_PROPERTIES;

export const CERTREP_REACTIONS = ["accept", "reject", "crash"] as const;
export type CertRepReaction = (typeof CERTREP_REACTIONS)[number];

/** What one client release does with one encoding property value, and where that is published. */
export interface CertRepParserRule {
  property: CertRepProperty;
  value: string;
  reaction: CertRepReaction;
  source: string;
}

/** The CertRep parser of one device's release: its rules; every property value it has no rule for is refused (RFC-strict). */
export interface CertRepParser {
  /** "ios 11.4", for messages. */
  release: string;
  rules: readonly CertRepParserRule[];
}

/** The rule of `parser` for this property value; undefined: the strict default (reject). */
export function parserRule(parser: CertRepParser | undefined, property: CertRepProperty, value: string): CertRepParserRule | undefined {
  return parser?.rules.find((r) => r.property === property && r.value === value);
}
