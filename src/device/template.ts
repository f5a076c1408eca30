// SPDX-License-Identifier: MIT
/**
 * Templates in scenario values: `%NAME%` stands for a value that only exists once the run does
 * (the embedded server's URL and port, a device's serial number, UDID, IMEI, user, …), so a literal
 * provisioning payload, a profile file or the server's data can point at the embedded server and
 * list the run's devices without copying values out of a trace.
 *
 * - Names are UPPER_CASE letters and underscores (at least three). Anything else between percent
 *   signs is left alone: Apple's own profile variables (`%SerialNumber%`, `%ComputerName%`), which
 *   the device substitutes itself, Windows' `%RAND:4%`, URL escapes (`%2F`), and the Windows
 *   environment variables of {@link PLATFORM_VARIABLES} (`%PROGRAMFILES%`).
 * - Device variables expand per device; run variables (`%SERVER%`, `%PORT%`, …) once the server
 *   listens. In a list of server data, an item with device variables becomes one item per device of
 *   the run, or of one group with `%SERIAL@group%`.
 * - An unknown name is a load-time error with a did-you-mean (runner/scenario/semantic-templates.ts).
 */
import type { DeviceIdentity } from "./identity.js";

export type TemplateScope = "device" | "run";

/** The variables, documented (scenarios/README.md lists this table). */
export const TEMPLATE_VARIABLES: ReadonlyArray<{ name: string; scope: TemplateScope; meaning: string }> = [
  { name: "SERIAL", scope: "device", meaning: "serial number" },
  { name: "SERIALNUMBER", scope: "device", meaning: "serial number (alias)" },
  { name: "UDID", scope: "device", meaning: "Apple UDID" },
  { name: "IMEI", scope: "device", meaning: "IMEI (devices with a modem)" },
  { name: "MEID", scope: "device", meaning: "MEID (devices with a CDMA modem)" },
  { name: "MAC", scope: "device", meaning: "Wi-Fi (else Ethernet) MAC address" },
  { name: "DEVICE_NAME", scope: "device", meaning: "device name" },
  { name: "DEVICENAME", scope: "device", meaning: "device name (alias)" },
  { name: "INDEX", scope: "device", meaning: "run-wide device index" },
  { name: "MODEL", scope: "device", meaning: "catalog model id" },
  { name: "PRODUCT", scope: "device", meaning: "model identifier (iPhone15,4, …)" },
  { name: "DEVICEID", scope: "device", meaning: "Windows device id" },
  { name: "USER", scope: "device", meaning: "the device's default user name, user<INDEX> (the local part of the default Windows UPN)" },
  { name: "SERVER", scope: "run", meaning: "base URL of the server under test (embedded: its HTTPS listener)" },
  { name: "SERVER_HTTP", scope: "run", meaning: "the embedded server's plain HTTP base URL" },
  { name: "HOST", scope: "run", meaning: "host name of SERVER" },
  { name: "PORT", scope: "run", meaning: "port of SERVER" },
  { name: "SCEP_URL", scope: "run", meaning: "the SCEP endpoint" },
];

/**
 * UPPER_CASE names that belong to a platform and stay literal: Windows environment variables and
 * AppLocker's path variables (Microsoft Learn, "Understanding the path rule condition in AppLocker"
 * and "Recognized environment variables"), which CSP values carry for the device to resolve.
 */
export const PLATFORM_VARIABLES: readonly string[] = [
  "WINDIR",
  "SYSTEM32",
  "OSDRIVE",
  "PROGRAMFILES",
  "REMOVABLE",
  "HOT",
  "SYSTEMROOT",
  "SYSTEMDRIVE",
  "PROGRAMDATA",
  "COMMONPROGRAMFILES",
  "USERPROFILE",
  "APPDATA",
  "LOCALAPPDATA",
  "TEMP",
  "TMP",
  "PUBLIC",
  "ALLUSERSPROFILE",
  "COMPUTERNAME",
  "USERNAME",
  "USERDOMAIN",
  "HOMEDRIVE",
  "HOMEPATH",
];

const SCOPE = new Map(TEMPLATE_VARIABLES.map((v) => [v.name, v.scope]));
const PLATFORM = new Set(PLATFORM_VARIABLES);
export const TEMPLATE_NAMES: readonly string[] = TEMPLATE_VARIABLES.map((v) => v.name);

const PATTERN = /%([A-Z][A-Z_]{2,})(?:@([A-Za-z0-9_.-]+))?%/g;

/** One `%NAME%` or `%NAME@group%` occurrence. */
export interface TemplateUse {
  name: string;
  group?: string;
  text: string;
}

/** The template occurrences in `text`. */
export function templateUses(text: string): TemplateUse[] {
  return [...text.matchAll(PATTERN)].filter((m) => !(PLATFORM.has(m[1]!) && !m[2])).map((m) => ({ name: m[1]!, ...(m[2] ? { group: m[2] } : {}), text: m[0] }));
}

export const scopeOf = (name: string): TemplateScope | undefined => SCOPE.get(name);

/** Values by name; a missing one makes expansion fail with a clear message. */
export type TemplateValues = Record<string, string | undefined>;

/** The device variables of one device. */
export function deviceTemplateValues(id: DeviceIdentity): TemplateValues {
  return {
    SERIAL: id.serialNumber,
    SERIALNUMBER: id.serialNumber,
    UDID: id.udid,
    IMEI: id.imei,
    MEID: id.meid,
    MAC: id.wifiMac ?? id.ethernetMac,
    DEVICE_NAME: id.deviceName,
    DEVICENAME: id.deviceName,
    INDEX: String(id.index),
    MODEL: id.model,
    PRODUCT: id.modelIdentifier,
    DEVICEID: id.windows?.deviceId,
    USER: `user${id.index}`,
  };
}

/** The run variables from the server's base URLs. */
export function runTemplateValues(t: { https?: string; http?: string; scepUrl?: string }): TemplateValues {
  const base = t.https ?? t.http;
  const u = base ? new URL(base) : undefined;
  return {
    SERVER: base?.replace(/\/$/, ""),
    SERVER_HTTP: t.http?.replace(/\/$/, ""),
    HOST: u?.hostname,
    PORT: u ? u.port || (u.protocol === "https:" ? "443" : "80") : undefined,
    SCEP_URL: t.scepUrl,
  };
}

/** Thrown when a value is missing (a variable the device or run does not have). */
export class TemplateValueMissing extends Error {}

/** Expands the variables `values` knows in `text`; `only` limits which scope is expanded (others stay). */
export function expandTemplate(text: string, values: TemplateValues, only?: TemplateScope): string {
  return text.replace(PATTERN, (whole, name: string, group?: string) => {
    if (group !== undefined || !SCOPE.has(name) || (only && SCOPE.get(name) !== only)) return whole;
    const v = values[name];
    if (v === undefined) throw new TemplateValueMissing(`${whole} has no value here (${name === "UDID" ? "only Apple devices have a UDID" : name === "DEVICEID" ? "only Windows devices have a device id" : "not available for this device or server"})`);
    return v;
  });
}

/** Expands every string of a JSON-like value (objects and arrays copied, others as they are). */
export function expandDeep<T>(value: T, expand: (s: string) => string): T {
  if (typeof value === "string") return expand(value) as T;
  if (Array.isArray(value)) return value.map((v) => expandDeep(v, expand)) as T;
  if (value && typeof value === "object" && !(value instanceof Uint8Array)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, expandDeep(v, expand)])) as T;
  }
  return value;
}

/** Whether a string uses device variables (with or without @group). */
export const usesDeviceVariables = (s: string): boolean => templateUses(s).some((u) => scopeOf(u.name) === "device");

/**
 * Server data: device variables expand per device of the run. A list item that uses them becomes
 * one item per device (those of `group` for `%NAME@group%`), in device order; a lone string that
 * uses them is a load-time error (semantic-templates.ts), so it never reaches here.
 */
export function expandServerData<T>(value: T, devices: ReadonlyArray<{ group: string; values: TemplateValues }>): T {
  if (Array.isArray(value)) {
    return value.flatMap((item) => {
      if (typeof item !== "string" || !usesDeviceVariables(item)) return [expandServerData(item, devices)];
      const group = templateUses(item).find((u) => u.group)?.group;
      const out: string[] = [];
      for (const d of devices) {
        if (group !== undefined && d.group !== group) continue;
        const plain = item.replace(PATTERN, (w, name: string) => `%${name}%`);
        try {
          out.push(expandTemplate(plain, d.values, "device"));
        } catch (e) {
          if (!(e instanceof TemplateValueMissing)) throw e; // a device without that identifier (no IMEI on a Mac) adds nothing
        }
      }
      return out;
    }) as T;
  }
  if (value && typeof value === "object" && !(value instanceof Uint8Array)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, expandServerData(v, devices)])) as T;
  }
  return value;
}

/** Device variables known before the identity is built: they come from the device's place in the run, not its identifiers. */
const BEFORE_IDENTITY = new Set(["INDEX", "MODEL", "USER"]);

/**
 * A group's `state:` with its device variables expanded for one device. State shapes the identity
 * (a pinned serial, an OS build), and a state value may name an identifier the identity holds
 * (`backup: {enrolledIn: "%SERIAL%"}`): `%INDEX%`, `%MODEL%` and `%USER%` expand first, the identity is
 * built from that, then the other device variables expand from it and the final identity is built
 * from the fully expanded state. `build` must be deterministic for one device (a fresh entropy
 * stream per call). Run variables never reach here (a load-time error: a device's state exists
 * before the server listens).
 */
export function expandState<S, I extends DeviceIdentity>(state: S | undefined, index: number, model: string, build: (state: S | undefined) => I): I {
  if (state === undefined || !strings(state)) return build(state);
  const early: TemplateValues = { INDEX: String(index), MODEL: model, USER: `user${index}` };
  const first = expandDeep(state, (s) => s.replace(PATTERN, (whole, name: string, group?: string) => (group === undefined && BEFORE_IDENTITY.has(name) ? early[name]! : whole)));
  if (!strings(first)) return build(first);
  const provisional = build(first);
  return build(expandDeep(first, (s) => expandTemplate(s, deviceTemplateValues(provisional), "device")));
}

function strings(v: unknown): boolean {
  if (typeof v === "string") return templateUses(v).length > 0;
  if (Array.isArray(v)) return v.some(strings);
  if (v && typeof v === "object") return Object.values(v).some(strings);
  return false;
}
