// SPDX-License-Identifier: MIT
/**
 * Re-enrollment of hardware the tenant already holds a live record for (`embedded.policy.reenrollment`):
 * what the server does when a device enrolls again — reset, redeployed, handed to another user — while
 * the record of its earlier enrollment still exists (the same device key, serial number or IMEI on the
 * same platform). Rules are data, matched by platform and enrollment method, first match wins:
 * - `any`: the enrollment replaces the old record (the default, as before);
 * - `same-user`: only the user recorded on the old record (or anyone when it records none) may enroll;
 * - `none`: refused until an admin deletes the record (timeline `deleteRecords`).
 *
 * Built-in rule (after the scenario's own): Windows Autopilot self-deploying and pre-provisioning are
 * one-time deployments. Published (learn.microsoft.com/autopilot/troubleshoot-device-enrollment, "Error
 * code 0x80180014 when re-enrolling using self-deployment or pre-provisioning mode"): "After the first
 * Autopilot deployment, devices with a targeted Autopilot self-deployment mode or pre-provisioning mode
 * profile can't automatically re-enroll using Autopilot"; the device shows 0x80180014 and the ETW log
 * `Fault/Code/Subcode/Value=(DeviceNotSupported) Fault/Reason/Text=(Enrollment blocked for AP device by SDM
 * One Time Limit Check)`; "To reuse a device, the device record created by Intune must be deleted".
 * The Jamf Pro setting "Restrict re-enrollment to authorized users only" is the `same-user` rule of
 * user-initiated enrollment (docs.jamf.com, User-Initiated Enrollment Settings); what its portal shows
 * is not published.
 */
import type { EnrollmentMethod, PolicyPlatform, ReenrollmentRule } from "./types.js";

export type { EnrollmentMethod, ReenrollmentRule };

/** The service's own rules, applied after the tenant's (a tenant rule for the same method overrides them). */
export const BUILT_IN_REENROLLMENT: readonly ReenrollmentRule[] = [{ platform: "windows", method: "autopilot-userless", allow: "none" }];

/** Published refusal texts by platform and method (the SOAP fault's Reason for Windows). */
const PUBLISHED_TEXT: Record<string, string> = {
  "windows/autopilot-userless": "Enrollment blocked for AP device by SDM One Time Limit Check",
};

/** What a live record holds that the rule reads. */
export interface HeldRecord {
  deviceKey: string;
  platform: PolicyPlatform;
  upn?: string;
  serial?: string;
  imei?: string;
  method?: EnrollmentMethod;
  removed?: boolean;
}

export interface ReenrollmentQuery {
  platform: PolicyPlatform;
  deviceKey: string;
  serial?: string;
  imei?: string;
  upn?: string;
  method?: EnrollmentMethod;
}

const up = (s: string | undefined) => s?.trim().toUpperCase();
const family = (p: PolicyPlatform) => (p === "macos" ? "macos" : p === "android" ? "android" : p === "windows" ? "windows" : "ios");
const listed = <T>(v: T | T[] | undefined, x: T | undefined): boolean => v === undefined || (x !== undefined && (Array.isArray(v) ? v.includes(x) : v === x));

/** The live record of the same hardware, if the tenant holds one: same device key, serial or IMEI on the same platform. */
export function heldRecordOf(records: Iterable<HeldRecord>, q: ReenrollmentQuery): HeldRecord | undefined {
  const serial = up(q.serial);
  const imei = q.imei?.replace(/\s/g, "");
  for (const r of records) {
    if (r.removed || family(r.platform) !== family(q.platform)) continue;
    if (r.deviceKey === q.deviceKey || (serial && up(r.serial) === serial) || (imei && r.imei?.replace(/\s/g, "") === imei)) return r;
  }
  return undefined;
}

/** The rule that applies to this enrollment: the tenant's first match, else the built-in one, else `any`. */
export function reenrollmentRule(rules: readonly ReenrollmentRule[] | undefined, q: ReenrollmentQuery): ReenrollmentRule {
  const match = (r: ReenrollmentRule) => listed(r.platform, q.platform) && listed(r.method, q.method);
  return (rules ?? []).find(match) ?? BUILT_IN_REENROLLMENT.find(match) ?? { allow: "any" };
}

/** Why this re-enrollment is refused (undefined: allowed). `held` is the record of the same hardware. */
export function reenrollmentRefusal(rules: readonly ReenrollmentRule[] | undefined, q: ReenrollmentQuery, held: HeldRecord | undefined): { refusal: "reenrollment-blocked" | "reenrollment-other-user"; message: string } | undefined {
  if (!held) return undefined;
  const rule = reenrollmentRule(rules, q);
  const id = q.serial ?? q.deviceKey;
  if (rule.allow === "none") {
    const text = PUBLISHED_TEXT[`${q.platform}/${q.method ?? ""}`];
    return { refusal: "reenrollment-blocked", message: text ?? `a device record for ${id} already exists (${held.method ?? "enrolled before"}); re-enrollment is refused until an admin deletes the record` };
  }
  if (rule.allow === "same-user" && held.upn && held.upn.toLowerCase() !== q.upn?.toLowerCase()) {
    return { refusal: "reenrollment-other-user", message: `${id} is recorded under ${held.upn}; only that user may re-enroll it (${q.upn ? `${q.upn} tried` : "no user signed in"})` };
  }
  return undefined;
}
