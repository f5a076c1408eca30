// SPDX-License-Identifier: MIT
/**
 * Which devices a timeline entry acts on: its target (group, platform, run-wide indices, the first N of the
 * selection), or every device of the run. Admin actions on server records (delete, unblock, ownership, device
 * lists, wipe, Autopilot Reset, a device certificate's revocation) always name the devices they act on, so the
 * report lists them; `allowNextEnrollment` with `serials` and no target names records, not run devices.
 */
import type { TimelineDevice } from "./engine-ports.js";
import type { TimelineAction, TimelineTarget } from "./types.js";

/** The devices `target` selects among `devices` (all of them without a target). */
export function selectTargets(devices: readonly TimelineDevice[], t: TimelineTarget | undefined): TimelineDevice[] {
  if (!t) return [...devices];
  let list = devices.filter((d) => (t.group === undefined || d.group === t.group) && (t.platform === undefined || d.platform === t.platform || (t.platform === "ios" && d.platform === "ipados")));
  if (t.devices) {
    const want = new Set(t.devices);
    list = list.filter((d) => want.has(d.index));
  }
  if (t.count !== undefined) list = list.slice(0, t.count);
  return list;
}

/** A server action on the records of devices: it selects devices even without a target (every device of the run). */
export function recordAction(a: TimelineAction): boolean {
  return (
    a.kind === "deleteRecords" ||
    a.kind === "setOwnership" ||
    a.kind === "editDeviceList" ||
    a.kind === "wipe" ||
    a.kind === "autopilotReset" ||
    (a.kind === "revoke" && a.what === "device-certificate") ||
    (a.kind === "allowNextEnrollment" && !a.serials)
  );
}
