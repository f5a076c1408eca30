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
 * for personally owned work-profile enrollments on Android 11 and earlier only ("Supported with Android
 * 11 and earlier", Intune: Identify devices as corporate-owned,
 * https://learn.microsoft.com/intune/intune-service/enrollment/corporate-identifiers-add; server-policies.md
 * §4.2). Intune's two Android switches — personally owned work profile and device administrator — are
 * platforms of the same restriction (`restrictions.platform.androidWorkProfile` / `androidDeviceAdmin`,
 * §2.3): {@link androidPathRefusal} judges a device against one of them, as the owner its identifiers make
 * it ("If you block Android Enterprise work profile enrollment on personal devices, only corporate-owned
 * Android devices can enroll with personally owned work profiles", Intune: enrollment restrictions).
 *
 * The per-user device limit (`embedded.policy.restrictions.deviceLimit`) counts every Android Enterprise
 * enrollment that has a user (§3: personally owned WP, fully managed, COPE, DA; dedicated devices have
 * none), and a device enrollment manager enrolls at most 10 personally owned work profiles (§6).
 */
import type { EnrollmentDecision, EnrollmentRefusal, EnrollmentRequest, PolicyEngine } from "../policy/engine.js";
import { checkPlatformRule, resolvePlatformPolicy, type RestrictionRefusal } from "../policy/restrictions.js";
import { androidReleaseNumber } from "../../wire/android/release-names.js";

/** Android release for an API level as the OS range compares it (undefined when unknown): wire/android/release-names.ts's table. */
export function androidRelease(apiLevel: number | undefined): string | undefined {
  return apiLevel === undefined ? undefined : androidReleaseNumber(apiLevel);
}

export function redeemRequest(body: { apiLevel?: unknown; ownership?: unknown; managementMode?: unknown; hardwareInfo?: unknown; networkInfo?: unknown; enrollmentUser?: unknown }, deviceKey: string): EnrollmentRequest {
  // AMAPI's Device resource: the serial is in hardwareInfo, the IMEI in networkInfo.
  const hw = { ...((body.networkInfo ?? {}) as { imei?: unknown }), ...((body.hardwareInfo ?? {}) as { manufacturer?: unknown; serialNumber?: unknown; imei?: unknown; model?: unknown }) } as {
    manufacturer?: unknown;
    serialNumber?: unknown;
    imei?: unknown;
    model?: unknown;
  };
  const api = typeof body.apiLevel === "number" ? body.apiLevel : undefined;
  const personal = body.ownership === "PERSONALLY_OWNED";
  const idsReadable = identifiersCount(api);
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
    // AMAPI NetworkInfo.wifiMacAddress (device-lists.ts matches it).
    ...(str((body.networkInfo as { wifiMacAddress?: unknown } | undefined)?.wifiMacAddress) ? { macs: [str((body.networkInfo as { wifiMacAddress?: unknown }).wifiMacAddress)!] } : {}),
    methodOwnership: personal ? "personal" : "corporate",
    countsTowardLimit: true,
    ...(personal && body.managementMode === "PROFILE_OWNER" ? { demCeiling: DEM_WORK_PROFILE_LIMIT } : {}),
  };
}

/** A device enrollment manager's ceiling for personally owned work profiles (server-policies.md §6). */
export const DEM_WORK_PROFILE_LIMIT = 10;

/** Whether the device's IMEI/serial count as corporate identifiers: Android 11 (API 30) and earlier. */
export const identifiersCount = (apiLevel: number | undefined): boolean => apiLevel !== undefined && apiLevel < 31;

/**
 * The EMM's own refusals that are not Google's (licences, terms the user has not accepted): the reason enrollsim's
 * stand-in names them by. The EMM agent reads it and shows its own code (Knox Manage KMA_F230 / KMA_F220,
 * wire/agent-causes.ts); these reason strings are enrollsim's, the EMM↔agent protocol is not published.
 */
const EMM_REASONS: Partial<Record<EnrollmentRefusal, string>> = {
  "licence-expired": "LICENSE_EXPIRED",
  "licence-unassigned": "LICENSE_NOT_ASSIGNED",
  "licence-seats-used": "LICENSE_SEATS_USED",
  "terms-not-accepted": "TERMS_NOT_ACCEPTED",
};

/** The stand-in's reason for an EMM refusal (licences, terms), if it is one. */
export const emmReason = (refusal: EnrollmentRefusal): string | undefined => EMM_REASONS[refusal];

/** The AMAPI error for a refusal: [status, canonical code, message, reason]. */
export function refusalError(d: Extract<EnrollmentDecision, { ok: false }>): [number, string, string, string] {
  const version = d.refusal === "os-below-minimum" || d.refusal === "os-above-maximum";
  const limit = d.refusal === "device-limit" || d.refusal === "dem-limit";
  const emm = EMM_REASONS[d.refusal];
  if (emm) return [403, "PERMISSION_DENIED", `${d.refusal.startsWith("licence") ? "Licence problem" : "Terms and conditions not accepted"}: ${d.message}`, emm];
  return [403, "PERMISSION_DENIED", `${limit ? "Device limit reached" : "Device can't be enrolled"}: ${d.message}`, version ? "VERSION_BLOCKED" : limit ? "DEVICE_LIMIT" : "ENROLLMENT_BLOCKED"];
}

/** What the server knows of a device asking for an Android path: its user and, where they count, its identifiers. */
export interface PathDevice {
  upn?: string;
  serial?: string;
  imei?: string;
  manufacturer?: string;
}

/**
 * Why the tenant's restriction for an Android path refuses a device on `apiLevel` (undefined: allowed):
 * the path switched off, its manufacturer blocked, a personally owned device where personal devices are
 * blocked (a device its corporate identifiers, or a DEM user, make corporate passes), or the device's
 * release outside the path's OS range (Company Portal enrollments enforce the range, §2.4).
 */
export function androidPathRefusal(
  policy: PolicyEngine,
  path: "androidWorkProfile" | "androidDeviceAdmin",
  apiLevel: number | undefined,
  device: PathDevice = {},
): { refusal: RestrictionRefusal; message: string; ownership: "corporate" | "personal" } | undefined {
  const { applied, rule } = resolvePlatformPolicy(policy.config, path, device.upn);
  const osVersion = androidRelease(apiLevel);
  const ids = identifiersCount(apiLevel) ? { serial: device.serial, imei: device.imei } : {};
  const ownership = policy.ownership({ platform: "android", methodOwnership: "personal", upn: device.upn, ...ids });
  const bad = checkPlatformRule(rule, { ownership, osRangeApplies: true, ...(osVersion ? { osVersion } : {}), ...(device.manufacturer ? { manufacturer: device.manufacturer } : {}) });
  return bad && { ...bad, message: `${bad.message} (restriction "${applied.name}", priority ${applied.priority})`, ownership };
}

/** A refusal for the OS range (VERSION_BLOCKED) rather than the path itself (ENROLLMENT_BLOCKED). */
export const versionRefusal = (r: { refusal: RestrictionRefusal } | undefined): boolean => r?.refusal === "os-below-minimum" || r?.refusal === "os-above-maximum";
