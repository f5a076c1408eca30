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
  /** Serials and IMEIs removed from the vendor enrollment portals (half.ts answers their zero-touch.json / kme.json 404). */
  unregistered: Record<"zero-touch" | "kme", Set<string>>;
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
    // Zero-touch (Google) and Knox Mobile Enrollment (Samsung) hold devices by IMEI or serial: removed, a device's
    // next setup gets no configuration; an enrolled device is not told (bayton.org, "What happens if a new config
    // … is applied to an enrolled device?": unclaiming has no effect until a factory reset).
    unregister: (portal, all) => {
      // Only Android devices are in these portals (a device whose platform the runner does not know is taken as one).
      const devices = all.filter((d) => d.platform === undefined || d.platform === "android");
      const ids = devices.flatMap((d) => [d.serialNumber, typeof d.imei === "string" ? d.imei : undefined]).filter((s): s is string => !!s);
      for (const id of ids) half.unregistered[portal].add(id);
      return `removed ${devices.length} device(s) from the ${portal === "kme" ? "Knox Mobile Enrollment" : "zero-touch"} portal`;
    },
    expire: (what) => (what === "enrollment-tokens" ? `${half.tokens.expireAll()} enrollment token(s) expired` : undefined),
    revoke: (what) => (what === "enrollment-tokens" ? `${half.tokens.revokeAll()} enrollment token(s) revoked` : undefined),
  };
}
