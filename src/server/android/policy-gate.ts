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
 * server-policies.md §4.2). Intune's two Android switches — personally owned work profile and device
 * administrator — are platforms of the same restriction (`restrictions.platform.androidWorkProfile` /
 * `androidDeviceAdmin`, §2.3): {@link androidPathRefusal} judges a device against one of them.
 */
import type { EnrollmentDecision, EnrollmentRequest, PolicyEngine } from "../policy/engine.js";
import { checkPlatformRule, resolvePlatformPolicy, type RestrictionRefusal } from "../policy/restrictions.js";

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

/**
 * Why the tenant's restriction for an Android path refuses a personally owned device on `apiLevel`
 * (undefined: allowed): the path switched off, or the device's release outside the path's OS range
 * (Company Portal enrollments enforce the range, §2.4).
 */
export function androidPathRefusal(policy: PolicyEngine, path: "androidWorkProfile" | "androidDeviceAdmin", apiLevel: number | undefined, upn?: string): { refusal: RestrictionRefusal; message: string } | undefined {
  const { rule } = resolvePlatformPolicy(policy.config, path, upn);
  const osVersion = androidRelease(apiLevel);
  return checkPlatformRule(rule, { ownership: "personal", osRangeApplies: true, ...(osVersion ? { osVersion } : {}) });
}

/** A refusal for the OS range (VERSION_BLOCKED) rather than the path itself (ENROLLMENT_BLOCKED). */
export const versionRefusal = (r: { refusal: RestrictionRefusal } | undefined): boolean => r?.refusal === "os-below-minimum" || r?.refusal === "os-above-maximum";
