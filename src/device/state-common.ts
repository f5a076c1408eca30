// SPDX-License-Identifier: MIT
/**
 * `state:` keys more than one platform family reads (the vocabulary is documented in device/state.ts):
 * every device's clock and installed roots, and the signed-in local account (Windows and macOS).
 */
import { CLOCK_OFFSET_PATTERN } from "../wire/clock-offset.js";

export type Json = Record<string, unknown>;

/** `state:` keys every platform has. */
export const COMMON_STATE: Json = {
  clockOffset: {
    type: "string",
    pattern: CLOCK_OFFSET_PATTERN,
    "x-expected": 'a signed duration such as "-90d", "+15m" or "0s"',
    description:
      "How far the device's clock is from the true time, a signed duration: \"-200d\" (a PC whose CMOS battery ran flat), \"+15m\". The device judges server certificates on it (one not yet valid or expired on the device's clock fails the TLS handshake with the platform's own error), and writes it into what it signs: the CMS signingTime of Mdm-Signature and SCEP requests and the validity of its SCEP signer certificate, which servers check (embedded.apple.signatureSkewSeconds, embedded.scep.clockSkewSeconds). A Windows PC judges its own MDM certificate's expiry and renewal window on it too. Timers and timeouts stay on the scenario clock. The timeline's set: {state.clockOffset: …} changes it during the run (the clock synced). Default 0s.",
  },
  trustedRoots: {
    type: "array",
    maxItems: 16,
    uniqueItems: true,
    items: { type: "string", minLength: 1 },
    description:
      'Named roots installed on the device beyond its OS release\'s store (by the user, an admin or an MDM profile): a private root of embedded.tls.privateRoots ("Contoso Root CA"), or a public one its release lacks ("ISRG Root X1" on Android 7.0). The device trusts chains to them. Default: none (only its store, devices/trust-stores/roots.yaml).',
  },
};

/** `state.account`, read by Windows and macOS (one key, one meaning: the signed-in local account's rights). */
export const LOCAL_ACCOUNT: Json = {
  type: "object",
  additionalProperties: false,
  description:
    'The local account the user is signed in with (Windows and macOS; iPhone, iPad and Android do not read it). admin (default true): an administrator. Windows: enrolling an already set-up PC (Settings › Access work or school, the Company Portal: flow windows-byod) needs local administrator rights; a standard account is refused before any request: "You don\'t have the right privileges to perform this operation. Talk to your admin." OOBE flows (Autopilot, provisioning packages) and the GPO task run as the system and do not check it. macOS (flow macos-profile): installing the MDM enrollment profile asks for an administrator\'s name and password (step profile.admin-auth; Scalefusion, "Enroll Employee Owned (BYOD) Mac": "If you are enrolling from a non-administrator user, you will be asked to enter administrator credentials to confirm the installation"; JumpCloud, "Approve your MDM Profile": "You must be granted administrator privileges"): a standard user without them ends apple.profile.admin-required and nothing is installed; the prompt\'s wording is not published.',
  properties: { admin: { type: "boolean", description: "An administrator (Windows: a member of the local Administrators group). Default true." } },
};
