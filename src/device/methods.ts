// SPDX-License-Identifier: MIT
/**
 * The per-build capability table of ENROLLMENT METHODS (issue 10): which OS release (and, where the
 * platform says so, which manufacturer) offers each way of starting an enrollment, and what the real
 * device does when its build does not offer it. Every flow consults it before it sends anything
 * (device/flows/index.ts wraps each registered flow), so a scenario that pins an old OS (`state.os`,
 * `state.apiLevel`, `state.osVersion`) meets the platform's own behaviour instead of a modern enrollment.
 *
 * What a device does with a method its build lacks is one of two things, both observed on real devices:
 * - `absent`: the entry point is not there (iOS 14 Settings has no "Sign In to Work or School Account"):
 *   the enrollment cannot start; the user sees the screen without the option;
 * - `ignored`: the trigger is never consulted (Android 7.1 on a non-Pixel does not check in with the
 *   zero-touch service): the device runs its ordinary consumer setup and is not enrolled.
 * Either way the flow ends with a value (`FlowResult`), step `device.method`, and the Shown the user meets.
 *
 * Sources are per row (`source`); docs/reproducing-failures.md "Enrollment methods per OS release" lists them.
 * Limits: rows exist only for methods whose minimum and unsupported behaviour are published; the Android
 * trigger × mode rules that predate this table (COPE from NFC / afw#setup on 11+, KME with a personal work
 * profile, Android 8's downloaded QR reader) stay in device/android/flows.ts.
 */
import type { Platform } from "./catalog.js";
import type { FlowResult } from "./flow.js";
import type { DeviceIdentity } from "./identity.js";
import type { Shown } from "./shown.js";

/** The step every gated flow reports the check under. */
export const METHOD_STEP = "device.method";

export interface MethodRow {
  id: string;
  title: string;
  /** Flows that use this method. */
  flows: readonly string[];
  /** The group option that selects the method within those flows (`android.trigger`), its values and the flow's default. */
  option?: { path: readonly string[]; values: readonly string[]; default: string };
  /** Minimum release per platform: Apple "major.minor", Android API level, Windows build number. */
  min: Partial<Record<Platform, string | number>>;
  /** Devices of this manufacturer (Build.MANUFACTURER, case-insensitive) have an earlier minimum. */
  earlier?: { manufacturer: string; min: number; why: string };
  /** What the device does and shows when its release is below the minimum. */
  unsupported: { behaviour: "absent" | "ignored"; code: string; shown: Shown };
  source: string;
}

const APPLE_ACCOUNT_SCREEN_IOS = "Settings › General › VPN & Device Management";
const APPLE_ACCOUNT_SCREEN_MAC = "System Settings › Privacy & Security › Profiles";

/** The table. Add a row for a method whose minimum and unsupported behaviour are published; cite the source. */
export const METHOD_TABLE: readonly MethodRow[] = [
  {
    id: "apple.user-enrollment.account-driven",
    title: "Account-driven User Enrollment",
    flows: ["ios-user-enrollment", "macos-user-enrollment"],
    min: { ios: "15.0", ipados: "15.0", macos: "14.0" },
    unsupported: {
      behaviour: "absent",
      code: "apple.method-unavailable",
      shown: { text: 'No "Sign In to Work or School Account" option: account-driven enrollment cannot start on this OS release', screen: APPLE_ACCOUNT_SCREEN_IOS },
    },
    source:
      "Apple Platform Deployment, 'User Enrollment and MDM' (account-driven User Enrollment: iOS 15, iPadOS 15, macOS 14) https://support.apple.com/guide/deployment/user-enrollment-and-mdm-dep23db2037d/web ; Microsoft Intune 'Set up account driven Apple User Enrollment' (iOS/iPadOS 15 or later) https://learn.microsoft.com/mem/intune/enrollment/apple-account-driven-user-enrollment",
  },
  {
    id: "apple.device-enrollment.account-driven",
    title: "Account-driven Device Enrollment",
    flows: ["ios-account-device-enrollment"],
    min: { ios: "17.0", ipados: "17.0", macos: "14.0" },
    unsupported: {
      behaviour: "absent",
      code: "apple.method-unavailable",
      shown: { text: 'No "Sign In to Work or School Account" option: account-driven Device Enrollment cannot start on this OS release', screen: APPLE_ACCOUNT_SCREEN_IOS },
    },
    source: "Apple Platform Deployment, 'Device Enrollment and MDM' (account-driven Device Enrollment: iOS 17, iPadOS 17, macOS 14) https://support.apple.com/guide/deployment/device-enrollment-and-mdm-dep6dc2b3cf6/web",
  },
  {
    id: "android.zero-touch",
    title: "Zero-touch enrollment",
    flows: ["android-qr", "android-aosp"],
    option: { path: ["android", "trigger"], values: ["zero-touch"], default: "qr" },
    min: { android: 26 },
    earlier: { manufacturer: "Google", min: 25, why: "Pixel phones support zero-touch from Android 7.1" },
    unsupported: {
      behaviour: "ignored",
      code: "android.provision.not-triggered",
      shown: { text: 'Welcome (ordinary consumer setup: the device never checks in with the zero-touch service; no "This device belongs to your organization" screen)', screen: "setup wizard › Welcome" },
    },
    source:
      "Google, zero-touch enrollment for IT admins (Android 8.0+, Pixel phones Android 7.1+) https://support.google.com/work/android/answer/7514005 ; Android Enterprise requirements, Work profile on company-owned device 1.5 https://developers.google.com/android/work/requirements/work-profile-corporate",
  },
  {
    id: "android.qr",
    title: "QR code provisioning",
    flows: ["android-qr", "android-aosp"],
    option: { path: ["android", "trigger"], values: ["qr"], default: "qr" },
    min: { android: 24 },
    unsupported: {
      behaviour: "ignored",
      code: "android.provision.not-triggered",
      shown: { text: "Welcome (ordinary consumer setup: six taps on the welcome screen open no QR reader before Android 7.0)", screen: "setup wizard › Welcome" },
    },
    source: "Google, Android Enterprise provisioning methods (QR code: Android 7.0+) https://developers.google.com/android/management/provision-device#qr_code_method",
  },
  {
    id: "android.nfc",
    title: "NFC provisioning",
    flows: ["android-qr", "android-aosp"],
    option: { path: ["android", "trigger"], values: ["nfc"], default: "qr" },
    min: { android: 21 },
    unsupported: {
      behaviour: "ignored",
      code: "android.provision.not-triggered",
      shown: { text: "Welcome (ordinary consumer setup: the NFC bump is not a provisioning trigger before Android 5.0)", screen: "setup wizard › Welcome" },
    },
    source: "Google, Android Enterprise provisioning methods (NFC: Android 5.0+) https://developers.google.com/android/management/provision-device#nfc_method",
  },
  {
    id: "android.afw-setup",
    title: "afw#setup (DPC identifier)",
    flows: ["android-token"],
    min: { android: 23 },
    unsupported: {
      behaviour: "absent",
      code: "android.provision.not-triggered",
      shown: { text: "Couldn't sign in (afw#setup is not a DPC identifier before Android 6.0: the Google sign-in takes it for an account name)", screen: "setup wizard › Google sign-in" },
    },
    source: "Google, Android Enterprise provisioning methods (DPC identifier afw#setup: Android 6.0+) https://developers.google.com/android/management/provision-device#dpc_identifier_method",
  },
];

const opt = (options: unknown, path: readonly string[]): unknown => path.reduce<unknown>((v, k) => (v && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined), options);

/** The rows the flow uses under these options (the group's raw `options`). */
export function methodsOf(flow: string, options: unknown): MethodRow[] {
  return METHOD_TABLE.filter((r) => {
    if (!r.flows.includes(flow)) return false;
    if (!r.option) return true;
    const v = opt(options, r.option.path);
    return r.option.values.includes(typeof v === "string" ? v : r.option.default);
  });
}

/** "14.8.1" < "15.0"? Numeric per component. */
export function versionBelow(version: string, min: string): boolean {
  const a = version.split(".").map((x) => Number.parseInt(x, 10) || 0);
  const b = min.split(".").map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) < (b[i] ?? 0);
  }
  return false;
}

/** The release the device runs, for this platform's minimum, as written in messages. */
function releaseOf(id: DeviceIdentity): { below: (min: string | number) => boolean; shown: string } {
  if (id.platform === "android") {
    const api = id.android?.apiLevel || id.os.apiLevel || 34;
    return { below: (m) => api < Number(m), shown: `API level ${api}` };
  }
  if (id.platform === "windows") {
    const build = Number.parseInt(id.os.build.split(".")[0] ?? "", 10) || 0;
    return { below: (m) => build < Number(m), shown: `build ${id.os.build}` };
  }
  return { below: (m) => versionBelow(id.os.version, String(m)), shown: `${id.platform === "macos" ? "macOS" : id.platform === "ipados" ? "iPadOS" : "iOS"} ${id.os.version}` };
}

export interface MethodVerdict {
  row: MethodRow;
  supported: boolean;
  release: string;
  min: string | number;
  /** Why an earlier minimum applied (Pixel). */
  note?: string;
}

/** Checks every method the flow uses on this device; the first unsupported one decides. */
export function checkMethods(id: DeviceIdentity, flow: string, options: unknown): MethodVerdict[] {
  const rel = releaseOf(id);
  const out: MethodVerdict[] = [];
  for (const row of methodsOf(flow, options)) {
    let min = row.min[id.platform];
    if (min === undefined) continue;
    let note: string | undefined;
    if (row.earlier && id.manufacturer.toLowerCase() === row.earlier.manufacturer.toLowerCase()) {
      min = row.earlier.min;
      note = row.earlier.why;
    }
    out.push({ row, supported: !rel.below(min), release: rel.shown, min, ...(note ? { note } : {}) });
  }
  return out;
}

/** The flow's result when a method is unsupported: the device-visible outcome of the row. */
export function unsupportedResult(v: MethodVerdict, platform: Platform): FlowResult {
  const shown = platform === "macos" && v.row.unsupported.shown.screen === APPLE_ACCOUNT_SCREEN_IOS ? { ...v.row.unsupported.shown, screen: APPLE_ACCOUNT_SCREEN_MAC } : v.row.unsupported.shown;
  const verb = v.row.unsupported.behaviour === "absent" ? "is not offered" : "is ignored";
  return {
    ok: false,
    code: v.row.unsupported.code,
    step: METHOD_STEP,
    message: `${v.row.title} ${verb} on ${v.release} (needs ${typeof v.min === "number" ? `API level ${v.min}` : v.min}+): ${shown.text}`,
    shown,
    keychain: { identities: [] },
  };
}
