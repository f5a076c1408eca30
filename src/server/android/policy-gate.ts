// SPDX-License-Identifier: MIT
/**
 * The Android half's use of the policy engine (server/policy): AMAPI enrollment-token redemption is
 * where the tenant's platform restriction (manufacturer block list, OS range, personally owned) meets
 * the device. Refusals are AMAPI errors, as Google returns them to the DPC: 403 PERMISSION_DENIED with
 * reason ENROLLMENT_BLOCKED (manufacturer, platform, personal) or VERSION_BLOCKED (OS range), which the
 * device shows as `android.enrollment.blocked` / `android.enrollment.version-blocked`.
 *
 * Intune's Android OS range is a release number (major.minor); the device reports its API level, so the
 * server maps it (https://developer.android.com/tools/releases/platforms). Corporate identifiers count
 * for personally owned enrollments below Android 12 only (IMEI/serial unreadable from 12 on;
 * server-policies.md §4.2). The Android-only device-administrator / work-profile switches stay in
 * `embedded.android.restrictions` (their routing has no counterpart on other platforms).
 */
import type { EnrollmentDecision, EnrollmentRequest } from "../policy/engine.js";

const RELEASES: Record<number, string> = { 21: "5.0", 22: "5.1", 23: "6.0", 24: "7.0", 25: "7.1", 26: "8.0", 27: "8.1", 28: "9.0", 29: "10.0", 30: "11.0", 31: "12.0", 32: "12.1", 33: "13.0", 34: "14.0", 35: "15.0", 36: "16.0" };

/** Android release for an API level (undefined when unknown). */
export function androidRelease(apiLevel: number | undefined): string | undefined {
  return apiLevel === undefined ? undefined : RELEASES[apiLevel];
}

export function redeemRequest(body: { apiLevel?: unknown; ownership?: unknown; managementMode?: unknown; hardwareInfo?: unknown; enrollmentUser?: unknown }, deviceKey: string): EnrollmentRequest {
  const hw = (body.hardwareInfo ?? {}) as { manufacturer?: unknown; serialNumber?: unknown; imei?: unknown; model?: unknown };
  const api = typeof body.apiLevel === "number" ? body.apiLevel : undefined;
  const personal = body.ownership === "PERSONALLY_OWNED";
  const idsReadable = api !== undefined && api < 31;
  const str = (v: unknown) => (typeof v === "string" && v ? v : undefined);
  return {
    platform: "android",
    deviceKey,
    ...(str(body.enrollmentUser) ? { upn: str(body.enrollmentUser) } : {}),
    ...(androidRelease(api) ? { osVersion: androidRelease(api) } : {}),
    ...(str(hw.manufacturer) ? { manufacturer: str(hw.manufacturer) } : {}),
    ...(str(hw.model) ? { model: str(hw.model) } : {}),
    ...(idsReadable && str(hw.serialNumber) ? { serial: str(hw.serialNumber) } : {}),
    ...(idsReadable && str(hw.imei) ? { imei: str(hw.imei) } : {}),
    methodOwnership: personal ? "personal" : "corporate",
    // The token's own device limit (embedded.android.restrictions.deviceLimit) counts AMAPI enrollments.
    countsTowardLimit: false,
  };
}

/** The AMAPI error for a refusal: [status, canonical code, message, reason]. */
export function refusalError(d: Extract<EnrollmentDecision, { ok: false }>): [number, string, string, string] {
  const version = d.refusal === "os-below-minimum" || d.refusal === "os-above-maximum";
  return [403, "PERMISSION_DENIED", `Device can't be enrolled: ${d.message}`, version ? "VERSION_BLOCKED" : "ENROLLMENT_BLOCKED"];
}
