// SPDX-License-Identifier: MIT
/** The shipped Apple scenarios, end to end against the embedded server over loopback (HTTPS, mTLS). */
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
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

describe("shipped Apple scenarios (2)", () => {
  it("ios-commands: NotNow twice, Error, CommandFormatError, not allowed, unknown", async () => {
    const { summary } = await runScenario(scenario("ios-commands.yaml"), opts);
    expect(summary).toMatchObject({ devices: 10, enrolled: 10, failed: 0, ok: true });
    // InstallApplication is reported three times per device: NotNow, NotNow, Acknowledged.
    expect(summary.steps["command.InstallApplication"]!.count).toBe(30);
    expect(summary.steps["command.idle"]!.count).toBe(30);
    expect(summary.steps["command.SecurityInfo"]!.count).toBe(10);
    expect(summary.steps["command.NoSuchCommand"]!.count).toBe(10);
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
    ["apple-ade-software-update-required.yaml", "apple.ade.software-update-required", 2, 5],
    ["apple-scep-failure.yaml", "apple.scep.failInfo.badRequest", 3, 3],
    ["apple-profile-bad-topic.yaml", "apple.profile.bad-topic", 3, 3],
    ["apple-profile-unsigned-required.yaml", "apple.profile.signature-invalid", 3, 3],
    ["apple-command-wrong-content-type.yaml", "apple.command.content-type", 2, 2],
    ["apple-ade-device-not-assigned.yaml", "apple.ade.device-not-assigned", 5, 5],
    ["ios-restored-backup-other-mdm.yaml", "apple.profile.mdm-payload-mismatch", 3, 5],
    ["apple-first-attempt-fails-retry-succeeds.yaml", "apple.profile.install-failed", 2, 5],
  ];
  for (const [file, code, failed, devices] of cases) {
    it(`${file}: ${failed} devices fail with ${code}`, async () => {
      const { summary } = await runScenario(failing(file), opts);
      expect(summary).toMatchObject({ devices, failed, ok: true });
      expect(summary.errors[code]!.count).toBe(failed);
    }, 120_000);
  }
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
