// SPDX-License-Identifier: MIT
/**
 * Remembers device certificates already found to be issued by one CA, so a server half does not
 * parse and signature-check the same client certificate on every request of every check-in (it
 * was ≈ 10 % of the reference server's CPU in the apple-enroll benchmark). Only the issuer check
 * is cached: validity against the clock, revocation and per-request signatures stay per request.
 * Bounded (oldest entry evicted first); keyed by the certificate's exact DER bytes.
 */
import type { CryptoPort } from "../ports/crypto.js";
import { parseCertificate, sameBytes, verifyCertificateSignature, type Certificate } from "../wire/x509/certificate.js";

export class IssuedByCache {
  private readonly known = new Map<string, Certificate>();

  constructor(
    /** The CA, or the CAs (an issuing intermediate and the root), whose signature admits a certificate. */
    private readonly ca: () => { subjectDer: Uint8Array; spki: Uint8Array } | readonly { subjectDer: Uint8Array; spki: Uint8Array }[],
    private readonly crypto: CryptoPort,
    private readonly max = 4096,
  ) {}

  /**
   * The parsed certificate if `der` is a certificate signed by the CA; "unreadable" or
   * "not-issued" otherwise. Throws nothing.
   */
  check(der: Uint8Array, what = "client certificate"): Certificate | "unreadable" | "not-issued" {
    const key = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString("latin1");
    const hit = this.known.get(key);
    if (hit) return hit;
    let cert: Certificate;
    try {
      cert = parseCertificate(der, what);
    } catch {
      return "unreadable";
    }
    return this.admit(key, cert);
  }

  /** Same as {@link check} for a certificate already parsed (e.g. the signer of an Mdm-Signature). */
  checkParsed(cert: Certificate): Certificate | "not-issued" {
    const key = Buffer.from(cert.der.buffer, cert.der.byteOffset, cert.der.byteLength).toString("latin1");
    return this.known.get(key) ?? this.admit(key, cert);
  }

  get size(): number {
    return this.known.size;
  }

  private admit(key: string, cert: Certificate): Certificate | "not-issued" {
    const given = this.ca();
    const cas = Array.isArray(given) ? given : [given as { subjectDer: Uint8Array; spki: Uint8Array }];
    if (!cas.some((ca) => sameBytes(cert.issuerDer, ca.subjectDer) && verifyCertificateSignature(cert, ca.spki, this.crypto))) return "not-issued";
    if (this.known.size >= this.max) this.known.delete(this.known.keys().next().value as string);
    this.known.set(key, cert);
    return cert;
  }
}
