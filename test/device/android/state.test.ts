// SPDX-License-Identifier: MIT
/**
 * Android device state against the embedded server (in-memory HTTP, virtual clock) and the provisioning
 * extras per API level: the DPC's admin-integrated activities (required from Android 12, legacy flow before),
 * the OEM identifiers the device reports, GMS, and extras a release does not know being ignored.
 */
import { describe, expect, it } from "vitest";
import { createDeviceIdentity } from "../../../src/device/identity.js";
import { loadCatalog } from "../../../src/runner/catalog-files.js";
import { SeededEntropySource } from "../../../src/platform/node/entropy.js";
import { validateExtras } from "../../../src/wire/android/payload.js";
import { androidServer, runAndroidFlow } from "../../protocol/android/harness.js";

const E = "android.app.extra.";
const component = { [`${E}PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME`]: "com.example.dpc/.Admin" };

describe("Android DPC components (device state dpc)", () => {
  it("Android 14: a DPC without the GET_PROVISIONING_MODE activity cannot provision an organisation-owned device", async () => {
    const { server } = await androidServer();
    const out = await runAndroidFlow("android-qr", { profile: "fully-managed" }, server.handler, { state: { dpc: { provisioningModeActivity: "missing" } } });
    expect(out.result).toMatchObject({ ok: false, code: "android.provision.dpc-not-integrated", step: "android.provision.mode" });
    expect(out.result!.message).toContain("android.app.action.GET_PROVISIONING_MODE");
    const ok = await runAndroidFlow("android-qr", { profile: "fully-managed" }, server.handler, { index: 1 });
    expect(ok.result).toMatchObject({ ok: true });
  });

  it("Android 11 (API 30): the same DPC gets the legacy flow, no GET_PROVISIONING_MODE intent, and a device owner", async () => {
    const { server } = await androidServer();
    const out = await runAndroidFlow("android-qr", { profile: "fully-managed" }, server.handler, { model: "zebra-tc52", state: { dpc: { provisioningModeActivity: "missing" } } });
    expect(out.result).toMatchObject({ ok: true });
    expect(out.steps.map((s) => s.step)).not.toContain("android.provision.mode");
    const owner = out.events.find((e) => e.step === "android.provision.owner" && e.kind === "decoded")!;
    expect(owner.data).toMatchObject({ flow: "legacy", apiLevel: 30, mode: "FULLY_MANAGED_DEVICE" });
    expect(String(owner.data.modeFrom)).toContain("no GET_PROVISIONING_MODE activity");
    expect(out.steps.map((s) => s.step)).toContain("android.provision.dpc-setup");
    const complete = out.events.find((e) => e.step === "android.provision.complete" && e.kind === "decoded")!;
    expect(JSON.stringify(complete.data)).not.toContain("GET_PROVISIONING_MODE");
  });
});

describe("Android identifiers and GMS as state", () => {
  it("serial, IMEI, manufacturer, model, API level and GMS come from state over the catalog", () => {
    const id = createDeviceIdentity(loadCatalog().get("pixel-8"), new SeededEntropySource("a").forDevice(0, 0), 0, {
      state: { serialNumber: "R58N12ABCDE", imei: "356938035643809", manufacturer: "samsung", model: "SM-S911B", apiLevel: 33, gms: false },
    });
    expect(id).toMatchObject({ serialNumber: "R58N12ABCDE", imei: "356938035643809", manufacturer: "samsung", modelIdentifier: "SM-S911B" });
    expect(id.android).toMatchObject({ apiLevel: 33, gms: false });
  });
});

describe("provisioning extras per API level", () => {
  it("an extra newer than the release is ignored with a warning, never refused", () => {
    const payload = { ...component, [`${E}PROVISIONING_USE_MOBILE_DATA`]: true };
    const old = validateExtras(payload, "qr", { apiLevel: 28 });
    expect(old.useMobileData).toBeFalsy();
    expect(old.warnings.join("\n")).toContain("PROVISIONING_USE_MOBILE_DATA was added in API level 29; this device (API 28) ignores it");
    expect(validateExtras(payload, "qr", { apiLevel: 29 }).useMobileData).toBe(true);
  });

  it("Android 5.1 (API 22) does not read the admin component name: without a package name the payload lacks its admin", () => {
    expect(() => validateExtras(component, "qr", { apiLevel: 22 })).toThrow(/neither the admin component nor the package name/);
    expect(validateExtras(component, "qr", { apiLevel: 23 }).component).toMatchObject({ pkg: "com.example.dpc" });
  });
});
