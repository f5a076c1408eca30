// SPDX-License-Identifier: MIT
/**
 * AMAPI password requirements (Policy.passwordPolicies, a list of PasswordRequirements) and the device's screen lock,
 * compared the way Android Device Policy does before it reports compliance: a screen lock that misses a requirement is
 * reported as NonComplianceDetail {settingName: "passwordPolicies", nonComplianceReason: USER_ACTION,
 * specificNonComplianceReason: PASSWORD_POLICIES_PASSWORD_NOT_SUFFICIENT} with policyCompliant false, until the user sets
 * a sufficient lock. Field and enum names: developers.google.com/android/management/reference/rest/v1/enterprises.policies
 * (PasswordRequirements: passwordQuality, passwordMinimumLength, passwordScope) and
 * …/enterprises.devices (NonComplianceDetail, NonComplianceReason, SpecificNonComplianceReason).
 *
 * Quality order is Android's DevicePolicyManager one (PASSWORD_QUALITY_SOMETHING < NUMERIC < ALPHABETIC < ALPHANUMERIC <
 * COMPLEX): a pattern is SOMETHING, a PIN NUMERIC, a password (letters and digits) ALPHANUMERIC. enrollsim models no
 * password with symbols, so a COMPLEX requirement is met by no modelled lock; passwordMinimumLength applies to PINs and
 * passwords (Android ignores it for a pattern under SOMETHING). Complexity buckets (COMPLEXITY_LOW/MEDIUM/HIGH) and
 * encryption are not modelled.
 */
import type { NonComplianceDetail } from "./oem-apps.js";

export const SCREEN_LOCKS = ["none", "swipe", "pattern", "pin", "password"] as const;
export type ScreenLockType = (typeof SCREEN_LOCKS)[number];
export interface ScreenLock {
  type: ScreenLockType;
  /** Characters of a PIN or password (points of a pattern). */
  length?: number;
}

/** AMAPI PasswordRequirements.passwordQuality values enrollsim compares (rank: DevicePolicyManager's order). */
export const PASSWORD_QUALITY_RANK = { SOMETHING: 1, NUMERIC: 2, ALPHABETIC: 3, ALPHANUMERIC: 4, COMPLEX: 5 } as const;
export type PasswordQuality = keyof typeof PASSWORD_QUALITY_RANK;
const LOCK_RANK: Record<ScreenLockType, number> = { none: 0, swipe: 0, pattern: 1, pin: 2, password: 4 };

export interface PasswordRequirements {
  passwordQuality?: string;
  passwordMinimumLength?: number;
  /** SCOPE_DEVICE / SCOPE_PROFILE (AMAPI PasswordPolicyScope); enrollsim has one screen lock, so both compare with it. */
  passwordScope?: string;
}

/** The published text of AMAPI SpecificNonComplianceReason PASSWORD_POLICIES_PASSWORD_NOT_SUFFICIENT. */
export const PASSWORD_NOT_SUFFICIENT = { code: "PASSWORD_POLICIES_PASSWORD_NOT_SUFFICIENT", text: "The device password does not satisfy password requirements." } as const;

export interface PasswordNonCompliance extends NonComplianceDetail {
  specificNonComplianceReason: string;
}

/** Reads Policy.passwordPolicies from a served policy: a list of objects, capped; anything else is no requirement. */
export function readPasswordPolicies(v: unknown): PasswordRequirements[] {
  if (!Array.isArray(v)) return [];
  return v.slice(0, 8).flatMap((p): PasswordRequirements[] => {
    if (typeof p !== "object" || p === null) return [];
    const o = p as Record<string, unknown>;
    return [
      {
        ...(typeof o.passwordQuality === "string" ? { passwordQuality: o.passwordQuality.slice(0, 40) } : {}),
        ...(typeof o.passwordMinimumLength === "number" && Number.isInteger(o.passwordMinimumLength) ? { passwordMinimumLength: o.passwordMinimumLength } : {}),
        ...(typeof o.passwordScope === "string" ? { passwordScope: o.passwordScope.slice(0, 40) } : {}),
      },
    ];
  });
}

/** Does the lock meet one requirement? An unknown quality (not modelled) is treated as met, not as a failure enrollsim made up. */
export function lockMeets(lock: ScreenLock, req: PasswordRequirements): boolean {
  const want = PASSWORD_QUALITY_RANK[req.passwordQuality as PasswordQuality];
  if (want === undefined) return true;
  if (LOCK_RANK[lock.type] < want) return false;
  const min = req.passwordMinimumLength ?? 0;
  return lock.type === "pattern" || (lock.length ?? 0) >= min;
}

/** The device's non-compliance with the policy's password requirements: one detail, or none. */
export function passwordNonCompliance(lock: ScreenLock, reqs: readonly PasswordRequirements[]): PasswordNonCompliance[] {
  return reqs.every((r) => lockMeets(lock, r)) ? [] : [{ settingName: "passwordPolicies", nonComplianceReason: "USER_ACTION", specificNonComplianceReason: PASSWORD_NOT_SUFFICIENT.code }];
}
