// SPDX-License-Identifier: MIT
/**
 * The identity of one virtual device: every identifier a real device of its model would report,
 * derived from the device's entropy stream. Each identifier draws from its own forked sub-stream
 * (`entropy.fork("serial")`, `fork("imei")`, …), so adding a field later leaves the others as
 * they were, and the same seed and index always give the same identity.
 */
import { ScenarioError } from "../errors/index.js";
import type { Entropy } from "../ports/entropy.js";
import type { DeviceModel, InterfaceKind, KnoxAttestationRule, OsRelease, Platform, SerialSpec, WindowsEdition } from "./catalog.js";
import {
  androidId,
  appleSerial,
  appleUdid,
  dellServiceTag,
  hpSerial,
  imei,
  lenovoSerial,
  localMacAddress,
  macAddress,
  meid,
  patternSerial,
  surfaceSerial,
  windowsDeviceId,
  windowsDeviceName,
  windowsHwDevId,
} from "./identifiers.js";
import type { MacStyle } from "./identifiers.js";
import { mergeState, type DeviceState, type TpmManufacturer } from "./state.js";
import { androidReleaseName } from "../wire/android/release-names.js";
import { displayVersionFor, type WindowsBuildTable } from "./windows-builds.js";

/** A Windows release by version (10.0.<build>.<UBR>): the OS build is <build>.<UBR>, the display version the build table's. */
export function windowsRelease(version: string, builds: WindowsBuildTable): OsRelease {
  const display = displayVersionFor(builds, version);
  return { version, build: version.split(".").slice(2).join("."), ...(display !== undefined ? { displayVersion: display } : {}) };
}

export interface MacEntry {
  kind: InterfaceKind;
  /** Formatted as the platform prints it (see `macStyleFor`). */
  address: string;
}

export interface WindowsIdentity {
  /** MS-MDE2 `DeviceID`: 32 upper-case hex. */
  deviceId: string;
  /** DMClient `HWDevID`: 64 upper-case hex. */
  hwDevId: string;
  edition: WindowsEdition;
  tpmVersion: "2.0" | "1.2" | "none";
  /** The catalog model's TPM maker and firmware, when published (device/windows/state.ts tpmState). */
  tpmManufacturer?: TpmManufacturer;
  tpmFirmwareVersion?: string;
  systemFamily?: string;
  /** The run's Windows build table (devices/windows/builds.yaml): what each build is, sends and shows; shared, read-only. */
  builds?: WindowsBuildTable;
}

export interface AndroidIdentity {
  /** `Settings.Secure.ANDROID_ID`: 16 lower-case hex. */
  androidId: string;
  brand: string;
  device: string;
  product: string;
  gms: boolean;
  apiLevel: number;
  securityPatch: string;
  /** Samsung Knox version of the firmware (catalog osVersions[].knoxVersion, or state.knoxVersion); absent on other makers. */
  knoxVersion?: string;
  /** The per-network locally administered address Wi-Fi shows by default on Android 10+. */
  randomizedWifiMac?: string;
  /** Samsung: the catalog's Knox attestation blob defects (catalog android.knoxAttestation). */
  knoxAttestation?: KnoxAttestationRule[];
}

/** A complete, platform-appropriate identity record for one device. */
export interface DeviceIdentity {
  /** "<model>#<index>", unique within a run. */
  id: string;
  index: number;
  /** Catalog model id. */
  model: string;
  platform: Platform;
  manufacturer: string;
  marketingName: string;
  modelIdentifier: string;
  modelNumber?: string;
  deviceName: string;
  serialNumber: string;
  /** The OS release this device runs, picked from the model's list. */
  os: OsRelease;
  macs: MacEntry[];
  wifiMac?: string;
  ethernetMac?: string;
  bluetoothMac?: string;
  /** Apple only. */
  udid?: string;
  /** MDM `ModelName`, Apple only. */
  modelName?: string;
  imei?: string;
  imei2?: string;
  /** 14 hex/decimal digits without check digit, as devices report it. */
  meid?: string;
  windows?: WindowsIdentity;
  android?: AndroidIdentity;
  /** The device's state before any flow: the model's catalog state with the group's on top (state.ts). */
  state?: DeviceState;
}

export interface IdentityOptions {
  /** The scenario group's `state:`, applied over the catalog model's. */
  state?: DeviceState;
  /** Pin the OS release by version ("17.5.1") or build ("21F90"); otherwise picked per device. */
  osVersion?: string;
  /** Pin the Windows edition by name ("Enterprise"). */
  windowsEdition?: string;
  /** The Windows build table (catalog.windowsBuilds): the display version of a build state.osVersion names. */
  windowsBuilds?: WindowsBuildTable;
}

/** GetProductInfo product types (winnt.h PRODUCT_*) of the editions MDM sees most. */
const WINDOWS_EDITION_NAMES: Record<number, string> = { 4: "Enterprise", 48: "Pro", 98: "Home N", 99: "Home China", 100: "Home Single Language", 101: "Home", 121: "Education", 125: "Enterprise LTSC" };

/** How each platform prints MAC addresses: Windows upper-case dashes, Apple/Android lower-case colons. */
export function macStyleFor(platform: Platform): MacStyle {
  return platform === "windows" ? "dash-upper" : "colon-lower";
}

/** A serial number in the model's format. */
export function generateSerial(spec: SerialSpec, entropy: Entropy): string {
  if ("pattern" in spec) return patternSerial(entropy, spec.pattern);
  switch (spec.format) {
    case "apple-random-10":
      return appleSerial(entropy, "random-10");
    case "apple-legacy-12":
      return appleSerial(entropy, "legacy-12");
    case "dell-service-tag":
      return dellServiceTag(entropy);
    case "hp":
      return hpSerial(entropy);
    case "lenovo":
      return lenovoSerial(entropy);
    case "surface":
      return surfaceSerial(entropy);
  }
}

function pickOs(model: DeviceModel, entropy: Entropy, pinned?: string): OsRelease {
  if (pinned === undefined) return model.osVersions[entropy.fork("os").int(model.osVersions.length)]!;
  const found = model.osVersions.find((os) => os.version === pinned || os.build === pinned);
  if (found) return found;
  const known = model.osVersions.map((os) => `${os.version} (${os.build})`).join(", ");
  throw new ScenarioError(`OS version "${pinned}" is not in the catalog for ${model.id}; known: ${known}`);
}

function pickEdition(model: DeviceModel, editions: WindowsEdition[], entropy: Entropy, pinned?: string): WindowsEdition {
  if (pinned === undefined) return editions[entropy.fork("windows.edition").int(editions.length)]!;
  const found = editions.find((e) => e.name.toLowerCase() === pinned.toLowerCase());
  if (found) return found;
  throw new ScenarioError(`Windows edition "${pinned}" is not offered by ${model.id}; known: ${editions.map((e) => e.name).join(", ")}`);
}

/** Builds the identity of device number `index` of `model` from that device's entropy stream. */
export function createDeviceIdentity(
  model: DeviceModel,
  entropy: Entropy,
  index: number,
  options: IdentityOptions = {},
): DeviceIdentity {
  const state = mergeState(model.state, options.state);
  let os = pickOs(model, entropy, options.osVersion);
  // state.osVersion (Windows): any build, not only the catalog's releases (e.g. 10.0.17763.1879 = 1809).
  if (model.platform === "windows" && state?.osVersion) os = windowsRelease(state.osVersion, options.windowsBuilds ?? []);
  const style = macStyleFor(model.platform);
  const perKind = new Map<InterfaceKind, number>();
  const macs = model.network.map((nic): MacEntry => {
    const ordinal = perKind.get(nic.kind) ?? 0;
    perKind.set(nic.kind, ordinal + 1);
    const stream = entropy.fork(`mac.${nic.kind}.${ordinal}`);
    const oui = nic.ouis[stream.int(nic.ouis.length)]!;
    return { kind: nic.kind, address: macAddress(stream, oui, style) };
  });

  const identity: DeviceIdentity = {
    id: `${model.id}#${index}`,
    index,
    model: model.id,
    platform: model.platform,
    manufacturer: model.manufacturer,
    marketingName: model.marketingName,
    modelIdentifier: model.modelIdentifier,
    ...(model.modelNumber !== undefined ? { modelNumber: model.modelNumber } : {}),
    deviceName: model.deviceName ?? model.apple?.modelName ?? model.marketingName,
    serialNumber: generateSerial(model.serial, entropy.fork("serial")),
    os,
    macs,
  };
  for (const kind of ["wifi", "ethernet", "bluetooth"] as const) {
    const first = macs.find((m) => m.kind === kind);
    if (first) identity[`${kind}Mac`] = first.address;
  }

  if (model.cellular) {
    const stream = entropy.fork("imei");
    const tac = model.cellular.tacs[stream.int(model.cellular.tacs.length)]!;
    identity.imei = imei(stream, tac);
    if (model.cellular.imeiCount === 2) identity.imei2 = imei(entropy.fork("imei2"), tac);
    if (model.cellular.meid === "from-imei") identity.meid = identity.imei.slice(0, 14);
    if (model.cellular.meid === "generated") {
      const prefix = model.cellular.meidPrefix;
      identity.meid = meid(entropy.fork("meid"), { checkDigit: false, ...(prefix ? { prefix } : {}) });
    }
  }

  if (model.apple) {
    identity.udid = appleUdid(entropy.fork("udid"), model.apple.udidFormat, model.apple.chipId);
    identity.modelName = model.apple.modelName;
  }

  if (model.windows) {
    identity.deviceName = windowsDeviceName(entropy.fork("deviceName"), model.windows.chassis);
    identity.windows = {
      deviceId: windowsDeviceId(entropy.fork("windows.deviceId")),
      hwDevId: windowsHwDevId(entropy.fork("windows.hwDevId")),
      edition: pickEdition(model, model.windows.editions, entropy, options.windowsEdition),
      tpmVersion: state?.tpm?.version ?? model.windows.tpmVersion,
    };
    if (model.windows.systemFamily !== undefined) identity.windows.systemFamily = model.windows.systemFamily;
    if (options.windowsBuilds !== undefined) identity.windows.builds = options.windowsBuilds;
    if (model.windows.tpmManufacturer) identity.windows.tpmManufacturer = model.windows.tpmManufacturer;
    if (model.windows.tpmFirmwareVersion) identity.windows.tpmFirmwareVersion = model.windows.tpmFirmwareVersion;
    // state.osEdition: the edition actually installed (e.g. a Home PC the catalog's OEM image does not offer).
    const n = state?.osEdition;
    if (n !== undefined) identity.windows.edition = model.windows.editions.find((e) => e.osEdition === n) ?? { name: WINDOWS_EDITION_NAMES[n] ?? `OSEdition ${n}`, osEdition: n };
  } else if (options.windowsEdition !== undefined) {
    throw new ScenarioError(`windowsEdition is set but ${model.id} is a ${model.platform} model`);
  }

  if (model.android) {
    identity.android = {
      androidId: androidId(entropy.fork("android.id")),
      brand: model.android.brand,
      device: model.android.device,
      product: model.android.product,
      gms: model.android.gms,
      apiLevel: os.apiLevel ?? 0,
      securityPatch: os.securityPatch ?? "",
      ...(os.knoxVersion !== undefined ? { knoxVersion: os.knoxVersion } : {}),
      ...(model.android.knoxAttestation ? { knoxAttestation: model.android.knoxAttestation } : {}),
    };
    if (identity.wifiMac !== undefined) {
      identity.android.randomizedWifiMac = localMacAddress(entropy.fork("android.randomizedMac"), style);
    }
  }
  // Apple state: any OS release, and the serial / model a virtual machine reports (blank, or VirtualMac2,1).
  if (model.apple && state) {
    if (state.os) identity.os = { version: state.os.version, build: state.os.build };
    if (state.serialNumber !== undefined) identity.serialNumber = state.serialNumber;
    if (state.modelIdentifier !== undefined) identity.modelIdentifier = state.modelIdentifier;
  }
  // Android state: the OEM identifiers the device reports, and the API level it runs.
  if (model.android && state) {
    if (state.serialNumber !== undefined) identity.serialNumber = state.serialNumber;
    if (state.imei !== undefined) identity.imei = state.imei;
    if (state.manufacturer !== undefined) identity.manufacturer = state.manufacturer;
    if (state.model !== undefined) identity.modelIdentifier = state.model;
    if (state.gms !== undefined) identity.android!.gms = state.gms;
    if (state.apiLevel !== undefined) {
      identity.android!.apiLevel = state.apiLevel;
      // The release name follows a pinned API level other than the picked release's (release-names.ts).
      if (state.apiLevel !== identity.os.apiLevel) identity.os = { ...identity.os, version: androidReleaseName(state.apiLevel) ?? identity.os.version, apiLevel: state.apiLevel };
    }
    if (state.knoxVersion !== undefined) identity.android!.knoxVersion = state.knoxVersion;
    if (state.securityPatch !== undefined) identity.android!.securityPatch = state.securityPatch;
  }
  if (state) identity.state = state;
  return identity;
}
