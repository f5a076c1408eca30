// SPDX-License-Identifier: MIT
/**
 * The MDM command rules an Apple device applies, driven by the generated schemas
 * (src/wire/apple/generated-data.ts from mdm/commands/*.yaml): every RequestType is recognised;
 * payload keys are type-checked (CommandFormatError); supportedOS / supervised / requiresdep /
 * user-enrollment / channel / access-rights rules give Error with an ErrorChain; query commands
 * get schema-shaped responses with this device's values; some commands change device state.
 * answer.ts applies them to one device (state.ts) and one command.
 */
import { compareVersions } from "../../wire/version.js";
import { COMMAND_SCHEMAS } from "../../wire/apple/generated-data.js";
import { isDict, typeName, type PlistDict, type PlistValue } from "../../wire/apple/plist.js";
import type { CommandSchema, OsRule, SchemaKey } from "../../wire/apple/schema-types.js";

export const SCHEMA_BY_TYPE: ReadonlyMap<string, CommandSchema> = new Map(COMMAND_SCHEMAS.map((c) => [c.requestType, c]));

/** AccessRights bit per schema `accessrights` name (notes §2.1). */
export const ACCESS_RIGHT_BITS: Record<string, number> = {
  AllowInspection: 1,
  AllowInstallationRemoval: 2,
  AllowPasscodeRemovalAndLock: 4,
  DeviceLockAndRemovePasscode: 4,
  AllowDeviceErase: 8,
  AllowQueryDeviceInformation: 16,
  AllowQueryNetworkInformation: 32,
  AllowProvisioningInspection: 64,
  AllowProvisioningInstallationRemoval: 128,
  AllowQueryApplications: 256,
  QueryInstalledApps: 256,
  AllowQueryRestrictions: 512,
  AllowQuerySecurity: 1024,
  AllowSettings: 2048,
  AllowAppInstallation: 4096,
};

const typeOk = (t: string, v: PlistValue): boolean => {
  switch (t) {
    case "any":
      return true;
    case "real":
      return typeof v === "number";
    default:
      return typeName(v) === t;
  }
};

/** Validates a dictionary against schema keys; returns the first problem. */
export function checkKeys(d: PlistDict, keys: SchemaKey[], path: string, depth = 0): string | undefined {
  for (const k of keys) {
    if (k.key.startsWith("ANY ")) continue;
    const v = d[k.key];
    if (v === undefined) {
      if (k.presence === "required") return `required key ${path}${k.key} is missing`;
      continue;
    }
    if (!typeOk(k.type, v)) return `${path}${k.key} is ${typeName(v)}, expected ${k.type}`;
    if (depth > 4) continue;
    if (k.type === "dictionary" && k.subkeys?.length && isDict(v)) {
      const p = checkKeys(v, k.subkeys, `${path}${k.key}.`, depth + 1);
      if (p) return p;
    }
    if (k.type === "array" && k.subkeys?.length === 1 && Array.isArray(v)) {
      const item = k.subkeys[0]!;
      for (let i = 0; i < v.length; i++) {
        if (!typeOk(item.type, v[i]!)) return `${path}${k.key}[${i}] is ${typeName(v[i])}, expected ${item.type}`;
        if (item.type === "dictionary" && item.subkeys?.length && isDict(v[i]) && !item.subkeys.some((s) => s.key.startsWith("ANY "))) {
          const p = checkKeys(v[i] as PlistDict, item.subkeys, `${path}${k.key}[${i}].`, depth + 1);
          if (p) return p;
        }
      }
    }
  }
  return undefined;
}

export type OsName = "iOS" | "macOS";

/** Is a schema element available on this device? Returns why not. */
export function osBlock(rule: OsRule | undefined, dev: { os: OsName; version: string; supervised: boolean; ade: boolean; userEnrollment: boolean; sharedIPad?: boolean }): string | undefined {
  if (!rule || !rule.introduced || rule.introduced === "n/a") return `not available on ${dev.os}`;
  if (compareVersions(dev.version, rule.introduced) < 0) return `needs ${dev.os} ${rule.introduced} (device runs ${dev.version})`;
  if (rule.removed && compareVersions(dev.version, rule.removed) >= 0) return `removed in ${dev.os} ${rule.removed}`;
  if (rule.supervised && !dev.supervised) return "the device is not supervised";
  if (rule.requiresdep && !dev.ade) return "the device was not enrolled through Automated Device Enrollment";
  if (dev.userEnrollment && rule.userenrollment === "forbidden") return "not allowed in User Enrollment";
  // Apple's schemas: sharedipad.mode forbidden (e.g. ClearPasscode, ActivationLockBypassCode) or required (UserList, LogOutUser, DeleteUser).
  if (dev.sharedIPad && rule.sharedipad === "forbidden") return "not allowed on Shared iPad";
  if (!dev.sharedIPad && rule.sharedipad === "required") return "only on Shared iPad";
  if (rule.devicechannel === false) return "not available on the device channel";
  return undefined;
}

/** A value of the schema type (placeholder content, correct type). */
export function synthesize(k: SchemaKey, os: OsName, depth = 0): PlistValue {
  switch (k.type) {
    case "string":
      return k.rangelist && typeof k.rangelist[0] === "string" ? (k.rangelist[0] as string) : "";
    case "integer":
      return k.rangelist && typeof k.rangelist[0] === "number" ? (k.rangelist[0] as number) : 0;
    case "real":
      return 0.5;
    case "boolean":
      return false;
    case "data":
      return new Uint8Array(0);
    case "date":
      return new Date(0);
    case "array":
      return [];
    case "dictionary": {
      const d: PlistDict = {};
      if (depth > 3) return d;
      for (const s of k.subkeys ?? []) {
        if (s.key.startsWith("ANY ") || s.presence !== "required") continue;
        if (s.os && s.os[os]?.introduced === "n/a") continue;
        d[s.key] = synthesize(s, os, depth + 1);
      }
      return d;
    }
    default:
      return "";
  }
}

/** Per-command behaviour from the scenario (`options.apple.commands.<RequestType>` or `"*"`). */
export interface CommandBehaviour {
  /** Answer NotNow this many times before running the command. */
  notNow?: number;
  /** Probability (0–1) of answering Error (deterministic per device entropy). */
  errorRate?: number;
  /** Virtual time before acknowledging, ms. */
  ackDelayMs?: number;
  /** The user declines InstallProfile (an app install is declined at its prompt: abandon at app.install-prompt). */
  userDeclines?: boolean;
}
