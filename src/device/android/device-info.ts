// SPDX-License-Identifier: MIT
/** A virtual device's Android facts, as the setup wizard and DPCs read them. */
import type { AndroidDeviceInfo } from "../../protocol/android/dialects/index.js";
import type { AndroidDeviceState } from "../../protocol/android/setup-wizard.js";
import type { DeviceIdentity } from "../identity.js";
import { ERASED_DISK_KEY } from "../flow.js";
import type { AndroidFlowOptions } from "./options.js";
import { SYSTEM_FEATURES } from "./capability-state.js";
import { integritySignals } from "./integrity.js";

/** API level the device runs: its state's apiLevel (identity.ts applies it), else the catalog release. */
export function apiLevelOf(id: DeviceIdentity, _o?: AndroidFlowOptions): number {
  return id.android?.apiLevel ?? id.os.apiLevel ?? 34;
}

export function deviceInfo(id: DeviceIdentity, o?: AndroidFlowOptions): AndroidDeviceInfo {
  return {
    serialNumber: id.serialNumber,
    imei: id.imei,
    imei2: id.imei2,
    manufacturer: id.manufacturer,
    brand: id.android?.brand ?? id.manufacturer.toLowerCase(),
    model: id.modelIdentifier,
    hardware: id.android?.device ?? "generic",
    androidVersion: id.os.version,
    apiLevel: apiLevelOf(id, o),
    buildNumber: id.os.build,
    securityPatch: id.android?.securityPatch || "2024-01-05",
    androidId: id.android?.androidId ?? "0000000000000000",
    wifiMac: id.android?.randomizedWifiMac ?? id.wifiMac,
    ...(id.android?.knoxVersion !== undefined ? { knoxVersion: id.android.knoxVersion } : {}),
    // A key attested per request, with the server's nonce as its challenge (the device had a fixed `enroll:<serial>` before).
    attest: (challenge) => integritySignals(id, id.android?.securityPatch || "2024-01-05", challenge),
    screenLock: id.state?.screenLock ?? { type: "none" },
  };
}

/** The disk key a factory reset leaves (the wiped device's user data is gone; its build and hardware are not). */
export const FACTORY_RESET_KEY = ERASED_DISK_KEY;

/**
 * The device as provisioning finds it. `wiped`: it was factory reset since the scenario's state was true
 * (a Reset in ManagedProvisioning's cancel or error dialog, or the timeline's reset before a setUpAgain): owners, users, profiles, restrictions
 * and the completed setup are gone; the build's features and the hardware stay.
 */
export function deviceState(id: DeviceIdentity, o?: AndroidFlowOptions, wiped = false): AndroidDeviceState {
  const s = id.state ?? {};
  const w = s.wifiInRange;
  const f = s.systemFeatures ?? {};
  const user = wiped ? {} : s;
  return {
    apiLevel: apiLevelOf(id, o),
    gms: id.android?.gms ?? true,
    secondaryUser: user.secondaryUser ?? false,
    ...(user.existingWorkProfile ? { existingWorkProfile: { managedBy: user.existingWorkProfile.managedBy } } : {}),
    imei: id.imei,
    serialNumber: id.serialNumber,
    hasDeviceOwner: user.alreadyProvisioned ?? false,
    userSetupCompleted: user.userSetupCompleted ?? false,
    features: { managedUsers: f[SYSTEM_FEATURES.managedUsers], deviceAdmin: f[SYSTEM_FEATURES.deviceAdmin], watch: f[SYSTEM_FEATURES.watch] },
    lowRamDevice: s.lowRamDevice ?? false,
    splitSystemUser: s.splitSystemUser ?? false,
    paired: user.paired ?? false,
    ...(user.profileOwner !== undefined ? { profileOwner: user.profileOwner } : {}),
    userRestrictions: user.userRestrictions ?? [],
    provisioningAllowed: s.userProvisioning !== "developer-mode-only" || user.adbEnabled === true,
    installed: new Map(),
    wifiInRange: w ? [{ ssid: w.ssid, securityType: w.securityType ?? (w.password ? "WPA" : "NONE"), password: w.password }] : undefined,
    playProtectBlocks: s.playProtectBlocks ?? [],
    dpcActivities: { provisioningMode: s.dpc?.provisioningModeActivity !== "missing", policyCompliance: s.dpc?.policyComplianceActivity !== "missing" },
  };
}
