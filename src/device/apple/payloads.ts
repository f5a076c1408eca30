// SPDX-License-Identifier: MIT
/**
 * The per-OS capability table of profile payloads: Apple's payload schemas (shared/apple-device-management
 * mdm/profiles/*.yaml, generated into src/wire/apple/generated-data.ts PAYLOAD_TYPES) give for each
 * PayloadType the OS releases it exists on (`supportedOS.<os>.introduced`, `removed`, "n/a" for
 * another platform's payload). A device refuses a profile with a payload its release does not have,
 * as it refuses an unknown payload type (AppleErrors.unsupportedPayload), and installs nothing of it.
 *
 * Limits (docs/apple.md "Capability tables"): only the platform and release rules are applied here;
 * supervised-only and user-enrollment rules of payloads, and per-key `supportedOS` inside a payload,
 * are not (commands apply all of them, commands.ts osBlock).
 */
import { compareVersions } from "../../wire/version.js";
import { AppleErrors, type AppleError } from "../../wire/apple/errors.js";
import { PAYLOAD_TYPES } from "../../wire/apple/generated-data.js";
import type { ParsedProfile } from "../../wire/apple/profile.js";
import type { OsName } from "./commands.js";

const BY_TYPE = new Map(PAYLOAD_TYPES.map((p) => [p.type, p]));

/** Why `type` is not on this OS release, or undefined (also for types the schemas do not list). */
export function payloadAbsent(type: string, os: OsName, version: string, sharedIPad = false): string | undefined {
  const rule = BY_TYPE.get(type)?.os[os];
  if (!BY_TYPE.has(type)) return undefined;
  if (!rule?.introduced || rule.introduced === "n/a") return `not available on ${os}`;
  if (compareVersions(version, rule.introduced) < 0) return `needs ${os} ${rule.introduced} (device runs ${version})`;
  if (rule.removed && compareVersions(version, rule.removed) >= 0) return `removed in ${os} ${rule.removed}`;
  // Apple's payload schemas: sharedipad.mode forbidden (e.g. com.apple.mobiledevice.passwordpolicy: Apple fixes the passcode).
  if (sharedIPad && rule.sharedipad === "forbidden") return "not allowed on Shared iPad";
  return undefined;
}

/** The refusal for the first payload of the profile this release does not have, with why (for the transcript). */
export function unsupportedPayloadOn(parsed: ParsedProfile, os: OsName, version: string, sharedIPad = false): { error: AppleError; type: string; why: string } | undefined {
  for (const p of parsed.profile.payloads) {
    const why = payloadAbsent(p.type, os, version, sharedIPad);
    if (why) return { error: AppleErrors.unsupportedPayload(p.type), type: p.type, why };
  }
  return undefined;
}
