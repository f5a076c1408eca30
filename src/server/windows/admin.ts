// SPDX-License-Identifier: MIT
/** Admin side of the Windows half for timeline actions (half.ts HalfAdmin). */
import { replaceConfig, type HalfAdmin } from "../half.js";
import { windowsServerConfig, type WindowsServerConfig } from "./config.js";
import type { WindowsState } from "./state.js";

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
    // Ownership lives in the tenant's enrollment record, keyed by DeviceID.
    setOwnership: (devices, ownership) => {
      const serials = new Set(devices.flatMap((d) => d.certificateSerials));
      let n = 0;
      for (const rec of state.devices.values()) {
        const p = serials.has(rec.serialHex) ? policy.enrollments.get(rec.deviceId) : undefined;
        if (p) (p.ownership = ownership, n++);
      }
      return n;
    },
  };
}
