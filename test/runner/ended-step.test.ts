// SPDX-License-Identifier: MIT
/**
 * Issue 12 #16: the step that ended a device's flow counts as failed in `steps[X].failed`, whatever
 * the blame. Protocol outcomes (a SCEP failInfo, an ESP timeout) are values the step returned, so
 * the step itself reported success; the run summary must still say where the devices failed.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadScenario, runScenario } from "../../src/api/run-scenario.js";
import { SummaryCollector } from "../../src/report/summary.js";
import { decodeHistogram } from "../../src/report/stats.js";

const scenario = (name: string) => join(import.meta.dirname, "../../scenarios", name);
const opts = { keyPoolSize: 24, progress: false as const, capacity: false as const };

async function small(file: string, count: number) {
  const s = await loadScenario(scenario(file));
  return { ...s, groups: s.groups.map((g) => ({ ...g, count })), totalDevices: count };
}

describe("steps[X].failed counts the step that ended a device's flow", () => {
  const cases: [file: string, step: string, code: string][] = [
    ["failures/apple-scep-failure.yaml", "profile.scep", "apple.scep.failInfo.badRequest"],
    ["scep-bad-challenge.yaml", "scep.pkioperation", "scep.failInfo.badRequest"],
    ["windows-esp-timeout.yaml", "esp.device-setup", "windows.esp.timeout"],
  ];
  for (const [file, step, code] of cases) {
    it(`${file}: ${code} at ${step}`, async () => {
      const { summary } = await runScenario(await small(file, 3), opts);
      expect(summary.errors[code]).toMatchObject({ count: 3, blame: "protocol-outcome", step });
      expect(summary.steps[step]!.failed).toBe(3);
      // the step ran once per device: the failure relabels its sample, it is not a second one
      expect(summary.steps[step]!.count).toBe(3);
      // percentiles stay over successful samples: the relabelled samples left the histogram
      expect(decodeHistogram(summary.histograms[step]!).totalCount).toBe(0);
      expect(Object.values(summary.platforms!)[0]!.steps[step]).toMatchObject({ count: 3, failed: 3 });
    }, 120_000);
  }

  it("a thrown failure is not counted twice (its failed sample is already there)", () => {
    const c = new SummaryCollector();
    c.onRunStart({ scenario: "x", devices: 1, seed: "1" });
    c.onStep({ device: "d#0", step: "scep.getcacert", ms: 5, ok: false });
    c.onDeviceEnd({ device: "d#0", index: 0, group: "g", model: "m", platform: "ios", flow: "scep", ok: false, startedAt: 0, endedAt: 1, failure: { code: "transport.reset", blame: "transport", step: "scep.getcacert", message: "x", stepSample: "failed" } });
    expect(c.summary().steps["scep.getcacert"]).toMatchObject({ count: 1, failed: 1 });
  });

  it("a flow that ended at a step it never timed counts one failed sample there", () => {
    const c = new SummaryCollector();
    c.onRunStart({ scenario: "x", devices: 1, seed: "1" });
    c.onDeviceEnd({ device: "d#0", index: 0, group: "g", model: "m", platform: "android", flow: "android-qr", ok: false, startedAt: 0, endedAt: 1, failure: { code: "android.provision.method-unsupported", blame: "protocol-outcome", step: "android.trigger.kme", message: "x", stepSample: "none" } });
    expect(c.summary().steps["android.trigger.kme"]).toMatchObject({ count: 1, failed: 1 });
  });
});

describe("StepStats.endedAt", () => {
  it("turns the device's successful sample into a failed one and takes it out of the latencies", async () => {
    const { StepStats } = await import("../../src/report/stats.js");
    const st = new StepStats();
    st.record("a", 10, true);
    st.record("a", 20, true);
    st.endedAt("a", "ok", 20);
    expect(st.summaries().a).toMatchObject({ count: 2, failed: 1, max: 10 });
  });
});

describe("failed attempts before a Try Again", () => {
  it("each attempt that ended at a step counts it failed once, for the summary and for timeline after: {step, failed}", async () => {
    // A SOAP fault is a value the RST step returns (its sample said ok); the retried attempt then enrolls.
    const { summary } = await runScenario(scenario("faults/windows-enrollment-maintenance-window.yaml"), opts);
    expect(summary.steps["enroll.rst"]).toMatchObject({ count: 6, failed: 3 });
    expect(summary.outcomes).toEqual({ "windows.byod.enrolled": 3 });
    // the skip waits for the third failed enroll.rst: it fires, so the 90 s Try Again wait passes at once
    const skip = (summary as { actions?: { action: string; atMs: number }[] }).actions?.find((a) => a.action === "skip");
    expect(skip?.atMs).toBeGreaterThanOrEqual(0);
  }, 60_000);

  it("the final failure at a step an earlier attempt already counted is not counted twice", async () => {
    const c = new SummaryCollector();
    c.onStep({ device: "d#0", platform: "windows", step: "enroll.rst", ms: 5, ok: true });
    c.onAttemptFailed({ step: "enroll.rst", stepSample: "ok", stepSampleMs: 5 });
    c.onStep({ device: "d#0", platform: "windows", step: "enroll.rst", ms: 6, ok: true });
    expect(c.summary().steps["enroll.rst"]).toMatchObject({ count: 2, failed: 1 });
  });
});
