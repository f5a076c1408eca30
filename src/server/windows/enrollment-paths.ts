// SPDX-License-Identifier: MIT
/**
 * Which Windows enrollments a tenant counts as personally owned: a table of enrollment paths, one row per
 * path with the ownership Intune records and whether a "personally owned: Block" platform restriction lets
 * it through, each row with its published source. The reference server reads the path from what the
 * enrollment request says (the token kind, MS-MDE2 EnrollmentType and NotInOobe, the serial's Autopilot
 * registration) and applies the row on every Windows path (policy-gate.ts).
 *
 * Sources:
 * - [R] Microsoft Learn, "Enrollment restrictions" (intune-service/enrollment/enrollment-restrictions-set),
 *   "Blocking personal Windows devices": "The following enrollment methods are authorized for corporate
 *   enrollment: Windows Autopilot; GPO, or automatic enrollment from Configuration Manager for co-management;
 *   a bulk provisioning package; a device enrollment manager account." "Intune marks devices going through the
 *   following types of enrollments as corporate-owned, and blocks them from enrolling (unless registered with
 *   Windows Autopilot) …: Automatic MDM enrollment with Microsoft Entra join during Windows setup; … from Windows
 *   Settings; … via Windows Autopilot for existing devices." "Intune also blocks personal devices using these
 *   enrollment methods: Add Work Account from Windows Settings; MDM enrollment only …; the Company Portal app".
 * - [C] Microsoft Learn, "Identify devices as corporate-owned" (corporate-identifiers-add), the table "Windows
 *   enrollment types": the Entra-join rows are "Corporate, but will be blocked by personal enrollment restriction"
 *   without corporate identifiers and "Personal, unless defined by corporate identifiers" with them.
 * - [S] Microsoft Learn troubleshooting, "Unblock Windows 'Set up for work or school' enrollment"
 *   (troubleshoot-windows-work-school): an OOBE "Set up for work or school" sign-in "is recognized as a personal
 *   device. If you have personal device enrollment blocked for your tenant, this enrollment method will result in
 *   a failure" (error code 80180014).
 *
 * Not distinguishable on the wire, so one row each: GPO and ConfigMgr co-management auto-enrollment (both
 * EnrollmentType Device outside OOBE with an Entra token); "Add work account" and "MDM enrollment only" from
 * Settings (EnrollmentType Full). A DEM account and a Windows corporate identifier rescue any row (engine.ts).
 */

/** An enrollment path the reference server can tell from the request. */
export type WindowsEnrollmentPath = "autopilot" | "oobe-entra-join" | "auto-enrollment" | "bulk" | "settings";

export interface WindowsPathRow {
  path: WindowsEnrollmentPath;
  /** How the server recognises it. */
  recognisedBy: string;
  /** The ownership Intune records for it (without corporate identifiers). */
  recorded: "corporate" | "personal";
  /** "authorized": passes a personal-device block; "personal": the block judges it personal (DEM or a corporate identifier rescue it). */
  personalBlock: "authorized" | "personal";
  source: string;
}

export const WINDOWS_ENROLLMENT_PATHS: readonly WindowsPathRow[] = [
  {
    path: "autopilot",
    recognisedBy: "NotInOobe false, the serial's hardware hash registered with this tenant (autopilot.registered, directory.devices)",
    recorded: "corporate",
    personalBlock: "authorized",
    source: "[R] Windows Autopilot; [C] row 1",
  },
  {
    path: "oobe-entra-join",
    recognisedBy: "NotInOobe false, the serial not registered with Autopilot (plain OOBE join, Autopilot for existing devices)",
    recorded: "corporate",
    personalBlock: "personal",
    source: "[R] blocked unless registered with Windows Autopilot; [C] 'Corporate, but will be blocked'; [S]",
  },
  { path: "auto-enrollment", recognisedBy: "an Entra token, EnrollmentType Device, NotInOobe true (GPO, ConfigMgr co-management)", recorded: "corporate", personalBlock: "authorized", source: "[R] GPO or co-management; [C] row 2" },
  { path: "bulk", recognisedBy: "a provisioning-package (bulk) token", recorded: "corporate", personalBlock: "authorized", source: "[R] bulk provisioning package; [C] row 3" },
  { path: "settings", recognisedBy: "EnrollmentType Full, NotInOobe true (Add work account, MDM enrollment only)", recorded: "personal", personalBlock: "personal", source: "[R] 'Intune also blocks personal devices'; [C] 'Personal'" },
];

export interface PathFacts {
  bulk: boolean;
  token: boolean;
  enrollmentType: string;
  notInOobe: boolean;
  /** The serial's hardware hash is registered with this tenant's Autopilot. */
  autopilotRegistered?: boolean;
}

/** The path of an enrollment request (a Device enrollment outside OOBE without a token is taken as auto-enrollment too). */
export function windowsEnrollmentPath(f: PathFacts): WindowsEnrollmentPath {
  if (f.bulk) return "bulk";
  if (!f.notInOobe) return f.autopilotRegistered === false ? "oobe-entra-join" : "autopilot";
  return f.enrollmentType.toLowerCase() === "full" ? "settings" : "auto-enrollment";
}

export const windowsPathRow = (path: WindowsEnrollmentPath): WindowsPathRow => WINDOWS_ENROLLMENT_PATHS.find((r) => r.path === path)!;
