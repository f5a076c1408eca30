// SPDX-License-Identifier: MIT
import { describe, expect, it } from "vitest";
import type { DeviceModel } from "../../src/device/catalog.js";
import { luhnValid } from "../../src/device/identifiers.js";
import { createDeviceIdentity, macStyleFor } from "../../src/device/identity.js";
import { ScenarioError } from "../../src/errors/index.js";
import { SeededEntropySource } from "../../src/platform/node/entropy.js";
import { loadCatalog } from "../../src/runner/catalog-files.js";

const catalog = loadCatalog();
const entropy = (i: number, seed = "seed") => new SeededEntropySource(seed).forDevice(0, i);
const identity = (id: string, i = 0, seed = "seed") => createDeviceIdentity(catalog.get(id), entropy(i, seed), i);
const ouiOf = (mac: string) => mac.slice(0, 8).replace(/-/g, ":").toUpperCase();

describe("createDeviceIdentity", () => {
  it("iPhone 15: ECID UDID, randomized serial, two IMEIs under a catalog TAC, MEID from IMEI", () => {
    const model = catalog.get("iphone-15");
    const d = identity("iphone-15", 3);
    expect(d).toMatchObject({ id: "iphone-15#3", index: 3, model: "iphone-15", platform: "ios", modelIdentifier: "iPhone15,4", modelName: "iPhone", deviceName: "iPhone" });
    expect(d.udid).toMatch(/^00008120-00[01][0-9A-F]{13}$/);
    expect(d.serialNumber).toMatch(/^[0-9BCDFGHJKLMNPQRSTVWXYZ]{10}$/);
    for (const v of [d.imei!, d.imei2!]) {
      expect(v).toMatch(/^\d{15}$/);
      expect(luhnValid(v)).toBe(true);
      expect(model.cellular!.tacs).toContain(v.slice(0, 8));
    }
    expect(d.imei2).not.toBe(d.imei);
    expect(d.meid).toBe(d.imei!.slice(0, 14));
    expect(model.osVersions).toContainEqual(d.os);
    expect(d.wifiMac).toMatch(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
    expect(model.network[0]!.ouis).toContain(ouiOf(d.wifiMac!));
    expect(d.bluetoothMac).toBeDefined();
    expect(d.windows).toBeUndefined();
    expect(d.android).toBeUndefined();
  });

  it("iPad Air (Wi-Fi) has no IMEI/MEID; the Mac's UDID is an upper-case hardware UUID", () => {
    const ipad = identity("ipad-air-m2");
    expect(ipad.udid).toMatch(/^00008112-/);
    expect(ipad.imei).toBeUndefined();
    expect(ipad.meid).toBeUndefined();
    const mac = identity("macbook-air-m3");
    expect(mac.udid).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/);
    expect(mac.deviceName).toBe("MacBook Air");
    expect(mac.os.version).toMatch(/^1[45]\./);
  });

  it("Windows laptop/desktop: DeviceID, HWDevID, generated names, edition, dash-upper MACs, Dell tag", () => {
    const laptop = identity("windows-11-laptop", 5);
    expect(laptop.deviceName).toMatch(/^LAPTOP-[A-Z0-9]{8}$/);
    expect(laptop.windows!.deviceId).toMatch(/^[0-9A-F]{32}$/);
    expect(laptop.windows!.hwDevId).toMatch(/^[0-9A-F]{64}$/);
    expect(catalog.get("windows-11-laptop").windows!.editions).toContainEqual(laptop.windows!.edition);
    expect(laptop.windows).toMatchObject({ tpmVersion: "2.0", systemFamily: "Latitude" });
    expect(laptop.serialNumber).toMatch(/^[0-9BCDFGHJKLMNPQRSTVWXYZ]{7}$/);
    expect(laptop.wifiMac).toMatch(/^([0-9A-F]{2}-){5}[0-9A-F]{2}$/);
    expect(laptop.os.version).toMatch(/^10\.0\.2(2631|6100)\.\d+$/);
    expect(laptop.udid).toBeUndefined();
    const desktop = identity("windows-10-desktop", 5);
    expect(desktop.deviceName).toMatch(/^DESKTOP-[A-Z0-9]{7}$/);
    expect(desktop.ethernetMac).toMatch(/^([0-9A-F]{2}-){5}[0-9A-F]{2}$/);
    expect(catalog.get("windows-10-desktop").network[0]!.ouis).toContain(ouiOf(desktop.ethernetMac!));
    expect(desktop.wifiMac).toBeUndefined();
  });

  it("Android: Android ID, API level and patch of the picked build, randomized MAC, OEM serials", () => {
    const pixel = identity("pixel-8", 2);
    expect(pixel.android).toMatchObject({ brand: "google", device: "shiba", product: "shiba", gms: true, apiLevel: 34 });
    expect(pixel.android!.securityPatch).toBe(pixel.os.securityPatch);
    expect(pixel.android!.androidId).toMatch(/^[0-9a-f]{16}$/);
    expect(parseInt(pixel.android!.randomizedWifiMac!.slice(0, 2), 16) & 0x03).toBe(0x02);
    expect(pixel.serialNumber).toMatch(/^\d{5}FDJH00[0-9A-HJ-NP-Z]{3}$/);
    expect(luhnValid(pixel.imei!)).toBe(true);
    expect(pixel.imei2).toBeDefined();
    expect(pixel.meid).toBeUndefined();
    expect(pixel.deviceName).toBe("Pixel 8");
    const zebra = identity("zebra-tc52", 2);
    expect(zebra.serialNumber).toMatch(/^2\d{13}$/);
    expect(zebra.imei).toBeUndefined();
    expect(zebra.android!.apiLevel).toBe(30);
    expect(catalog.get("zebra-tc52").network[0]!.ouis).toContain(ouiOf(zebra.wifiMac!));
  });

  it("is deterministic per (seed, index) and differs across devices and seeds", () => {
    for (const id of catalog.ids()) {
      const a = identity(id, 11);
      expect(identity(id, 11)).toEqual(a);
      const b = identity(id, 12);
      expect(b.serialNumber).not.toBe(a.serialNumber);
      expect(b.macs[0]!.address).not.toBe(a.macs[0]!.address);
      expect(identity(id, 11, "other").serialNumber).not.toBe(a.serialNumber);
    }
  });

  it("picks different OS releases across a fleet", () => {
    const builds = new Set(Array.from({ length: 40 }, (_, i) => identity("iphone-15", i).os.build));
    expect(builds.size).toBeGreaterThan(2);
  });

  it("uses forked sub-streams: removing a field leaves the other identifiers unchanged", () => {
    const full = catalog.get("iphone-15");
    const { cellular: _omit, ...rest } = full;
    const noModem: DeviceModel = { ...rest, network: full.network.slice(0, 1) };
    const a = createDeviceIdentity(full, entropy(4), 4);
    const b = createDeviceIdentity(noModem, entropy(4), 4);
    expect(b.imei).toBeUndefined();
    expect(b.bluetoothMac).toBeUndefined();
    expect([b.serialNumber, b.udid, b.wifiMac, b.os]).toEqual([a.serialNumber, a.udid, a.wifiMac, a.os]);
  });

  it("generates a CDMA MEID when the model asks for one", () => {
    const model: DeviceModel = { ...catalog.get("iphone-15"), cellular: { imeiCount: 1, tacs: ["35310574"], meid: "generated", meidPrefix: "A1000012" } };
    const d = createDeviceIdentity(model, entropy(1), 1);
    expect(d.meid).toMatch(/^A1000012[0-9A-F]{6}$/);
    expect(d.imei2).toBeUndefined();
  });

  it("honours pinned OS version/build and Windows edition; rejects unknown ones", () => {
    expect(createDeviceIdentity(catalog.get("iphone-15"), entropy(0), 0, { osVersion: "21F90" }).os).toEqual({ version: "17.5.1", build: "21F90" });
    expect(createDeviceIdentity(catalog.get("macbook-air-m3"), entropy(0), 0, { osVersion: "15.2" }).os.build).toBe("24C101");
    expect(() => createDeviceIdentity(catalog.get("iphone-15"), entropy(0), 0, { osVersion: "16.0" })).toThrow(ScenarioError);
    expect(() => createDeviceIdentity(catalog.get("iphone-15"), entropy(0), 0, { osVersion: "16.0" })).toThrow(/known: 17\.5\.1 \(21F90\)/);
    const pro = createDeviceIdentity(catalog.get("windows-10-desktop"), entropy(0), 0, { windowsEdition: "pro" });
    expect(pro.windows!.edition).toEqual({ name: "Pro", osEdition: 48 });
    expect(() => createDeviceIdentity(catalog.get("windows-10-desktop"), entropy(0), 0, { windowsEdition: "Home" })).toThrow(/not offered/);
    expect(() => createDeviceIdentity(catalog.get("pixel-8"), entropy(0), 0, { windowsEdition: "Pro" })).toThrow(ScenarioError);
  });

  it("MAC styles per platform", () => {
    expect(macStyleFor("windows")).toBe("dash-upper");
    expect(macStyleFor("ios")).toBe("colon-lower");
    expect(macStyleFor("android")).toBe("colon-lower");
  });
});
