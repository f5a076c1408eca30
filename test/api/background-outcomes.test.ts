// SPDX-License-Identifier: MIT
/**
 * Background tasks after enrolment are outcomes: a scheduled Windows certificate renewal that the
 * server answers HTTP 200 + SOAP fault is a failed enroll.renew sample, the outcome
 * windows.renew.failed, and what Windows records (RenewErrorCode 0x801900C8 = FACILITY_HTTP + 200,
 * RenewStatus 3, EnrollmentState 3; fleetdm/fleet#50611), while the PC stays enrolled. Over loopback
 * against the embedded server (scenarios/examples/windows-robo-renewal-200-fault-*.yaml).
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadScenario, runScenario } from "../../src/api/run-scenario.js";

const file = (name: string) => join(import.meta.dirname, "../../scenarios/examples", name);
const opts = { keyPoolSize: 24, progress: false as const, capacity: false as const };

describe("background task outcomes (scheduled WSTEP renewal)", () => {
  it("a 200 + SOAP fault renewal: failed samples, outcome and registry values, devices still enrolled", async () => {
    const { summary } = await runScenario(file("windows-robo-renewal-200-fault-failing.yaml"), opts);
    expect(summary).toMatchObject({ devices: 2, enrolled: 2, failed: 0, ok: true });
    expect(summary.outcomes).toEqual({ "windows.byod.enrolled": 2, "windows.renew.failed": 2 });
    expect(summary.steps["enroll.renew"]).toMatchObject({ count: 2, failed: 2 });
    expect(summary.shown).toEqual([
      { text: "0x801900c8", code: "windows.renew.failed", devices: 2 },
      { text: "EnrollmentState=3", devices: 2 },
    ]);
  }, 120_000);

  it("the same fault answered 500 keeps the fault's own MENROLL code, not 0x801900C8", async () => {
    const s = await loadScenario(file("windows-robo-renewal-200-fault-failing.yaml"));
    const faults = s.faults!.map((f) => ({ ...f, status: { ...f.status!, code: 500 } }));
    const { summary } = await runScenario({ ...s, faults, expect: { steps: { "enroll.renew": { failed: { min: 2 } } }, shown: [{ text: "0x801900C8" }, { text: "RenewErrorCode=0x80180008" }] } }, opts);
    expect(summary.outcomes?.["windows.renew.failed"]).toBe(2);
    expect(summary.shown).toEqual([
      { text: "0x801900C8", devices: 0 },
      { text: "RenewErrorCode=0x80180008", devices: 2 },
    ]);
  }, 120_000);

  it("the fixed variant renews; the failing variant's expectations reject a server that renews", async () => {
    const { summary } = await runScenario(file("windows-robo-renewal-200-fault-fixed.yaml"), opts);
    expect(summary).toMatchObject({ devices: 2, enrolled: 2, ok: true, outcomes: { "windows.byod.enrolled": 2 } });
    expect(summary.steps["enroll.renew"]!.failed).toBe(0);
    const failing = await loadScenario(file("windows-robo-renewal-200-fault-failing.yaml"));
    const { summary: noFault } = await runScenario({ ...failing, faults: [] }, opts);
    expect(noFault.enrolled).toBe(2);
    expect(noFault.ok).toBe(false);
  }, 120_000);

  it("a 401 at a steady Apple check-in is a failed checkin.command.idle sample, and a fault can name the step as reported", async () => {
    const path = join(import.meta.dirname, "../../scenarios/faults/apple-steady-checkin-401.yaml");
    const { summary } = await runScenario(path, opts);
    expect(summary.ok).toBe(true);
    expect(summary.steps["checkin.command.idle"]).toMatchObject({ count: 3, failed: 3 });
    // The enrolment's own Idle report (step command.idle) was not refused: the fault named the steady step.
    expect(summary.steps["command.idle"]!.failed).toBe(0);
    const s = await loadScenario(path);
    const { summary: kept } = await runScenario({ ...s, faults: [] }, opts);
    expect(kept.steps["checkin.command.idle"]!.failed).toBe(0);
    expect(kept.ok).toBe(false);
  }, 120_000);
});
