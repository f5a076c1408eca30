// SPDX-License-Identifier: MIT
/**
 * What a device whose screen lock misses the policy's password requirements meets (wire/android/password-policy.ts):
 * it is enrolled, and Android Device Policy reports it non-compliant (passwordPolicies, USER_ACTION,
 * PASSWORD_POLICIES_PASSWORD_NOT_SUFFICIENT) until the user sets a sufficient lock. The code and text are AMAPI's published
 * SpecificNonComplianceReason (developers.google.com/android/management/reference/rest/v1/enterprises.devices), as the
 * EMM console shows them. The prompt Android Device Policy itself shows on the device is not published: enrollsim does
 * not make one up.
 */
import type { AndroidDeviceInfo } from "../../protocol/android/dialects/index.js";
import { PASSWORD_NOT_SUFFICIENT } from "../../wire/android/password-policy.js";
import type { BackgroundOutcome } from "../flow.js";
import type { Shown } from "../shown.js";

/** Outcome of an enrollment whose device reports its screen lock short of the password requirements (it stays enrolled). */
export const PASSWORD_NOT_SUFFICIENT_OUTCOME = "android.policy.password-not-sufficient";

export function passwordShown(device: AndroidDeviceInfo): Shown {
  return {
    code: PASSWORD_NOT_SUFFICIENT.code,
    name: "AMAPI SpecificNonComplianceReason",
    text: PASSWORD_NOT_SUFFICIENT.text,
    screen: `EMM console: the device's non-compliance (setting passwordPolicies, USER_ACTION; screen lock ${device.screenLock?.type ?? "none"})`,
  };
}

export function passwordOutcome(device: AndroidDeviceInfo, now: number): BackgroundOutcome {
  return {
    task: "android.amapi.status",
    ok: false,
    code: PASSWORD_NOT_SUFFICIENT_OUTCOME,
    at: now,
    message: `the screen lock (${device.screenLock?.type ?? "none"}${device.screenLock?.length ? `, ${device.screenLock.length} characters` : ""}) does not meet the policy's password requirements: the device reports passwordPolicies USER_ACTION (PASSWORD_POLICIES_PASSWORD_NOT_SUFFICIENT) and is not compliant until the user sets one`,
    shown: passwordShown(device),
  };
}
