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
 * Which release first refused such a set at GetCACert instead (a newer SecSCEP logs "SCEP failed to find candidate RA
 * certificates", -67731 "The key usage is incorrect.", NeySlim/ultimate-ca-manager#102, 2026, for a set of CA
 * certificates only) is not published: every release here follows the 2021 report.
 *
 * Other clients differ and are not this rule: enrollsim's generic client (protocol/scep/ca-chain.ts) takes an RA with
 * keyEncipherment, else the single RA, like sscep's and micromdm/scep's clients, which encrypt to the RA certificate(s)
 * GetCACert returned without reading keyUsage.
 */
import type { CaChain } from "../scep/ca-chain.js";
import type { Certificate } from "../../wire/x509/certificate.js";

export type AppleRecipient = { recipient: Certificate; why: string } | { refused: string };

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
  const withUsage = candidates.filter((c) => c.keyUsage !== undefined);
  if (withUsage.length > 0) {
    return { refused: `no RA certificate may both sign and encrypt (${withUsage.map((c) => `${c.subject}: keyUsage ${c.keyUsage!.join(",") || "empty"}`).join("; ")})` };
  }
  return {
    recipient: chain.ca,
    why: `no certificate of the RA/CA set has a keyUsage extension (${candidates.map((c) => c.subject).join("; ")}): no RA candidate, the request is encrypted to the CA ${chain.ca.subject} (openxpki/openxpki-config#14)`,
  };
}
