// SPDX-License-Identifier: MIT
/**
 * Which flows read each `state:` key (device/state.ts holds the vocabulary): data next to the schema, so a key
 * written for a group whose flow never reads it is said at load (runner/scenario/state-reader-warnings.ts: `validate`
 * and `run` print a warning with file:line:column, the key, the group's flow and the flows that do read it) instead of
 * silently doing nothing (blind trial 12, trip-up T2: `state.managementAgents` on a windows-gpo group).
 *
 * Every key of every family declares its readers: `"every"` (every flow of its family reads it: the clock, the
 * trust store, the OS) or the flows whose code reads it. test/device/state-readers.test.ts checks that every key is
 * declared and every flow named exists on the family's platforms, so a new key cannot go undeclared. A list is what
 * the code reads today (the file that reads it is named); a key declared `"every"` whose reach was not narrowed
 * gives no warning, which is the safe side: a warning must be true.
 */
import type { StateFamily } from "./state.js";

export type StateReaders = "every" | readonly string[];

const WINDOWS_ENROLLING = ["windows-byod", "windows-autopilot", "windows-bulk", "windows-gpo"] as const;
const APPLE_PROFILE = ["ios-profile", "macos-profile"] as const;
const APPLE_ADE = ["ios-ade", "macos-ade"] as const;

/** Readers per family and key. */
export const STATE_KEY_READERS: Readonly<Record<StateFamily, Readonly<Record<string, StateReaders>>>> = {
  windows: {
    clockOffset: "every",
    trustedRoots: "every",
    // windows/state.ts enrollmentPrecheck (the enrolling flows; tenant attach is a ConfigMgr server, not an MDM client).
    enrollments: WINDOWS_ENROLLING,
    // windows/state.ts: only Settings › Access work or school checks local administrator rights; OOBE and the GPO task run as the system.
    account: ["windows-byod"],
    mdmEnrollmentDisabled: WINDOWS_ENROLLING,
    // windows/state.ts: after an Entra join that hands over to MDM (Autopilot, provisioning packages), and the GPO task (Intune PC agent).
    managementAgents: ["windows-autopilot", "windows-bulk", "windows-gpo"],
    // windows/leftovers.ts: only RegisterDeviceWithManagement's path (Settings › Access work or school) is modelled.
    mmpcEnrollmentFlag: ["windows-byod"],
    // windows/state.ts joinPrecheck, windows/auth.ts (registration, joins, the GPO sync join).
    join: WINDOWS_ENROLLING,
    // windows/auth.ts (the TPM a join's keys are bound to), prepare.ts / tpm-ek.ts (attestation), tpm-keys.ts.
    tpm: WINDOWS_ENROLLING,
    osEdition: "every",
    osVersion: "every",
    // windows/network-link.ts: the OOBE network pages of Autopilot.
    networkLink: ["windows-autopilot"],
    // windows/proxy.ts (every request of the enrolling flows) and tenant-attach.ts (the revocation check's system proxy).
    winhttpProxy: "every",
    // windows/proxy.ts: the user's sign-in pages (WinINet) of the enrolling flows.
    userProxy: WINDOWS_ENROLLING,
    // windows/csp.ts (DevDetail hardware hash), tpm-keys.ts, the Autopilot profile request.
    hardwareReplaced: WINDOWS_ENROLLING,
    // windows/recovery.ts, applied-settings.ts: an enrolled PC's Autopilot Reset and wipe.
    recovery: WINDOWS_ENROLLING,
    // The OMA-DM sessions of an enrolled PC.
    cspStatus: WINDOWS_ENROLLING,
  },
  apple: {
    clockOffset: "every",
    trustedRoots: "every",
    networkProxy: "every",
    // apple/flows.ts: the profile flows build the device from state.supervised; ADE and Apple Configurator supervise it
    // themselves, account-driven enrollments are unsupervised (apple/account.ts, configurator.ts).
    supervised: APPLE_PROFILE,
    userInstalledApps: "every",
    // apple/local-account.ts: the macOS profile install asks for an administrator (iPhone and iPad have no local account).
    account: ["macos-profile"],
    lockdownMode: "every",
    certificateTrustSettings: "every",
    // apple/flows.ts downloadInSafari, portal.ts, safari.ts: the web download of the profile flows.
    safari: APPLE_PROFILE,
    browser: APPLE_PROFILE,
    // apple/flows.ts setupBeforeRemoteManagement, setup-assistant.ts adeRenewal: Setup Assistant of ADE.
    activated: APPLE_ADE,
    // apple/activation-lock.ts, called from Setup Assistant before Remote Management (ADE).
    activationLock: APPLE_ADE,
    serialNumber: "every",
    modelIdentifier: "every",
    backup: "every",
    mdmEnrollments: "every",
    sharedIPad: "every",
    // apple/setup-assistant.ts: the panes after Remote Management, with the cloud configuration (ADE).
    setupAssistant: APPLE_ADE,
    os: "every",
  },
  android: {
    clockOffset: "every",
    trustedRoots: "every",
    knoxVersion: "every",
    apiLevel: "every",
    gms: "every",
    securityPatch: "every",
    integrity: "every",
    alreadyProvisioned: "every",
    userSetupCompleted: "every",
    secondaryUser: "every",
    systemFeatures: "every",
    lowRamDevice: "every",
    splitSystemUser: "every",
    paired: "every",
    profileOwner: "every",
    userProvisioning: "every",
    adbEnabled: "every",
    userRestrictions: "every",
    existingWorkProfile: "every",
    factoryResetProtection: "every",
    serialNumber: "every",
    imei: "every",
    manufacturer: "every",
    model: "every",
    wifiInRange: "every",
    screenLock: "every",
    playProtectBlocks: "every",
    // android/flows.ts trigger("qr"): the setup wizard's QR scanner (android-qr; android-aosp's default trigger).
    qrScannerMaxBytes: ["android-qr", "android-aosp"],
    // android/flows.ts migrateToWorkProfile: the Company Portal of a device administrator enrollment.
    companyPortalVersion: ["android-da"],
    dpc: "every",
  },
};

/** The flows that read `key` of `family`, or undefined when the family has no such key declared. */
export function stateKeyReaders(family: StateFamily, key: string): StateReaders | undefined {
  return Object.hasOwn(STATE_KEY_READERS[family], key) ? STATE_KEY_READERS[family][key] : undefined;
}

/** The keys of `state` that `flow` never reads, each with the flows that do. */
export function unreadStateKeys(state: Record<string, unknown>, family: StateFamily, flow: string): { key: string; readers: readonly string[] }[] {
  return Object.keys(state).flatMap((key) => {
    const r = stateKeyReaders(family, key);
    return r === undefined || r === "every" || r.includes(flow) ? [] : [{ key, readers: r }];
  });
}
