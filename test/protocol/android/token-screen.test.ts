// SPDX-License-Identifier: MIT
/**
 * Android Device Policy's token sources on virtual time (protocol/android/dialects/token-sources.ts): admin extras
 * without EXTRA_ENROLLMENT_TOKEN bring the device to the DPC's own scan-QR / enter-code screen (android/enterprise-
 * samples#32), where the user enters a code (options.android.enterToken), takes a while (a gate that sleeps), gives up
 * (abandon), or has none (android.amapi.awaiting-token). Also: the verify step logs the task its release row names.
 */
import { describe, expect, it } from "vitest";
import { UserAbandonedError } from "../../../src/runner/timeline/user-errors.js";
import { VirtualClock } from "../../../src/platform/virtual/clock.js";
import { TOKEN_SOURCES, userTokenScreen } from "../../../src/protocol/android/dialects/token-sources.js";
import { ANDROID_DIALECTS } from "../../../src/protocol/android/dialects/index.js";
import { CLOUDDPC } from "../../../src/wire/android/index.js";
import { androidServer, runAndroidFlow, START } from "./harness.js";

const SCREEN = "android.amapi.enter-token";
const noToken = { mode: "fully-managed", adminExtras: { [CLOUDDPC.tokenExtra]: null } };
const commentOnly = { mode: "fully-managed", extras: { "android.app.extra.PROVISIONING_ADMIN_EXTRAS_BUNDLE": `#{"${CLOUDDPC.tokenExtra}": "{Enrolment_Token}"}\n#Sun May 10 09:00:00 GMT 2020\n` } };
const ran = (out: Awaited<ReturnType<typeof runAndroidFlow>>) => out.steps.map((s) => s.step);

describe("the DPC's token sources", () => {
  it("has a row per registered dialect; only Android Device Policy has its own enter-code screen, whose wording is said to be unpublished", () => {
    expect(Object.keys(TOKEN_SOURCES).sort()).toEqual(Object.keys(ANDROID_DIALECTS).sort());
    expect(userTokenScreen("amapi")).toMatchObject({ step: SCREEN });
    expect(userTokenScreen("amapi")!.text).toBeUndefined();
    for (const d of ["headwind", "intune", "knox-manage", "workspace-one"]) {
      expect(userTokenScreen(d)).toBeUndefined();
      expect(TOKEN_SOURCES[d]!.unpublished).toMatch(/not published/);
    }
  });
});

describe("Android Device Policy without a token in the admin extras (virtual time)", () => {
  it("NFC admin extras with the token only in the Properties comment: the device waits on the DPC's screen, no redemption, no error dialog", async () => {
    const { server } = await androidServer({ profiles: { nfc: commentOnly } });
    const out = await runAndroidFlow("android-qr", { profile: "nfc", trigger: "nfc" }, server.handler);
    expect(out.result).toMatchObject({ ok: false, code: "android.amapi.awaiting-token", step: SCREEN });
    expect(ran(out)).toContain(SCREEN);
    expect(ran(out)).not.toContain("android.amapi.redeem");
    expect(out.result!.shown!.text).toMatch(/^\(not published: Android Device Policy asks to scan a QR code or enter the enrollment code/);
    expect(out.result!.shown!.text).not.toContain("Can't set up device");
    expect(out.result!.shown!.unknown).toMatchObject({ of: "condition" });
    const screen = out.events.find((e) => e.step === SCREEN && e.kind === "decoded");
    expect(screen?.data).toMatchObject({ text: "not published", userAction: expect.stringContaining("has no code") });
  });

  it("the user enters the profile's code on that screen: it is redeemed and the device enrolls", async () => {
    const { server } = await androidServer({ profiles: { nfc: commentOnly } });
    const out = await runAndroidFlow("android-qr", { profile: "nfc", trigger: "nfc", enterToken: { profile: "nfc" } }, server.handler);
    expect(out.result).toMatchObject({ ok: true, code: "android.enrolled" });
    const steps = ran(out);
    expect(steps.indexOf(SCREEN)).toBeGreaterThan(-1);
    expect(steps.indexOf("android.amapi.redeem")).toBeGreaterThan(steps.indexOf(SCREEN));
  });

  it("a wrong code entered is redeemed and refused as such", async () => {
    const { server } = await androidServer({ profiles: { qr: noToken } });
    const out = await runAndroidFlow("android-qr", { profile: "qr", enterToken: { value: "NOTATOKEN" } }, server.handler);
    expect(out.result).toMatchObject({ ok: false, code: "android.token.invalid", step: "android.amapi.redeem" });
  });

  it("a user who takes two hours at the screen enters a token that expired meanwhile (the clock passes at the user's step)", async () => {
    const clock = new VirtualClock(START);
    const { server } = await androidServer({ profiles: { qr: { ...noToken, token: { durationSeconds: 3600 } } } }, clock);
    const slow = async (step: string) => {
      if (step === SCREEN) await clock.sleep(2 * 3_600_000);
    };
    const late = await runAndroidFlow("android-qr", { profile: "qr", enterToken: { profile: "qr" } }, server.handler, { clock, gate: slow });
    expect(late.result).toMatchObject({ ok: false, code: "android.token.expired" });
    const { server: fresh } = await androidServer({ profiles: { qr: { ...noToken, token: { durationSeconds: 3600 } } } });
    expect((await runAndroidFlow("android-qr", { profile: "qr", enterToken: { profile: "qr" } }, fresh.handler)).result).toMatchObject({ ok: true });
  });

  it("a user who gives up at the screen ends user.abandoned", async () => {
    const { server } = await androidServer({ profiles: { qr: noToken } });
    const out = await runAndroidFlow("android-qr", { profile: "qr", enterToken: { profile: "qr" } }, server.handler, {
      gate: async (step) => {
        if (step === SCREEN) throw new UserAbandonedError(`the user abandoned enrollment at ${step}`);
      },
    });
    const code = out.result?.code ?? (out.error as { code?: string } | undefined)?.code;
    expect(code).toBe("user.abandoned");
    expect(ran(out)).not.toContain("android.amapi.redeem");
  });

  it("a token in the admin extras is redeemed without the screen", async () => {
    const { server } = await androidServer({ profiles: { nfc: { mode: "fully-managed" } } });
    const out = await runAndroidFlow("android-qr", { profile: "nfc", trigger: "nfc" }, server.handler);
    expect(out.result).toMatchObject({ ok: true });
    expect(ran(out)).not.toContain(SCREEN);
  });
});

describe("the verify step logs the task its release row names", () => {
  const constantLogged = (out: Awaited<ReturnType<typeof runAndroidFlow>>) => out.events.find((e) => e.step === "android.provision.verify" && e.kind === "decoded")?.data.constant;

  it("Android 13+ logs VerifyAdminPackageTask (AOSP renamed it), 12 VerifyPackageTask", async () => {
    const { server } = await androidServer({ profiles: { bad: { mode: "fully-managed", checksum: "package", fault: "checksum-mismatch" } } });
    const t13 = await runAndroidFlow("android-qr", { profile: "bad" }, server.handler, { state: { apiLevel: 33 } });
    expect(t13.result).toMatchObject({ ok: false, code: "android.provision.hash-mismatch" });
    expect(constantLogged(t13)).toBe("VerifyAdminPackageTask.ERROR_HASH_MISMATCH (0)");
    const t12 = await runAndroidFlow("android-qr", { profile: "bad" }, server.handler, { state: { apiLevel: 31 } });
    expect(constantLogged(t12)).toBe("VerifyPackageTask.ERROR_HASH_MISMATCH (0)");
  });
});
