// SPDX-License-Identifier: MIT
/**
 * The refusal dialogs per release (devices/android-setup-texts/aosp-refusals-*.yaml, device/android/refusal-texts.ts):
 * which dialog ManagedProvisioning shows for a refused checkProvisioningPreCondition, per code, cause and release, and
 * the device showing it from its state over loopback (test/protocol/android/harness.ts).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseSetupTextEntry, SetupTextCatalog } from "../../../src/device/android/setup-texts.js";
import { ScenarioError } from "../../../src/errors/index.js";
import { defaultCatalogDir, loadSetupTexts } from "../../../src/runner/catalog-files.js";
import { androidServer, runAndroidFlow } from "../../protocol/android/harness.js";

const shippedRow = (id: string) => readFileSync(join(defaultCatalogDir(), "android-setup-texts", `${id}.yaml`), "utf8");
const texts = loadSetupTexts();
const dialog = (api: number, code: string, o: { orgOwned?: boolean; deviceOwner?: boolean; cause?: "user-cannot-have-profile" | "removal-disallowed" } = {}) => {
  const r = texts.refusal({ managedProfile: !o.deviceOwner, orgOwned: o.orgOwned ?? false, code, ...(o.cause ? { cause: o.cause } : {}) }, api)!;
  return { title: r.text.title?.text, message: r.text.message.text, key: r.key, wipes: r.wipes, row: r.row.id, note: r.note };
};

describe("shipped refusal dialogs", () => {
  it("Android 12–14: an existing work profile is 'A work profile can't be added'; any other code the default 'Contact your IT admin for help' (fleetdm/fleet#29965)", () => {
    expect(dialog(34, "CODE_CANNOT_ADD_MANAGED_PROFILE")).toMatchObject({ title: "Can't add work profile", message: "A work profile can’t be added to this %1$s. If you have questions, contact your IT admin.", row: "aosp-refusals-34" });
    expect(dialog(34, "CODE_USER_HAS_PROFILE_OWNER")).toMatchObject({ title: "Can't add work profile", message: "Contact your IT admin for help", key: "other" });
    expect(dialog(31, "CODE_CANNOT_ADD_MANAGED_PROFILE", { cause: "removal-disallowed" })).toMatchObject({
      message: "A work profile can’t be added to this device. If you have questions, contact your IT admin.",
      key: "CODE_CANNOT_ADD_MANAGED_PROFILE",
    });
    expect(dialog(33, "CODE_CANNOT_ADD_MANAGED_PROFILE", { orgOwned: true })).toMatchObject({ title: "Can't set up device", message: "Contact your IT admin for help", wipes: true, key: "organisationOwned" });
  });

  it("Android 8.0–11 branch on the cause and word it per release", () => {
    expect(dialog(26, "CODE_CANNOT_ADD_MANAGED_PROFILE")).toMatchObject({ message: "There may be too many users on this device. Remove a user, then try again." });
    expect(dialog(26, "CODE_CANNOT_ADD_MANAGED_PROFILE", { cause: "removal-disallowed" })).toMatchObject({ title: undefined, message: "Couldn't set up your work profile. Contact your IT department or try again later." });
    expect(dialog(26, "CODE_CANNOT_ADD_MANAGED_PROFILE", { cause: "user-cannot-have-profile" })).toMatchObject({ message: "This user cannot have work profiles. Contact your admin." });
    expect(dialog(28, "CODE_CANNOT_ADD_MANAGED_PROFILE", { cause: "removal-disallowed" })).toMatchObject({ title: "Can't replace or remove work profile", message: "For help, contact your admin" });
    expect(dialog(29, "CODE_CANNOT_ADD_MANAGED_PROFILE", { cause: "removal-disallowed" })).toMatchObject({ message: "For help, contact your IT admin" });
    // 15 (CODE_ADD_MANAGED_PROFILE_DISALLOWED) has the managed-users dialog up to Android 10 and the default branch on 11.
    expect(dialog(29, "CODE_ADD_MANAGED_PROFILE_DISALLOWED").key).toBe("CODE_ADD_MANAGED_PROFILE_DISALLOWED");
    expect(dialog(30, "CODE_ADD_MANAGED_PROFILE_DISALLOWED")).toMatchObject({ key: "other", message: "Contact your IT admin for help" });
    // CODE_USER_SETUP_COMPLETED is "Device is already set up" from Android 9; 8.x falls to "Can't set up device".
    expect(dialog(27, "CODE_USER_SETUP_COMPLETED", { deviceOwner: true })).toMatchObject({ title: "Can't set up device", key: "other" });
    expect(dialog(28, "CODE_USER_SETUP_COMPLETED", { deviceOwner: true })).toMatchObject({ title: "Device is already set up" });
    // No organisation-owned branch before Android 11: the per-code dialog, no wipe.
    expect(dialog(29, "CODE_CANNOT_ADD_MANAGED_PROFILE", { orgOwned: true })).toMatchObject({ wipes: false, key: "CODE_CANNOT_ADD_MANAGED_PROFILE" });
  });

  it("before Android 8.0 no row was checked (ManagedProvisioning picked the text from state, not a code): the nearest row's, said so", () => {
    expect(dialog(25, "CODE_CANNOT_ADD_MANAGED_PROFILE").note).toBe("no setup text row was checked at API 25: the text of API 26 (Android 8.0, row aosp-refusals-26) is shown");
  });

  it("a row may hold refusals alone; two rows claiming one level for refusals are refused, texts and refusals may share it", () => {
    const row = parseSetupTextEntry(shippedRow("aosp-refusals-34"), "aosp-refusals-34.yaml");
    expect(row.texts).toBeUndefined();
    const other = parseSetupTextEntry(shippedRow("aosp-refusals-34").replace("id: aosp-refusals-34", "id: mine"), "mine.yaml");
    expect(() => new SetupTextCatalog([row, other])).toThrow(/both claim API 34 \(refusals\)/);
    const textsRow = parseSetupTextEntry(shippedRow("aosp-29-32"), "aosp-29-32.yaml");
    expect(() => new SetupTextCatalog([textsRow, parseSetupTextEntry(shippedRow("aosp-refusals-31-33"), "aosp-refusals-31-33.yaml")])).not.toThrow();
  });

  it("a misspelt code is refused at file:line:column with a did-you-mean; a map without 'other' is refused", () => {
    const bad = shippedRow("aosp-refusals-28").replace("    CODE_HAS_DEVICE_OWNER:", "    CODE_HAS_DEVICE_OWNR:");
    let e: unknown;
    try {
      parseSetupTextEntry(bad, "aosp-refusals-28.yaml");
    } catch (err) {
      e = err;
    }
    expect(e).toBeInstanceOf(ScenarioError);
    expect((e as Error).message).toMatch(/aosp-refusals-28\.yaml:\d+:\d+.*unknown field "CODE_HAS_DEVICE_OWNR".*did you mean "CODE_HAS_DEVICE_OWNER"/s);
    const noOther = shippedRow("aosp-refusals-28").replace(/\n {4}other: [^\n]*\n {2}deviceOwner:/, "\n  deviceOwner:");
    expect(() => parseSetupTextEntry(noOther, "aosp-refusals-28.yaml")).toThrow(/missing required field "other"/);
  });
});

describe("the device shows its release's refusal dialog (loopback)", () => {
  it("a Galaxy S9 on Android 9 whose old work profile may not be removed: 'Can't replace or remove work profile'; on Android 14 the code-11 dialog with the device name", async () => {
    const { server } = await androidServer();
    const state = { existingWorkProfile: { managedBy: "com.google.android.apps.work.clouddpc" }, userRestrictions: ["no_remove_managed_profile"] };
    const s9 = await runAndroidFlow("android-work-profile", {}, server.handler, { model: "samsung-galaxy-s9", state: { ...state, apiLevel: 28 } });
    expect(s9.result).toMatchObject({ ok: false, code: "android.provision.precondition" });
    expect(s9.result!.shown).toMatchObject({ code: "CODE_CANNOT_ADD_MANAGED_PROFILE", text: "Can't replace or remove work profile. For help, contact your admin" });
    expect(s9.result!.shown!.screen).toContain("as on Android 9, API 28 (row aosp-refusals-28, managedProfile CODE_CANNOT_ADD_MANAGED_PROFILE/removal-disallowed)");
    const pixel = await runAndroidFlow("android-work-profile", {}, server.handler, { model: "pixel-8", state });
    expect(pixel.result!.shown).toMatchObject({ code: "CODE_CANNOT_ADD_MANAGED_PROFILE", text: "Can't add work profile. A work profile can’t be added to this device. If you have questions, contact your IT admin." });
    expect(pixel.result!.shown!.screen).toContain('shown as setupdesign\'s default "device"');
  });
});
