// SPDX-License-Identifier: MIT
/**
 * A steady check-in that changed the device's keychain (an MDM identity renewed in place,
 * device/apple/mdm-update.ts) is written to the fleet store, so a resumed run checks in with the
 * identity the device holds; an unchanged keychain writes nothing, and a store that refuses the write
 * is a typed StoreWriteError naming the device.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SqliteFleetStore } from "../../src/api/store/sqlite.js";
import type { EnrolledState } from "../../src/runner/checkin.js";
import { sameSettings, watchKeychain } from "../../src/runner/store/learned.js";
import { StoreWriteError } from "../../src/runner/store/track.js";
import { MemoryFleetStore, type StoredDevice } from "../../src/runner/store/types.js";

const row = (state: EnrolledState): StoredDevice => ({
  index: 4,
  device: "iphone-15#4",
  group: "g",
  model: "iphone-15",
  platform: "ios",
  flow: "ios-profile",
  identity: "{}",
  keySlot: 4,
  state: "enrolled",
  certificates: state.certificates.map((c) => ({ ...c })),
  serverIds: { enrollmentId: "E1" },
  attempts: 1,
  checkins: 7,
  updatedAt: 1,
});

describe("store/learned: the keychain a check-in changed", () => {
  it("a renewed identity (new label and PEM, changed in place) replaces the row's certificates; the rest of the row stays", () => {
    const state: EnrolledState = { certificates: [{ label: "apple:OLD#mdm&server=x", pem: "PEM-1" }], serverIds: { "apple:OLD.serial": "01" } };
    const store = new MemoryFleetStore();
    store.put(row(state));
    const learn = watchKeychain(store, 4, "iphone-15#4", state);
    state.certificates[0]!.label = "apple:NEW#mdm&server=x";
    state.certificates[0]!.pem = "PEM-2";
    state.serverIds["apple:NEW.serial"] = "02";
    learn(1000);
    const after = store.get(4)!;
    expect(after.certificates).toEqual([{ label: "apple:NEW#mdm&server=x", pem: "PEM-2" }]);
    expect(after.serverIds).toMatchObject({ enrollmentId: "E1", "apple:NEW.serial": "02" });
    expect(after).toMatchObject({ checkins: 7, state: "enrolled", updatedAt: 1000 });
  });

  it("an unchanged keychain writes nothing; no store or no state (a restored backup's) is a no-op", () => {
    const state: EnrolledState = { certificates: [{ label: "a", pem: "P" }], serverIds: {} };
    const store = new MemoryFleetStore();
    store.put(row(state));
    let puts = 0;
    const put = store.put.bind(store);
    store.put = (d) => (puts++, put(d));
    watchKeychain(store, 4, "iphone-15#4", state)(5);
    watchKeychain(undefined, 4, "iphone-15#4", state)(5);
    watchKeychain(store, 4, "iphone-15#4", undefined)(5);
    expect(puts).toBe(0);
    expect(store.get(4)!.updatedAt).toBe(1);
  });

  it("a store that refuses the write: StoreWriteError naming the device", () => {
    const state: EnrolledState = { certificates: [{ label: "a", pem: "P" }], serverIds: {} };
    const store = new MemoryFleetStore();
    store.put(row(state));
    store.put = () => {
      throw new Error("disk full");
    };
    const learn = watchKeychain(store, 4, "iphone-15#4", state);
    state.certificates.push({ label: "b", pem: "Q" });
    expect(() => learn(9)).toThrow(StoreWriteError);
    expect(() => learn(9)).toThrow(/could not record the keychain this check-in changed: disk full/);
  });

  it("Windows: a check-in that changed the Policy CSP values it keeps writes them (SQLite round trip); the same values in a new object write nothing", () => {
    const file = join(mkdtempSync(join(tmpdir(), "learned-")), "fleet.db");
    const store = SqliteFleetStore.open(file, { create: true });
    store.setMeta({ scenario: "s", seed: "1", shard: "", createdAt: 1, schemaVersion: 4 });
    const node = "./Device/Vendor/MSFT/Policy/Config/DeviceLock/DevicePasswordEnabled";
    const state: EnrolledState = { certificates: [{ label: "w", pem: "P" }], serverIds: {}, appliedSettings: { [node]: { value: "1", format: "int" } } };
    store.put({ ...row(state), platform: "windows", appliedSettings: state.appliedSettings! });
    let learn = watchKeychain(store, 4, "pc#4", state);
    state.appliedSettings = { [node]: { value: "1", format: "int" } }; // a new object, same content
    learn(2);
    expect(store.get(4)!.updatedAt).toBe(1);
    learn = watchKeychain(store, 4, "pc#4", state);
    state.appliedSettings = { [node]: { value: "0", format: "int" } };
    learn(3);
    store.close();
    const again = SqliteFleetStore.open(file);
    expect(again.get(4)).toMatchObject({ updatedAt: 3, appliedSettings: { [node]: { value: "0", format: "int" } } });
    again.close();
  });

  it("sameSettings compares by node, value and format", () => {
    expect(sameSettings(undefined, undefined)).toBe(true);
    expect(sameSettings({ a: { value: "1" } }, undefined)).toBe(false);
    expect(sameSettings({ a: { value: "1" } }, { a: { value: "1" } })).toBe(true);
    expect(sameSettings({ a: { value: "1" } }, { a: { value: "1", format: "int" } })).toBe(false);
    expect(sameSettings({ a: { value: "1" } }, { b: { value: "1" } })).toBe(false);
    expect(sameSettings({ a: { value: "1" } }, { a: { value: "1" }, b: { value: "2" } })).toBe(false);
  });
});
