// SPDX-License-Identifier: MIT
/**
 * The ESP profile's life on the server (field failure win-esp-disabled-profile-still-shown): the admin
 * disables the profile after it was assigned. Disabling it changes what the server assigns from then on;
 * it does not remove what the device already holds — the DMClient FirstSyncStatus / EnrollmentStatusTracking
 * nodes stay on the device, and the device's ESP reads them at the user's first sign-in. The documented
 * workaround is an explicit OMA-URI: Replace `FirstSyncStatus/SkipUserStatusPage` = true (`cleanup: skip-user-page`).
 *
 * Modelled per device: the profile counts as disabled from the moment the server finishes that device's
 * device phase (it sends ServerHasFinishedProvisioning), i.e. between the technician's phase of a
 * pre-provisioned device and the user's first sign-in.
 */
import type { Command } from "../../wire/windows/syncml.js";
import type { WindowsServerConfig } from "./config.js";
import type { DeviceRecord } from "./state.js";

/** The server has just sent the ESP set-up: the profile is assigned to the device. */
export function espAssigned(rec: DeviceRecord): void {
  rec.espProfile = { state: "assigned" };
}

/** The server has just finished the device phase (ServerHasFinishedProvisioning): the admin's disable takes effect. */
export function espDeviceSetupFinished(rec: DeviceRecord, cfg: WindowsServerConfig): void {
  if (cfg.esp.disable?.after === "device-setup") rec.espProfile = { state: "disabled" };
}

/** Commands a disabled profile produces in a later session: nothing (default), or the SkipUserStatusPage workaround once. */
export function espProfileCommands(rec: DeviceRecord, cfg: WindowsServerConfig): Command[] {
  const p = rec.espProfile;
  if (p?.state !== "disabled" || p.cleanupSent || (cfg.esp.disable?.cleanup ?? "none") !== "skip-user-page") return [];
  p.cleanupSent = true;
  return [
    {
      verb: "Replace",
      items: [{ target: `./Device/Vendor/MSFT/DMClient/Provider/${cfg.providerId}/FirstSyncStatus/SkipUserStatusPage`, meta: { format: "bool" }, data: "true" }],
    },
  ];
}
