// SPDX-License-Identifier: MIT
/**
 * Lockdown Mode (device state `lockdownMode`), the user's extreme-protection setting of iOS/iPadOS 16+
 * and macOS 13+. Apple support 105120, "About Lockdown Mode", lists under Device enrollment:
 * "Configuration profiles can't be installed, and the device can't be enrolled in mobile device
 * management or device supervision" while it is on. So every MDM enrollment path (profile download,
 * account-driven enrollment, Automated Device Enrollment) is refused before the enrollment profile is
 * installed; nothing of it reaches the server.
 *
 * Not published, so not modelled: the exact alert text of the refused install (the outcome carries
 * the condition, no invented wording), and what Lockdown Mode does to a device that was already
 * enrolled when it was turned on (the key affects enrollment only).
 */
import { ScenarioError } from "../../errors/index.js";
import { compareVersions } from "../../wire/version.js";
import type { AppleDevice } from "./state.js";

/** The first release with Lockdown Mode, per OS (Apple support 105120). */
const SINCE: Record<string, string> = { iOS: "16.0", macOS: "13.0" };

export const LOCKDOWN_SOURCE = 'Apple support 105120 "About Lockdown Mode": "Configuration profiles can\'t be installed, and the device can\'t be enrolled in mobile device management or device supervision"';

/** Why enrollment is refused, or undefined when Lockdown Mode is off. A release without Lockdown Mode is a scenario error. */
export function lockdownRefusal(dev: AppleDevice): string | undefined {
  if (dev.ctx.identity.state?.lockdownMode !== true) return undefined;
  const since = SINCE[dev.osName]!;
  if (compareVersions(dev.osVersion, since) < 0) {
    throw new ScenarioError(`state.lockdownMode: Lockdown Mode exists from ${dev.osName === "macOS" ? "macOS 13" : "iOS/iPadOS 16"}; this device runs ${dev.osName} ${dev.osVersion} (set state.os to a later release, or remove lockdownMode)`);
  }
  return `Lockdown Mode is on (state.lockdownMode): the enrollment profile is not installed and the device is not enrolled (${LOCKDOWN_SOURCE}); the alert's wording is not published, so none is shown here. Fix: turn Lockdown Mode off (Settings › Privacy & Security › Lockdown Mode) and enroll again`;
}
