// SPDX-License-Identifier: MIT
/**
 * The MDM server's APNs provider side beyond `sendMdmPush`: its push certificate (a real X.509
 * certificate with a validity checked against the server clock, the topic in the subject UID)
 * and scripted pushes.
 *
 * Model (small, see scenarios/README-apple.md):
 * - The certificate stands in for the Apple-issued "APSP" MDM push certificate. It is issued by
 *   the reference CA (NOT Apple's push CA); the topic derives from the Apple ID it was created with
 *   (the configured `topic` for the first Apple ID, a hash-derived `com.apple.mgmt.External.<uuid>`
 *   for any other).
 * - The provider presents it to the mock APNs in the `x-enrollsim-provider-certificate` header (the
 *   mock is cleartext h2c; Apple checks a TLS client certificate instead). The mock refuses a
 *   certificate outside its validity (403 BadCertificate) or one that does not carry the push's
 *   topic (400 TopicDisallowed).
 * - Enrollment refusal: while the certificate is not valid, every enrollment entry point answers 403
 *   {"code":"APNSCertificateNotValid"} with Intune's text.
 * - Renewal: within the 30-day grace after notAfter with the SAME Apple ID keeps the topic; a
 *   different Apple ID (or past the grace) yields a new topic, which devices enrolled earlier do not
 *   have in their profile: pushes to them are refused.
 * Not modelled: Apple's push CA and its chain, the certificate's multi-topic extension, TLS-level
 * refusal, token-based (JWT) provider authentication, the Apple Push Certificates portal.
 */
import { createHash, randomUUID } from "node:crypto";
import type { PrivateKey } from "../../ports/crypto.js";
import { buildCertificate } from "../../wire/x509/certificate.js";
import { basicConstraints, extKeyUsage, keyUsage } from "../../wire/x509/extensions.js";
import type { HalfContext } from "../half.js";

export const DAY_MS = 86_400_000;
export const APNS_GRACE_DAYS = 30;
export const APNS_CERT_NOT_VALID = { code: "APNSCertificateNotValid", message: "This Service is not supported. No Enrollment Policy." } as const;

export interface ApnsCertificateConfig {
  /** Apple ID the push certificate was created with (default mdm-admin@enrollsim.test). */
  appleId?: string;
  /** Days from server start until notAfter; negative: expired that many days ago (default 365). */
  expiresInDays?: number;
}

export interface PushOnEnrollConfig {
  /** Pushes sent to each device after its first TokenUpdate (default 1). */
  count?: number;
  /** apns-collapse-id of those pushes. */
  collapseId?: string;
  /** apns-expiration (epoch seconds; 0 = now or never). */
  expiration?: number;
  /** Wait before pushing (server clock; default 0.05 s). */
  delaySeconds?: number;
}

export interface PushCertificate {
  der: Uint8Array;
  appleId: string;
  topic: string;
  notBefore: number;
  notAfter: number;
}

/** `com.apple.mgmt.External.<uuid>` derived from an Apple ID (stable, like a topic bound to the account). */
export function topicForAppleId(appleId: string): string {
  const h = createHash("sha256").update(`apns-topic:${appleId.toLowerCase()}`).digest("hex");
  return `com.apple.mgmt.External.${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

export class ApnsProviderCertificate {
  current?: PushCertificate;
  private key?: PrivateKey;
  renewals = 0;

  constructor(
    private readonly ctx: HalfContext,
    private readonly cfg: ApnsCertificateConfig,
    private readonly firstTopic: string,
  ) {}

  get firstAppleId(): string {
    return this.cfg.appleId ?? "mdm-admin@enrollsim.test";
  }

  async warm(): Promise<void> {
    this.key = await this.ctx.crypto.generateKey("ec-p256");
    const now = this.ctx.now();
    const notAfter = now + (this.cfg.expiresInDays ?? 365) * DAY_MS;
    this.current = this.issue(this.firstAppleId, this.firstTopic, notAfter - 365 * DAY_MS, notAfter);
  }

  private issue(appleId: string, topic: string, notBefore: number, notAfter: number): PushCertificate {
    const id = this.ctx.scep.id;
    const serial = Uint8Array.from([0x4a, ...createHash("sha256").update(`${topic}|${notAfter}|${this.renewals}`).digest().subarray(0, 7)]);
    const der = buildCertificate(
      {
        serial,
        issuer: id.ca.subjectDer,
        subject: `UID=${topic},CN=APSP:${randomUUID()},OU=stand-in for an Apple-issued MDM push certificate,O=enrollsim`,
        notBefore: new Date(notBefore),
        notAfter: new Date(notAfter),
        spki: this.key!.spki,
        extensions: [basicConstraints(false), keyUsage(["digitalSignature"]), extKeyUsage(["clientAuth"])],
      },
      id.caKey,
      "sha256",
      this.ctx.crypto,
    );
    return { der, appleId, topic, notBefore, notAfter };
  }

  valid(now = this.ctx.now()): boolean {
    const c = this.current;
    return !!c && now >= c.notBefore && now <= c.notAfter;
  }

  /** The certificate expires now (re-issued with notAfter = now, same topic and Apple ID). */
  expireNow(now = this.ctx.now()): PushCertificate | undefined {
    const c = this.current;
    if (!c) return undefined;
    this.current = this.issue(c.appleId, c.topic, Math.min(c.notBefore, now - 60_000), now - 1);
    return this.current;
  }

  /**
   * Renews: the same Apple ID within the grace keeps the topic; another Apple ID, or the same one
   * past the grace (a new certificate has to be created), gets another topic.
   */
  renew(appleId: string, now = this.ctx.now()): PushCertificate {
    const old = this.current!;
    const keepTopic = appleId.toLowerCase() === old.appleId.toLowerCase() && now <= old.notAfter + APNS_GRACE_DAYS * DAY_MS;
    const sameId = appleId.toLowerCase() === old.appleId.toLowerCase();
    const topic = keepTopic ? old.topic : topicForAppleId(sameId ? `${appleId}#new-certificate-${this.renewals + 1}` : appleId);
    this.renewals++;
    this.current = this.issue(appleId, topic, now - 60_000, now + 365 * DAY_MS);
    return this.current;
  }
}
