// SPDX-License-Identifier: MIT
/**
 * Intune's per-device "Unblock device" on a Windows Autopilot device (timeline `allowNextEnrollment`). Published:
 * - Microsoft Graph (beta), `windowsAutopilotDeviceIdentity: allowNextEnrollment` ("Unblocks next autopilot
 *   enrollment"): an action on ONE Autopilot device identity; the record is kept. Its state is the enum
 *   `windowsAutopilotUserlessEnrollmentStatus`: allowed ("next userless enrollment can proceed"), blocked ("cannot
 *   proceed without resetting the windowsAutopilotUserlessEnrollmentStatus").
 * - Patch My PC, "Userless enrollment status in Autopilot: how to unblock devices": after a self-deploying or
 *   pre-provisioned deployment the device's `userlessEnrollmentStatus` is Blocked, and a reset device's next run
 *   fails with 0x80180014 until the admin selects the device and "Unblock device" (Devices › Windows › Enrollment ›
 *   Devices); the status becomes Allowed for its next deployment, after which it is blocked again.
 * - Microsoft Learn, "Troubleshoot Autopilot device import and enrollment" (0x80180014 when re-enrolling using
 *   self-deployment or pre-provisioning mode): the one-time rule itself (reenrollment.ts).
 *
 * What the action does follows from each record's state, not from its name: a record a `none` rule holds (the
 * built-in autopilot-userless rule, or a tenant rule) gets `allowNextEnrollment`; a record whose rule lets the
 * hardware enroll again anyway is left as it is ("not blocked"); a device the server holds no record of is said so.
 * The enrollment the permission lets through uses it up (engine.ts `enrolled`).
 */
import { reenrollmentRule, type EnrollmentRecords, type HeldRecord } from "./reenrollment.js";
import type { PolicyPlatform, ReenrollmentRule } from "./types.js";

/** A record the admin selects: by a run device's identifiers (catalog platform, serial, IMEI) or by a serial alone. */
export interface RecordId {
  platform?: string;
  serial?: string;
  imei?: string;
}

const FAMILIES: readonly PolicyPlatform[] = ["windows", "ios", "macos", "android"];
const familyOf = (p: string | undefined): readonly PolicyPlatform[] => (p === "windows" || p === "android" || p === "macos" ? [p] : p === "ios" || p === "ipados" ? ["ios"] : FAMILIES);

/** Sets `allowNextEnrollment` on the blocked records among `ids`; returns what happened to each kind of record, in words. */
export function unblockRecords<R extends HeldRecord>(records: EnrollmentRecords<R>, rules: readonly ReenrollmentRule[] | undefined, ids: readonly RecordId[]): string {
  if (!ids.length) return "0 record(s) unblocked: the action selects no device and names no serial";
  let unblocked = 0;
  let already = 0;
  const notBlocked: string[] = [];
  const missing: string[] = [];
  for (const id of ids) {
    const name = id.serial ?? id.imei ?? "(no serial)";
    let rec: R | undefined;
    for (const platform of familyOf(id.platform)) {
      rec = records.held({ platform, deviceKey: "", ...(id.serial ? { serial: id.serial } : {}), ...(id.imei ? { imei: id.imei } : {}) });
      if (rec) break;
    }
    if (!rec) {
      missing.push(name);
      continue;
    }
    const rule = reenrollmentRule(rules, { platform: rec.platform, deviceKey: rec.deviceKey, ...(rec.method ? { method: rec.method } : {}) });
    if (rule.allow !== "none") notBlocked.push(`${name} (${rec.method ?? "enrolled"}: re-enrollment ${rule.allow})`);
    else if (rec.allowNextEnrollment) already++;
    else {
      rec.allowNextEnrollment = true;
      unblocked++;
    }
  }
  const parts = [`${unblocked} record(s) unblocked for their next enrollment (kept)`];
  if (already) parts.push(`${already} already unblocked`);
  if (notBlocked.length) parts.push(`${notBlocked.length} not blocked, left as they are: ${notBlocked.slice(0, 5).join(", ")}`);
  if (missing.length) parts.push(`${missing.length} with no record on the server (not enrolled yet, refused or deleted): ${missing.slice(0, 5).join(", ")}`);
  return parts.join("; ");
}
