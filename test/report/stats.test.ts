// SPDX-License-Identifier: MIT
import { describe, expect, it } from "vitest";
import { ReportError } from "../../src/report/errors.js";
import {
  StepStats,
  bucketMean,
  decodeHistogram,
  encodeHistogram,
  latencyFigures,
  mergeEncoded,
  msToUnits,
  newLatencyHistogram,
  recordMs,
} from "../../src/report/stats.js";

const within = (actual: number, expected: number, relative = 0.002) =>
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(expected * relative + 0.1);

describe("latency histograms", () => {
  it("bucketMean is hdr-histogram's mean exactly: empty, one value, spread values, values at the range's end, merged and decoded histograms", () => {
    let seed = 7;
    const next = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const empty = newLatencyHistogram();
    expect(bucketMean(empty)).toBe(0);
    const cases = [
      [3.2],
      Array.from({ length: 5000 }, () => 1 + next() ** 4 * 60_000),
      Array.from({ length: 300 }, () => next() * 3_600_000),
      [0.001, 0.5, 1, 3_600_000, 3_600_000],
    ];
    for (const values of cases) {
      const h = newLatencyHistogram();
      for (const v of values) recordMs(h, v);
      expect(bucketMean(h)).toBe(h.mean);
      const again = decodeHistogram(mergeEncoded(encodeHistogram(h), encodeHistogram(h)));
      expect(bucketMean(again)).toBe(again.mean);
      expect(latencyFigures(h).mean).toBe(Math.round((h.mean / 1000) * 10) / 10);
    }
  });

  it("reports percentiles of 1..1000 ms within HDR precision", () => {
    const h = newLatencyHistogram();
    for (let ms = 1; ms <= 1000; ms++) recordMs(h, ms);
    const f = latencyFigures(h);
    expect(f.samples).toBe(1000);
    within(f.p50, 500);
    within(f.p95, 950);
    within(f.p99, 990);
    within(f.max, 1000);
    within(f.mean, 500.5);
  });

  it("keeps sub-millisecond resolution (microsecond unit) and rounds to one decimal", () => {
    const h = newLatencyHistogram();
    for (let i = 0; i < 10; i++) recordMs(h, 0.25);
    const f = latencyFigures(h);
    expect(f.p50).toBe(0.3); // 250 µs → 0.25 ms → one decimal
    expect(f.max).toBe(0.3);
  });

  it("clamps out-of-range samples instead of throwing", () => {
    expect(msToUnits(-5)).toBe(0);
    expect(msToUnits(10 * 3_600_000)).toBe(3_600_000_000);
    const h = newLatencyHistogram();
    recordMs(h, 10 * 3_600_000);
    recordMs(h, Number.NaN);
    expect(h.totalCount).toBe(1);
    expect(latencyFigures(h).max).toBeGreaterThanOrEqual(3_599_000);
  });

  it("reports zeros for an empty histogram", () => {
    expect(latencyFigures(newLatencyHistogram())).toEqual({ samples: 0, p50: 0, p95: 0, p99: 0, max: 0, mean: 0 });
  });

  it("merging two encoded histograms equals recording both sets into one", () => {
    const a = newLatencyHistogram();
    const b = newLatencyHistogram();
    const both = newLatencyHistogram();
    for (let i = 1; i <= 500; i++) {
      recordMs(a, i * 1.7);
      recordMs(both, i * 1.7);
    }
    for (let i = 1; i <= 300; i++) {
      recordMs(b, 2000 + i * 3.3);
      recordMs(both, 2000 + i * 3.3);
    }
    const merged = decodeHistogram(mergeEncoded(encodeHistogram(a), encodeHistogram(b)));
    expect(merged.totalCount).toBe(800);
    expect(latencyFigures(merged)).toEqual(latencyFigures(both));
    for (const p of [10, 50, 62.5, 90, 99, 99.9]) {
      expect(merged.getValueAtPercentile(p)).toBe(both.getValueAtPercentile(p));
    }
  });

  it("rejects text that is not an encoded histogram with a ReportError", () => {
    expect(() => mergeEncoded("not base64 at all!", encodeHistogram(newLatencyHistogram()))).toThrow(ReportError);
    expect(() => decodeHistogram("", "step x")).toThrow(/step x/);
    try {
      decodeHistogram("AAAA");
      expect.unreachable();
    } catch (err) {
      expect((err as ReportError).code).toBe("report.invalid-histogram");
    }
  });
});

describe("StepStats", () => {
  it("counts samples and failures per step and measures latency of successful samples only", () => {
    const s = new StepStats();
    for (let i = 1; i <= 100; i++) s.record("scep.getcacaps", i, true);
    s.record("scep.getcacaps", 30_000, false); // a timeout must not move the percentiles
    s.record("scep.pkioperation", 5, false);
    const sum = s.summaries();
    expect(sum["scep.getcacaps"]!.count).toBe(101);
    expect(sum["scep.getcacaps"]!.failed).toBe(1);
    within(sum["scep.getcacaps"]!.p50, 50);
    within(sum["scep.getcacaps"]!.max, 100);
    expect(sum["scep.pkioperation"]).toEqual({ count: 1, failed: 1, p50: 0, p95: 0, p99: 0, max: 0, mean: 0 });
    expect(s.steps()).toEqual(["scep.getcacaps", "scep.pkioperation"]);
    expect(decodeHistogram(s.encoded()["scep.getcacaps"]!).totalCount).toBe(100);
  });
});
