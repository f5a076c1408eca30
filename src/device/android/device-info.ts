// SPDX-License-Identifier: MIT
/** A virtual device's Android facts, as the setup wizard and DPCs read them. */
import type { AndroidDeviceInfo } from "../../protocol/android/dialects/index.js";
import type { AndroidDeviceState } from "../../protocol/android/setup-wizard.js";
import type { DeviceIdentity } from "../identity.js";
import type { AndroidFlowOptions } from "./options.js";

/** API level the device runs: the scenario's device.apiLevel, else the catalog release. */
export function apiLevelOf(id: DeviceIdentity, o?: AndroidFlowOptions): number {
  return o?.device?.apiLevel ?? id.android?.apiLevel ?? id.os.apiLevel ?? 34;
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

export function deviceState(id: DeviceIdentity, o: AndroidFlowOptions): AndroidDeviceState {
  const d = o.device ?? {};
  return {
    apiLevel: apiLevelOf(id, o),
    gms: d.gms ?? id.android?.gms ?? true,
    secondaryUser: d.secondaryUser ?? false,
    rebootBeforeCompliance: d.rebootMidEnrollment ?? false,
    imei: id.imei,
    serialNumber: id.serialNumber,
    hasDeviceOwner: d.alreadyProvisioned ?? false,
    userSetupCompleted: d.userSetupCompleted ?? false,
    accounts: d.accounts ?? 0,
    installed: new Map(),
    wifiInRange: d.wifi ? [{ ssid: d.wifi.ssid, securityType: d.wifi.securityType ?? (d.wifi.password ? "WPA" : "NONE"), password: d.wifi.password }] : undefined,
    blockInstall: d.blockInstall ?? false,
  };
}
