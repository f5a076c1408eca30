// SPDX-License-Identifier: MIT
import { describe, expect, it } from "vitest";
import { ScenarioError } from "../../src/errors/index.js";
import { evaluateExpectations, type SummaryFacts } from "../../src/report/expectations.js";

function facts(over: Partial<SummaryFacts> = {}): SummaryFacts {
  return {
    devices: 100,
    enrolled: 100,
    failed: 0,
    steps: {
      "scep.getcacaps": { count: 100, failed: 0, p50: 3, p95: 8, p99: 12.5, max: 20, mean: 4 },
      "scep.pkioperation": { count: 100, failed: 100, p50: 0, p95: 0, p99: 0, max: 0, mean: 0 },
    },
    errors: {},
    ...over,
  };
}

const withFailures = facts({
  enrolled: 90,
  failed: 10,
  errors: {
    "scep.failInfo.badRequest": { count: 7, blame: "protocol-outcome", step: "scep.pkioperation", example: "bad request" },
    "transport.timeout": { count: 3, blame: "transport", step: "scep.getcacert", example: "timed out" },
  },
});

describe("evaluateExpectations", () => {
  it("defaults to every device enrolling when nothing is expected", () => {
    expect(evaluateExpectations(facts()).ok).toBe(true);
    const r = evaluateExpectations(facts({ enrolled: 99, failed: 1 }));
    expect(r.ok).toBe(false);
    expect(r.expectations[0]).toMatchObject({ name: "success ratio", ok: false, actual: "99/100 enrolled (99.0%)" });
  });

  it("checks an explicit success ratio", () => {
    expect(evaluateExpectations(facts({ enrolled: 95, failed: 5 }), { successRatio: 0.95 }).ok).toBe(true);
    expect(evaluateExpectations(facts({ enrolled: 94, failed: 6 }), { successRatio: 0.95 }).ok).toBe(false);
  });

  it("checks latency bounds and fails a step without successful samples or never run, saying so", () => {
    const r = evaluateExpectations(facts(), {
      latency: {
        "scep.getcacaps": { p50: 5, p99: 10 },
        "scep.pkioperation": { p95: 100 },
        "scep.certpoll": { p50: 100 },
      },
    });
    const byName = Object.fromEntries(r.expectations.map((e) => [e.name, e]));
    expect(byName["latency scep.getcacaps p50"]!.ok).toBe(true);
    expect(byName["latency scep.getcacaps p99"]).toMatchObject({ ok: false, expected: "≤ 10 ms", actual: "12.5 ms" });
    expect(byName["latency scep.pkioperation p95"]!.ok).toBe(false);
    expect(byName["latency scep.pkioperation p95"]!.actual).toMatch(/no successful samples/);
    expect(byName["latency scep.certpoll p50"]!.ok).toBe(false);
    expect(byName["latency scep.certpoll p50"]!.actual).toMatch(/never ran/);
    expect(r.ok).toBe(false);
  });

  it("checks expected failures by exact count and by ratio, with success ratio defaulting to 0", () => {
    const r = evaluateExpectations(withFailures, {
      failures: [
        { code: "scep.failInfo.badRequest", count: 7 },
        { code: "transport.timeout", ratio: 0.03 },
      ],
    });
    expect(r.expectations.map((e) => e.ok)).toEqual([true, true, true]);
    expect(r.ok).toBe(true);

    const wrong = evaluateExpectations(withFailures, {
      failures: [
        { code: "scep.failInfo.badRequest", count: 6 },
        { code: "transport.timeout", ratio: 0.05 },
      ],
    });
    expect(wrong.expectations.filter((e) => !e.ok).map((e) => e.name)).toEqual([
      "failure scep.failInfo.badRequest",
      "failure transport.timeout",
    ]);
    expect(wrong.expectations[1]!.actual).toBe("7 devices (7.0%)");
  });

  it("fails the run on a failure code that was not expected", () => {
    const r = evaluateExpectations(withFailures, { failures: [{ code: "scep.failInfo.badRequest", count: 7 }] });
    expect(r.ok).toBe(false);
    const unexpected = r.expectations.find((e) => !e.ok)!;
    expect(unexpected.actual).toBe("unexpected failure code transport.timeout ×3");
  });

  it("treats an empty failure list as 'no failure code is expected'", () => {
    const r = evaluateExpectations(withFailures, { successRatio: 0.5, failures: [] });
    expect(r.ok).toBe(false);
    expect(r.expectations.filter((e) => !e.ok)).toHaveLength(2);
  });

  it("checks step counts (count, min, max, failed) and counts a step that never ran as 0", () => {
    const r = evaluateExpectations(facts(), {
      steps: {
        "scep.getcacaps": { count: 100 },
        "scep.pkioperation": { min: 1, max: 99, failed: 100 },
        "ade.cloudconfig": { count: 0 },
        "push.wake": { min: 1 },
      },
    });
    const byName = Object.fromEntries(r.expectations.map((e) => [e.name, e]));
    expect(byName["step scep.getcacaps"]).toMatchObject({ ok: true, expected: "exactly 100 samples" });
    expect(byName["step scep.pkioperation"]).toMatchObject({ ok: false, expected: "≥ 1 sample and ≤ 99 samples and exactly 100 failed", actual: "100 samples, 100 failed" });
    expect(byName["step ade.cloudconfig"]).toMatchObject({ ok: true, actual: "the step never ran" });
    expect(byName["step push.wake"]).toMatchObject({ ok: false, actual: "the step never ran" });
    expect(r.ok).toBe(false);
    expect(evaluateExpectations(facts(), { steps: { "scep.getcacaps": { min: 100, max: 100 } } }).ok).toBe(true);
  });

  it("rejects a malformed spec with a ScenarioError naming the path", () => {
    expect(() => evaluateExpectations(facts(), { steps: { x: {} } })).toThrow(/steps\.x/);
    expect(() => evaluateExpectations(facts(), { steps: { x: { p50: 1 } as never } })).toThrow(/steps\.x\.p50/);
    expect(() => evaluateExpectations(facts(), { steps: { x: { count: 1.5 } } })).toThrow(/steps\.x\.count: expected an integer/);
    expect(() => evaluateExpectations(facts(), { successRatio: 1.5 })).toThrow(ScenarioError);
    expect(() => evaluateExpectations(facts(), { latency: { x: { p90: 5 } as never } })).toThrow(/latency\.x\.p90/);
    expect(() => evaluateExpectations(facts(), { failures: [{ code: "" }] })).toThrow(/failures\[0\]\.code/);
    expect(() => evaluateExpectations(facts(), { bogus: 1 } as never)).toThrow(/bogus/);
  });
});
