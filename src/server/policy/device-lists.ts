// SPDX-License-Identifier: MIT
/**
 * Device identity lists (`embedded.policy.deviceLists`): the tenant's deny lists and allow-only lists of
 * devices by hardware identifier, checked when a device enrolls, on every platform and enrollment method
 * that reaches the policy engine (engine.ts `decide`).
 *
 * Published model: Workspace ONE UEM "Denylist and Allowlist Device Registrations" (docs.vmware.com,
 * Workspace ONE UEM › Managing Devices; AirWatch 9.2 "Blacklisting/Whitelisting Device Registration"):
 * "A denylist is an explicit listing of devices … that are not allowed. An allowlist is a listing of
 * devices … that are only allowed"; entries by IMEI, Serial Number or UDID, per organization group,
 * optionally for one platform; "in a deployment of only corporate-owned devices, you can create an
 * allowlist … enrollment is restricted to only those devices you have identified". The device sees
 * "Enrollment Denied: Device Not Approved" (Broadcom KB "Troubleshooting device enrollment issues in
 * Workspace ONE UEM"). Intune's closest published form is corporate identifiers with personally owned
 * devices blocked (restrictions.ts); Windows corporate identifiers are manufacturer/model/serial.
 *
 * Assumptions (not published): MAC address and model as attributes (WS1 lists IMEI, serial, UDID;
 * other MDMs and Windows' MS-MDE2 `MAC` context items carry them, so the data allows them); a deny list
 * wins over an allow list; an allow-only list applies to the enrollments it targets and passes the
 * others. `assign` targets users as the restrictions do: a userless enrollment (ADE without a user,
 * bulk, self-deploying) meets only the lists without `assign` (WS1 targets organization groups, which
 * the directory's groups stand in for). Matching ignores case, spaces and (MAC) separators.
 */
import { targets } from "./directory.js";
import type { DeviceListPolicy, PolicyConfig, PolicyPlatform } from "./types.js";

/** The identifier kinds a list holds, as `embedded.policy.deviceLists[]` keys. */
export const DEVICE_LIST_KEYS = ["serials", "imeis", "udids", "macs", "models"] as const;
export type DeviceListKey = (typeof DEVICE_LIST_KEYS)[number];

/** What the server knows of an enrolling device (absent: the method does not report it). */
export interface ListedFacts {
  platform: PolicyPlatform;
  upn?: string;
  serial?: string;
  imei?: string;
  udid?: string;
  macs?: readonly string[];
  model?: string;
}

export type DeviceListRefusal = "device-denylisted" | "device-not-allowlisted";

/** One identifier as lists compare it: upper case, no spaces; a MAC without separators. */
export function normaliseId(key: DeviceListKey, v: string): string {
  const s = v.replace(/\s/g, "").toUpperCase();
  return key === "macs" ? s.replace(/[:.-]/g, "") : s;
}

function factValues(f: ListedFacts, key: DeviceListKey): string[] {
  const v = key === "serials" ? [f.serial] : key === "imeis" ? [f.imei] : key === "udids" ? [f.udid] : key === "macs" ? [...(f.macs ?? [])] : [f.model];
  return v.filter((x): x is string => !!x).map((x) => normaliseId(key, x));
}

/** The identifier of this device a list names ("serial C02X…"), or undefined. */
export function listedBy(list: DeviceListPolicy, f: ListedFacts): string | undefined {
  for (const key of DEVICE_LIST_KEYS) {
    const entries = new Set((list[key] ?? []).map((x) => normaliseId(key, x)));
    const hit = factValues(f, key).find((v) => entries.has(v));
    if (hit) return `${key.replace(/s$/, "").toUpperCase()} ${hit}`;
  }
  return undefined;
}

const platformsOf = (l: DeviceListPolicy): PolicyPlatform[] | undefined => (l.platform === undefined ? undefined : Array.isArray(l.platform) ? l.platform : [l.platform]);

/** Whether a list applies to this enrollment: its platform (iPadOS is ios) and its assignment. */
export function listApplies(cfg: PolicyConfig, l: DeviceListPolicy, f: ListedFacts): boolean {
  const ps = platformsOf(l);
  return (!ps || ps.includes(f.platform)) && targets(cfg, l.assign, f.upn);
}

/** Why the tenant's device lists refuse this enrollment (undefined: they let it pass). */
export function deviceListRefusal(cfg: PolicyConfig, f: ListedFacts): { refusal: DeviceListRefusal; message: string } | undefined {
  const lists = (cfg.deviceLists ?? []).filter((l) => listApplies(cfg, l, f));
  for (const l of lists.filter((x) => x.mode === "deny")) {
    const by = listedBy(l, f);
    if (by) return { refusal: "device-denylisted", message: `Device Not Approved: ${by} is on the deny list "${l.name}"` };
  }
  const allow = lists.filter((x) => x.mode === "allowOnly");
  if (allow.length && !allow.some((l) => listedBy(l, f))) {
    return { refusal: "device-not-allowlisted", message: `Device Not Approved: the device is not on the allow list ${allow.map((l) => `"${l.name}"`).join(" or ")}` };
  }
  return undefined;
}

/**
 * The deny list that names an Apple serial for Automated Device Enrollment, if any: "Denylisting devices that are
 * registered in the Device Enrollment Program (DEP) restricts those devices from having a DEP profile assigned to
 * them in the future" (Workspace ONE UEM, Add a Denylisted or Allowlisted Device). ADE is userless here: only lists
 * without `assign`, for iOS/iPadOS or macOS (or every platform), apply.
 */
export function adeDenylistedBy(cfg: PolicyConfig, serial: string): string | undefined {
  for (const l of (cfg.deviceLists ?? []).filter((x) => x.mode === "deny")) {
    const applies = (["ios", "macos"] as const).some((platform) => listApplies(cfg, l, { platform }));
    const by = applies ? listedBy(l, { platform: "ios", serial }) : undefined;
    if (by) return `${by} is on the deny list "${l.name}"`;
  }
  return undefined;
}

/** A device's identifiers as the timeline names it (engine-ports DeviceRef identity). */
export interface ListedDevice {
  serial?: string;
  imei?: string;
  udid?: string;
  mac?: string;
  model?: string;
}

const idOf = (d: ListedDevice, key: DeviceListKey): string | undefined => (key === "serials" ? d.serial : key === "imeis" ? d.imei : key === "udids" ? d.udid : key === "macs" ? d.mac : d.model);

/**
 * The admin adds devices to a list by one attribute, or removes them from it (every attribute of theirs
 * the list names). Returns the new list array and what changed, in words; an unknown list name changes nothing.
 */
export function editDeviceList(lists: readonly DeviceListPolicy[] | undefined, name: string, devices: readonly ListedDevice[], op: { remove: true } | { remove?: false; by: DeviceListKey }): { lists: DeviceListPolicy[]; result: string } {
  const all = [...(lists ?? [])];
  const i = all.findIndex((l) => l.name === name);
  if (i < 0) return { lists: all, result: `not applied: embedded.policy.deviceLists has no list named "${name}"` };
  const l: DeviceListPolicy = { ...all[i]! };
  let n = 0;
  let missing = 0;
  if (op.remove) {
    for (const key of DEVICE_LIST_KEYS) {
      const drop = new Set(
        devices
          .map((d) => idOf(d, key))
          .filter((x): x is string => !!x)
          .map((x) => normaliseId(key, x)),
      );
      const before = l[key]?.length ?? 0;
      if (l[key]) l[key] = l[key]!.filter((x) => !drop.has(normaliseId(key, x)));
      n += before - (l[key]?.length ?? 0);
    }
  } else {
    const have = new Set((l[op.by] ?? []).map((x) => normaliseId(op.by, x)));
    const add: string[] = [];
    for (const d of devices) {
      const v = idOf(d, op.by);
      if (!v) missing++;
      else if (!have.has(normaliseId(op.by, v))) (have.add(normaliseId(op.by, v)), add.push(v));
    }
    l[op.by] = [...(l[op.by] ?? []), ...add];
    n = add.length;
  }
  all[i] = l;
  const what = op.remove ? `removed ${n} entr${n === 1 ? "y" : "ies"} of ${devices.length} device(s) from` : `added ${n} ${op.by} of ${devices.length} device(s) to`;
  return { lists: all, result: `${what} the ${l.mode === "deny" ? "deny" : "allow"} list "${name}"${missing ? `; ${missing} device(s) report no ${op.remove ? "identifier" : op.by.replace(/s$/, "")}` : ""}` };
}
