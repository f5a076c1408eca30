// SPDX-License-Identifier: MIT
/**
 * What the MDM payload's ServerCapabilities and the profile's PayloadScope decide about the
 * channels a device opens, as one table (each row with its source):
 *
 * | condition | platform, releases | effect |
 * |---|---|---|
 * | no `com.apple.mdm.per-user-connections` | macOS 26 and later | the profile is refused: "MDM payload is missing ServerCapabilities key that indicates it supports a user channel." (graze-social/cocore#54, 2026-06: "Newer macOS rejects the enrollment profile"; the first release is not published: enrollsim takes 26.0, the release current when it was reported) |
 * | no `com.apple.mdm.per-user-connections` | macOS before 26; Shared iPad | installed, no user channel: no UserAuthenticate, no user TokenUpdate (com.apple.mdm.yaml ServerCapabilities: "must be present when managing Shared iPad or macOS devices"; micromdm/micromdm#221) |
 * | any | macOS before 10.15 | no Bootstrap Token at all: SetBootstrapToken / GetBootstrapToken are introduced in 10.15 (mdm/checkin/setbootstraptoken.yaml) |
 * | no `com.apple.mdm.bootstraptoken` | macOS 11 and later | no Bootstrap Token is created or escrowed (com.apple.mdm.yaml: "This must be present to have the device create a Bootstrap Token and send it to the server. Available as of macOS 11.0.") |
 * | `PayloadScope` `System` | macOS 11 and later, profile-based enrollment (not ADE) | installed in the system scope only: no user-channel check-ins (micromdm/micromdm#766: removing PayloadScope=System brought the user channel back; it worked in Catalina and still works in ADE enrollments) |
 *
 * PayloadScope exists on macOS only (TopLevel.yaml): elsewhere profile-schema.ts ignores it.
 */
import { compareVersions } from "../../wire/version.js";
import { AppleErrors, type AppleError } from "../../wire/apple/errors.js";
import type { MdmPayload, Profile } from "../../wire/apple/profile.js";
import type { OsName } from "./commands.js";

export const PER_USER = "com.apple.mdm.per-user-connections";
export const BOOTSTRAP = "com.apple.mdm.bootstraptoken";

/** The first macOS release that refuses an MDM payload without per-user-connections (see the table). */
export const REFUSE_WITHOUT_PER_USER_FROM = "26.0";

/** The first macOS release with a Bootstrap Token (setbootstraptoken.yaml, getbootstraptoken.yaml: introduced 10.15). */
export const BOOTSTRAP_FROM = "10.15";

interface Device {
  os: OsName;
  version: string;
  sharedIPad?: boolean;
}

const atLeast = (dev: Device, v: string) => compareVersions(dev.version, v) >= 0;

/** The refusal of an MDM payload by its ServerCapabilities, or undefined. */
export function capabilityRefusal(dev: Device, mdm: MdmPayload): AppleError | undefined {
  if (dev.os === "macOS" && atLeast(dev, REFUSE_WITHOUT_PER_USER_FROM) && !mdm.serverCapabilities.includes(PER_USER)) return AppleErrors.userChannelCapabilityMissing();
  return undefined;
}

/** Why the device opens no user channel for this enrollment, or undefined when it may. */
export function userChannelBlocked(dev: Device, mdm: MdmPayload, profile: Profile, ade: boolean): string | undefined {
  if (!mdm.serverCapabilities.includes(PER_USER)) return `the MDM payload's ServerCapabilities lacks ${PER_USER}`;
  if (dev.os === "macOS" && !ade && profile.scope === "System" && atLeast(dev, "11.0")) return "the enrollment profile has PayloadScope System: installed in the system scope only";
  return undefined;
}

/** Why the device creates no Bootstrap Token for this enrollment, or undefined. */
export function bootstrapTokenBlocked(dev: Device, mdm: MdmPayload): string | undefined {
  // SetBootstrapToken / GetBootstrapToken exist from macOS 10.15 (mdm/checkin/setbootstraptoken.yaml supportedOS): an older Mac sends neither.
  if (dev.os === "macOS" && !atLeast(dev, BOOTSTRAP_FROM)) return `macOS ${dev.version} has no Bootstrap Token (SetBootstrapToken is introduced in macOS ${BOOTSTRAP_FROM})`;
  if (dev.os === "macOS" && atLeast(dev, "11.0") && !mdm.serverCapabilities.includes(BOOTSTRAP)) return `the MDM payload's ServerCapabilities lacks ${BOOTSTRAP}`;
  return undefined;
}
