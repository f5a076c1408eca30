// SPDX-License-Identifier: MIT
/**
 * Which certificate of a GetCACert answer an Apple device encrypts its SCEP request to: Apple's rule, as its Security
 * framework publishes it (SecSCEPValidateCACertMessage, Security/OSX/sec/Security/SecSCEP.c, open source):
 * every certificate of the RA/CA set that chains to the CA is an RA candidate, judged by its keyUsage only —
 * digitalSignature + keyEncipherment: the RA for both; keyEncipherment alone with a digitalSignature-only one: the
 * encryption/signing pair. A certificate WITHOUT a keyUsage extension reads as no usage (SecCertificateGetKeyUsage is
 * 0): it is no candidate at all.
 *
 * That function fails alike in both cases below (no RA candidate); what the device then does differs between two field
 * reports, and enrollsim separates them by whether an RA-side certificate carries a keyUsage extension at all — an
 * inference, not published:
 * - a candidate with a keyUsage that allows no encryption (digitalSignature only) and no other usable RA: the device
 *   refuses, MCSCEPErrorDomain 22003 "The Registration Authority's response is invalid." (field-failures
 *   `apple-scep-ra-response-invalid`);
 * - no certificate of the set carries a keyUsage extension (an RA issued without one): the Mac goes on and encrypts
 *   to the CA certificate — openxpki/openxpki-config#14 (2021): "macOS keeps selecting "wrong" CA certificate for
 *   payload encryption … It selects either Root CA or Issuing CA depending on SCEP configuration" (the CA the set
 *   names), fixed by issuing the RA with keyUsage digitalSignature, keyEncipherment (openxpki-config#15). A server
 *   that holds only the RA key cannot open that envelope.
 * That is the rule of releases whose devices/scep-clients/*.yaml rows say nothing of `getCaCert: no-ra-candidate`.
 *
 * Releases with a `getCaCert: no-ra-candidate` row judge the set by the newer SecSCEP ({@link secScepRecipient}): from
 * Security-60420.40.34.0.1 (macOS 13.0, apple-oss-distributions/distribution-macOS release.json; absent in
 * Security-60158.140.3, macOS 12.5) SecSCEPValidateCACertMessage first sorts EVERY certificate of the set, CA
 * certificates included, by keyUsage (scep_find_ra_candidates) and, with no candidate, logs "SCEP failed to find
 * candidate RA certificates" and returns errSecKeyUsageIncorrect, -67731 "The key usage is incorrect." (SecBase.h) —
 * the log of NeySlim/ultimate-ca-manager#101 (a CA issuing from an intermediate, served as a CA-only chain).
 *
 * Other clients differ and are not this rule: enrollsim's generic client (protocol/scep/ca-chain.ts) takes an RA with
 * keyEncipherment, else the single RA, like sscep's and micromdm/scep's clients, which encrypt to the RA certificate(s)
 * GetCACert returned without reading keyUsage.
 */
import type { CaChain } from "../scep/ca-chain.js";
import type { Certificate } from "../../wire/x509/certificate.js";

export type AppleRecipient = { recipient: Certificate; why: string } | { refused: string; osStatus?: number };

/** errSecKeyUsageIncorrect (Security/base/SecBase.h): what SecSCEPValidateCACertMessage returns with no RA candidate. */
export const ERR_SEC_KEY_USAGE_INCORRECT = { code: -67731, text: "The key usage is incorrect." } as const;

export function appleScepRecipient(chain: CaChain): AppleRecipient {
  if (chain.form === "single" || chain.all.length === 1) return { recipient: chain.encryption, why: "the single CA certificate" };
  // RA-side certificates: not the CA, not CA-flagged (a root or intermediate in the set is the chain, not an RA).
  const candidates = chain.all.filter((c) => c !== chain.ca && !c.isCA);
  const can = (c: Certificate, u: "digitalSignature" | "keyEncipherment") => c.keyUsage?.includes(u) ?? false;
  const both = candidates.find((c) => can(c, "digitalSignature") && can(c, "keyEncipherment"));
  if (both) return { recipient: both, why: `RA ${both.subject}: keyUsage digitalSignature, keyEncipherment` };
  const encOnly = candidates.find((c) => can(c, "keyEncipherment") && !can(c, "digitalSignature"));
  const signOnly = candidates.find((c) => can(c, "digitalSignature") && !can(c, "keyEncipherment"));
  if (encOnly && signOnly) return { recipient: encOnly, why: `RA encryption certificate ${encOnly.subject} (keyEncipherment), signing certificate ${signOnly.subject}` };
  // A set of CA certificates alone (a CA issuing from an intermediate, no RA): no candidate either; the same step to the CA.
  if (candidates.length === 0) return { recipient: chain.ca, why: `the set holds no RA, only CA certificates: the request is encrypted to the issuing CA ${chain.ca.subject} (as with an RA that is no candidate, openxpki/openxpki-config#14)` };
  const withUsage = candidates.filter((c) => c.keyUsage !== undefined);
  if (withUsage.length > 0) {
    return { refused: `no RA certificate may both sign and encrypt (${withUsage.map((c) => `${c.subject}: keyUsage ${c.keyUsage!.join(",") || "empty"}`).join("; ")})` };
  }
  return {
    recipient: chain.ca,
    why: `no certificate of the RA/CA set has a keyUsage extension (${candidates.map((c) => c.subject).join("; ")}): no RA candidate, the request is encrypted to the CA ${chain.ca.subject} (openxpki/openxpki-config#14)`,
  };
}

/**
 * The newer SecSCEP's choice (Security-60420.40.34.0.1 SecSCEP.c, scep_find_ra_candidates then scep_find_ra_chain), for
 * releases whose row says `getCaCert: no-ra-candidate` (reject): every certificate of the set is sorted by keyUsage —
 * digitalSignature + keyEncipherment: an RA for both; one of them: a signing / encryption candidate; none (or no
 * extension): nothing — and with neither an RA for both nor a signing AND an encryption candidate the set is refused
 * (errSecKeyUsageIncorrect). A CA certificate whose keyUsage allows both (RFC 8894 §2.1.2 asks that of a CA that
 * decrypts requests itself) IS a candidate: the request is encrypted to it. A separate signing/encryption pair is
 * preferred; the candidate's chain is built through the set and its top is the CA. A single CA certificate
 * (application/x-x509-ca-cert) is not judged so: the ticket's fix, serving the issuing CA alone, enrolls (#102).
 * Not modelled: anchoring the candidate's chain at a CAFingerprint certificate (scep_find_ca_cert), and the
 * signing/encryption chains ending at different CAs (errSecNotTrusted).
 */
export function secScepRecipient(chain: CaChain): AppleRecipient {
  if (chain.form === "single") return { recipient: chain.encryption, why: "the single CA certificate" };
  const can = (c: Certificate, u: "digitalSignature" | "keyEncipherment") => c.keyUsage?.includes(u) ?? false;
  const both = chain.all.filter((c) => can(c, "digitalSignature") && can(c, "keyEncipherment"));
  const encOnly = chain.all.filter((c) => can(c, "keyEncipherment") && !can(c, "digitalSignature"));
  const signOnly = chain.all.filter((c) => can(c, "digitalSignature") && !can(c, "keyEncipherment"));
  if (both.length === 0 && (signOnly.length === 0 || encOnly.length === 0)) {
    const usages = chain.all.map((c) => `${c.subject}${c.isCA ? " (CA)" : ""}: ${c.keyUsage ? `keyUsage ${c.keyUsage.join(",") || "empty"}` : "no keyUsage"}`).join("; ");
    return {
      refused: `SCEP failed to find candidate RA certificates: no certificate of the GetCACert set has keyUsage digitalSignature + keyEncipherment, nor is there a signing and an encryption one (${usages}); GetCACert: Validating response failed: ${ERR_SEC_KEY_USAGE_INCORRECT.code} (${ERR_SEC_KEY_USAGE_INCORRECT.text})`,
      osStatus: ERR_SEC_KEY_USAGE_INCORRECT.code,
    };
  }
  if (encOnly[0] && signOnly[0]) {
    return { recipient: encOnly[0], why: `encryption candidate ${encOnly[0].subject} (keyEncipherment), signing candidate ${signOnly[0].subject} (digitalSignature)` };
  }
  const ra = both[0]!;
  return { recipient: ra, why: `RA candidate ${ra.subject}${ra.isCA ? " (a CA certificate)" : ""}: keyUsage digitalSignature, keyEncipherment` };
}
