// SPDX-License-Identifier: MIT
/** A virtual device's Android facts, as the setup wizard and DPCs read them. */
import type { AndroidDeviceInfo } from "../../protocol/android/dialects/index.js";
import type { AndroidDeviceState } from "../../protocol/android/setup-wizard.js";
import type { DeviceIdentity } from "../identity.js";
import type { AndroidFlowOptions } from "./options.js";

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
    securityPatch: id.android?.securityPatch ?? "2024-01-05",
    androidId: id.android?.androidId ?? "0000000000000000",
    wifiMac: id.android?.randomizedWifiMac ?? id.wifiMac,
  };
}

export function deviceState(id: DeviceIdentity, o?: AndroidFlowOptions): AndroidDeviceState {
  const s = id.state ?? {};
  const w = s.wifiInRange;
  return {
    apiLevel: apiLevelOf(id, o),
    gms: id.android?.gms ?? true,
    secondaryUser: s.secondaryUser ?? false,
    ...(s.existingWorkProfile ? { existingWorkProfile: { managedBy: s.existingWorkProfile.managedBy } } : {}),
    imei: id.imei,
    serialNumber: id.serialNumber,
    hasDeviceOwner: s.alreadyProvisioned ?? false,
    userSetupCompleted: s.userSetupCompleted ?? false,
    accounts: s.accounts ?? 0,
    installed: new Map(),
    wifiInRange: w ? [{ ssid: w.ssid, securityType: w.securityType ?? (w.password ? "WPA" : "NONE"), password: w.password }] : undefined,
    playProtectBlocks: s.playProtectBlocks ?? [],
    dpcActivities: { provisioningMode: s.dpc?.provisioningModeActivity !== "missing", policyCompliance: s.dpc?.policyComplianceActivity !== "missing" },
  };
}
