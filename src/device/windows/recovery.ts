// SPDX-License-Identifier: MIT
/**
 * What a PC does with a RemoteWipe Exec (RemoteWipe CSP, learn.microsoft.com/windows/client-management/mdm/remotewipe-csp),
 * read from its Windows Recovery Environment (device state `recovery.winre`, default enabled), the same for a
 * check-in (checkin.ts) and for a session during the enrollment flow (management.ts).
 *
 * Published:
 * - doWipe is "Reset this PC > Remove everything"; the variants keep provisioning data, user data, or reset from
 *   the cloud image. Every reset runs in WinRE.
 * - AutomaticRedeployment/doAutomaticRedeployment (1809+) is the remote Autopilot Reset: "works like PC Reset …
 *   except that it keeps the device enrolled in Azure AD and MDM, keeps Wi-Fi profiles, and a few other settings".
 *   Its AutomaticRedeployment/Status node: 0 never run, 1 complete, 10 reset scheduled, 20 scheduled and waiting for a
 *   reboot, 30 failed during CSP Execute, 40 power requirements not met, 50 reset internals failed; LastError is
 *   "typically an HRESULT" (both Get-only, int).
 * - Autopilot Reset checks WinRE before it starts; without it "the Windows Autopilot reset fails immediately on the
 *   device and an error such as Error code: ERROR_NOT_SUPPORTED (0x80070032) is reported in the logs"; the fix is
 *   `reagentc.exe /enable` (learn.microsoft.com/autopilot/windows-autopilot-reset, "Troubleshooting").
 * - doWipeProtected runs on a PC whose WinRE is disabled, "but there is a risk that the device will become
 *   unbootable" (Microsoft, github.com/MicrosoftDocs/windows-itpro-docs/issues/6974).
 *
 * Assumptions (not published, stated in scenarios/README-windows.md "Recovery environment"): the SyncML status of an
 * Exec whose reset cannot start is 500 (Command failed, OMA-DM); the other wipes check WinRE when the Exec arrives, as
 * Autopilot Reset does, and answer 500 the same way.
 */
import type { DeviceIdentity } from "../identity.js";
import { absentOnBuild } from "./capabilities.js";
import type { CspTree } from "./csp.js";

const RW = "./Device/Vendor/MSFT/RemoteWipe";
/** The remote Autopilot Reset (Intune "Autopilot Reset"). */
export const AUTOPILOT_RESET = `${RW}/AutomaticRedeployment/doAutomaticRedeployment`;
export const AUTOPILOT_RESET_STATUS = `${RW}/AutomaticRedeployment/Status`;
export const AUTOPILOT_RESET_LAST_ERROR = `${RW}/AutomaticRedeployment/LastError`;

/** ERROR_NOT_SUPPORTED as an HRESULT (winerror.h: ERROR_NOT_SUPPORTED 50, HRESULT_FROM_WIN32 → 0x80070032). */
export const ERROR_NOT_SUPPORTED_HRESULT = 0x80070032;

/** AutomaticRedeployment/Status values (RemoteWipe CSP). */
export const AUTOPILOT_RESET_STATUS_VALUES = { neverRun: 0, complete: 1, scheduled: 10, waitingForReboot: 20, execFailed: 30, powerNotMet: 40, resetFailed: 50 } as const;

const WIPE_RE =
  /^\.\/Device\/Vendor\/MSFT\/RemoteWipe\/(doWipe|doWipeProtected|doWipePersistProvisionedData|doWipePersistUserData|doWipeCloud|doWipeCloudPersistUserData|doWipeCloudPersistProvisionedData|AutomaticRedeployment\/doAutomaticRedeployment)$/;

/** A reset the PC accepted: it runs once the session ends. */
export interface AcceptedReset {
  /** The node's name: doWipe, doWipePersistUserData, …, AutomaticRedeployment/doAutomaticRedeployment. */
  node: string;
  /** Autopilot Reset (keeps the Entra join and the MDM enrollment) or a wipe. */
  kind: "autopilot-reset" | "wipe";
  /** The PC is still enrolled afterwards: Autopilot Reset, doWipePersistUserData, doWipeCloudPersistUserData. */
  keepsEnrollment: boolean;
}

/** What the PC answers a RemoteWipe Exec, and the reset it starts (none when it answers an error). */
export interface RemoteResetAnswer {
  status: number;
  reset?: AcceptedReset;
  /** Why the reset did not start, as the device logs it (the HRESULT in hexadecimal). */
  logged?: string;
}

export const winreEnabled = (identity: DeviceIdentity): boolean => identity.state?.recovery?.winre !== "disabled";

/**
 * Why a reset started on the PC itself (Settings › System › Recovery › Reset this PC; a technician's reset,
 * timeline `reset`) does not happen, as the PC shows it; undefined when it can reset. Microsoft publishes no text
 * for it: the one quoted is a community report (github.com/Disassembler0/Win10-Initial-Setup-Script/issues/131:
 * after `reagentc /disable` "if you attempt to recover, you'll get 'Could not find the recovery environment.'").
 */
export function localResetRefusal(identity: DeviceIdentity): string | undefined {
  if (identity.platform !== "windows" || winreEnabled(identity)) return undefined;
  return 'Reset this PC: "Could not find the recovery environment." (Windows RE disabled, device state recovery.winre; fix: reagentc /enable)';
}

/**
 * The AutomaticRedeployment Status and LastError nodes at their defaults (0), on a build that has them (the
 * capability table decides: 1809+). The tree is rebuilt per session (checkin.ts), so a failure's values are
 * readable in the session of the Exec.
 */
export function installResetNodes(tree: CspTree): void {
  if (absentOnBuild(AUTOPILOT_RESET_STATUS, tree.osVersion) !== undefined) return;
  tree.setReadOnly(AUTOPILOT_RESET_STATUS, "0", "int");
  tree.setReadOnly(AUTOPILOT_RESET_LAST_ERROR, "0", "int");
}

/** A signed int32, as an `int` node holds an HRESULT. */
const int32 = (n: number): string => String(n | 0);
export const hresult = (n: number): string => `0x${(n >>> 0).toString(16).toUpperCase().padStart(8, "0")}`;

/**
 * The PC's answer to an Exec of a RemoteWipe node (a canonical URI), or undefined for any other node. The
 * capability table (csp.ts) has already refused a node the build lacks.
 */
export function execRemoteReset(tree: CspTree, identity: DeviceIdentity, uri: string): RemoteResetAnswer | undefined {
  const m = WIPE_RE.exec(uri);
  if (!m) return undefined;
  const node = m[1]!;
  const winre = winreEnabled(identity);
  if (node === "AutomaticRedeployment/doAutomaticRedeployment") {
    const S = AUTOPILOT_RESET_STATUS_VALUES;
    if (!winre) {
      tree.setReadOnly(AUTOPILOT_RESET_STATUS, String(S.execFailed), "int");
      tree.setReadOnly(AUTOPILOT_RESET_LAST_ERROR, int32(ERROR_NOT_SUPPORTED_HRESULT), "int");
      return { status: 500, logged: `Autopilot Reset: Error code: ERROR_NOT_SUPPORTED (${hresult(ERROR_NOT_SUPPORTED_HRESULT)}): the Windows Recovery Environment is not enabled` };
    }
    tree.setReadOnly(AUTOPILOT_RESET_STATUS, String(S.scheduled), "int");
    tree.setReadOnly(AUTOPILOT_RESET_LAST_ERROR, "0", "int");
    return { status: 200, reset: { node, kind: "autopilot-reset", keepsEnrollment: true } };
  }
  // doWipeProtected goes ahead without WinRE (and may leave the PC unbootable: not modelled, it resets).
  if (!winre && node !== "doWipeProtected") {
    return { status: 500, logged: `RemoteWipe/${node}: the reset cannot start: the Windows Recovery Environment is not enabled` };
  }
  return { status: 200, reset: { node, kind: "wipe", keepsEnrollment: /PersistUserData$/.test(node) } };
}
