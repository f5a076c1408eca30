// SPDX-License-Identifier: MIT
/** The shipped Apple scenarios, end to end against the embedded server over loopback (HTTPS, mTLS). */
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/api/run-scenario.js";

const scenario = (name: string) => join(import.meta.dirname, "../../scenarios", name);
const opts = { keyPoolSize: 24, progress: false as const };

describe("shipped Apple scenarios", () => {
  it("ios-byod-profile: 12 iPhones/iPads enroll by profile over mTLS", async () => {
    const { summary } = await runScenario(scenario("ios-byod-profile.yaml"), opts);
    expect(summary).toMatchObject({ devices: 12, enrolled: 12, failed: 0, ok: true });
    expect(summary.steps["checkin.authenticate"]!.count).toBe(12);
    expect(summary.steps["command.DeviceInformation"]!.count).toBe(12);
  }, 120_000);
});

describe("shipped Apple scenarios (DDM)", () => {
  it("ios-ddm: 4 iPhones sync declarations and send a status report", async () => {
    const { summary } = await runScenario(scenario("ios-ddm.yaml"), opts);
    expect(summary).toMatchObject({ devices: 4, enrolled: 4, failed: 0, ok: true });
    expect(summary.steps["command.DeclarativeManagement"]!.count).toBe(4);
    expect(summary.steps["ddm.tokens"]!.count).toBe(4);
    expect(summary.steps["ddm.declaration-items"]!.count).toBe(4);
    expect(summary.steps["ddm.declaration.activation"]!.count).toBe(4);
    expect(summary.steps["ddm.declaration.configuration"]!.count).toBe(8);
    expect(summary.steps["ddm.status"]!.count).toBe(4);
  }, 120_000);
});

describe("shipped Apple scenarios (2)", () => {
  it("ios-commands: NotNow twice, Error, CommandFormatError, not allowed, unknown", async () => {
    const { summary } = await runScenario(scenario("ios-commands.yaml"), opts);
    expect(summary).toMatchObject({ devices: 10, enrolled: 10, failed: 0, ok: true });
    // InstallApplication is reported three times per device: NotNow, NotNow, Acknowledged.
    expect(summary.steps["command.InstallApplication"]!.count).toBe(30);
    expect(summary.steps["command.idle"]!.count).toBe(30);
    expect(summary.steps["command.SecurityInfo"]!.count).toBe(10);
    expect(summary.steps["command.NoSuchCommand"]!.count).toBe(10);
    expect(summary.commands?.["apple-mdm"]).toMatchObject({ InstallApplication: { NotNow: 20, Acknowledged: 10 }, SecurityInfo: { Error: 10 }, NoSuchCommand: { Error: 10 } });
    expect(summary.commands?.["apple-mdm"]?.InstallApplication?.NotNowUnanswered).toBeUndefined();
  }, 120_000);

  it("a command answered NotNow in every session is visible and fails expect.commands (issue 12 #17)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "notnow-"));
    const file = join(dir, "notnow.yaml");
    const text = readFileSync(scenario("ios-commands.yaml"), "utf8")
      .replace("count: 10", "count: 2")
      .replace("sessions: { max: 5, pollSeconds: 0.2 }", "sessions: { max: 2, pollSeconds: 0.2 }")
      .replace("InstallApplication: { notNow: 2 }", "InstallApplication: { notNow: 9 }")
      .replace(/ {2}commands: {2}[^\n]*\n( {4}.*\n| {6}.*\n)*/, "  commands:\n    apple-mdm:\n      InstallApplication: { NotNowUnanswered: 0 }\n");
    writeFileSync(file, text);
    const { summary } = await runScenario(file, opts);
    expect(summary.enrolled).toBe(2);
    expect(summary.commands?.["apple-mdm"]?.InstallApplication).toMatchObject({ NotNow: 4, NotNowUnanswered: 2 });
    expect(summary.commands?.["apple-mdm"]?.InstallApplication?.Acknowledged).toBeUndefined();
    expect(summary.ok).toBe(false);
    expect(summary.expectations.find((e) => e.name === "command apple-mdm InstallApplication NotNowUnanswered")).toMatchObject({ ok: false, actual: "2" });
  }, 120_000);

  it("ios-ade: 50 iPhones, await configuration, DeviceConfigured", async () => {
    const { summary } = await runScenario(scenario("ios-ade.yaml"), opts);
    expect(summary).toMatchObject({ devices: 50, enrolled: 50, failed: 0, ok: true });
    expect(summary.steps["ade.enroll"]!.count).toBe(50);
    expect(summary.steps["command.DeviceConfigured"]!.count).toBe(50);
    expect(summary.steps["checkin.tokenupdate"]!.count).toBe(100);
  }, 240_000);

  it("macos-direct: Macs with Mdm-Signature, CheckOut at the end", async () => {
    const { summary } = await runScenario(scenario("macos-direct.yaml"), opts);
    expect(summary).toMatchObject({ devices: 10, enrolled: 10, failed: 0, ok: true });
    expect(summary.steps["checkin.checkout"]!.count).toBe(10);
  }, 120_000);

  it("macos-ade: 20 Macs through the web-view path", async () => {
    const { summary } = await runScenario(scenario("macos-ade.yaml"), opts);
    expect(summary).toMatchObject({ devices: 20, enrolled: 20, failed: 0, ok: true });
    expect(summary.steps["command.DeviceConfigured"]!.count).toBe(20);
    expect(summary.steps["checkin.setbootstraptoken"]!.count).toBe(20);
    expect(summary.steps["checkin.getbootstraptoken"]!.count).toBe(20);
    expect(summary.steps["checkin.userauthenticate"]!.count).toBe(20);
    // device channel: AwaitingConfiguration true, then false; plus one user-channel TokenUpdate
    expect(summary.steps["checkin.tokenupdate"]!.count).toBe(60);
  }, 240_000);
});

describe("Apple failure scenarios", () => {
  const failing = (f: string) => join(import.meta.dirname, "../../scenarios/failures", f);
  const cases: [file: string, code: string, failed: number, devices: number][] = [
    ["apple-profile-missing-identity-uuid.yaml", "apple.profile.missing-identity-uuid", 6, 6],
    ["apple-checkin-url-untrusted.yaml", "apple.checkin.server-untrusted", 4, 4],
    ["apple-ade-await-configuration-never-released.yaml", "apple.ade.stuck-at-remote-management", 3, 3],
    ["apple-checkin-401-unenrolls.yaml", "apple.checkin.unenrolled", 4, 4],
    ["apple-ade-software-update-required.yaml", "transport.timeout", 2, 5],
    ["apple-scep-failure.yaml", "apple.scep.failInfo.badRequest", 3, 3],
    ["apple-profile-bad-topic.yaml", "apple.profile.bad-topic", 3, 3],
    ["apple-profile-unsigned-required.yaml", "apple.profile.signature-invalid", 3, 3],
    ["apple-command-wrong-content-type.yaml", "apple.command.content-type", 2, 2],
    ["apple-ade-device-not-assigned.yaml", "apple.ade.device-not-assigned", 5, 5],
    ["ios-restored-backup-other-mdm.yaml", "apple.profile.mdm-payload-mismatch", 3, 5],
    ["apple-first-attempt-fails-retry-succeeds.yaml", "apple.profile.install-failed", 2, 5],
    ["apple-scep-malformed-response.yaml", "apple.scep.invalid-response", 4, 4],
    ["apple-scep-ra-response-invalid.yaml", "apple.scep.ra-invalid", 3, 3],
    ["apple-scep-duplicate-subject.yaml", "apple.scep.failInfo.badRequest", 4, 5],
    ["apple-checkin-missing-content-type.yaml", "apple.checkin.http-400", 3, 3],
    ["apple-tokenupdate-before-authenticate.yaml", "apple.checkin.http-500", 3, 3],
    ["apple-well-known-failed.yaml", "apple.account.well-known-failed", 4, 4],
    ["apple-direct-profile-expired.yaml", "apple.scep.failInfo.badRequest", 3, 5],
    ["ios-ndes-challenge-spent-on-retry.yaml", "apple.scep.invalid-response", 2, 4],
    ["ios-personal-blocked-byod.yaml", "apple.checkin.http-403", 2, 4],
    ["multi-imei-wrong-imei-imported.yaml", "apple.checkin.http-403", 3, 4],
    ["serial-with-dots-upload.yaml", "apple.checkin.http-403", 4, 4],
    ["ios-device-cap-reached.yaml", "apple.account.refused.DeviceCapReached", 3, 5],
    ["ios-user-unlicensed.yaml", "apple.account.refused.UserLicenseTypeInvalid", 2, 3],
    ["ios-device-type-not-supported.yaml", "apple.account.refused.DeviceTypeNotSupported", 2, 4],
    ["ios-ue-hardware-ids-unavailable.yaml", "apple.checkin.http-400", 3, 5],
    ["mac-vm-blank-serial-profile.yaml", "apple.checkin.http-400", 2, 4],
    ["ios-ade-already-activated.yaml", "apple.ade.already-activated", 3, 5],
    ["apple-ade-released-device.yaml", "apple.ade.device-not-assigned", 3, 3],
    ["apple-ade-profile-before-token.yaml", "apple.ade.device-not-assigned", 3, 3],
    ["ios-mdm-authority-not-defined.yaml", "apple.account.refused.MdmAuthorityNotDefined", 3, 3],
    ["apple-profile-root-manual-trust-failing.yaml", "apple.checkin.server-untrusted", 2, 3],
  ];
  for (const [file, code, failed, devices] of cases) {
    it(`${file}: ${failed} devices fail with ${code}`, async () => {
      const { summary } = await runScenario(failing(file), opts);
      expect(summary).toMatchObject({ devices, failed, ok: true });
      expect(summary.errors[code]!.count).toBe(failed);
    }, 120_000);
  }

  it("apple-profile-root-manual-trust-fixed.yaml: with full trust for the profile's root the iPhones enroll like the Mac", async () => {
    const { summary } = await runScenario(failing("apple-profile-root-manual-trust-fixed.yaml"), opts);
    expect(summary).toMatchObject({ devices: 3, enrolled: 3, failed: 0, ok: true });
  }, 120_000);

  it("apple-profile-root-manual-trust-failing.yaml on the timeline: the users turn on full trust after the failure, Try Again enrolls them", async () => {
    const text = readFileSync(failing("apple-profile-root-manual-trust-failing.yaml"), "utf8").replace(
      /expect:[\s\S]*$/,
      [
        "timeline:",
        "  - { after: { step: checkin.authenticate, failed: 2 }, group: iphones, set: { state.certificateTrustSettings: { fullTrust: [MicroMDM Root CA] } } }",
        "  - { after: { step: checkin.authenticate, failed: 2, wait: 1s }, group: iphones, tryAgain: { times: 1 } }",
        "",
      ].join("\n"),
    );
    const file = join(mkdtempSync(join(tmpdir(), "enrollsim-trust-")), "s.yaml");
    writeFileSync(file, text);
    const { summary } = await runScenario(file, opts);
    expect(summary).toMatchObject({ devices: 3, enrolled: 3, failed: 0 });
    expect(summary.outcomes["apple.enrolled.after-retry"]).toBe(2);
  }, 120_000);

  it.each([
    ["apple-tokenupdate-before-authenticate.yaml", 3],
    ["apple-ade-await-configuration-never-released.yaml", 3],
  ])("%s: without its fault the same devices enroll", async (file, devices) => {
    const text = readFileSync(failing(file), "utf8");
    const dir = mkdtempSync(join(tmpdir(), "enrollsim-nofault-"));
    const fixed = join(dir, "fixed.yaml");
    writeFileSync(fixed, text.replace(/^faults:\n( {2}- .*\n)+/m, "").replace(/^expect:\n( {2}.*\n)+/m, "expect: { successRatio: 1 }\n"));
    expect(readFileSync(fixed, "utf8")).not.toContain("faults:");
    const { summary } = await runScenario(fixed, opts);
    expect(summary).toMatchObject({ devices, enrolled: devices, failed: 0, ok: true });
  }, 120_000);
});

describe("Apple transcripts", () => {
  it("a traced run records decoded check-ins and commands, with no challenge, push token or PushMagic", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "apple-trace-")), "trace");
    const { summary } = await runScenario(scenario("macos-direct.yaml"), { ...opts, trace: dir });
    expect(summary.ok).toBe(true);
    const files = readdirSync(dir);
    expect(files).toHaveLength(10);
    for (const f of files) {
      const text = readFileSync(join(dir, f), "utf8");
      expect(text).not.toContain("macos-direct-challenge");
      const lines = text.trim().split("\n").map((l) => JSON.parse(l));
      expect(lines.some((l) => l.kind === "decoded" && l.step === "checkin.tokenupdate")).toBe(true);
      expect(lines.some((l) => l.kind === "http" && l.step === "command.SecurityInfo")).toBe(true);
      for (const l of lines.filter((x) => x.kind === "decoded" && x.step === "checkin.tokenupdate")) {
        expect(String(l.data.PushMagic)).toMatch(/redacted/i);
        expect(String(l.data.Token)).toMatch(/redacted|bytes/i);
      }
    }
  }, 120_000);
});

describe("account-driven enrollment", () => {
  it("ios-user-enrollment: form and token drivers, EnrollmentID, Error for commands not allowed in User Enrollment; no secret in the transcript", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "apple-ue-")), "trace");
    const { summary } = await runScenario(scenario("ios-user-enrollment.yaml"), { ...opts, trace: dir });
    expect(summary).toMatchObject({ devices: 9, enrolled: 9, failed: 0, ok: true });
    expect(summary.steps["account.well-known"]!.count).toBe(9);
    expect(summary.steps["account.enroll"]!.count).toBe(18); // 401, then with Bearer
    expect(summary.steps["command.EraseDevice"]!.count).toBe(9);
    const files = readdirSync(dir);
    expect(files).toHaveLength(9);
    for (const f of files) {
      const text = readFileSync(join(dir, f), "utf8");
      expect(text).not.toContain("ue-password-2026");
      expect(text).not.toContain("ue-static-token-0123456789");
      expect(text).not.toMatch(/access-token=[0-9a-f]{16}/);
      expect(text).not.toMatch(/Bearer [0-9a-f]{16}/);
      const lines = text.trim().split("\n").map((l) => JSON.parse(l));
      const auth = lines.find((l) => l.kind === "decoded" && l.step === "checkin.authenticate");
      expect(auth?.data.EnrollmentID).toMatch(/^[0-9A-F]{40}$/);
      expect(auth?.data.UDID).toBeUndefined();
      expect(auth?.data.SerialNumber).toBeUndefined();
      expect(auth?.data.IMEI).toBeUndefined();
      const sent = (stepName: string) => lines.find((l) => l.kind === "decoded" && l.step === stepName && l.data.sent)?.data.sent;
      expect(sent("command.EraseDevice")).toMatchObject({ Status: "Error", ErrorChain: "<array 1>" });
      // UDID, SerialNumber and IMEI are withheld: only DeviceName, OSVersion and ProductName come back.
      expect(sent("command.DeviceInformation")).toMatchObject({ Status: "Acknowledged", QueryResponses: "<dict 3>" });
      expect(lines.some((l) => l.kind === "decoded" && l.step === "account.dns")).toBe(true);
    }
  }, 120_000);
});

describe("Apple failure scenarios asserted from transcripts", () => {
  const failing = (f: string) => join(import.meta.dirname, "../../scenarios/failures", f);
  const traced = async (file: string) => {
    const dir = join(mkdtempSync(join(tmpdir(), "apple-ff-")), "trace");
    const { summary } = await runScenario(failing(file), { ...opts, trace: dir });
    const devices = readdirSync(dir).map((f) => ({ file: f, lines: readFileSync(join(dir, f), "utf8").trim().split("\n").map((l) => JSON.parse(l)) }));
    return { summary, devices };
  };
  const sent = (lines: { kind: string; step: string; data: Record<string, unknown> }[], stepName: string) =>
    lines.find((l) => l.kind === "decoded" && l.step === stepName && l.data.sent)?.data.sent as Record<string, unknown> | undefined;

  it("mac-profile-not-approved: unapproved Macs answer InstallProfile (kernel-extension policy) with Error; approved Macs acknowledge", async () => {
    const { summary, devices } = await traced("mac-profile-not-approved.yaml");
    expect(summary).toMatchObject({ devices: 3, enrolled: 3, failed: 0, ok: true });
    const statuses = devices.map((d) => sent(d.lines, "command.InstallProfile")?.Status).sort();
    expect(statuses).toEqual(["Acknowledged", "Error", "Error"]);
  }, 120_000);

  it("apple-ade-profile-before-token / released: the device reads why (PROFILE_NOT_FOUND, DEVICE_RELEASED) and never starts ADE", async () => {
    for (const [file, code] of [["apple-ade-profile-before-token.yaml", "PROFILE_NOT_FOUND"], ["apple-ade-released-device.yaml", "DEVICE_RELEASED"]] as const) {
      const { summary, devices } = await traced(file);
      expect(summary.steps["ade.enroll"]).toBeUndefined();
      for (const d of devices) expect(d.lines.find((l) => l.kind === "decoded" && l.step === "ade.cloudconfig")?.data).toMatchObject({ found: false, code });
    }
  }, 120_000);

  it("ios-ue-hardware-ids-unavailable: the User Enrollment Authenticate has only EnrollmentID", async () => {
    const { devices } = await traced("ios-ue-hardware-ids-unavailable.yaml");
    const ue = devices.filter((d) => d.lines.some((l) => l.step === "account.well-known"));
    expect(ue).toHaveLength(3);
    for (const d of ue) {
      const auth = d.lines.find((l) => l.kind === "decoded" && l.step === "checkin.authenticate")!.data;
      expect(auth.EnrollmentID).toBeDefined();
      for (const k of ["UDID", "SerialNumber", "IMEI", "MEID"]) expect(auth[k]).toBeUndefined();
    }
  }, 120_000);

  it("ios-ade-already-activated: erased devices enroll after the erase", async () => {
    const { devices } = await traced("ios-ade-already-activated.yaml");
    const erased = devices.filter((d) => d.lines.some((l) => l.step === "ade.enroll"));
    expect(erased).toHaveLength(2);
  }, 120_000);

  it("ios-restore-same-device (timeline reset + restore): one Remote Management per device, then check-ins with the restored identity", async () => {
    const { summary, devices } = await traced("ios-restore-same-device.yaml");
    expect(summary).toMatchObject({ devices: 3, enrolled: 3, failed: 0, ok: true });
    expect(summary.steps["ade.cloudconfig"]!.count).toBe(3);
    expect(summary.steps["ade.enroll"]!.count).toBe(3);
    expect(summary.checkins).toMatchObject({ failed: 0 });
    for (const d of devices) {
      const i = d.lines.findIndex((l) => l.step === "timeline" && (l.data as { action?: string }).action === "restore");
      expect(i).toBeGreaterThan(0);
      expect(d.lines.slice(i).some((l) => l.kind === "http" && l.step === "command.idle")).toBe(true);
    }
  }, 120_000);

  it("apple-reenroll-old-identity-rejected (and -fixed): each set-up from scratch has a new identity; the previous backup brings the old one back, which NanoMDM-style answers 500; the latest backup checks in", async () => {
    const { summary } = await runScenario(failing("apple-reenroll-old-identity-rejected.yaml"), opts);
    expect(summary).toMatchObject({ devices: 3, enrolled: 3, ok: true });
    expect(summary.checkins).toEqual({ total: 3, failed: 3, codes: { "apple.checkin.http-500": 3 } });
    const fixed = await runScenario(failing("apple-reenroll-old-identity-rejected-fixed.yaml"), opts);
    expect(fixed.summary).toMatchObject({ devices: 3, enrolled: 3, ok: true });
    expect(fixed.summary.checkins).toMatchObject({ total: 3, failed: 0 });
  }, 120_000);

  it("ios-restore-expired-identity (reset, 2 days pass, restore): the restored identity is past notAfter, one 401 per device, then no more check-ins", async () => {
    const { summary } = await runScenario(failing("ios-restore-expired-identity.yaml"), opts);
    expect(summary).toMatchObject({ devices: 3, enrolled: 3, ok: true });
    expect(summary.checkins).toEqual({ total: 3, failed: 3, codes: { "apple.checkin.unenrolled": 3 } });
    expect(summary.expectations.map((e) => e.name)).toContain("check-ins failed apple.checkin.unenrolled");
  }, 120_000);

  it("apple-well-known-failed: no device sends an enrollment request", async () => {
    const { summary, devices } = await traced("apple-well-known-failed.yaml");
    expect(summary.steps["account.enroll"]).toBeUndefined();
    expect(summary.steps["account.well-known"]!.count).toBe(4);
    for (const d of devices) expect(d.lines.some((l) => l.step === "account.enroll")).toBe(false);
  }, 120_000);
});
