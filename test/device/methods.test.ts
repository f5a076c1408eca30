// SPDX-License-Identifier: MIT
/**
 * The enrollment-method capability table (device/methods.ts): which release offers which method, the
 * Pixel exception for zero-touch, and the shipped scenarios where old releases meet the platform's own
 * behaviour (run against the embedded server over loopback).
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/api/run-scenario.js";
import { createDeviceIdentity } from "../../src/device/identity.js";
import { checkMethods, methodRow, methodsOf, methodVerdict, METHOD_TABLE, unsupportedResult, versionBelow } from "../../src/device/methods.js";
import { FLOWS } from "../../src/device/flows/index.js";
import { SeededEntropySource } from "../../src/platform/node/entropy.js";
import { loadCatalog } from "../../src/runner/catalog-files.js";

const catalog = loadCatalog();
const device = (model: string, state?: Record<string, unknown>) => createDeviceIdentity(catalog.get(model), new SeededEntropySource("m").forDevice(0, 0), 0, state ? { state: state as never } : {});
const verdict = (model: string, flow: string, options: unknown, state?: Record<string, unknown>) => checkMethods(device(model, state), flow, options).map((v) => [v.row.id, v.supported]);

describe("enrollment-method table", () => {
  it("compares releases numerically", () => {
    expect(versionBelow("14.8.1", "15.0")).toBe(true);
    expect(versionBelow("15.0", "15.0")).toBe(false);
    expect(versionBelow("9.3", "15.0")).toBe(true);
    expect(versionBelow("16.7.10", "15")).toBe(false);
  });

  it("every row names its source, a known flow and a code", () => {
    for (const r of METHOD_TABLE) {
      expect(r.source).toMatch(/https:\/\//);
      for (const f of r.flows) expect(FLOWS[f], `${r.id}: ${f}`).toBeDefined();
      expect(r.unsupported.code).toMatch(/\./);
      // A removed method says what the device does from the removal on.
      if (r.removed) expect(r.afterRemoval?.code, r.id).toMatch(/\./);
    }
  });

  it("a removed method has a last release: `profiles install` works up to macOS 10.15 and is refused from macOS 11, in the app's name of the release", () => {
    const cli = { apple: { installVia: "profiles-cli" } };
    expect(verdict("macbook-pro-2017", "macos-profile", cli, { os: { version: "10.15.7", build: "19H2" } })).toEqual([["apple.profile.cli-install", true]]);
    const [v] = checkMethods(device("macbook-air-m3", { os: { version: "14.6.1", build: "23G93" } }), "macos-profile", cli);
    expect(v).toMatchObject({ supported: false, removedIn: "11.0" });
    const r = unsupportedResult(v!, "macos");
    expect(r).toMatchObject({
      ok: false,
      code: "apple.profile.cli-install-removed",
      step: "device.method",
      shown: { text: "profiles tool no longer supports installs. Use System Settings Profiles to add configuration profiles.", screen: "Terminal" },
    });
    expect(r.message).toMatch(/on macOS 14\.6\.1 \(removed in macOS 11\.0\)/);
    // macOS 12 still called the app System Preferences (twocanoes/macdeploystick#671).
    const [v12] = checkMethods(device("macbook-pro-2017", { os: { version: "12.7.6", build: "21H1320" } }), "macos-profile", cli);
    expect(unsupportedResult(v12!, "macos").shown!.text).toBe("profiles tool no longer supports installs. Use System Preferences Profiles to add configuration profiles.");
    // The default channel (the user in System Settings) uses no removed method.
    expect(verdict("macbook-air-m3", "macos-profile", {})).toEqual([]);
  });

  it("profile-driven User Enrollment: iOS 13.1 to 17, macOS 10.15 to 14; chosen by the profile's content, so the gate never checks it", () => {
    const row = methodRow("apple.user-enrollment.profile");
    const at = (model: string, version: string, build: string) => methodVerdict(device(model, { os: { version, build } }), row);
    expect(at("iphone-15", "17.6.1", "21G93")).toMatchObject({ supported: true });
    expect(at("iphone-15", "18.3", "22D63")).toMatchObject({ supported: false, removedIn: "18.0" });
    expect(at("iphone-8", "13.0", "17A577")).toMatchObject({ supported: false, min: "13.1" });
    expect(at("macbook-air-m3", "14.6.1", "23G93")).toMatchObject({ supported: true });
    expect(at("macbook-air-m3", "15.3", "24D60")).toMatchObject({ supported: false, removedIn: "15.0" });
    expect(checkMethods(device("iphone-15", { os: { version: "18.3", build: "22D63" } }), "ios-profile", {})).toEqual([]);
    const r = unsupportedResult(at("macbook-air-m3", "15.3", "24D60")!, "macos", "profile.install");
    expect(r).toMatchObject({ code: "apple.user-enrollment.profile-removed", step: "profile.install", shown: { unknown: { of: "condition" } } });
  });

  it("account-driven User Enrollment needs iOS 15, account-driven Device Enrollment iOS 17", () => {
    expect(verdict("iphone-15", "ios-user-enrollment", {}, { os: { version: "14.8.1", build: "18H107" } })).toEqual([["apple.user-enrollment.account-driven", false]]);
    expect(verdict("iphone-15", "ios-user-enrollment", {}, { os: { version: "15.0", build: "19A346" } })).toEqual([["apple.user-enrollment.account-driven", true]]);
    expect(verdict("iphone-15", "ios-account-device-enrollment", {}, { os: { version: "16.7.10", build: "20H350" } })).toEqual([["apple.device-enrollment.account-driven", false]]);
    expect(verdict("iphone-15", "ios-account-device-enrollment", {})).toEqual([["apple.device-enrollment.account-driven", true]]);
    // A profile enrollment uses none of these methods.
    expect(verdict("iphone-15", "ios-profile", {}, { os: { version: "14.8.1", build: "18H107" } })).toEqual([]);
  });

  it("macOS: account-driven User Enrollment needs macOS 14, shown in System Settings", () => {
    const mac = device("macbook-air-m3", { os: { version: "13.6.7", build: "22G720" } });
    const [v] = checkMethods(mac, "macos-user-enrollment", {});
    expect(v).toMatchObject({ supported: false, min: "14.0" });
    expect(unsupportedResult(v!, "macos").shown!.screen).toMatch(/^System Settings/);
  });

  it("zero-touch needs Android 8.0, Pixel 7.1; the trigger option picks the row", () => {
    const zt = { android: { trigger: "zero-touch" } };
    expect(verdict("zebra-tc52", "android-qr", zt, { apiLevel: 25 })).toEqual([["android.zero-touch", false]]);
    expect(verdict("zebra-tc52", "android-qr", zt, { apiLevel: 26 })).toEqual([["android.zero-touch", true]]);
    expect(verdict("pixel-8", "android-qr", zt, { apiLevel: 25 })).toEqual([["android.zero-touch", true]]);
    expect(verdict("pixel-8", "android-qr", zt, { apiLevel: 24 })).toEqual([["android.zero-touch", false]]);
    // QR is the default trigger: Android 7.0+.
    expect(methodsOf("android-qr", {}).map((r) => r.id)).toEqual(["android.qr"]);
    expect(verdict("zebra-tc52", "android-qr", {}, { apiLevel: 23 })).toEqual([["android.qr", false]]);
    expect(verdict("zebra-tc52", "android-qr", { android: { trigger: "nfc" } }, { apiLevel: 23 })).toEqual([["android.nfc", true]]);
    expect(verdict("zebra-tc52", "android-token", {}, { apiLevel: 22 })).toEqual([["android.afw-setup", false]]);
  });

  it("the unsupported result is a value at device.method with the row's shown", () => {
    const [v] = checkMethods(device("zebra-tc52", { apiLevel: 25 }), "android-qr", { android: { trigger: "zero-touch" } });
    const r = unsupportedResult(v!, "android");
    expect(r).toMatchObject({ ok: false, code: "android.provision.not-triggered", step: "device.method" });
    expect(r.message).toMatch(/API level 25 \(needs API level 26\+\)/);
    // The device's own screen only: why (no zero-touch check-in on this release) is enrollsim's diagnosis, in the message.
    expect(r.shown).toEqual({ text: "Welcome", screen: "setup wizard › Welcome (the ordinary consumer setup)" });
    expect(r.message).toMatch(/never checks in with the zero-touch service.*the device shows "Welcome"/);
    for (const row of METHOD_TABLE) for (const o of [row.unsupported, row.afterRemoval]) if (o?.diagnosis) expect(o.shown.text, row.id).not.toContain(o.diagnosis);
    // Rows with no published device text say so in the shown (an unknown condition) and keep the why for the diagnosis.
    for (const [id, o] of [
      ["apple.user-enrollment.profile", methodRow("apple.user-enrollment.profile").unsupported],
      ["apple.user-enrollment.profile", methodRow("apple.user-enrollment.profile").afterRemoval!],
      ["apple.profile.cli-install", methodRow("apple.profile.cli-install").unsupported],
    ] as const) {
      expect(o.shown.text, id).toMatch(/^\(not published: /);
      expect(o.shown.unknown?.of, id).toBe("condition");
      expect(o.diagnosis, id).toBeTruthy();
    }
    // An iPhone below iOS 15 shows Settings without the sign-in option; that account-driven enrollment cannot start there is the diagnosis.
    for (const id of ["apple.user-enrollment.account-driven", "apple.device-enrollment.account-driven"]) {
      expect(methodRow(id).unsupported.shown.text, id).toBe('No "Sign In to Work or School Account" option');
      expect(methodRow(id).unsupported.diagnosis, id).toMatch(/cannot start on this OS release/);
    }
  });
});

const scenario = (name: string) => join(import.meta.dirname, "../../scenarios", name);
const opts = { keyPoolSize: 24, progress: false as const };

describe("shipped method scenarios", () => {
  it("apple-account-driven-ue-ios14: iOS 14 never starts, iOS 15 enrolls", async () => {
    const { summary } = await runScenario(scenario("failures/apple-account-driven-ue-ios14.yaml"), opts);
    expect(summary).toMatchObject({ devices: 3, enrolled: 1, failed: 2, ok: true });
    expect(summary.errors["apple.method-unavailable"]!.count).toBe(2);
    expect(summary.steps["account.well-known"]!.count).toBe(1);
  }, 120_000);

  it("android-zero-touch-android71-ignored: 7.1 runs consumer setup, QR on 7.1 and zero-touch on 11 enroll", async () => {
    const { summary } = await runScenario(scenario("failures/android-zero-touch-android71-ignored.yaml"), opts);
    expect(summary).toMatchObject({ devices: 4, enrolled: 2, failed: 2, ok: true });
    expect(summary.errors["android.provision.not-triggered"]!.count).toBe(2);
  }, 120_000);
});

describe("the Mac's Profiles pane by release", () => {
  it("System Preferences before 13, Privacy & Security on 13–14, General › Device Management from 15", async () => {
    const { macProfilesPane } = await import("../../src/device/apple/install-channel.js");
    expect(macProfilesPane("12.7.6")).toBe("System Preferences › Profiles");
    expect(macProfilesPane("14.6.1")).toBe("System Settings › Privacy & Security › Profiles");
    expect(macProfilesPane("15.3")).toBe("System Settings › General › Device Management");
  });
});
