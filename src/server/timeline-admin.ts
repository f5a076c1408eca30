// SPDX-License-Identifier: MIT
/**
 * The embedded reference server's side of the scenario timeline (runner/timeline): configuration
 * changes, record deletion, revocation and expiry of credentials, restarts, and endpoints answering
 * 503. Each action goes to the part of the server that models it (the SCEP CA, a half's admin API);
 * an action nothing models says so in its result instead of pretending.
 */
import type { PolicyConfig } from "./policy/types.js";
import { clockOffsetMs } from "../wire/clock-offset.js";
import type { HttpResponse } from "../ports/http.js";
import type { Clock } from "../ports/clock.js";
import type { DeviceRef, TimelineServer } from "../runner/timeline/engine.js";
import { globRegExp } from "../runner/timeline/glob.js";
import type { TimelineAction } from "../runner/timeline/types.js";
import type { AdminDevice } from "./half.js";
import type { ReferenceServer } from "./reference-server.js";
import { editDeviceList, type ListedDevice } from "./policy/device-lists.js";

const str = (v: unknown): string | undefined => (typeof v === "string" && v ? v : undefined);
/** A device's identifiers as device lists hold them (runner identity: serial, IMEI, UDID, MAC, the model it reports). */
const listedDevice = (d: DeviceRef): ListedDevice => {
  const i = d.identity ?? {};
  const v: Record<string, string | undefined> = { serial: str(i.serialNumber), imei: str(i.imei), udid: str(i.udid), mac: str(i.mac), model: str(i.model) };
  return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined)) as ListedDevice;
};

type Platforms = { apple?: unknown; windows?: unknown; android?: unknown };

function setIn(root: Record<string, unknown>, path: readonly string[], value: unknown): Record<string, unknown> {
  const out = { ...root };
  let o = out;
  for (const seg of path.slice(0, -1)) {
    const next = o[seg];
    o = (o[seg] = next && typeof next === "object" ? (Array.isArray(next) ? [...next] : { ...(next as object) }) : {}) as Record<string, unknown>;
  }
  o[path[path.length - 1]!] = value;
  return out;
}

const adminDevice = (d: DeviceRef): AdminDevice => ({
  ...(typeof d.identity?.serialNumber === "string" ? { serialNumber: d.identity.serialNumber } : {}),
  ...(typeof d.identity?.udid === "string" ? { udid: d.identity.udid } : {}),
  ...(typeof d.identity?.imei === "string" ? { imei: d.identity.imei } : {}),
  ...(typeof d.identity?.platform === "string" ? { platform: d.identity.platform } : {}),
  ...(typeof d.identity?.windowsDeviceId === "string" ? { windowsDeviceId: d.identity.windowsDeviceId } : {}),
  certificateSerials: d.certificateSerials,
});

/** The half that holds a catalog platform's records. */
const halfNameOf = (platform: string | undefined): string | undefined => (platform === "windows" || platform === "android" ? platform : platform === "ios" || platform === "ipados" || platform === "macos" ? "apple" : undefined);

/**
 * Why an admin action found no record for these devices, in the result's words: the platform's half
 * models no such change, or the server holds no record of the device (not enrolled yet when the
 * action ran, refused, or its record deleted).
 */
function unchangedWhy(missed: readonly AdminDevice[], server: ReferenceServer): string {
  if (!missed.length) return "";
  const reasons = new Map<string, number>();
  for (const d of missed) {
    const name = halfNameOf(d.platform);
    const half = name ? server.halves.find((h) => h.name === name) : undefined;
    const why = !half?.admin?.setOwnership
      ? `their platform (${d.platform ?? "unknown"}) keeps no ownership the embedded server lets an admin change`
      : "the server holds no record of them (not enrolled yet when the action ran, refused, or deleted; trigger it with after: { enrolled: N } or after the step that enrolls)";
    reasons.set(why, (reasons.get(why) ?? 0) + 1);
  }
  return `; unchanged: ${[...reasons].map(([why, n]) => `${n} device(s): ${why}`).join("; ")}`;
}

/**
 * A TimelineServer over `server`. `platforms` is the scenario's `embedded.<platform>` as written
 * (set paths apply to it); `clock` is the run's clock (restart down time).
 */
export function referenceServerTimeline(server: ReferenceServer, platforms: Platforms, clock: Clock): TimelineServer {
  let current: Platforms = { ...platforms };
  const down: { path: string; re: RegExp; retryAfter?: number }[] = [];
  server.intercept = (_req, path): HttpResponse | undefined => {
    const d = down.find((x) => x.re.test(path));
    if (!d) return undefined;
    return {
      status: 503,
      headers: { "content-type": "text/plain", ...(d.retryAfter !== undefined ? { "retry-after": String(d.retryAfter) } : {}) },
      body: new TextEncoder().encode(`Service Unavailable: ${d.path} is down (injected by the scenario timeline)\n`),
      url: path,
    };
  };
  const half = (name: string) => server.halves.find((h) => h.name === name);
  return {
    async apply(a: TimelineAction, devices: DeviceRef[] | undefined): Promise<string> {
      switch (a.kind) {
        case "set": {
          const changed = new Set<string>();
          for (const { path, value } of a.values) {
            const [, part, ...rest] = path;
            if (part === "scep") {
              if (rest.length !== 1) return `not applied: ${path.join(".")}: the SCEP CA takes whole values (embedded.scep.<key>)`;
              (server.scep.config as unknown as Record<string, unknown>)[rest[0]!] = value;
              changed.add("scep");
              continue;
            }
            if (part === "clockOffset") {
              // The server's clock (embedded.clockOffset): set, e.g. "0s" when its NTP came back.
              server.clockOffsetMs = clockOffsetMs(String(value));
              continue;
            }
            if (part === "policy") {
              // Tenant rules: one holder every half reads at each decision (server/policy/holder.ts).
              if (rest.length) server.policy.holder.set(rest.join("."), value);
              else server.policy.holder.replace((value ?? {}) as PolicyConfig);
              continue;
            }
            // The loader refuses every other path (runner/timeline/check.ts, SETTABLE); this says so if one slips through.
            if (part !== "apple" && part !== "windows" && part !== "android") return `not applied: ${path.join(".")}: nothing in the embedded server applies it during a run`;
            const key = part as keyof Platforms;
            current = { ...current, [key]: setIn((current[key] ?? {}) as Record<string, unknown>, rest, value) };
            changed.add(key);
          }
          for (const p of changed) if (p !== "scep") half(p)?.admin?.reconfigure(current[p as keyof Platforms]);
          return `set ${a.values.map((v) => `${v.path.join(".")} = ${JSON.stringify(v.value)}`).join(", ")}`;
        }
        case "deleteRecords": {
          const refs = (devices ?? []).map(adminDevice);
          const out: string[] = [];
          if (a.in.includes("abm")) out.push(server.policy.ade.release(refs.map((d) => d.serialNumber).filter((s): s is string => !!s)));
          if (a.in.includes("mdm")) {
            const n = server.halves.reduce((sum, h) => sum + (h.admin?.deleteDevices(refs) ?? 0), 0);
            // Records the tenant held from before the run (embedded.policy.records), by serial or IMEI.
            const before = server.policy.removeRecordsBefore(refs.map((d) => ({ ...(d.serialNumber ? { serial: d.serialNumber } : {}), ...(typeof d.imei === "string" ? { imei: d.imei } : {}) })));
            out.push(`deleted ${n} device record(s) of ${refs.length} device(s)${before ? ` and ${before} record(s) from before the run` : ""}`);
          }
          for (const portal of ["zero-touch", "kme"] as const) {
            if (!a.in.includes(portal)) continue;
            const said = server.halves.map((h) => h.admin?.unregister?.(portal, refs)).filter((x): x is string => !!x);
            out.push(said.length ? said.join("; ") : `not applied: no half has a ${portal} portal`);
          }
          if (a.in.includes("directory")) {
            // The directory's device objects (server/policy/directory-objects.ts), by serial.
            const n = server.policy.directory.delete(refs.filter((r) => r.serialNumber).map((r) => ({ serial: r.serialNumber! })));
            out.push(`deleted ${n} directory device object(s) of ${refs.length} device(s)`);
          }
          return out.join("; ");
        }
        case "allowNextEnrollment": {
          // Intune's per-device "Unblock device": the selected records' state decides what it does (policy/unblock.ts).
          const ids = [
            ...(devices ?? []).map(adminDevice).map((d) => ({ ...(d.platform ? { platform: d.platform } : {}), ...(d.serialNumber ? { serial: d.serialNumber } : {}), ...(d.imei ? { imei: d.imei } : {}) })),
            ...(a.serials ?? []).map((serial) => ({ serial })),
          ];
          return server.policy.allowNextEnrollment(ids);
        }
        case "resync": {
          const out = server.halves.map((h) => h.admin?.resync?.()).filter((x): x is string => !!x);
          return out.length ? out.join("; ") : "not applied: no half syncs its device list from elsewhere (the Apple half's ADE device list)";
        }
        case "wipe": {
          const refs = (devices ?? []).map(adminDevice);
          const options = { ...(a.keepEnrollment ? { keepEnrollment: true } : {}), ...(a.protected ? { protected: true } : {}) };
          const n = server.halves.reduce((sum, h) => sum + (h.admin?.wipe?.(refs, options) ?? 0), 0);
          return `a wipe command queued for ${n} of ${refs.length} device(s)${n < refs.length ? " (the others have no record with a half that models a remote wipe)" : ""}`;
        }
        case "autopilotReset": {
          const refs = (devices ?? []).map(adminDevice);
          const n = server.halves.reduce((sum, h) => sum + (h.admin?.autopilotReset?.(refs) ?? 0), 0);
          return `an Autopilot Reset queued for ${n} of ${refs.length} device(s)${n < refs.length ? " (the others have no live Windows MDM record: Autopilot Reset is a Windows action)" : ""}`;
        }
        case "setOwnership": {
          const refs = (devices ?? []).map(adminDevice);
          if (!refs.length) return `0 device record(s) now ${a.ownership}: the action's target (group, platform, devices, count) selects no device`;
          const changed = new Set<AdminDevice>();
          for (const h of server.halves) for (const d of h.admin?.setOwnership?.(refs, a.ownership) ?? []) changed.add(d);
          return `${changed.size} device record(s) of ${refs.length} device(s) now ${a.ownership}${unchangedWhy(
            refs.filter((d) => !changed.has(d)),
            server,
          )}`;
        }
        case "editDeviceList": {
          // Tenant policy edited like a `set` of embedded.policy.deviceLists: every half reads it at its next decision.
          const devs = (devices ?? []).map(listedDevice);
          const { lists, result } = editDeviceList(server.policy.config.deviceLists, a.list, devs, a.remove ? { remove: true } : { by: a.add ?? "serials" });
          if (!result.startsWith("not applied")) server.policy.holder.set("deviceLists", lists);
          return result;
        }
        case "unlockUsers": {
          const n = server.policy.lockout.unlock(a.users);
          return `cleared the lockout and failed sign-ins of ${n} user(s)${a.users ? ` (${a.users.length} named)` : ""}`;
        }
        case "revoke": {
          if (a.what === "device-certificate") {
            const serials = (devices ?? []).flatMap((d) => d.certificateSerials);
            const n = server.scep.revoke(serials);
            const without = (devices ?? []).filter((d) => d.certificateSerials.length === 0).length;
            return `revoked ${n} certificate(s)${without ? `; ${without} targeted device(s) held no certificate yet` : ""}`;
          }
          if (a.what === "ade-token") return server.policy.ade.revoke();
          const out = server.halves.map((h) => h.admin?.revoke?.(a.what)).filter((x): x is string => !!x);
          return out.length ? out.join("; ") : `not applied: no part of the server models ${a.what}`;
        }
        case "expire": {
          if (a.what === "ade-token") return server.policy.ade.expireNow();
          const out = server.halves.map((h) => h.admin?.expire?.(a.what)).filter((x): x is string => !!x);
          return out.length ? out.join("; ") : `not applied: no part of the server models ${a.what}`;
        }
        case "restartServer":
          await server.restart({ downForMs: a.downForMs, loseState: a.loseState, sleep: (ms) => clock.sleep(ms), platforms: current });
          return `restarted${a.loseState ? ", its state lost (records, issued certificates, queues)" : " with its state"}${a.downForMs ? ` after ${a.downForMs / 1000} s down` : ""}`;
        case "endpointDown":
          down.push({ path: a.path, re: globRegExp(a.path, true), ...(a.retryAfter !== undefined ? { retryAfter: a.retryAfter } : {}) });
          return `${a.path} answers 503${a.retryAfter !== undefined ? ` (Retry-After: ${a.retryAfter})` : ""}`;
        case "endpointUp": {
          const before = down.length;
          for (let i = down.length - 1; i >= 0; i--) if (down[i]!.path === a.path) down.splice(i, 1);
          return before !== down.length ? `${a.path} is back` : `${a.path} was not down`;
        }
        default:
          return `not a server action: ${a.kind}`;
      }
    },
  };
}
