// SPDX-License-Identifier: MIT
/**
 * OEM policy apps (wire/android/oem-apps.ts, device/android/managed-apps.ts): Knox Service Plugin decides on the
 * device from its release, management mode and Knox version, shows its published code, and reports it to the EMM
 * as a keyed app state; the device stays enrolled. Catalog: Samsung releases carry their Knox version.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../../src/api/run-scenario.js";
import { createDeviceIdentity } from "../../../src/device/identity.js";
import { stateProblem } from "../../../src/device/state.js";
import { SeededEntropySource } from "../../../src/platform/node/entropy.js";
import { loadCatalog } from "../../../src/runner/catalog-files.js";
import { OEM_POLICY_APPS, compareVersions, oemAppRefusal, readApplicationReports, type OemPolicyApp } from "../../../src/wire/android/oem-apps.js";
import { androidServer, runAndroidFlow } from "../../protocol/android/harness.js";

const KSP = OEM_POLICY_APPS["com.samsung.android.knox.kpu"]!;
const samsung = { manufacturer: "samsung", knoxVersion: "3.1" };
const KSP_APP = { packageName: "com.samsung.android.knox.kpu", managedConfiguration: { profileName: "t" } };

describe("Knox Service Plugin's published refusals", () => {
  it("11001 below Android 8, 11002 for a work profile below Android 9, 11003 without DO/PO, none otherwise", () => {
    expect(oemAppRefusal(KSP, { ...samsung, apiLevel: 24, managementMode: "DEVICE_OWNER" })?.code).toBe("11001");
    expect(oemAppRefusal(KSP, { ...samsung, apiLevel: 25, managementMode: "PROFILE_OWNER" })?.code).toBe("11001");
    expect(oemAppRefusal(KSP, { ...samsung, apiLevel: 27, managementMode: "PROFILE_OWNER" })?.code).toBe("11002");
    expect(oemAppRefusal(KSP, { ...samsung, apiLevel: 28, managementMode: "PROFILE_OWNER" })).toBeUndefined();
    expect(oemAppRefusal(KSP, { ...samsung, apiLevel: 26, managementMode: "DEVICE_OWNER" })).toBeUndefined();
    expect(oemAppRefusal(KSP, { ...samsung, apiLevel: 29, managementMode: "DEVICE_ADMIN" })?.code).toBe("11003");
    expect(oemAppRefusal(KSP, { ...samsung, apiLevel: 24, managementMode: "DEVICE_OWNER" })?.message).toBe("The Android version you're using doesn't support Knox Service Plugin.");
  });

  it("rules are data: a Knox-version condition compares dotted versions numerically", () => {
    const app: OemPolicyApp = { packageName: "com.example.oemconfig", name: "Example OEMConfig", source: "test", refusals: [{ when: { knoxVersionBelow: "3.2.1" }, code: "E1", title: "t", message: "m", resolution: "r" }] };
    expect(oemAppRefusal(app, { manufacturer: "samsung", apiLevel: 28, knoxVersion: "3.10", managementMode: "DEVICE_OWNER" })).toBeUndefined();
    expect(oemAppRefusal(app, { manufacturer: "samsung", apiLevel: 28, knoxVersion: "3.2", managementMode: "DEVICE_OWNER" })?.code).toBe("E1");
    expect(compareVersions("3.10", "3.9")).toBeGreaterThan(0);
    expect(compareVersions("2.8", "3.0")).toBeLessThan(0);
  });

  it("the server keeps only well-formed application reports", () => {
    expect(
      readApplicationReports([
        {
          packageName: "a.b",
          keyedAppStates: [
            { key: "k", severity: "ERROR", message: "m" },
            { key: "x", severity: "FATAL" },
          ],
        },
        "junk",
        { state: "INSTALLED" },
      ]),
    ).toEqual([{ packageName: "a.b", state: "INSTALLED", keyedAppStates: [{ key: "k", severity: "ERROR", message: "m" }] }]);
  });
});

describe("Samsung releases carry their Knox version", () => {
  const catalog = loadCatalog();
  it("Galaxy S8 on Android 7.0 runs Knox 2.8; the state overrides it; a malformed one is refused", () => {
    expect(catalog.get("samsung-galaxy-s8").osVersions.every((os) => os.apiLevel === 24 && os.knoxVersion === "2.8")).toBe(true);
    const id = createDeviceIdentity(catalog.get("samsung-galaxy-s8"), new SeededEntropySource("knox").forDevice(0, 0), 0, { state: { apiLevel: 26, knoxVersion: "3.1" } as never });
    expect(id.android).toMatchObject({ apiLevel: 26, knoxVersion: "3.1" });
    expect(stateProblem({ knoxVersion: "3.2.1" }, "android")).toBeUndefined();
    expect(stateProblem({ knoxVersion: "three" }, "android")).toBeDefined();
  });
});

describe("managed apps after enrolment (virtual time, in-memory server)", () => {
  it("KSP on an Android 7 Galaxy S8: enrolled, 11001 shown, the EMM sees the ERROR keyed app state", async () => {
    const { server, half } = await androidServer({ profiles: { "fully-managed": { mode: "fully-managed", applications: [KSP_APP] } } });
    const out = await runAndroidFlow("android-qr", {}, server.handler, { model: "samsung-galaxy-s8" });
    expect(out.error).toBeUndefined();
    expect(out.result).toMatchObject({ ok: true, code: "android.enrolled" });
    expect(out.result!.background).toHaveLength(1);
    expect(out.result!.background![0]).toMatchObject({ ok: false, code: "android.oem-app.unsupported", shown: { code: "11001", text: "The Android version you're using doesn't support Knox Service Plugin." } });
    const [dev] = [...half.amapi.devices.values()];
    expect(dev!.applicationReports).toEqual([expect.objectContaining({ packageName: "com.samsung.android.knox.kpu", state: "INSTALLED", keyedAppStates: [expect.objectContaining({ key: "11001", severity: "ERROR" })] })]);
    expect(out.steps.filter((s) => s.step === "android.amapi.apps")).toHaveLength(1);
  });

  it("a work profile on Android 8 gets 11002; fully managed Android 8 applies the policy", async () => {
    const android = { profiles: { "work-profile": { mode: "work-profile", applications: [KSP_APP] }, "fully-managed": { mode: "fully-managed", applications: [KSP_APP] } } };
    const { server } = await androidServer(android);
    const wp = await runAndroidFlow("android-work-profile", { profile: "work-profile" }, server.handler, { model: "samsung-galaxy-s9" });
    expect(wp.result).toMatchObject({ ok: true });
    expect(wp.result?.background?.[0]?.shown).toMatchObject({ code: "11002", name: "Knox Service Plugin: Unsupported Android version" });
    const fm = await runAndroidFlow("android-qr", {}, server.handler, { model: "samsung-galaxy-s9", index: 1 });
    expect(fm.result).toMatchObject({ ok: true });
    expect(fm.result!.background).toBeUndefined();
  });

  it("an app that is not an OEM policy app installs and reports nothing of its own; no apps: no apps step", async () => {
    const { server, half } = await androidServer({ profiles: { "fully-managed": { mode: "fully-managed", applications: [{ packageName: "com.example.notes" }] } } });
    const out = await runAndroidFlow("android-qr", {}, server.handler, { model: "samsung-galaxy-s8" });
    expect(out.result).toMatchObject({ ok: true });
    expect(out.result!.background).toBeUndefined();
    expect([...half.amapi.devices.values()][0]!.applicationReports).toEqual([{ packageName: "com.example.notes", state: "INSTALLED", applicationSource: "INSTALLED_FROM_PLAY_STORE" }]);
    const plain = await androidServer();
    const none = await runAndroidFlow("android-qr", {}, plain.server.handler, { model: "samsung-galaxy-s8" });
    expect(none.steps.some((s) => s.step === "android.amapi.apps")).toBe(false);
  });
});

describe("policy apps below their minimum release (virtual time)", () => {
  it("Zebra OEMConfig Powered by MX is not installed on Android 8.1: APP_NOT_INSTALLED, not compliant; Android 11 installs it", async () => {
    const zebra = { packageName: "com.zebra.oemconfig.release" };
    const { server, half } = await androidServer({ profiles: { "fully-managed": { mode: "fully-managed", applications: [zebra] } } });
    const old = await runAndroidFlow("android-qr", {}, server.handler, { model: "zebra-tc51", state: { apiLevel: 27 } as never });
    expect(old.result).toMatchObject({ ok: true });
    expect(old.result!.background?.[0]).toMatchObject({ code: "android.app.not-installed", shown: { code: "APP_NOT_INSTALLED" } });
    const dev = [...half.amapi.devices.values()][0]!;
    expect(dev.policyCompliant).toBe(false);
    expect(dev.nonComplianceDetails).toEqual([{ settingName: "applications", nonComplianceReason: "APP_NOT_INSTALLED", packageName: "com.zebra.oemconfig.release" }]);
    expect(dev.applicationReports).toEqual([]);
    const current = await runAndroidFlow("android-qr", {}, server.handler, { model: "zebra-tc52", index: 1 });
    expect(current.result).toMatchObject({ ok: true });
    expect(current.result!.background).toBeUndefined();
  });
});

describe("shipped pair over loopback", () => {
  const dir = join(import.meta.dirname, "../../../scenarios/failures");
  it("android-ksp-old-android-failing: all enrolled, the two Android 7 units show 11001", async () => {
    const { summary } = await runScenario(join(dir, "android-ksp-old-android-failing.yaml"), { keyPoolSize: 24, progress: false });
    expect(summary).toMatchObject({ devices: 3, enrolled: 3, ok: true });
  }, 120_000);
  it("android-oemconfig-app-below-min-android-failing / -fixed", async () => {
    const failing = await runScenario(join(dir, "android-oemconfig-app-below-min-android-failing.yaml"), { keyPoolSize: 24, progress: false });
    expect(failing.summary).toMatchObject({ devices: 3, enrolled: 3, ok: true });
    const fixed = await runScenario(join(dir, "android-oemconfig-app-below-min-android-fixed.yaml"), { keyPoolSize: 24, progress: false });
    expect(fixed.summary).toMatchObject({ devices: 3, enrolled: 3, ok: true });
  }, 120_000);
  it("android-ksp-old-android-fixed: updated to Android 8, no refusal", async () => {
    const { summary } = await runScenario(join(dir, "android-ksp-old-android-fixed.yaml"), { keyPoolSize: 24, progress: false });
    expect(summary).toMatchObject({ devices: 3, enrolled: 3, ok: true });
  }, 120_000);
});
