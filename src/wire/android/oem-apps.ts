// SPDX-License-Identifier: MIT
/**
 * OEM policy apps (OEMConfig): apps a device maker publishes on Google Play whose managed configuration the
 * EMM sets (AMAPI Policy.applications[].managedConfiguration) and which apply the maker's own device policies.
 * Whether such an app supports the device is the app's decision, made on the device from its Android release,
 * its management mode and (Samsung) its Knox version; the app answers with its published status codes and texts,
 * shows them in its own UI, and reports them to the EMM as keyed app states (AMAPI
 * ApplicationReport.keyedAppStates, "app feedback").
 *
 * Each app's rules are data (first match wins). Sources:
 * - Samsung, Knox Service Plugin "Error messages"
 *   (docs.samsungknox.com/admin/knox-platform-for-enterprise/knox-service-plugin/troubleshoot/error-messages) and
 *   "Error codes" (…/knox-service-plugin/references/error-codes/): 11001, 11002, 11003 with their texts and resolutions.
 * - Samsung, Knox Service Plugin "Minimum requirements" (docs.samsungknox.com/admin/knox-service-plugin/minimum-requirements.htm):
 *   Android 9.0 (Knox 3.2.1) or higher; Android 8.0 (Knox 3.x) for fully managed (device owner) deployments only.
 * - Google, Android Management API `KeyedAppState` (key, severity ERROR/INFO, message, data) and "Retrieve feedback from apps".
 * Not published (assumptions, named so): the keyed-app-state key KSP reports (enrollsim uses the error code), and what
 * KSP does on a device below Knox 3.x on Android 8+ (no code; enrollsim reports nothing for it).
 */

import { readDelegatedScopes, type DelegatedScope } from "./delegation.js";

/** The device facts an OEM policy app reads. */
export interface OemAppDevice {
  manufacturer: string;
  apiLevel: number;
  /** Samsung Knox version ("3.2.1"); absent on other makers. */
  knoxVersion?: string;
  managementMode: "DEVICE_OWNER" | "PROFILE_OWNER" | "DEVICE_ADMIN";
}

/** When a rule applies: every condition given must hold. */
export interface OemAppCondition {
  /** The device runs an API level below this. */
  apiLevelBelow?: number;
  /** The device's Knox version is below this (or unknown). */
  knoxVersionBelow?: string;
  /** The app runs under this management mode (a work profile is PROFILE_OWNER; a legacy device-admin agent DEVICE_ADMIN). */
  managementMode?: OemAppDevice["managementMode"];
}

/** One published status of the app: its code, title, the text its UI shows, and the vendor's resolution. */
export interface OemAppStatus {
  when: OemAppCondition;
  code: string;
  title: string;
  message: string;
  resolution: string;
}

export interface OemPolicyApp {
  packageName: string;
  name: string;
  /** Where its codes come from. */
  source: string;
  /** The lowest API level the app supports: Google Play does not install it on an older release (the app never runs). */
  minApiLevel?: number;
  /** Statuses that stop the app applying its policy, first match wins. */
  refusals: readonly OemAppStatus[];
}

const KSP_SOURCE = "docs.samsungknox.com/admin/knox-platform-for-enterprise/knox-service-plugin/troubleshoot/error-messages";
const KSP_UNSUPPORTED = "The Android version you're using doesn't support Knox Service Plugin.";

/** OEM policy apps enrollsim knows, by package name. */
export const OEM_POLICY_APPS: Readonly<Record<string, OemPolicyApp>> = {
  // Zebra techdocs "Zebra OEMConfig Powered by MX": "NOT compatible with devices running Android 10 or older"; Microsoft
  // Intune "Use OEMConfig on Android Enterprise devices": the Powered by MX app supports Android 11.0 and newer, the
  // Legacy Zebra OEMConfig app (com.zebra.oemconfig.common) Android 11.0 and earlier (not listed: it has no refusal modelled).
  "com.zebra.oemconfig.release": {
    packageName: "com.zebra.oemconfig.release",
    name: "Zebra OEMConfig Powered by MX",
    source: "techdocs.zebra.com/oemconfig/latest/mc2/",
    minApiLevel: 30,
    refusals: [],
  },
  "com.samsung.android.knox.kpu": {
    packageName: "com.samsung.android.knox.kpu",
    name: "Knox Service Plugin",
    source: KSP_SOURCE,
    refusals: [
      { when: { apiLevelBelow: 26 }, code: "11001", title: "Unsupported Android version", message: KSP_UNSUPPORTED, resolution: "To use Knox Service Plugin, upgrade your device to Android 8.0 or higher." },
      {
        when: { apiLevelBelow: 28, managementMode: "PROFILE_OWNER" },
        code: "11002",
        title: "Unsupported Android version",
        message: KSP_UNSUPPORTED,
        resolution: "To use Knox Service Plugin within a Work Profile, upgrade your device to Android 9.0 or higher.",
      },
      { when: { managementMode: "DEVICE_ADMIN" }, code: "11003", title: "Device owner or Profile owner missing", message: "Couldn't find a Device Owner or Profile Owner.", resolution: "Please re-enroll your device in DO or PO mode." },
    ],
  },
};

/** Compares dotted versions numerically: <0, 0, >0. */
export function compareVersions(a: string, b: string): number {
  const x = a.split(".").map((n) => Number.parseInt(n, 10) || 0);
  const y = b.split(".").map((n) => Number.parseInt(n, 10) || 0);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

function holds(c: OemAppCondition, d: OemAppDevice): boolean {
  if (c.apiLevelBelow !== undefined && !(d.apiLevel < c.apiLevelBelow)) return false;
  if (c.knoxVersionBelow !== undefined && d.knoxVersion !== undefined && compareVersions(d.knoxVersion, c.knoxVersionBelow) >= 0) return false;
  if (c.managementMode !== undefined && d.managementMode !== c.managementMode) return false;
  return true;
}

/** The app's first refusal that applies to this device, or undefined when it supports it. */
export function oemAppRefusal(app: OemPolicyApp, device: OemAppDevice): OemAppStatus | undefined {
  return app.refusals.find((r) => holds(r.when, device));
}

/** AMAPI KeyedAppState as an app reports it (ApplicationReport.keyedAppStates[]). */
export interface KeyedAppState {
  key: string;
  severity: "INFO" | "ERROR";
  message?: string;
  data?: string;
  createTime?: string;
  lastUpdateTime?: string;
}

/** AMAPI ApplicationReport (the fields enrollsim sends). */
export interface ApplicationReport {
  packageName: string;
  state: "INSTALLED" | "REMOVED";
  applicationSource?: "APPLICATION_SOURCE_UNSPECIFIED" | "SYSTEM_APP_FACTORY_VERSION" | "SYSTEM_APP_UPDATED_VERSION" | "INSTALLED_FROM_PLAY_STORE";
  keyedAppStates?: KeyedAppState[];
}

/** AMAPI NonComplianceDetail as a device reports it for a policy app it could not install. */
export interface NonComplianceDetail {
  settingName: string;
  nonComplianceReason: string;
  packageName?: string;
}

/** AMAPI ApplicationPolicy as the device reads it from its policy (the fields enrollsim uses). */
export interface ApplicationPolicy {
  packageName: string;
  installType?: string;
  managedConfiguration?: Record<string, unknown>;
  /** The DevicePolicyManager privileges Android Device Policy delegates to the app once it is installed (wire/android/delegation.ts). */
  delegatedScopes?: DelegatedScope[];
}

/** Reads Policy.applications from a JSON value: a list of {packageName, installType?, managedConfiguration?}; bad entries dropped. */
export function readApplicationPolicies(v: unknown): ApplicationPolicy[] {
  if (!Array.isArray(v)) return [];
  const out: ApplicationPolicy[] = [];
  for (const a of v.slice(0, 100)) {
    if (typeof a !== "object" || a === null) continue;
    const o = a as Record<string, unknown>;
    if (typeof o.packageName !== "string" || !/^[A-Za-z][\w]*(\.[A-Za-z][\w]*)+$/.test(o.packageName)) continue;
    const mc = o.managedConfiguration;
    out.push({
      packageName: o.packageName,
      ...(typeof o.installType === "string" ? { installType: o.installType } : {}),
      ...(typeof mc === "object" && mc !== null && !Array.isArray(mc) ? { managedConfiguration: mc as Record<string, unknown> } : {}),
      ...(readDelegatedScopes(o.delegatedScopes).length ? { delegatedScopes: readDelegatedScopes(o.delegatedScopes) } : {}),
    });
  }
  return out;
}

const SEVERITIES = new Set(["INFO", "ERROR"]);
const str = (v: unknown, max: number): string | undefined => (typeof v === "string" ? v.slice(0, max) : undefined);

/** Reads Device.applicationReports as a device sent them (bounded; malformed entries dropped). */
export function readApplicationReports(v: unknown): ApplicationReport[] {
  if (!Array.isArray(v)) return [];
  const out: ApplicationReport[] = [];
  for (const a of v.slice(0, 100)) {
    if (typeof a !== "object" || a === null) continue;
    const o = a as Record<string, unknown>;
    if (typeof o.packageName !== "string") continue;
    const states = Array.isArray(o.keyedAppStates) ? o.keyedAppStates.slice(0, 100) : [];
    const keyed: KeyedAppState[] = [];
    for (const k of states) {
      if (typeof k !== "object" || k === null) continue;
      const r = k as Record<string, unknown>;
      if (typeof r.key !== "string" || !SEVERITIES.has(String(r.severity))) continue;
      const message = str(r.message, 1000);
      const data = str(r.data, 1000);
      const createTime = str(r.createTime, 40);
      const lastUpdateTime = str(r.lastUpdateTime, 40);
      keyed.push({
        key: r.key.slice(0, 200),
        severity: r.severity as KeyedAppState["severity"],
        ...(message !== undefined ? { message } : {}),
        ...(data !== undefined ? { data } : {}),
        ...(createTime ? { createTime } : {}),
        ...(lastUpdateTime ? { lastUpdateTime } : {}),
      });
    }
    out.push({
      packageName: o.packageName.slice(0, 200),
      state: o.state === "REMOVED" ? "REMOVED" : "INSTALLED",
      ...(typeof o.applicationSource === "string" ? { applicationSource: o.applicationSource as ApplicationReport["applicationSource"] } : {}),
      ...(keyed.length ? { keyedAppStates: keyed } : {}),
    });
  }
  return out;
}
