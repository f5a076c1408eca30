// SPDX-License-Identifier: MIT
/**
 * Redeploying an enrolled device against the embedded server over loopback: self-deploying kiosks are
 * reset and set up again (timeline `reset` + `setUpAgain`) while their Intune records exist, and the
 * WSTEP request is refused as Intune refuses it (SOAP DeviceNotSupported, reason "Enrollment blocked for
 * AP device by SDM One Time Limit Check", 0x80180014); with the records deleted first they provision.
 * Records from before the run (embedded.policy.records) are the same hardware to the rules, and the
 * admin's deleteRecords deletes them; an Apple profile enrollment of an erased iPhone meets the rules again.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/api/run-scenario.js";
import { traceLines } from "../support/trace-lines.js";

const scenario = (name: string) => join(import.meta.dirname, "../../scenarios/failures", `${name}.yaml`);
const opts = { keyPoolSize: 24, progress: false as const, capacity: false as const };

describe("redeploying Autopilot self-deploying kiosks (loopback)", () => {
  it("with the old records the redeploy is refused 0x80180014 with Intune's published fault text; the fresh kiosk provisions", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "enrollsim-reenroll-")), "trace");
    const { summary } = await runScenario(scenario("windows-autopilot-redeploy-record-exists-failing"), { ...opts, trace: dir });
    expect(summary).toMatchObject({ devices: 3, enrolled: 1, failed: 2, ok: true });
    expect(summary.errors["windows.fault.DeviceNotSupported"]).toMatchObject({ count: 2, step: "enroll.rst" });
    const lines = traceLines(dir);
    // Each reused kiosk: one provisioned deployment, then a second WSTEP request answered with the fault.
    for (const device of ["windows-11-laptop#0", "windows-11-laptop#1"]) {
      const rst = lines.filter((l) => l.device === device && l.step === "enroll.rst" && l.kind === "http");
      expect(rst).toHaveLength(2);
      const body = JSON.stringify(rst[1]!.data);
      expect(body).toContain("DeviceNotSupported");
      expect(body).toContain("Enrollment blocked for AP device by SDM One Time Limit Check");
      expect(lines.some((l) => l.device === device && l.kind === "note" && l.data.action === "setUpAgain")).toBe(true);
    }
  }, 120_000);

  it("the admin deletes the records when the kiosks are reset: the redeploy provisions every kiosk", async () => {
    const { summary } = await runScenario(scenario("windows-autopilot-redeploy-record-exists-fixed"), opts);
    expect(summary).toMatchObject({ devices: 3, enrolled: 3, failed: 0, ok: true });
    expect(summary.steps["enroll.rst"]).toMatchObject({ count: 5, failed: 0 });
  }, 120_000);
});

const temp = (name: string, yaml: string) => {
  const file = join(mkdtempSync(join(tmpdir(), "enrollsim-reenroll-")), `${name}.yaml`);
  writeFileSync(file, yaml);
  return file;
};

describe("records from before the run and Apple re-enrollment (loopback)", () => {
  const kiosks = (extra: string) =>
    `name: kiosks-before\nseed: 3\nserver: embedded\nembedded:\n  policy:\n    records: [{ platform: windows, serials: ["%SERIAL@k%"], method: autopilot-userless }]\n` +
    `groups:\n  - { name: k, model: windows-11-laptop, count: 2, flow: windows-autopilot, options: { windows: { minuteMs: 20, autopilot: { mode: self-deploying } } } }\nlimits: { durationSeconds: 120 }\n${extra}`;

  it("kiosks deployed before the run are refused 0x80180014; after the admin deletes their records they provision", async () => {
    const failing = await runScenario(temp("k1", kiosks("")), opts);
    expect(failing.summary).toMatchObject({ devices: 2, failed: 2 });
    expect(failing.summary.errors["windows.fault.DeviceNotSupported"]).toMatchObject({ count: 2, step: "enroll.rst" });
    const fixed = await runScenario(temp("k2", kiosks("timeline:\n  - { at: 0s, deleteRecords: {} }\n")), opts);
    expect(fixed.summary).toMatchObject({ devices: 2, enrolled: 2, failed: 0 });
  }, 120_000);

  it("an erased iPhone enrolling again by profile meets the tenant's rules again (none: refused at Authenticate)", async () => {
    const yaml =
      "name: erased-phone\nseed: 4\nserver: embedded\nembedded:\n  policy:\n    reenrollment: [{ platform: ios, method: user-initiated, allow: none }]\n" +
      "groups:\n  - { name: p, model: iphone-15, count: 1, flow: ios-profile }\nlimits: { durationSeconds: 120 }\n" +
      "timeline:\n  - { after: { enrolled: 1 }, reset: {} }\n  - { after: { enrolled: 1 }, setUpAgain: {} }\n";
    const { summary } = await runScenario(temp("p", yaml), opts);
    expect(summary).toMatchObject({ devices: 1, failed: 1 });
    expect(summary.errors["apple.checkin.http-403"]).toMatchObject({ count: 1 });
  }, 120_000);

  it("PCs the admin wiped in the ESP are erased: set up again, their records gone with the wipe, they redeploy (self-deploying included)", async () => {
    const yaml =
      "name: wiped-then-redeployed\nseed: 96\nserver: embedded\nembedded:\n  windows:\n    esp:\n      timeoutMinutes: 240\n      apps: [{ name: HangingAgent, installMinutes: 600 }]\n" +
      "groups:\n  - { name: stuck, model: windows-11-laptop, count: 2, flow: windows-autopilot, options: { windows: { minuteMs: 200, autopilot: { mode: self-deploying } } } }\n" +
      "arrival: { concurrency: 2 }\nlimits: { durationSeconds: 120 }\ntimeline:\n" +
      "  - { after: { step: enroll.rst, succeeded: 2, wait: 200ms }, wipe: {} }\n" +
      "  - { after: { outcome: windows.wiped, count: 2 }, set: { embedded.windows.esp.apps: [] } }\n" +
      "  - { after: { outcome: windows.wiped, count: 2 }, setUpAgain: {} }\n";
    const { summary } = await runScenario(temp("wiped", yaml), opts);
    expect(summary).toMatchObject({ devices: 2, enrolled: 2, failed: 0 });
    expect(summary.steps["enroll.rst"]).toMatchObject({ count: 4, failed: 0 });
  }, 120_000);
});
