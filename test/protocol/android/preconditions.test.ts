// SPDX-License-Identifier: MIT
/**
 * The setup wizard's precondition check and cancel dialog, end to end on virtual time against the reference
 * server: capabilities from the catalog (Android Go models) and per-device state decide the code and the
 * dialog; a user backing out gets the dialog of the provisioning kind, and a Reset wipes what the device kept.
 */
import { describe, expect, it } from "vitest";
import { UserAbandonedError } from "../../../src/runner/timeline/user-errors.js";
import { androidShownForOutcome } from "../../../src/device/android/shown.js";
import { androidServer, runAndroidFlow } from "./harness.js";

const abandonAt = (at: string) => async (step: string) => {
  if (step === at) throw new UserAbandonedError(`the user abandoned enrollment at ${step}`);
};
const prechecks = (out: Awaited<ReturnType<typeof runAndroidFlow>>) => out.events.filter((e) => e.step === "android.provision.precheck" && e.kind === "decoded" && "checkProvisioningPreCondition" in e.data).map((e) => e.data);

describe("precondition check from device capabilities", () => {
  it("a work profile on the Android Go catalog models is refused before any download, with the code of the missing capability", async () => {
    const { server } = await androidServer();
    const j2 = await runAndroidFlow("android-work-profile", {}, server.handler, { model: "samsung-galaxy-j2-core" });
    expect(j2.result).toMatchObject({ ok: false, code: "android.provision.precondition", step: "android.provision.precheck" });
    expect(j2.result!.shown).toMatchObject({ code: "CODE_MANAGED_USERS_NOT_SUPPORTED", name: "DevicePolicyManager.CODE_MANAGED_USERS_NOT_SUPPORTED (9)" });
    // The J2 Core runs Android 8.1 (API 27): its ManagedProvisioning says "your admin" (devices/android-setup-texts/aosp-refusals-27.yaml).
    expect(j2.result!.shown!.text).toBe("Can't add work profile. A work profile can’t be added to this device. If you have questions, contact your admin.");
    expect(prechecks(j2)).toEqual([expect.objectContaining({ checkProvisioningPreCondition: "android.app.action.PROVISION_MANAGED_PROFILE", result: "CODE_MANAGED_USERS_NOT_SUPPORTED (9)" })]);
    expect(j2.steps.map((s) => s.step)).not.toContain("android.provision.download");
    const a03 = await runAndroidFlow("android-work-profile", {}, server.handler, { model: "samsung-galaxy-a03-core" });
    expect(a03.result!.shown).toMatchObject({ code: "CODE_CANNOT_ADD_MANAGED_PROFILE" });
    expect(a03.result!.message).toContain("low-RAM device");
  });

  it("the same Go phones provision fully managed: the device-owner check reads neither", async () => {
    const { server } = await androidServer();
    for (const model of ["samsung-galaxy-j2-core", "samsung-galaxy-a03-core"]) {
      const out = await runAndroidFlow("android-qr", { profile: "fully-managed" }, server.handler, { model });
      expect(out.result, String(out.error)).toMatchObject({ ok: true, code: "android.enrolled" });
    }
  });

  it("a corporate-owned work profile on a Go phone: checked again once the DPC picks the profile mode, then the factory-reset dialog", async () => {
    const { server } = await androidServer();
    const disk = new Map<string, unknown>();
    const out = await runAndroidFlow("android-qr", { profile: "cope" }, server.handler, { model: "samsung-galaxy-a03-core", disk });
    expect(out.result).toMatchObject({ ok: false, code: "android.provision.precondition", step: "android.provision.precheck" });
    expect(prechecks(out).map((p) => p.result)).toEqual(["CODE_OK (0)", "CODE_CANNOT_ADD_MANAGED_PROFILE (11)"]);
    expect(out.result!.shown).toMatchObject({ code: "CODE_CANNOT_ADD_MANAGED_PROFILE", text: "Can't set up device. Contact your IT admin for help" });
    expect(out.result!.shown!.screen).toContain("→ Reset (the device erases itself)");
    expect(disk.get("device.erased")).toBe(true);
  });

  it("Android 12L+ does not offer the profile modes without managed-users support: the DPC gets fully managed, which a COPE policy refuses", async () => {
    const { server } = await androidServer();
    const out = await runAndroidFlow("android-qr", { profile: "cope" }, server.handler, { state: { systemFeatures: { "android.software.managed_users": false } } });
    expect(out.result).toMatchObject({ ok: false, code: "android.token.mode-mismatch" });
    const mode = out.events.find((e) => e.step === "android.provision.mode" && e.kind === "decoded")!.data;
    expect(mode).toMatchObject({ allowedModes: [1], name: "FULLY_MANAGED_DEVICE" });
  });

  it("per-group state: setup completed, a device owner, a watch paired, another admin's restriction", async () => {
    const { server } = await androidServer();
    const code = async (flow: string, state: object, options: object = {}) => (await runAndroidFlow(flow, options, server.handler, { state })).result!.shown?.code;
    expect(await code("android-qr", { userSetupCompleted: true }, { profile: "fully-managed" })).toBe("CODE_USER_SETUP_COMPLETED");
    expect(await code("android-qr", { systemFeatures: { "android.hardware.type.watch": true }, paired: true, apiLevel: 30 }, { profile: "fully-managed" })).toBe("CODE_HAS_PAIRED");
    expect(await code("android-work-profile", { userRestrictions: ["no_add_managed_profile"], apiLevel: 30 })).toBe("CODE_ADD_MANAGED_PROFILE_DISALLOWED");
    expect(await code("android-work-profile", { userRestrictions: ["no_add_managed_profile"] })).toBe("CODE_CANNOT_ADD_MANAGED_PROFILE");
    expect(await code("android-work-profile", { existingWorkProfile: { managedBy: "com.example.old" }, userRestrictions: ["no_remove_managed_profile"], apiLevel: 30 })).toBe("CODE_CANNOT_ADD_MANAGED_PROFILE");
    expect(await code("android-work-profile", { existingWorkProfile: { managedBy: "com.example.old" } })).toBe("CODE_CANNOT_ADD_MANAGED_PROFILE"); // Android 14: never replaced
    expect(await code("android-qr", { userProvisioning: "developer-mode-only" }, { profile: "fully-managed" })).toBe("CODE_PROVISIONING_NOT_ALLOWED_FOR_NON_DEVELOPER_USERS");
    expect(await code("android-qr", { userProvisioning: "developer-mode-only", adbEnabled: true }, { profile: "fully-managed" })).toBeUndefined(); // developer mode: it enrolls
  });
});

describe("the cancel dialog", () => {
  it("device owner: 'Stop setup & reset device?', Reset wipes the device; the next attempt starts over without the old state", async () => {
    const { server } = await androidServer();
    const disk = new Map<string, unknown>([["something.kept", 1]]);
    const state = { userSetupCompleted: false, existingWorkProfile: { managedBy: "com.example.old" } };
    const out = await runAndroidFlow("android-qr", { profile: "fully-managed" }, server.handler, { gate: abandonAt("android.provision.download"), disk, state });
    expect(out.result).toMatchObject({ ok: false, code: "android.provision.cancelled-reset", step: "android.provision.download" });
    expect(out.result!.shown).toMatchObject({ text: "Stop setup & reset device? This will reset your device and take you back to the first screen" });
    // The Pixel 8 runs Android 14, whose strings carry the device name as %1$s (devices/android-setup-texts/aosp-34.yaml).
    expect(out.result!.shown!.screen).toContain('as on Android 14, API 34; %1$s is the device name, shown as setupdesign\'s default "device"');
    expect(out.result!.shown!.code).toBeUndefined();
    const dialog = out.events.find((e) => e.step === "android.provision.download" && e.kind === "decoded" && "dialog" in e.data)!.data;
    expect(dialog).toMatchObject({ buttons: ["Cancel", "Reset"], userAction: "Reset" });
    expect([...disk.keys()]).toEqual(["device.erased"]);
    // Tapping Try Again after the reset: setup from the first screen; the existing work profile went with the wipe.
    const again = await runAndroidFlow("android-work-profile", {}, server.handler, { disk, state });
    expect(again.result, String(again.error)).toMatchObject({ ok: true });
    expect(again.steps.map((s) => s.step)).not.toContain("android.provision.delete-profile");
  });

  it("Android 7 asks 'Stop setting up and erase your device's data?'", async () => {
    const { server } = await androidServer();
    const out = await runAndroidFlow("android-qr", { profile: "fully-managed", payload: undefined }, server.handler, { model: "zebra-tc51", gate: abandonAt("android.provision.download") });
    expect(out.result).toMatchObject({ code: "android.provision.cancelled-reset" });
    expect(out.result!.shown!.text).toBe("Stop setting up and erase your device's data?");
  });

  it("Android 5.0 titles it 'Stop setting up?' and asks 'Are you sure…'; Android 6.0's buttons are in capitals (devices/android-setup-texts/)", async () => {
    // Lollipop reads the DPC's package name, not its component, and only a SHA-1 package checksum (DevicePolicyManager).
    const { server } = await androidServer({
      profiles: { lollipop: { mode: "fully-managed", checksum: "package", checksumFormat: { algorithm: "sha1" }, extras: { "android.app.extra.PROVISIONING_DEVICE_ADMIN_PACKAGE_NAME": "com.afwsamples.testdpc" } } },
    });
    const lollipop = await runAndroidFlow("android-qr", { profile: "lollipop" }, server.handler, { model: "nexus-5", state: { apiLevel: 21 }, gate: abandonAt("android.provision.download") });
    expect(lollipop.result).toMatchObject({ code: "android.provision.cancelled-reset" });
    expect(lollipop.result!.shown!.text).toBe("Stop setting up? Are you sure you want to stop setting up and erase your device's data?");
    expect(lollipop.result!.shown!.screen).toContain("as on Android 5.0–5.1, API 21");
    const m = await runAndroidFlow("android-qr", { profile: "fully-managed" }, server.handler, { model: "zebra-tc51", state: { apiLevel: 23 }, gate: abandonAt("android.provision.download") });
    expect(m.result!.shown!.text).toBe("Stop setting up and erase your device's data?");
    expect(m.events.find((e) => e.step === "android.provision.download" && e.kind === "decoded" && "dialog" in e.data)!.data).toMatchObject({ buttons: ["CANCEL", "RESET"], userAction: "RESET" });
  });

  it("personally owned work profile: 'Stop setting up?' [No | Yes]; Yes stops without a wipe", async () => {
    const { server } = await androidServer();
    const disk = new Map<string, unknown>();
    const out = await runAndroidFlow("android-work-profile", {}, server.handler, { gate: abandonAt("android.provision.owner"), disk });
    expect(out.result).toMatchObject({ ok: false, code: "android.provision.cancelled", step: "android.provision.owner" });
    expect(out.result!.shown).toMatchObject({ text: "Stop setting up?" });
    expect(out.result!.shown!.screen).toContain("[No | Yes] → Yes");
    expect(disk.has("device.erased")).toBe(false);
  });

  it("backing out of the DPC's GET_PROVISIONING_MODE screen: organisation-owned ends with the factory-reset dialog", async () => {
    const { server } = await androidServer();
    const out = await runAndroidFlow("android-qr", { profile: "fully-managed" }, server.handler, { gate: abandonAt("android.provision.mode") });
    expect(out.result).toMatchObject({ code: "android.provision.cancelled-reset" });
    expect(out.result!.shown!.text).toBe("Can't set up device. Contact your IT admin for help");
  });

  it("outside ManagedProvisioning's screens (the DPC's compliance step) the abandon stays a plain user.abandoned", async () => {
    const { server } = await androidServer();
    const out = await runAndroidFlow("android-qr", { profile: "fully-managed" }, server.handler, { gate: abandonAt("android.provision.compliance") });
    expect((out.error as { code?: string }).code).toBe("user.abandoned");
    expect(androidShownForOutcome({ ok: false, code: "user.abandoned" })).toBeUndefined();
  });
});
