// SPDX-License-Identifier: MIT
/** Admin side of the Windows half for timeline actions (half.ts HalfAdmin). */
import { replaceConfig, type AdminDevice, type HalfAdmin } from "../half.js";
import { windowsServerConfig, type WindowsServerConfig } from "./config.js";
import type { WindowsState } from "./state.js";

/**
 * The node Intune's "Wipe" sends (RemoteWipe CSP, learn.microsoft.com/windows/client-management/mdm/remotewipe-csp):
 * doWipe resets the PC and removes all user data; the variants (doWipeProtected 1703+, doWipePersistUserData
 * 1709+, doWipePersistProvisionedData) keep more, and are what a `profiles` setting with verb Exec sends.
 */
export const REMOTE_WIPE = "./Device/Vendor/MSFT/RemoteWipe/doWipe";
/** Intune's "Autopilot Reset" (RemoteWipe CSP, 1809+) and the nodes that tell its outcome. */
export const AUTOPILOT_RESET = "./Device/Vendor/MSFT/RemoteWipe/AutomaticRedeployment/doAutomaticRedeployment";
export const AUTOPILOT_RESET_STATUS = "./Device/Vendor/MSFT/RemoteWipe/AutomaticRedeployment/Status";
export const AUTOPILOT_RESET_LAST_ERROR = "./Device/Vendor/MSFT/RemoteWipe/AutomaticRedeployment/LastError";
/** Intune's "Wipe device, but keep enrollment state and associated user account" (1709+). */
export const REMOTE_WIPE_KEEP_ENROLLMENT = "./Device/Vendor/MSFT/RemoteWipe/doWipePersistUserData";
/** Intune's "Wipe device, and continue to wipe even if device loses power" (1703+). */
export const REMOTE_WIPE_PROTECTED = "./Device/Vendor/MSFT/RemoteWipe/doWipeProtected";

export function windowsAdmin(cfg: WindowsServerConfig, state: WindowsState, policy: { enrollments: Map<string, { ownership: "corporate" | "personal" }>; removed(deviceKey: string): void }): HalfAdmin {
  return {
    // Components hold `cfg` and read it per request, so the new values apply from the next request.
    reconfigure: (raw) => replaceConfig(cfg, windowsServerConfig(raw)),
    // Records are keyed by DeviceID; the device is known by the certificate WSTEP issued it.
    deleteDevices: (devices) => {
      const serials = new Set(devices.flatMap((d) => d.certificateSerials));
      let n = 0;
      for (const [id, rec] of state.devices) {
        if (!serials.has(rec.serialHex)) continue;
        // A deleted device no longer counts toward its user's device limit (server-policies.md §2.6).
        state.users.get(rec.upn)?.delete(id);
        policy.removed(id);
        state.devices.delete(id);
        n++;
      }
      return n;
    },
    // Remote wipe (RemoteWipe CSP): Exec doWipe reaches the device at its next OMA-DM session (dm.ts),
    // also a PC still in its ESP (known by its DeviceID before the run knows its certificate).
    wipe: (devices, options = {}) => {
      const serials = new Set(devices.flatMap((d) => d.certificateSerials));
      const ids = new Set(devices.map((d) => d.windowsDeviceId?.toUpperCase()).filter((x): x is string => !!x));
      let n = 0;
      for (const rec of state.devices.values()) {
        if (!(serials.has(rec.serialHex) || ids.has(rec.deviceId)) || rec.unenrolled) continue;
        const node = options.keepEnrollment ? REMOTE_WIPE_KEEP_ENROLLMENT : options.protected ? REMOTE_WIPE_PROTECTED : REMOTE_WIPE;
        rec.queue.push({ verb: "Exec", items: [{ target: node }] });
        rec.wipe = { state: "pending", cmdIds: [], ...(options.keepEnrollment ? { keepsEnrollment: true } : {}) };
        n++;
      }
      return n;
    },
    // Autopilot Reset (RemoteWipe CSP AutomaticRedeployment, 1809+): the Exec, then the node's Status and LastError
    // in the same package, as the CSP publishes them for the server to read the outcome. The PC keeps its enrollment.
    autopilotReset: (devices) => {
      const serials = new Set(devices.flatMap((d) => d.certificateSerials));
      const ids = new Set(devices.map((d) => d.windowsDeviceId?.toUpperCase()).filter((x): x is string => !!x));
      let n = 0;
      for (const rec of state.devices.values()) {
        if (!(serials.has(rec.serialHex) || ids.has(rec.deviceId)) || rec.unenrolled) continue;
        rec.queue.push({ verb: "Exec", items: [{ target: AUTOPILOT_RESET }] }, { verb: "Get", items: [{ target: AUTOPILOT_RESET_STATUS }, { target: AUTOPILOT_RESET_LAST_ERROR }] });
        rec.wipe = { state: "pending", cmdIds: [], keepsEnrollment: true, kind: "autopilot-reset" };
        n++;
      }
      return n;
    },
    // Ownership lives in the tenant's enrollment record, keyed by DeviceID.
    // A PC is found by its certificate or, like a wipe, by its DeviceID (a PC still in its ESP).
    setOwnership: (devices, ownership) => {
      const bySerial = new Map(devices.flatMap((d) => d.certificateSerials.map((s) => [s, d] as const)));
      const byId = new Map(devices.filter((d) => d.windowsDeviceId).map((d) => [d.windowsDeviceId!.toUpperCase(), d] as const));
      const changed = new Set<AdminDevice>();
      for (const rec of state.devices.values()) {
        const d = bySerial.get(rec.serialHex) ?? byId.get(rec.deviceId);
        const p = d ? policy.enrollments.get(rec.deviceId) : undefined;
        if (p) (p.ownership = ownership, changed.add(d!));
      }
      return changed;
    },
  };
}
