// SPDX-License-Identifier: MIT
/**
 * The mock APNs' check of the provider's push certificate (see apns-provider.ts). Apple checks a
 * TLS client certificate; the mock is cleartext h2c, so the provider presents the certificate
 * (base64 DER) in `x-enrollsim-provider-certificate`. No header: no check (providers that do not
 * model a certificate keep working). A certificate outside its validity → 403 BadCertificate; a
 * certificate whose subject UID is not the push's apns-topic → 400 TopicDisallowed.
 */
import { parseCertificate } from "../../wire/x509/certificate.js";

export const PROVIDER_CERT_HEADER = "x-enrollsim-provider-certificate";

export function checkProviderCertificate(header: string | string[] | undefined, topic: string, now: number): { status: number; reason: string } | undefined {
  if (header === undefined) return undefined;
  if (typeof header !== "string" || header.length > 16_384 || !/^[A-Za-z0-9+/=]+$/.test(header)) return { status: 403, reason: "BadCertificate" };
  let cert;
  try {
    cert = parseCertificate(new Uint8Array(Buffer.from(header, "base64")), "provider certificate");
  } catch {
    return { status: 403, reason: "BadCertificate" };
  }
  if (now > cert.notAfter.getTime() || now < cert.notBefore.getTime()) return { status: 403, reason: "BadCertificate" };
  const uid = /(?:^|,)\s*UID=([^,]+)/.exec(cert.subject)?.[1]?.trim();
  if (uid !== topic) return { status: 400, reason: "TopicDisallowed" };
  return undefined;
}
