// SPDX-License-Identifier: MIT
/**
 * The installer's error chain when a payload handler refuses one payload of a profile (a required key missing, a
 * value of the wrong type or outside its allowed values), for every payload type alike.
 *
 * Published captures (device logs, iOS `profiled`), both a Safari-downloaded enrollment profile:
 *
 * - github.com/thrasr/mdm-server/issues/15 (iOS 7, 2014, com.apple.mdm without IdentityCertificateUUID),
 *   "Profile cannot be queued for installation":
 *     MCInstallationErrorDomain 4000 "Invalid Profile" / 'The payload "mdmPW" is invalid.'
 *     ← MCProfileErrorDomain 1000 'The profile "mdmPW" is invalid.' / 'The required field "IdentityCertificateUUID" is missing.'
 *     ← MCPayloadErrorDomain 2000 'The payload "mdmPW" is invalid.' / (same suggestion)
 * - github.com/micromdm/micromdm/issues/496 (iOS 11.4, 2018, com.apple.mdm with an empty Topic: micromdm 1.3 served
 *   `<key>Topic</key><string></string>` until it had a push certificate, micromdm/micromdm#466),
 *   "Install profile data, interactive error":
 *     MCInstallationErrorDomain 4001 "Profile Installation Failed" / 'The payload "Enrollment Profile" is invalid.'
 *     ← MCProfileErrorDomain 1000 'The profile "Enrollment Profile" is invalid.' / 'The required field "Topic" is missing.'
 *     ← MCPayloadErrorDomain 2000 'The payload "Enrollment Profile" is invalid.' / (same suggestion)
 *
 * So the payload's own error and the profile's wrapping are the same; the outermost error is the installer's and
 * depends on where the installer first parsed the profile: when it was queued for installation (4000) or in the
 * interactive install (4001). Which path a release takes is data (devices/profile-installers/*.yaml,
 * device/profile-install-paths.ts); this module builds the chain for the queued path and {@link atInstallPath}
 * rewrites its outermost error.
 *
 * Rules applied where no capture is published (scenarios/README-apple.md "What the device checks"; each is an assumption):
 * - the names in the texts are the profile's PayloadDisplayName (both captures name the profile there; a payload's
 *   own PayloadDisplayName is not shown in either), else its PayloadIdentifier;
 * - an empty string for a required string key reads as missing (the #496 device said "missing" for micromdm's
 *   empty Topic);
 * - every payload type refuses a missing key the way com.apple.mdm does (the two captures are MDM payloads);
 * - a value of the wrong type: MCPayloadErrorDomain 2003, a value outside the allowed ones: 2004 (Apple's
 *   published error table, "MDM Protocol Reference", Error Codes: 2003 "Bad data type in field", 2004 "Unsupported
 *   field value"); their texts are not published, so the chain's last text is enrollsim's and the condition is
 *   reported as unknown.
 * The texts use straight quotes as the rest of enrollsim's Apple texts do; devices print curly ones (“”).
 */
import { appleErrorItem as item, type AppleError, type AppleErrorItem } from "./errors.js";

/** How a profile reached the installer: queued for installation (Safari download, Settings) or an interactive install. */
export type InstallPath = "queued" | "interactive";
export const INSTALL_PATHS: readonly InstallPath[] = ["queued", "interactive"];

/** The installer's outermost error for a refused payload, per install path (captures above). */
function outer(path: InstallPath, name: string): AppleErrorItem {
  const sugg = `The payload "${name}" is invalid.`;
  return path === "queued" ? item("MCInstallationErrorDomain", 4000, "Invalid Profile", sugg) : item("MCInstallationErrorDomain", 4001, "Profile Installation Failed", sugg);
}

/** Which problem a value has: the wrong type (2003) or a value the key does not allow (2004). */
export type ValueProblem = { code: 2003 | 2004; why: string };

/** A payload whose required `field` is missing (or an empty string). `name`: the profile's display name. */
export function payloadFieldMissing(field: string, payloadType: string, name: string): AppleError {
  const sugg = `The required field "${field}" is missing.`;
  return {
    symptom: field === "IdentityCertificateUUID" ? "apple.profile.missing-identity-uuid" : "apple.profile.missing-field",
    chain: [outer("queued", name), item("MCProfileErrorDomain", 1000, `The profile "${name}" is invalid.`, sugg), item("MCPayloadErrorDomain", 2000, `The payload "${name}" is invalid.`, sugg)],
    payloadFault: { field, payloadType },
  };
}

/** A payload whose `field` has a value its schema does not allow; no published text (see the module header). */
export function payloadFieldInvalid(field: string, problem: ValueProblem, payloadType: string, name: string): AppleError {
  return {
    symptom: "apple.profile.invalid-field",
    chain: [outer("queued", name), item("MCProfileErrorDomain", 1000, `The profile "${name}" is invalid.`), item("MCPayloadErrorDomain", problem.code, `The field "${field}" is invalid: ${problem.why}`)],
    unpublished: { raw: `${field}: ${problem.why}` },
    payloadFault: { field, payloadType },
  };
}

/** The chain as the installer reports it on `path`; errors that are not a payload handler's are returned as they are. */
export function atInstallPath(e: AppleError, path: InstallPath): AppleError {
  if (!e.payloadFault || path === "queued") return e;
  const name = /^The payload "(.*)" is invalid\.$/.exec(e.chain[0]?.suggestion ?? "")?.[1] ?? "";
  return { ...e, chain: [outer(path, name), ...e.chain.slice(1)] };
}

/** The name the installer's texts give a profile: its PayloadDisplayName, else its PayloadIdentifier. */
export function profileName(top: { PayloadDisplayName?: unknown; PayloadIdentifier?: unknown }): string {
  const n = typeof top.PayloadDisplayName === "string" && top.PayloadDisplayName ? top.PayloadDisplayName : top.PayloadIdentifier;
  return typeof n === "string" ? n : "";
}
