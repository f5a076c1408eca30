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
 * A method the platform REMOVED has a last release as well as a first (`removed`: the first release
 * without it) and its own outcome there (`afterRemoval`), e.g. `profiles install` on macOS 11+ (a refusal:
 * the tool prints its text and installs nothing). A method the device only meets in what it is given (the
 * profile's keys: profile-driven User Enrollment is a com.apple.mdm payload with ManagedAppleID) has
 * `trigger: "content"`: the gate does not check it; the flow asks `methodVerdict` when it reads the content.
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
  /** Minimum release per platform: Apple "major.minor", Android API level, Windows build number. A platform named only in `removed` has the method from its first modelled release. */
  min: Partial<Record<Platform, string | number>>;
  /** The first release WITHOUT the method, per platform: the platform removed it. */
  removed?: Partial<Record<Platform, string | number>>;
  /** What the device does and shows on a release at or after `removed`; `refused`: the entry point is still there and answers with the row's text. */
  afterRemoval?: { behaviour: "absent" | "ignored" | "refused"; code: string; shown: Shown; diagnosis?: string };
  /** `content`: the method is chosen by what the device is given (a profile's keys), not by the flow or an option; checked by the flow (`methodVerdict`), not by the gate. */
  trigger?: "content";
  /** Devices of this manufacturer (Build.MANUFACTURER, case-insensitive) have an earlier minimum. */
  earlier?: { manufacturer: string; min: number; why: string };
  /**
   * What the device does and shows when its release is below the minimum. `shown` is the device's own screen only;
   * `diagnosis` is enrollsim's why (what the release lacks), for the failure's message, never the shown text.
   */
  unsupported: { behaviour: "absent" | "ignored"; code: string; shown: Shown; diagnosis?: string };
  source: string;
}

const APPLE_ACCOUNT_SCREEN_IOS = "Settings › General › VPN & Device Management";
const APPLE_ACCOUNT_SCREEN_MAC = "System Settings › Privacy & Security › Profiles";
/** An Android device whose trigger its release does not know goes on as the ordinary consumer setup (as device/android/portal-answer.ts). */
const ANDROID_WELCOME: Shown = { text: "Welcome", screen: "setup wizard › Welcome (the ordinary consumer setup)" };

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
      shown: { text: 'No "Sign In to Work or School Account" option', screen: APPLE_ACCOUNT_SCREEN_IOS },
      diagnosis: "account-driven enrollment cannot start on this OS release",
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
      shown: { text: 'No "Sign In to Work or School Account" option', screen: APPLE_ACCOUNT_SCREEN_IOS },
      diagnosis: "account-driven Device Enrollment cannot start on this OS release",
    },
    source: "Apple Platform Deployment, 'Device Enrollment and MDM' (account-driven Device Enrollment: iOS 17, iPadOS 17, macOS 14) https://support.apple.com/guide/deployment/device-enrollment-and-mdm-dep6dc2b3cf6/web",
  },
  {
    id: "apple.user-enrollment.profile",
    title: "Profile-driven User Enrollment",
    flows: ["ios-profile", "macos-profile"],
    trigger: "content",
    // com.apple.mdm.yaml, key ManagedAppleID: introduced iOS 13.1 / macOS 10.15, deprecated 17.0 / 14.0, removed 18.0 / 15.0.
    min: { ios: "13.1", ipados: "13.1", macos: "10.15" },
    removed: { ios: "18.0", ipados: "18.0", macos: "15.0" },
    unsupported: {
      behaviour: "ignored",
      code: "apple.profile.key-ignored",
      // The device shows its ordinary profile install: nothing of its own says the key was ignored (no published text).
      shown: {
        text: "(not published: the profile installs without a message about the key)",
        screen: APPLE_ACCOUNT_SCREEN_IOS,
        unknown: { raw: "ManagedAppleID on a release before it (profile-driven User Enrollment)", of: "condition" },
      },
      diagnosis: "ManagedAppleID is not a key of this release: the profile installs as an ordinary (device) enrollment",
    },
    afterRemoval: {
      behaviour: "refused",
      code: "apple.user-enrollment.profile-removed",
      shown: {
        text: "(not published: the enrollment profile is not installed)",
        // Where a refused profile install is shown (device/apple/shown.ts appleScreen; on a Mac: System Settings › Privacy & Security › Profiles).
        screen: "Settings › Profile Downloaded › Install (Profile Installation Failed)",
        // Apple publishes no on-screen text for this refusal: the Shown says so.
        unknown: { raw: "an MDM payload with ManagedAppleID (profile-driven User Enrollment) on a release that removed it", of: "condition" },
      },
      diagnosis: "Profile-driven User Enrollment was removed: the enrollment profile (an MDM payload with ManagedAppleID) is not installed; enroll through Sign In to Work or School Account (account-driven User Enrollment)",
    },
    source:
      "Apple device-management schema com.apple.mdm.yaml, ManagedAppleID (\"Previously required for profile-driven user enrollment. Removed as of iOS 18 and macOS 15.\"; introduced iOS 13.1 / macOS 10.15) https://github.com/apple/device-management/blob/release/mdm/profiles/com.apple.mdm.yaml ; JumpCloud, 'Configure Account-Driven User Enrollment' (\"Profile-based user enrollment ... will fail for personal device enrollments on devices running iOS/iPadOS 18 or later\") https://jumpcloud.com/support/configure-account-driven-enrollment ; Hexnode, 'Setting up User Enrollment on Mac' (profile-driven: macOS 10.15 up to macOS 14) https://www.hexnode.com/mobile-device-management/help/how-to-set-up-user-enrollment-on-mac ; micromdm/micromdm#1031",
  },
  {
    id: "apple.profile.cli-install",
    title: "Installing a profile with the profiles command (profiles install -path, profiles -I -F)",
    flows: ["macos-profile"],
    option: { path: ["apple", "installVia"], values: ["profiles-cli"], default: "system-settings" },
    min: {},
    removed: { macos: "11.0" },
    unsupported: {
      behaviour: "absent",
      code: "apple.method-unavailable",
      shown: { text: "(not published: the shell finds no profiles command)", screen: "Terminal", unknown: { raw: "no profiles command on this release", of: "condition" } },
      diagnosis: "no profiles command on this release",
    },
    afterRemoval: {
      behaviour: "refused",
      code: "apple.profile.cli-install-removed",
      // Published output: macOS 12.2.1 "… Use System Preferences Profiles …" (twocanoes/macdeploystick#671), macOS 15/26 "… Use System Settings Profiles …"; exit status 1.
      shown: { text: "profiles tool no longer supports installs. Use System Settings Profiles to add configuration profiles.", code: "exit status 1", screen: "Terminal" },
    },
    source:
      "profiles(1) on macOS 11+: \"Starting with macOS 11.0 (profiles tool 8.0 or later), this tool cannot be used to install configuration profiles\" (quoted in 'Building a Home macOS GitOps Lab', 2025, with the Jenkins log: exit code 1); twocanoes MDS issue #671 (macOS 12.2.1: 'profiles tool no longer supports installs. Use System Preferences Profiles to add configuration profiles.') https://bitbucket.org/twocanoes/macdeploystick/issues/671 ; The Robservatory, 2026-01 (Sequoia: '… Use System Settings Profiles …', then System Settings › Profile Downloaded) https://robservatory.com/block-the-upgrade-to-tahoe-alerts-and-system-settings-indicator/",
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
      shown: ANDROID_WELCOME,
      diagnosis: 'ordinary consumer setup: the device never checks in with the zero-touch service; no "This device belongs to your organization" screen',
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
      shown: ANDROID_WELCOME,
      diagnosis: "ordinary consumer setup: six taps on the welcome screen open no QR reader before Android 7.0",
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
      shown: ANDROID_WELCOME,
      diagnosis: "ordinary consumer setup: the NFC bump is not a provisioning trigger before Android 5.0",
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
      // What the Google sign-in says to an account name that is not one is not published for these releases.
      shown: { text: "Couldn't sign in", screen: "setup wizard › Google sign-in", unknown: { raw: "afw#setup typed as the account name before Android 6.0", of: "condition" } },
      diagnosis: "afw#setup is not a DPC identifier before Android 6.0: the Google sign-in takes it for an account name",
    },
    source: "Google, Android Enterprise provisioning methods (DPC identifier afw#setup: Android 6.0+) https://developers.google.com/android/management/provision-device#dpc_identifier_method",
  },
];

const opt = (options: unknown, path: readonly string[]): unknown => path.reduce<unknown>((v, k) => (v && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined), options);

/** The rows the flow uses under these options (the group's raw `options`); content-triggered rows are the flow's to check. */
export function methodsOf(flow: string, options: unknown): MethodRow[] {
  return METHOD_TABLE.filter((r) => {
    if (!r.flows.includes(flow) || r.trigger === "content") return false;
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
  return { below: (m) => versionBelow(id.os.version, String(m)), shown: `${appleOsName(id.platform)} ${id.os.version}` };
}

const appleOsName = (p: Platform): string => (p === "macos" ? "macOS" : p === "ipados" ? "iPadOS" : "iOS");
const releaseName = (p: Platform, r: string | number): string => (typeof r === "number" ? `API level ${r}` : p === "android" || p === "windows" ? String(r) : `${appleOsName(p)} ${r}`);

export interface MethodVerdict {
  row: MethodRow;
  supported: boolean;
  release: string;
  /** The minimum that applied (absent: the method is there from the first modelled release). */
  min?: string | number;
  /** The first release without the method, when the device runs it or a later one (the method was removed). */
  removedIn?: string | number;
  /** Why an earlier minimum applied (Pixel). */
  note?: string;
}

/** One row against this device: below its minimum, at or after its removal, or supported. undefined when the row does not apply to the platform. */
export function methodVerdict(id: DeviceIdentity, row: MethodRow): MethodVerdict | undefined {
  const rel = releaseOf(id);
  let min = row.min[id.platform];
  const removed = row.removed?.[id.platform];
  if (min === undefined && removed === undefined) return undefined;
  let note: string | undefined;
  if (min !== undefined && row.earlier && id.manufacturer.toLowerCase() === row.earlier.manufacturer.toLowerCase()) {
    min = row.earlier.min;
    note = row.earlier.why;
  }
  const tooOld = min !== undefined && rel.below(min);
  const gone = removed !== undefined && !rel.below(removed);
  return { row, supported: !tooOld && !gone, release: rel.shown, ...(min !== undefined ? { min } : {}), ...(gone ? { removedIn: removed } : {}), ...(note ? { note } : {}) };
}

/** Checks every method the flow uses on this device (content-triggered rows excepted); the first unsupported one decides. */
export function checkMethods(id: DeviceIdentity, flow: string, options: unknown): MethodVerdict[] {
  return methodsOf(flow, options)
    .map((row) => methodVerdict(id, row))
    .filter((v): v is MethodVerdict => v !== undefined);
}

/** The row by id (a flow checking a content-triggered method). */
export function methodRow(id: string): MethodRow {
  const row = METHOD_TABLE.find((r) => r.id === id);
  if (!row) throw new Error(`no method row ${id}`);
  return row;
}

/**
 * What the device shows for a row's outcome on this platform and release: Mac screens are in System Settings
 * (account-driven rows are written with the iPhone's Settings path), and before macOS 13 the app was called
 * System Preferences (macOS Ventura renamed it; the profiles tool's own text says "System Preferences Profiles"
 * on macOS 12, twocanoes/macdeploystick#671), so the text and screen name the app as the release does.
 */
export function methodShown(shown: Shown, platform: Platform, release: string): Shown {
  let s = platform === "macos" && shown.screen === APPLE_ACCOUNT_SCREEN_IOS ? { ...shown, screen: APPLE_ACCOUNT_SCREEN_MAC } : shown;
  if (platform === "macos" && versionBelow(release.replace(/^macOS /, ""), "13.0")) {
    const old = (t: string) => t.replace(/System Settings/g, "System Preferences");
    s = { ...s, text: old(s.text), screen: old(s.screen) };
  }
  return s;
}

/** The flow's result when a method is unsupported: the device-visible outcome of the row (or of its removal). */
export function unsupportedResult(v: MethodVerdict, platform: Platform, step = METHOD_STEP): FlowResult {
  const outcome = v.removedIn !== undefined && v.row.afterRemoval ? v.row.afterRemoval : v.row.unsupported;
  const shown = methodShown(outcome.shown, platform, v.release);
  const verb = outcome.behaviour === "absent" ? "is not offered" : outcome.behaviour === "ignored" ? "is ignored" : "is refused";
  const why = v.removedIn !== undefined ? `removed in ${releaseName(platform, v.removedIn)}` : `needs ${v.min === undefined ? "a later release" : typeof v.min === "number" ? `API level ${v.min}` : v.min}+`;
  return {
    ok: false,
    code: outcome.code,
    step,
    message: `${v.row.title} ${verb} on ${v.release} (${why}): ${outcome.diagnosis ? `${outcome.diagnosis}; the device shows "${shown.text}"` : shown.text}`,
    shown,
    keychain: { identities: [] },
  };
}
