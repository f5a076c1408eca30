// SPDX-License-Identifier: MIT
/** Round-2 Android field-failure scenarios whose symptom is more than a failure code. */
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/api/run-scenario.js";

const failure = (name: string) => join(import.meta.dirname, "../../scenarios/failures", name);
const opts = { keyPoolSize: 24, progress: false as const };
const T = 120_000;

async function traced(name: string) {
  const dir = join(mkdtempSync(join(tmpdir(), "enrollsim-android-ff-")), "trace");
  const { summary } = await runScenario(failure(name), { ...opts, trace: dir });
  const texts = readdirSync(dir).map((f) => readFileSync(join(dir, f), "utf8"));
  return { summary, texts };
}

describe("Android field failures (round 2)", () => {
  it("android-nfc-admin-extras-strings: QR honours the boolean flag (work profile), NFC ignores it (fully managed)", async () => {
    const { summary, texts } = await traced("android-nfc-admin-extras-strings.yaml");
    expect(summary).toMatchObject({ devices: 4, enrolled: 4, failed: 0, ok: true });
    const nfc = texts.filter((t) => t.includes("android.trigger.nfc"));
    const qr = texts.filter((t) => t.includes("android.trigger.qr"));
    expect(nfc).toHaveLength(2);
    expect(qr).toHaveLength(2);
    for (const t of nfc) {
      expect(t).toContain("Key com.hmdm.WORK_PROFILE expected Boolean but value was a java.lang.String.  The default value false was returned.");
      expect(t).toMatch(/managementMode"?:\s*"?DEVICE_OWNER/);
    }
    for (const t of qr) {
      expect(t).not.toContain("expected Boolean");
      expect(t).toMatch(/managementMode"?:\s*"?PROFILE_OWNER/);
    }
  }, T);

  it("android6-dpc-download-not-apk-failing: Android 6 compares the package checksum before parsing, and the verify note names the constant the dialog shows", async () => {
    const { summary, texts } = await traced("android6-dpc-download-not-apk-failing.yaml");
    expect(summary.errors["android.provision.hash-mismatch"]!.count).toBe(2);
    expect(texts).toHaveLength(2);
    for (const t of texts) {
      expect(t).toContain("DownloadPackageTask.ERROR_HASH_MISMATCH (0)");
      expect(t).toContain("DownloadPackageTask compares the checksum before the file is parsed");
      expect(t).not.toContain("admin-missing");
      expect(t).not.toContain("ERROR_PACKAGE_INVALID");
    }
  }, T);

  it("android-aosp-agent-self-update: the agent closes to update itself, restarts, and every device enrolls", async () => {
    const { summary, texts } = await traced("android-aosp-agent-self-update.yaml");
    expect(summary).toMatchObject({ devices: 3, enrolled: 3, failed: 0, ok: true });
    expect(summary.steps["android.headwind.self-update"]!.count).toBe(3);
    for (const t of texts) expect(t).toContain("agent app closes to install the update");
  }, T);

  it("android-ca-blocks-chrome-tab: the sign-in gets AADSTS53000", async () => {
    const { summary, texts } = await traced("android-ca-blocks-chrome-tab.yaml");
    expect(summary.errors["android.signin.blocked"]!.count).toBe(3);
    expect(texts.every((t) => t.includes("AADSTS53000"))).toBe(true);
  }, T);

  it("android-aosp-wipe-vs-delete: wiped devices reset on the push, deleted ones at their next check-in", async () => {
    const { summary, texts } = await traced("android-aosp-wipe-vs-delete.yaml");
    expect(summary.errors["android.device.wiped"]!.count).toBe(2);
    expect(summary.errors["android.device.deleted"]!.count).toBe(2);
    // The deleted devices learned it from a configuration read after the long-poll.
    const deleted = texts.filter((t) => t.includes("error.device.notfound"));
    expect(deleted).toHaveLength(2);
  }, T);

  it("android-da-record-lingers: an unenroll answered in the server's place leaves the record, which the work-profile redemption counts; without the fault all enroll", async () => {
    const { summary, texts } = await traced("android-da-record-lingers.yaml");
    expect(summary).toMatchObject({ devices: 3, enrolled: 0, ok: true });
    expect(summary.errors["android.enrollment.device-limit"]!.count).toBe(3);
    for (const t of texts) expect(t).toMatch(/injected[^\n]*unenroll acknowledged, record kept/);
    // Fixed variant: the server handles the unenroll, removes the DA record, and the work profile enrolls.
    const fixedDir = mkdtempSync(join(tmpdir(), "enrollsim-android-ff-"));
    const fixed = join(fixedDir, "fixed.yaml");
    writeFileSync(fixed, readFileSync(failure("android-da-record-lingers.yaml"), "utf8").replace(/^faults:\n(?: {2}.*\n)+/m, "").replace(/expect:[\s\S]*$/, "expect: { successRatio: 1.0 }\n"));
    const again = await runScenario(fixed, opts);
    expect(again.summary).toMatchObject({ devices: 3, enrolled: 3, failed: 0, ok: true });
  }, T);

  it("android-existing-work-profile: users who cancel \"Delete existing profile?\" keep the old profile and get none; the fixed file enrolls all", async () => {
    const { summary, texts } = await traced("android-existing-work-profile-failing.yaml");
    expect(summary).toMatchObject({ devices: 6, enrolled: 3, ok: true });
    expect(summary.errors["android.provision.existing-profile-kept"]!.count).toBe(2);
    expect(summary.errors["android.provision.precondition"]!.count).toBe(1); // Android 14 never replaces it
    expect(texts.filter((t) => t.includes('"userAction":"Cancel"'))).toHaveLength(2);
    expect(texts.filter((t) => t.includes('"userAction":"Delete"'))).toHaveLength(1);
    // The two who cancelled ran nothing after the dialog: no DPC download, no provisioning mode, no token redemption.
    for (const t of texts.filter((x) => x.includes('"userAction":"Cancel"'))) expect(t).not.toMatch(/"step":"android\.(provision\.(download|mode|compliance)|amapi)/);
    for (const t of texts.filter((x) => x.includes('"userAction":"Delete"'))) expect(t).toMatch(/"step":"android\.amapi\.redeem"/);
    const fixed = await runScenario(failure("android-existing-work-profile-fixed.yaml"), opts);
    expect(fixed.summary).toMatchObject({ devices: 6, enrolled: 6, failed: 0, ok: true });
  }, T);

  it("android-nfc-token-in-properties-comment: the token only in the Properties comment leaves the phones on Android Device Policy's enter-code screen (no redemption); as a property, or entered on that screen, they enroll", async () => {
    const { summary, texts } = await traced("android-nfc-token-in-properties-comment-failing.yaml");
    expect(summary).toMatchObject({ devices: 2, enrolled: 0, ok: true });
    expect(summary.errors["android.amapi.awaiting-token"]!.count).toBe(2);
    expect(texts).toHaveLength(2);
    for (const t of texts) {
      expect(t).toMatch(/"step":"android\.amapi\.enter-token"/);
      expect(t).not.toMatch(/"step":"android\.amapi\.redeem"/);
      expect(t).not.toContain("Can't set up device");
    }
    const fixed = await traced("android-nfc-token-in-properties-comment-fixed.yaml");
    expect(fixed.summary).toMatchObject({ devices: 3, enrolled: 3, failed: 0, ok: true });
    // The group whose tag keeps the comment: its user enters the code on the DPC's screen, then it is redeemed.
    const entered = fixed.texts.filter((t) => t.includes('"step":"android.amapi.enter-token"'));
    expect(entered).toHaveLength(1);
    expect(entered[0]).toMatch(/"step":"android\.amapi\.redeem"/);
  }, T);
});
