// SPDX-License-Identifier: MIT
import { describe, expect, it } from "vitest";
import { summaryToJson, parseSummary } from "../../src/report/json.js";
import { ReportError } from "../../src/report/errors.js";
import { formatDuration, formatSummary } from "../../src/report/table.js";
import type { RunSummary } from "../../src/report/types.js";

function summary(): RunSummary {
  return {
    scenario: "scep-fleet",
    seed: "42",
    startedAt: "2026-01-01T00:00:00.000Z",
    durationMs: 12_300,
    devices: 100,
    enrolled: 97,
    failed: 3,
    steps: {
      "scep.pkioperation": { count: 100, failed: 3, p50: 120.4, p95: 300, p99: 451.2, max: 900.9, mean: 140 },
      "scep.getcacaps": { count: 100, failed: 0, p50: 3.1, p95: 8, p99: 12.5, max: 20, mean: 4 },
    },
    errors: {
      "scep.failInfo.badRequest": { count: 3, blame: "protocol-outcome", step: "scep.pkioperation", example: "CA said\u001b[2J badRequest" },
    },
    groups: { default: { devices: 100, enrolled: 97, failed: 3 } },
    histograms: { "scep.pkioperation": "HISTFAAAA", "scep.getcacaps": "HISTFBBBB" },
    examples: [{ device: "iphone-15#3", code: "scep.failInfo.badRequest", step: "scep.pkioperation", message: "x" }],
    expectations: [
      { name: "success ratio", ok: false, expected: "≥ 100.0% enrolled", actual: "97/100 enrolled (97.0%)" },
      { name: "latency scep.getcacaps p99", ok: true, expected: "≤ 50 ms", actual: "12.5 ms" },
    ],
    ok: false,
  };
}

describe("formatSummary", () => {
  it("prints a header, aligned step and error tables and marked expectations", () => {
    const text = formatSummary(summary());
    const lines = text.split("\n");
    expect(lines[0]).toBe("Scenario scep-fleet (seed 42): 100 devices, 97 enrolled, 3 failed in 12.3 s (8.1 devices/s) — FAIL");
    const header = lines.find((l) => l.includes("step") && l.includes("p95"))!;
    const row = lines.find((l) => l.startsWith("  scep.getcacaps"))!;
    // numeric columns are right-aligned under their headers
    expect(row.length).toBe(header.length);
    expect(row).toMatch(/scep\.getcacaps\s+100\s+0\s+3\.1\s+8\.0\s+12\.5\s+20\.0$/);
    expect(text).toContain("scep.failInfo.badRequest");
    expect(text).not.toContain("\u001b"); // server text cannot drive the terminal
    expect(text).toContain("  ✗ success ratio: expected ≥ 100.0% enrolled, got 97/100 enrolled (97.0%)");
    expect(text).toContain("  ✓ latency scep.getcacaps p99");
    expect(text).toContain("first failing devices: iphone-15#3");
    expect(text.trimEnd().endsWith("Result: FAIL (1 of 2 expectations not met)")).toBe(true);
  });

  it("prints what the failing device logged (its own log lines, not its screen) between what it shows and what the server said", () => {
    const s = summary();
    s.errors["scep.failInfo.badRequest"]!.shown = {
      text: "Remote Management",
      screen: "Setup Assistant › Remote Management",
      logged: ["mdmclient: Failed to fetch enrollment profile: 0x1"],
      serverSaid: "no such device",
    };
    const lines = formatSummary(s).split("\n");
    const at = (p: string) => lines.findIndex((l) => l.startsWith(`  scep.failInfo.badRequest: ${p}`));
    expect(lines[at("the device logged")]).toBe('  scep.failInfo.badRequest: the device logged "mdmclient: Failed to fetch enrollment profile: 0x1"');
    expect(at("the device shows")).toBeLessThan(at("the device logged"));
    expect(at("the device logged")).toBeLessThan(at("the server said"));
  });

  it("has an ASCII fallback", () => {
    const text = formatSummary(summary(), { unicode: false });
    expect(text).toMatch(/^ {2}FAIL success ratio: expected >= 100\.0% enrolled/m);
    expect(text).toMatch(/^ {2}ok {3}latency/m);
    expect(/[^\x00-\x7f]/.test(text)).toBe(false);
  });

  it("formats durations for people", () => {
    expect(formatDuration(850)).toBe("850 ms");
    expect(formatDuration(12_345)).toBe("12.3 s");
    expect(formatDuration(185_000)).toBe("3 m 05 s");
    expect(formatDuration(3_720_000)).toBe("1 h 02 m");
  });
});

describe("summary JSON", () => {
  it("uses a stable key order and round-trips", () => {
    const s = summary();
    const json = summaryToJson(s);
    const parsed = JSON.parse(json);
    expect(Object.keys(parsed)).toEqual([
      "scenario", "seed", "startedAt", "durationMs", "devices", "enrolled", "failed",
      "steps", "errors", "groups", "outcomes", "histograms", "examples", "expectations", "ok",
    ]);
    expect(Object.keys(parsed.steps)).toEqual(["scep.getcacaps", "scep.pkioperation"]);
    expect(Object.keys(parsed.steps["scep.getcacaps"])).toEqual(["count", "failed", "p50", "p95", "p99", "max", "mean"]);
    // the same summary built in another insertion order serialises identically
    const shuffled = { ...s, steps: { "scep.getcacaps": s.steps["scep.getcacaps"]!, "scep.pkioperation": s.steps["scep.pkioperation"]! } };
    expect(summaryToJson(shuffled)).toBe(json);
    expect(parseSummary(json)).toEqual(JSON.parse(json));
  });

  it("rejects a malformed summary file with a ReportError naming the field", () => {
    expect(() => parseSummary("{")).toThrow(ReportError);
    expect(() => parseSummary(JSON.stringify({ ...summary(), devices: "100" }))).toThrow(/"devices"/);
  });
});
