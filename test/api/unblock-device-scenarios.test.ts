// SPDX-License-Identifier: MIT
/**
 * Intune's per-device "Unblock device" (timeline `allowNextEnrollment`, server/policy/unblock.ts) over loopback:
 * a reset pre-provisioned PC and a reset kiosk are refused 0x80180014 at their re-run; the admin unblocks the PC
 * alone, which provisions while the kiosk stays blocked; the permission is used up by the enrollment it lets
 * through (a second reset is refused again); a record from before the run is unblocked by its serial.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/api/run-scenario.js";

const scenario = (name: string) => join(import.meta.dirname, "../../scenarios/failures", `${name}.yaml`);
const opts = { keyPoolSize: 24, progress: false as const, capacity: false as const };
const temp = (name: string, yaml: string) => {
  const file = join(mkdtempSync(join(tmpdir(), "enrollsim-unblock-")), `${name}.yaml`);
  writeFileSync(file, yaml);
  return file;
};

describe("Unblock device: allowNextEnrollment on one record (loopback)", () => {
  it("failing: both reset PCs are refused 0x80180014 at their re-run", async () => {
    const { summary } = await runScenario(scenario("win-autopilot-unblock-device-failing"), opts);
    expect(summary).toMatchObject({ devices: 3, enrolled: 1, failed: 2, ok: true });
    expect(summary.errors["windows.fault.DeviceNotSupported"]).toMatchObject({ count: 2, step: "enroll.rst" });
  }, 120_000);

  it("fixed: the unblocked PC provisions again with its record kept; the kiosk nobody unblocked stays blocked", async () => {
    const { summary } = await runScenario(scenario("win-autopilot-unblock-device-fixed"), opts);
    expect(summary).toMatchObject({ devices: 3, enrolled: 2, failed: 1, ok: true });
    expect(summary.errors["windows.fault.DeviceNotSupported"]).toMatchObject({ count: 1 });
    const fired = summary.actions!.find((f) => f.action === "allowNextEnrollment")!;
    expect(fired.result).toMatch(/^1 record\(s\) unblocked for their next enrollment \(kept\)$/);
  }, 120_000);

  const kiosks = (timeline: string) =>
    `name: unblock-before\nseed: 4\nserver: embedded\nembedded:\n  policy:\n    records: [{ platform: windows, serials: ["%SERIAL@k%"], method: autopilot-userless }]\n` +
    `groups:\n  - { name: k, model: windows-11-laptop, count: 2, flow: windows-autopilot, options: { windows: { minuteMs: 20, autopilot: { mode: self-deploying } } } }\n` +
    `arrival: { concurrency: 2 }\nlimits: { durationSeconds: 120 }\ntimeline:\n${timeline}`;

  it("a record from before the run is unblocked for one device; the enrollment it lets through uses the permission up", async () => {
    // Both kiosks were deployed before the run (their records exist); only device 0 is unblocked.
    const probe = await runScenario(temp("p", kiosks("  - { at: 0s, devices: [0], allowNextEnrollment: {} }\n")), opts);
    expect(probe.summary).toMatchObject({ devices: 2, enrolled: 1, failed: 1 });
    expect(probe.summary.actions![0]!.result).toBe("1 record(s) unblocked for their next enrollment (kept)");
    const again = await runScenario(temp("q", kiosks("  - { at: 0s, devices: [0], allowNextEnrollment: {} }\n  - { after: { enrolled: 1 }, devices: [0], reset: {} }\n  - { after: { enrolled: 1 }, devices: [0], setUpAgain: {} }\n")), opts);
    // Device 0 provisions once (unblocked), then its re-run is refused again: the permission was used up.
    expect(again.summary.errors["windows.fault.DeviceNotSupported"]).toMatchObject({ count: 2 });
    expect(again.summary.enrolled).toBe(0);
  }, 120_000);

  it("the result follows the record's state: a user-driven PC's record is not blocked, a device without a record has none", async () => {
    const yaml =
      `name: unblock-state\nseed: 5\nserver: embedded\n` +
      `groups:\n  - { name: u, model: windows-11-laptop, count: 1, flow: windows-autopilot, options: { windows: { minuteMs: 20 } } }\n` +
      `limits: { durationSeconds: 120 }\ntimeline:\n  - { after: { enrolled: 1 }, group: u, allowNextEnrollment: {} }\n  - { at: 0s, allowNextEnrollment: { serials: [NO-SUCH-SERIAL] } }\n`;
    const { summary } = await runScenario(temp("s", yaml), opts);
    const results = summary.actions!.map((f) => f.result);
    expect(results).toContainEqual(expect.stringMatching(/^0 record\(s\) unblocked.*; 1 not blocked, left as they are: .*re-enrollment any/));
    expect(results).toContainEqual(expect.stringMatching(/^0 record\(s\) unblocked.*; 1 with no record on the server .*NO-SUCH-SERIAL/));
  }, 120_000);
});
