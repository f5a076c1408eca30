// SPDX-License-Identifier: MIT
/**
 * The Windows half's use of the policy engine (server/policy): what an RST says about the
 * enrollment method, and how a refused enrollment looks on the wire (MS-MDE2 §2.2.10 faults,
 * shared/notes/windows.md §7.1):
 *
 * | refusal | Subcode | ErrorType | device HRESULT |
 * |---|---|---|---|
 * | platform blocked, OS below/above range, personal blocked | s:Authorization | DeviceNotSupported | 0x80180014 |
 * | device deny / allow-only list (device-lists.ts; no Intune fault published: an assumption) | s:Authorization | DeviceNotSupported | 0x80180014 |
 * | device limit, DEM ceiling | s:Authorization | DeviceCapReached | 0x80180013 |
 * | outside the MDM user scope | s:Authorization | (none) | 0x80180003 "This user isn't authorized to enroll" |
 * | terms not accepted | s:Authorization | InvalidEnrollmentData | 0x80180019 |
 *
 * Method → ownership: the table of enrollment paths in enrollment-paths.ts (which ownership Intune records,
 * and whether a personal-device block lets the path through: an OOBE Entra join of a PC not registered with
 * Autopilot is recorded corporate but blocked as personal). Counting (server-policies.md §2.6, §3): "Add work
 * or school account" and MDM-only (EnrollmentType Full) count toward the Intune device limit; OOBE,
 * GPO/co-management and bulk do not (the directory quota applies at the join instead). Bulk packages are
 * userless: only the Default restriction applies. A personal device whose manufacturer/model/serial
 * triple is an imported Windows corporate identifier is corporate at enrollment (§4.3).
 *
 * A re-enrollment refused by the tenant's re-enrollment rules (policy/reenrollment.ts) is DeviceNotSupported
 * too: Autopilot self-deploying / pre-provisioning with the old record still in Intune is published as
 * `(DeviceNotSupported) ... (Enrollment blocked for AP device by SDM One Time Limit Check)`, 0x80180014.
 */
import type { EnrollmentDecision, EnrollmentRequest } from "../policy/engine.js";
import type { FaultSpec } from "../../wire/windows/soap.js";
import { windowsEnrollmentPath, windowsPathRow } from "./enrollment-paths.js";

export interface RstFacts {
  deviceId: string;
  upn: string;
  /** Authenticated with an identity-provider token (automatic enrollment). */
  token: boolean;
  /** A provisioning-package (bulk) token: userless. */
  bulk: boolean;
  enrollmentType: string;
  notInOobe: boolean;
  osVersion: string;
  serial?: string;
  manufacturer?: string;
  model?: string;
  imei?: string;
  /** The MAC context items (one per adapter). */
  macs?: string[];
  /** The device's directory join was TPM-attested and userless (Autopilot self-deploying, pre-provisioning). */
  attestedJoin?: boolean;
  /** The serial's hardware hash is registered with this tenant's Autopilot (absent: not asked, taken as registered). */
  autopilotRegistered?: boolean;
}

/**
 * Builds that report manufacturer and model for Windows corporate identifiers (server-policies.md §4.3):
 * Windows 11 22621.3374 / 22631.3374 and later, Windows 10 19045.4598 and later; older ones report
 * Unknown, so their triple never matches.
 */
export function reportsIdentifierTriple(osVersion: string): boolean {
  const [maj, min, build, rev] = osVersion.split(".").map((x) => parseInt(x, 10) || 0);
  if (maj !== 10 || min !== 0 || build === undefined) return false;
  if (build === 19045) return (rev ?? 0) >= 4598;
  if (build === 22621 || build === 22631) return (rev ?? 0) >= 3374;
  return build > 22631;
}

export function windowsEnrollmentRequest(f: RstFacts): EnrollmentRequest {
  const full = f.enrollmentType.toLowerCase() === "full";
  const triple = reportsIdentifierTriple(f.osVersion);
  const row = windowsPathRow(windowsEnrollmentPath(f));
  return {
    platform: "windows",
    deviceKey: f.deviceId.toUpperCase(),
    ...(f.bulk ? {} : { upn: f.upn }),
    osVersion: f.osVersion,
    ...(f.serial ? { serial: f.serial } : {}),
    ...(f.manufacturer ? { manufacturer: triple ? f.manufacturer : "Unknown" } : {}),
    ...(f.model ? { model: triple ? f.model : "Unknown" } : {}),
    ...(f.imei ? { imei: f.imei } : {}),
    ...(f.macs?.length ? { macs: f.macs } : {}),
    methodOwnership: row.recorded,
    ...(row.personalBlock === "personal" ? { restrictionOwnership: "personal" as const } : {}),
    countsTowardLimit: full && f.notInOobe,
    viaAutoEnrollment: f.token,
    // How it enrolls (re-enrollment rules): Autopilot is the OOBE enrollment (NotInOobe false); userless when its join was attested.
    method: f.bulk ? "bulk" : !f.notInOobe ? (f.attestedJoin ? "autopilot-userless" : "autopilot") : "work-account",
  };
}

/** The SOAP fault for a refusal (undefined when the decision admits the device). */
export function refusalFault(d: EnrollmentDecision, relatesTo: string | undefined, traceId: string): FaultSpec | undefined {
  if (d.ok) return undefined;
  const base = { relatesTo, subcode: "s:Authorization", reason: d.message, message: d.message, traceId };
  switch (d.refusal) {
    case "device-limit":
    case "dem-limit":
      return { ...base, errorType: "DeviceCapReached" };
    case "terms-not-accepted":
      return { ...base, errorType: "InvalidEnrollmentData" };
    // A licence problem (server/policy/licences.ts): MS-MDE2 fault detail UserLicense, 0x80180018 MENROLL_E_USERLICENSE.
    case "licence-expired":
    case "licence-unassigned":
    case "licence-seats-used":
      return { ...base, errorType: "UserLicense" };
    case "outside-mdm-scope":
      return { ...base, errorType: undefined };
    default:
      return { ...base, errorType: "DeviceNotSupported" };
  }
}
