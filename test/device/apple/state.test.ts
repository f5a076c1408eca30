// SPDX-License-Identifier: MIT
/**
 * Apple device state and the per-OS payload table against the embedded Apple half (in-memory HTTP, virtual
 * clock): Activation Lock stops Setup Assistant before anything reaches the MDM server; an escrowed bypass
 * code lets it through; a blank (VM) serial finds no ADE assignment; a payload the OS release does not have
 * is refused with the profile error and the server records the Error; supervision as state.
 */
import { describe, expect, it } from "vitest";
import { buildPlistBytes } from "../../../src/wire/apple/plist.js";
import { buildProfileDict, payloadHeader } from "../../../src/wire/apple/profile.js";
import { payloadAbsent } from "../../../src/device/apple/payloads.js";
import { appleWorld } from "./harness.js";

// `keys`: the payload's own keys; the device refuses a payload missing a key Apple's schema requires (d0fed2d).
const profileWith = (type: string, keys: Record<string, unknown> = {}) =>
  Buffer.from(buildPlistBytes(buildProfileDict({ identifier: `com.example.${type}`, uuid: "P-1", displayName: type, payloads: [{ ...payloadHeader(type, `com.example.${type}.p`, "P-2", type), ...keys }] }))).toString("base64");

describe("Apple device state", () => {
  it("Activation Lock: Setup Assistant stops at the lock, no cloud configuration is asked for; an escrowed bypass code clears it", async () => {
    const w = await appleWorld();
    const locked = await w.run(await w.device("iphone-15", 0, { activationLock: { enabled: true } }), "ios-ade");
    expect(locked).toMatchObject({ ok: false, code: "apple.ade.activation-locked", step: "ade.setup-assistant" });
    expect(locked.message).toContain("This iPhone is linked to an Apple Account");
    expect(w.apple.devices.size).toBe(0);
    const bypass = await w.run(await w.device("iphone-15", 1, { activationLock: { enabled: true, bypassCode: "escrowed" } }), "ios-ade");
    expect(bypass).toMatchObject({ ok: true });
    expect(w.apple.devices.size).toBe(1);
  });

  it("Lockdown Mode: no enrollment profile is installed on any path, nothing enrolls at the server; off, the same devices enroll", async () => {
    const w = await appleWorld();
    for (const [model, flow] of [
      ["iphone-15", "ios-profile"],
      ["macbook-air-m3", "macos-profile"],
      ["iphone-15", "ios-ade"],
    ] as const) {
      const r = await w.run(await w.device(model, 0, { lockdownMode: true }), flow);
      expect(r).toMatchObject({ ok: false, code: "apple.lockdown-mode", step: "profile.install" });
      expect(r.message).toContain("the device can't be enrolled in mobile device management");
      expect(r.shown).toBeUndefined(); // the alert's wording is not published
    }
    expect(w.apple.devices.size).toBe(0);
    expect(await w.run(await w.device("iphone-15", 1, { lockdownMode: false }), "ios-profile")).toMatchObject({ ok: true });
    expect(w.apple.devices.size).toBe(1);
  });

  it("Lockdown Mode on a release that has none (iOS 15) is a scenario error naming the first release", async () => {
    const w = await appleWorld();
    await expect(w.run(await w.device("iphone-15", 0, { lockdownMode: true, os: { version: "15.8", build: "19H370" } }), "ios-profile")).rejects.toThrow(/Lockdown Mode exists from iOS\/iPadOS 16; this device runs iOS 15\.8/);
  });

  it("a VM's blank serial: the ADE lookup by serial finds no assignment", async () => {
    const w = await appleWorld();
    const vm = await w.device("macbook-air-m3", 0, { serialNumber: "", modelIdentifier: "VirtualMac2,1" });
    const r = await w.run(vm, "macos-ade");
    expect(r).toMatchObject({ ok: false, code: "apple.ade.device-not-assigned" });
  });

  it("a backup restored onto the same phone brings the old MDM payload back (12002); onto another phone it does not", async () => {
    const w = await appleWorld();
    const old = "https://old-mdm.example.com/mdm/server";
    const same = await w.run(await w.device("iphone-15", 0, { backup: { device: "same", enrolledIn: old } }), "ios-profile");
    expect(same).toMatchObject({ ok: false, code: "apple.profile.mdm-payload-mismatch" });
    const other = await w.run(await w.device("iphone-15", 1, { backup: { device: "other", enrolledIn: old } }), "ios-profile");
    expect(other).toMatchObject({ ok: true });
  });

  it("supervision is state: a profile-enrolled phone prepared supervised runs a supervised-only command", async () => {
    const cmd = [{ requestType: "EnableLostMode", payload: { Message: "Lost" } }];
    const plain = await appleWorld({ commands: cmd });
    await plain.run(await plain.device("iphone-15", 0), "ios-profile");
    const sup = await appleWorld({ commands: cmd });
    await sup.run(await sup.device("iphone-15", 0, { supervised: true }), "ios-profile");
    const status = (w: typeof plain) => [...w.apple.devices.values()][0]!.results.find((x) => x.requestType === "EnableLostMode")?.status;
    expect(status(plain)).toBe("Error");
    expect(status(sup)).toBe("Acknowledged");
  });
});

describe("Apple payload capability", () => {
  it("the schema table: a macOS-only payload is not on iOS; Relay came with iOS 17; a removed payload is gone", () => {
    expect(payloadAbsent("com.apple.dock", "iOS", "18.1")).toBe("not available on iOS");
    expect(payloadAbsent("com.apple.relay.managed", "iOS", "16.7.10")).toBe("needs iOS 17.0 (device runs 16.7.10)");
    expect(payloadAbsent("com.apple.relay.managed", "iOS", "17.5.1")).toBeUndefined();
    expect(payloadAbsent("com.apple.osxserver.account", "iOS", "17.5.1")).toBe("removed in iOS 12.0");
    expect(payloadAbsent("com.apple.wifi.managed", "iOS", "17.5.1")).toBeUndefined();
  });

  it("InstallProfile of a payload the OS release lacks: Error with the profile error on 16.7, Acknowledged on 17.5.1", async () => {
    const cmd = [{ requestType: "InstallProfile", payload: { Payload: { $data: profileWith("com.apple.relay.managed", { Relays: [{ HTTP3RelayURL: "https://relay.example.com" }] }) } } }];
    const result = async (state?: Parameters<Awaited<ReturnType<typeof appleWorld>>["device"]>[2]) => {
      const w = await appleWorld({ commands: cmd });
      await w.run(await w.device("iphone-15", 0, state), "ios-profile");
      return [...w.apple.devices.values()][0]!.results.find((x) => x.requestType === "InstallProfile");
    };
    const old = await result({ os: { version: "16.7.10", build: "20H350" } });
    expect(old?.status).toBe("Error");
    expect(JSON.stringify(old?.errorChain)).toContain('The payload type \\"com.apple.relay.managed\\" is not supported.');
    expect((await result({ os: { version: "17.5.1", build: "21F90" } }))?.status).toBe("Acknowledged");
  });
});
