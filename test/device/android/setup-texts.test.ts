// SPDX-License-Identifier: MIT
/** The Android setup wizard's texts per release (devices/android-setup-texts/, device/android/setup-texts.ts). */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseCatalogEntry } from "../../../src/device/catalog.js";
import { androidShownForOutcome } from "../../../src/device/android/shown.js";
import { parseSetupTextEntry, SetupTextCatalog } from "../../../src/device/android/setup-texts.js";
import { ScenarioError } from "../../../src/errors/index.js";
import { defaultCatalogDir, loadCatalogWith, loadSetupTexts } from "../../../src/runner/catalog-files.js";

const shippedRow = (id: string) => readFileSync(join(defaultCatalogDir(), "android-setup-texts", `${id}.yaml`), "utf8");

function error(fn: () => unknown): ScenarioError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioError);
    return e as ScenarioError;
  }
  throw new Error("expected a ScenarioError");
}

describe("shipped setup texts", () => {
  const texts = loadSetupTexts();

  it("Android 5.0 and 5.1 show the Lollipop dialog for a checksum error (stackoverflow.com/questions/26509770)", () => {
    for (const api of [21, 22]) {
      const p = texts.pick("hashMismatch", api)!;
      expect(p).toMatchObject({ title: "Oops!", text: "Couldn't use the admin app due to a checksum error. Contact your IT department." });
      expect(p.note).toBeUndefined();
      expect(p.row.id).toBe("aosp-21-22");
    }
  });

  it("each checked release range has its own wording ('your admin' on 8–9, 'your IT admin' from 10)", () => {
    expect(texts.pick("hashMismatch", 27)).toMatchObject({ title: "Can't set up device", text: "Couldn't use the admin app due to a checksum error. For help, contact your admin." });
    expect(texts.pick("packageInvalid", 30)).toMatchObject({ title: "Can't set up device", text: "Can't use the admin app. It's missing components or corrupted. For help, contact your IT admin." });
    expect(texts.pick("downloadFailed", 24)).toMatchObject({ title: "Oops!", text: "Couldn't download the admin app" });
  });

  it("Android 12, 13 and 14 are checked rows (AOSP android-12.0.0_r1, -13.0.0_r1, -14.0.0_r1): the 10–12L texts, no note", () => {
    const twelve = texts.pick("hashMismatch", 31)!;
    expect(twelve).toMatchObject({ title: "Can't set up device", text: "Couldn't use the admin app due to a checksum error. For help, contact your IT admin." });
    expect(twelve.note).toBeUndefined();
    expect(twelve.row.id).toBe("aosp-29-32");
    expect(texts.pick("hashMismatch", 33)).toMatchObject({ text: twelve.text, row: { id: "aosp-33" } });
    const fourteen = texts.pick("installationFailed", 34)!;
    expect(fourteen).toMatchObject({ title: "Can't set up device", text: "Couldn't install the admin app", row: { id: "aosp-34" } });
    expect(fourteen.note).toBeUndefined();
  });

  it("a release no row was checked at shows the nearest checked one's text and says which", () => {
    const fifteen = texts.pick("installationFailed", 35)!;
    expect(fifteen.text).toBe("Couldn't install the admin app");
    expect(fifteen.note).toBe("no setup text row was checked at API 35: the text of API 34 (Android 14, row aosp-34) is shown");
  });

  it("every shipped row cites its strings.xml and names each string resource", () => {
    for (const row of texts.list()) {
      expect(row.source).toMatch(/^https:\/\/github\.com\/(LineageOS\/android|CalyxOS\/platform)_packages_apps_ManagedProvisioning\/blob\/[^/]+\/res\/values\/strings\.xml/);
      for (const t of Object.values(row.texts ?? {})) expect(t.string).toMatch(/^(device_owner_)?error_[a-z_]+$/);
      if (row.refusals) expect(row.refusals.source).toMatch(/\/PreProvisioning(Activity)?Controller\.java$/);
    }
  });
});

describe("the device-owner cancel dialog per release", () => {
  const texts = loadSetupTexts();
  it("5.0–5.1 has a title and asks 'Are you sure'; 6.0–7.1 only the question (6.0's buttons in capitals); 8.0+ 'Stop setup & reset device?'", () => {
    expect(texts.cancelReset(21)!.dialog).toMatchObject({ title: { text: "Stop setting up?" }, message: { text: "Are you sure you want to stop setting up and erase your device's data?" } });
    expect(texts.cancelReset(23)!.dialog).toMatchObject({ message: { text: "Stop setting up and erase your device's data?" }, confirm: { text: "RESET" }, dismiss: { text: "CANCEL" } });
    expect(texts.cancelReset(25)!.dialog.title).toBeUndefined();
    expect(texts.cancelReset(28)!.dialog).toMatchObject({ title: { text: "Stop setup & reset device?" }, message: { text: "This will reset your device and take you back to the first screen" } });
    expect(texts.cancelReset(31)!.dialog).toMatchObject({ title: { text: "Stop setup & reset device?" } });
    expect(texts.cancelReset(33)!.row.id).toBe("aosp-33");
    // Android 14 puts the device name into both strings (Utils.createCancelProvisioningResetDialogBuilder, android-14.0.0_r1).
    expect(texts.cancelReset(34)!.dialog).toMatchObject({ title: { text: "Stop setup & reset %1$s?" }, message: { text: "This will reset your %1$s and take you back to the first screen" } });
    expect(texts.cancelReset(34)!.note).toBeUndefined();
    expect(texts.cancelReset(35)!.note).toContain("no setup text row was checked at API 35");
  });
});

describe("the device shows its release's text", () => {
  const texts = loadSetupTexts();
  const out = { ok: false as const, code: "android.provision.hash-mismatch", message: "" };

  it("by API level: the Lollipop dialog on 21, the 10–12L one on 29", () => {
    const lollipop = androidShownForOutcome(out, { apiLevel: 21, manufacturer: "LGE", texts })!;
    expect(lollipop).toMatchObject({ code: "ERROR_HASH_MISMATCH", text: "Oops! Couldn't use the admin app due to a checksum error. Contact your IT department." });
    expect(lollipop.screen).toContain("as on Android 5.0–5.1, API 21");
    // Before Android 8.0 the checksum was DownloadPackageTask's (task/DownloadPackageTask.java at cm-12.0).
    expect(lollipop.name).toBe("DownloadPackageTask.ERROR_HASH_MISMATCH (0)");
    expect(androidShownForOutcome({ ok: false, code: "android.provision.admin-missing" }, { apiLevel: 22, texts })).toMatchObject({ code: "ERROR_PACKAGE_INVALID", name: "InstallPackageTask.ERROR_PACKAGE_INVALID (0)" });
    expect(androidShownForOutcome(out, { apiLevel: 29, texts })!.name).toBe("VerifyPackageTask.ERROR_HASH_MISMATCH (0)");
    expect(androidShownForOutcome(out, { apiLevel: 29, texts })!.text).toBe("Can't set up device. Couldn't use the admin app due to a checksum error. For help, contact your IT admin.");
  });

  it("Android 13 renamed VerifyPackageTask VerifyAdminPackageTask: 12 reports the old name, 13 and 14 the new one", () => {
    expect(androidShownForOutcome(out, { apiLevel: 31, texts })!.name).toBe("VerifyPackageTask.ERROR_HASH_MISMATCH (0)");
    for (const apiLevel of [33, 34]) {
      const shown = androidShownForOutcome(out, { apiLevel, texts })!;
      expect(shown).toMatchObject({ code: "ERROR_HASH_MISMATCH", name: "VerifyAdminPackageTask.ERROR_HASH_MISMATCH (0)", text: "Can't set up device. Couldn't use the admin app due to a checksum error. For help, contact your IT admin." });
      expect(shown.screen).toContain(`API ${apiLevel}`);
      expect(androidShownForOutcome({ ok: false, code: "android.provision.admin-missing" }, { apiLevel, texts })).toMatchObject({ name: "VerifyAdminPackageTask.ERROR_DEVICE_ADMIN_MISSING (1)" });
    }
    expect(androidShownForOutcome({ ok: false, code: "android.provision.download-failed" }, { apiLevel: 34, texts })).toMatchObject({ name: "DownloadPackageTask.ERROR_DOWNLOAD_FAILED (0)" });
  });

  it("an unchecked release says on its screen which release's text it shows", () => {
    expect(androidShownForOutcome(out, { apiLevel: 35, texts })!.screen).toContain("no setup text row was checked at API 35");
  });

  it("without a table, the built-in wording, said so", () => {
    expect(androidShownForOutcome(out, { apiLevel: 21 })!.screen).toContain("built-in wording (no setup text table loaded)");
  });
});

describe("a user's own rows (--devices DIR/android-setup-texts/)", () => {
  const oem = (id: string, extra = "") =>
    `id: ${id}\nrelease: Android 9 (Example OEM setup wizard)\napiLevels: [28]\nmanufacturer: ExampleOEM\nsource: https://example.com/oem-setup-strings\n${extra}title: { string: cant_set_up_device, text: "Setup stopped" }\ntexts:\n  hashMismatch: { string: error_hash_mismatch, text: "The admin app is damaged." }\n  downloadFailed: { string: error_download_failed, text: "No download" }\n  packageInvalid: { string: error_package_invalid, text: "Bad app" }\n  installationFailed: { string: error_installation_failed, text: "No install" }\n`;

  it("an OEM row wins over AOSP's for that manufacturer only; the directory adds to the shipped table", () => {
    const dir = mkdtempSync(join(tmpdir(), "enrollsim-setup-texts-"));
    mkdirSync(join(dir, "android-setup-texts"));
    writeFileSync(join(dir, "android-setup-texts", "example-oem-28.yaml"), oem("example-oem-28"));
    writeFileSync(join(dir, "phone.yaml"), readFileSync(join(defaultCatalogDir(), "samsung-galaxy-s9.yaml"), "utf8").replace("id: samsung-galaxy-s9", "id: phone"));
    const texts = loadCatalogWith(dir).setupTexts;
    expect(texts.pick("hashMismatch", 28, "exampleoem")).toMatchObject({ title: "Setup stopped", text: "The admin app is damaged." });
    expect(texts.pick("hashMismatch", 28, "samsung")!.row.id).toBe("aosp-26-28");
    expect(texts.pick("hashMismatch", 21, "ExampleOEM")!.row.id).toBe("aosp-21-22");
  });

  it("a directory without android-setup-texts/ keeps the shipped table", () => {
    const dir = mkdtempSync(join(tmpdir(), "enrollsim-setup-texts-"));
    writeFileSync(join(dir, "phone.yaml"), readFileSync(join(defaultCatalogDir(), "samsung-galaxy-s9.yaml"), "utf8").replace("id: samsung-galaxy-s9", "id: phone"));
    expect(
      loadCatalogWith(dir)
        .setupTexts.list()
        .map((r) => r.id),
    ).toEqual(["aosp-21-22", "aosp-23", "aosp-24-25", "aosp-26-28", "aosp-refusals-26", "aosp-refusals-27", "aosp-refusals-28", "aosp-29-32", "aosp-refusals-29", "aosp-refusals-30", "aosp-refusals-31-33", "aosp-33", "aosp-34", "aosp-refusals-34"]);
  });

  it("a bad row is refused at file:line:column with what was expected", () => {
    const bad = shippedRow("aosp-21-22").replace("apiLevels: [21, 22]", "apiLevels: [19, 21]");
    const e = error(() => parseSetupTextEntry(bad, "aosp-21-22.yaml"));
    expect(e.message).toContain("apiLevels: 19 is not an API level with device-owner provisioning (21 to 40)");
    expect(e.location).toMatch(/^aosp-21-22\.yaml:\d+:\d+$/);
    const constant = error(() => parseSetupTextEntry(shippedRow("aosp-21-22").replace('constant: "DownloadPackageTask.ERROR_HASH_MISMATCH (0)"', 'constant: "ERROR_HASH_MISMATCH"'), "aosp-21-22.yaml"));
    expect(constant.expected).toContain('"DownloadPackageTask.ERROR_HASH_MISMATCH (0)"');
    const typo = error(() => parseSetupTextEntry(shippedRow("aosp-21-22").replace("  hashMismatch:", "  hashMissmatch:"), "aosp-21-22.yaml"));
    expect(typo.message).toContain('did you mean "hashMismatch"');
  });

  it("two rows claiming one API level are refused, naming both", () => {
    const a = parseSetupTextEntry(shippedRow("aosp-21-22"), "aosp-21-22.yaml");
    const b = { ...a, id: "mine" };
    expect(() => new SetupTextCatalog([a, b])).toThrow('setup text rows "aosp-21-22" and "mine" both claim API 21');
  });
});

describe("osSupport below Android 5.0 (a model updated to it)", () => {
  const nexus = readFileSync(join(defaultCatalogDir(), "nexus-5.yaml"), "utf8");

  it("the Nexus 5 launched on API 19 and updated to 23 loads, with its Lollipop releases", () => {
    const m = parseCatalogEntry(nexus, "nexus-5.yaml");
    expect(m.osSupport).toMatchObject({ launch: 19, last: 23 });
    expect(m.osVersions.map((o) => o.apiLevel)).toEqual([21, 22]);
  });

  it("a model that never reached API 21 is refused, saying why", () => {
    const e = error(() => parseCatalogEntry(nexus.replace("last: 23", "last: 20"), "nexus-5.yaml"));
    expect(e.message).toContain("nexus-5 never ran Android 5.0 (API 21), the first release with device-owner provisioning");
  });

  it("a release below API 21 in osVersions is refused, pointing at osSupport.launch", () => {
    const e = error(() => parseCatalogEntry(nexus.replace('{ version: "5.0", build: LRX21O, apiLevel: 21 }', '{ version: "4.4", build: KRT16M, apiLevel: 19 }'), "nexus-5.yaml"));
    expect(e.message).toContain("apiLevel 19 is below Android 5.0 (API 21)");
    expect(e.expected).toContain("osSupport.launch may stay below it");
  });

  it("API 23 and later still need a security patch level", () => {
    const e = error(() => parseCatalogEntry(nexus.replace('{ version: "5.1.1", build: LMY48B, apiLevel: 22 }', '{ version: "6.0.1", build: MOB30Y, apiLevel: 23 }'), "nexus-5.yaml"));
    expect(e.message).toContain('missing required field "securityPatch"');
  });
});
