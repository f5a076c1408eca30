// SPDX-License-Identifier: MIT
/** Admin side of the Android half for timeline actions (half.ts HalfAdmin). */
import { replaceConfig, type HalfAdmin } from "../half.js";
import { resolveConfig } from "./config.js";
import type { AndroidHalfConfig } from "./config.js";
import type { TokenStore } from "./tokens.js";

/** What the admin side uses of the Android half (half.ts AndroidHalf). */
export interface AndroidAdminTarget {
  config: AndroidHalfConfig;
  tokens: TokenStore;
  amapi: { devices: Map<string, { hardwareInfo?: { serialNumber?: unknown } }>; namesForSerials(serials: ReadonlySet<string>): string[]; wipe(name: string, how: { delete: boolean; wipeDataFlags?: string[]; reason?: string }): unknown };
  headwind: { devices: Map<string, { info?: { serial?: unknown } }>; wipe(serials: ReadonlySet<string>): number };
}

export function androidAdmin(half: AndroidAdminTarget): HalfAdmin {
  return {
    // Tokens issued at start keep their settings; profiles, restrictions and policies read per request change.
    reconfigure: (raw) => replaceConfig(half.config, resolveConfig(raw)),
    // AMAPI device resources by hardware serial; Headwind records by the serial of their last info upload.
    deleteDevices: (devices) => {
      const serials = new Set(devices.map((d) => d.serialNumber).filter((s): s is string => !!s));
      let n = 0;
      for (const [name, dev] of half.amapi.devices) if (serials.has(String(dev.hardwareInfo?.serialNumber ?? ""))) (half.amapi.devices.delete(name), n++);
      for (const [id, dev] of half.headwind.devices) if (serials.has(String(dev.info?.serial ?? ""))) (half.headwind.devices.delete(id), n++);
      return n;
    },
    // Headwind: the record stays wipe-pending and the agent gets a factoryReset push. AMAPI: the console's
    // Wipe is devices.delete with wipe data flags (PRESERVE_RESET_PROTECTION_DATA, as an admin keeps FRP
    // unless told otherwise): the resource leaves the EMM's view, Android Device Policy gets WIPE at its next sync.
    wipe: (devices) => {
      const serials = new Set(devices.map((d) => d.serialNumber).filter((s): s is string => !!s));
      const amapi = half.amapi.namesForSerials(serials);
      for (const name of amapi) half.amapi.wipe(name, { delete: true, wipeDataFlags: ["PRESERVE_RESET_PROTECTION_DATA"], reason: "Wiped by the administrator" });
      return half.headwind.wipe(serials) + amapi.length;
    },
    expire: (what) => (what === "enrollment-tokens" ? `${half.tokens.expireAll()} enrollment token(s) expired` : undefined),
    revoke: (what) => (what === "enrollment-tokens" ? `${half.tokens.revokeAll()} enrollment token(s) revoked` : undefined),
  };
}
