// SPDX-License-Identifier: MIT
/**
 * Crypto port: the only way protocol and wire code reach private-key operations, digests and
 * ciphers. The Node adapter uses node:crypto (native OpenSSL); no pure-JS private-key operation
 * may sit behind it (scep-and-crypto.md §9).
 */
export type HashAlg = "sha1" | "sha256" | "sha384" | "sha512" | "md5";
/**
 * Content ciphers. `des-cbc` (single DES) is accepted only when reading: Debian's scepserver
 * (micromdm/scep 2.1) still encrypts every CertRep with it, and real devices accept that.
 */
export type ContentCipher = "aes-128-cbc" | "aes-192-cbc" | "aes-256-cbc" | "des-ede3-cbc" | "des-cbc";
export type KeySpec = "rsa2048" | "rsa3072" | "rsa4096" | "ec-p256" | "ec-p384";

/** An opaque private key. `spki` is the DER SubjectPublicKeyInfo of its public half. */
export interface PrivateKey {
  readonly kind: "rsa" | "ec";
  readonly bits: number;
  readonly spki: Uint8Array;
}

export interface CryptoPort {
  digest(alg: HashAlg, data: Uint8Array): Uint8Array;
  hmac(alg: HashAlg, key: Uint8Array, data: Uint8Array): Uint8Array;
  /**
   * Whether two secrets (MACs, tokens) are equal, in time that depends only on their length: false at once for different
   * lengths (a length is not the secret), a constant-time compare of equal-length ones (the adapter's timingSafeEqual).
   */
  secretsEqual(a: Uint8Array, b: Uint8Array): boolean;
  /** RSASSA-PKCS1-v1_5 for RSA keys, ECDSA (DER signature) for EC keys. */
  sign(key: PrivateKey, alg: HashAlg, data: Uint8Array): Uint8Array;
  /** Verifies with a DER SubjectPublicKeyInfo. Never throws on a bad signature: returns false. */
  verify(spki: Uint8Array, alg: HashAlg, data: Uint8Array, signature: Uint8Array): boolean;
  /** RSAES-PKCS1-v1_5 key transport to a DER SubjectPublicKeyInfo. */
  rsaEncryptPkcs1(spki: Uint8Array, data: Uint8Array): Uint8Array;
  /** RSAES-PKCS1-v1_5 decryption (see the adapter for the CVE-2023-46809 note). */
  rsaDecryptPkcs1(key: PrivateKey, data: Uint8Array): Uint8Array;
  encrypt(cipher: ContentCipher, key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array;
  decrypt(cipher: ContentCipher, key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array;
  /** Fresh key generation; async and off the event loop. Device paths take keys from the pool instead. */
  generateKey(spec: KeySpec): Promise<PrivateKey>;
  importPrivateKey(pkcs8Der: Uint8Array): PrivateKey;
  exportPrivateKey(key: PrivateKey): Uint8Array;
  /** PEM (PKCS#8) for handing to TLS stacks. */
  privateKeyPem(key: PrivateKey): string;
}
