// SPDX-License-Identifier: MIT
import { describe, expect, it } from "vitest";
import type { DeviceResult } from "../../src/runner/observer.js";
import { mergeSummaries } from "../../src/report/merge.js";
import { decodeHistogram } from "../../src/report/stats.js";
import { SummaryCollector, UNKNOWN_FAILURE_CODE } from "../../src/report/summary.js";
import type { RunSummary } from "../../src/report/types.js";

const T0 = Date.UTC(2026, 0, 1);

function result(index: number, group: string, fail?: { code: string; step?: string; message?: string }): DeviceResult {
  return {
    device: `iphone-15#${index}`,
    index,
    group,
    model: "iphone-15",
    platform: "ios",
    flow: "scep",
    ok: !fail,
    ...(fail
      ? { failure: { code: fail.code, blame: "protocol-outcome" as const, step: fail.step, message: fail.message ?? `failed ${index}` } }
      : {}),
    startedAt: T0,
    endedAt: T0 + 10,
  };
}

/** Runs `n` devices: every 10th fails with badRequest, every 25th with a timeout. */
function run(n: number, offset = 0, expect?: ConstructorParameters<typeof SummaryCollector>[0]): RunSummary {
  let now = T0;
  const c = new SummaryCollector({ now: () => now, ...expect });
  c.onRunStart({ scenario: "scep-fleet", devices: n, seed: "s1" });
  for (let k = 0; k < n; k++) {
    const i = k + offset;
    c.onDeviceStart?.(`iphone-15#${i}`, i);
    c.onStep({ device: `iphone-15#${i}`, step: "scep.getcacaps", ms: 1 + (i % 50), ok: true });
    const fail =
      i % 10 === 0
        ? { code: "scep.failInfo.badRequest", step: "scep.pkioperation", message: `bad request from CA (device ${i})` }
        : i % 25 === 1
          ? { code: "transport.timeout", step: "scep.pkioperation" }
          : undefined;
    c.onStep({ device: `iphone-15#${i}`, step: "scep.pkioperation", ms: 100 + i, ok: !fail });
    c.onDeviceEnd(result(i, i % 2 === 0 ? "even" : "odd", fail));
    now += 10;
  }
  c.onRunEnd({ durationMs: now - T0 });
  return c.summary();
}

describe("SummaryCollector", () => {
  it("counts devices, steps, errors and groups from device results", () => {
    const s = run(100, 0, { expect: { failures: [{ code: "scep.failInfo.badRequest", count: 10 }, { code: "transport.timeout" }] } });
    expect(s.scenario).toBe("scep-fleet");
    expect(s.seed).toBe("s1");
    expect(s.startedAt).toBe("2026-01-01T00:00:00.000Z");
    expect(s.durationMs).toBe(1000);
    expect(s.devices).toBe(100);
    expect(s.failed).toBe(14); // 10 (i%10==0) + 4 (1, 26, 51, 76)
    expect(s.enrolled).toBe(86);
    expect(s.devices).toBe(s.enrolled + s.failed);
    for (const n of [s.devices, s.enrolled, s.failed]) expect(Number.isInteger(n)).toBe(true);
    expect(s.steps["scep.getcacaps"]).toMatchObject({ count: 100, failed: 0 });
    expect(s.steps["scep.pkioperation"]).toMatchObject({ count: 100, failed: 14 });
    expect(s.errors["scep.failInfo.badRequest"]).toEqual({
      count: 10,
      blame: "protocol-outcome",
      step: "scep.pkioperation",
      example: "bad request from CA (device 0)",
    });
    expect(s.errors["transport.timeout"]!.count).toBe(4);
    // timeouts hit devices 1, 26, 51, 76: two even, two odd
    expect(s.groups).toEqual({
      even: { devices: 50, enrolled: 38, failed: 12, failures: { "scep.failInfo.badRequest": 10, "transport.timeout": 2 } },
      odd: { devices: 50, enrolled: 48, failed: 2, failures: { "transport.timeout": 2 } },
    });
    expect(decodeHistogram(s.histograms["scep.pkioperation"]!).totalCount).toBe(86);
    expect(s.ok).toBe(true);
  });

  it("keeps at most 20 failure examples, however many devices fail", () => {
    const c = new SummaryCollector({ now: () => T0 });
    c.onRunStart({ scenario: "x", devices: 500, seed: "" });
    for (let i = 0; i < 500; i++) c.onDeviceEnd(result(i, "g", { code: `code.${i % 3}` }));
    const s = c.summary();
    expect(s.failed).toBe(500);
    expect(s.examples).toHaveLength(20);
    expect(s.examples![0]).toEqual({ device: "iphone-15#0", code: "code.0", step: "", message: "failed 0" });
    expect(Object.keys(s.errors).sort()).toEqual(["code.0", "code.1", "code.2"]);
    expect(s.ok).toBe(false);
  });

  it("records a failed device without a failure record under its own code", () => {
    const c = new SummaryCollector({ now: () => T0 });
    c.onRunStart({ scenario: "x", devices: 1, seed: "" });
    c.onDeviceEnd({ ...result(0, "g"), ok: false });
    expect(c.summary().errors[UNKNOWN_FAILURE_CODE]!.count).toBe(1);
  });

  it("reports planned devices that never finished as not enrolled", () => {
    let now = T0;
    const c = new SummaryCollector({ now: () => now });
    c.onRunStart({ scenario: "x", devices: 10, seed: "" });
    for (let i = 0; i < 4; i++) c.onDeviceEnd(result(i, "g"));
    now += 2500;
    const s = c.summary();
    expect(s).toMatchObject({ devices: 10, enrolled: 4, failed: 0, durationMs: 2500, ok: false });
  });

  it("rejects a malformed expectation block at construction", () => {
    expect(() => new SummaryCollector({ expect: { successRatio: -1 } })).toThrow(/successRatio/);
  });
});

describe("mergeSummaries", () => {
  it("merging two shards equals one run of all devices", () => {
    const whole = run(200);
    const a = run(100, 0);
    const b = run(100, 100);
    const merged = mergeSummaries([a, b]);
    expect(merged.devices).toBe(whole.devices);
    expect(merged.enrolled).toBe(whole.enrolled);
    expect(merged.failed).toBe(whole.failed);
    expect(merged.steps).toEqual(whole.steps);
    expect(merged.errors["scep.failInfo.badRequest"]!.count).toBe(whole.errors["scep.failInfo.badRequest"]!.count);
    expect(merged.groups).toEqual(whole.groups);
    expect(merged.ok).toBe(whole.ok);
  });

  it("re-evaluates expectations on the merged counts", () => {
    const merged = mergeSummaries([run(100), run(100, 100)], {
      failures: [{ code: "scep.failInfo.badRequest", count: 20 }, { code: "transport.timeout", count: 8 }],
    });
    expect(merged.expectations.map((e) => e.ok)).toEqual([true, true, true]);
  });
});
