// SPDX-License-Identifier: MIT
/**
 * Per-step latency statistics on HDR histograms (design-practices.md §11: never keep every sample).
 *
 * Unit: histograms record **integer microseconds** (`Math.round(ms * 1000)`), so sub-millisecond
 * steps on a fast LAN or the virtual clock keep their resolution; figures are reported in
 * milliseconds with one decimal. Range 0 µs … 1 hour at 3 significant digits (≤ 0.1 % error);
 * longer samples are clamped to one hour, negative ones to 0.
 *
 * Histograms are exchanged between processes as `encodeIntoCompressedBase64()` strings
 * (HdrHistogram V2 compressed format, readable by the Java/Go/Rust ports too) and combined with
 * {@link mergeEncoded}. Only the pure-JS implementation is used: no WebAssembly init is needed.
 */
import * as hdr from "hdr-histogram-js";
import { ReportError } from "./errors.js";
import type { StepSummary } from "./types.js";

/** The hdr-histogram-js histogram type. */
export type Histogram = hdr.Histogram;

/** Histogram units per millisecond: values are microseconds. */
export const UNITS_PER_MS = 1000;
/** Largest recordable value: one hour, in microseconds. */
export const MAX_TRACKABLE_US = 3_600_000_000;

/** A new empty latency histogram (µs, 1 µs … 1 h, 3 significant digits, fixed range). */
export function newLatencyHistogram(): Histogram {
  return hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: MAX_TRACKABLE_US,
    numberOfSignificantValueDigits: 3,
    autoResize: false,
    useWebAssembly: false,
  });
}

/** Converts a duration in ms to the recorded unit, clamped to the histogram's range. */
export function msToUnits(ms: number): number {
  if (!(ms > 0)) return 0;
  return Math.min(MAX_TRACKABLE_US, Math.round(ms * UNITS_PER_MS));
}

/** Records one duration given in milliseconds. Non-finite durations are ignored. */
export function recordMs(histogram: Histogram, ms: number): void {
  if (Number.isNaN(ms)) return;
  histogram.recordValue(msToUnits(ms));
}

/** Takes one recorded duration (ms) back out of a histogram, if a sample of that value is there. */
export function unrecordMs(histogram: Histogram, ms: number): void {
  if (Number.isNaN(ms)) return;
  const v = msToUnits(ms);
  // The pure-JS histogram (useWebAssembly: false) exposes its buckets; a negative count removes one.
  const js = histogram as unknown as { countsArrayIndex(value: number): number; getCountAtIndex(index: number): number };
  if (js.getCountAtIndex(js.countsArrayIndex(v)) > 0) histogram.recordValueWithCount(v, -1);
}

/** Compressed base64 form of a histogram, mergeable across processes. */
export function encodeHistogram(histogram: Histogram): string {
  return hdr.encodeIntoCompressedBase64(histogram);
}

/**
 * Decodes a compressed base64 histogram.
 * @throws {ReportError} `report.invalid-histogram` when the text is not a V2 compressed histogram.
 */
export function decodeHistogram(encoded: string, what = "histogram"): Histogram {
  if (typeof encoded !== "string" || encoded.trim() === "") {
    throw new ReportError("report.invalid-histogram", `${what}: expected a compressed base64 HDR histogram, got an empty value`);
  }
  try {
    const decoded = hdr.decodeFromCompressedBase64(encoded, 32, false);
    // Copy into our fixed configuration so every merged histogram has the same range.
    const out = newLatencyHistogram();
    out.add(decoded);
    return out;
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new ReportError("report.invalid-histogram", `${what}: not a compressed base64 HDR histogram (${reason})`, {
      cause: err,
    });
  }
}

/** Merges two encoded histograms into one encoded histogram holding both sets of samples. */
export function mergeEncoded(a: string, b: string): string {
  const merged = decodeHistogram(a, "first histogram");
  merged.add(decodeHistogram(b, "second histogram"));
  return encodeHistogram(merged);
}

/** Latency figures of a histogram in ms with one decimal; all 0 when it is empty. */
export interface LatencyFigures {
  samples: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

const toMs = (units: number): number => Math.round((units / UNITS_PER_MS) * 10) / 10;

/** Reads count, p50/p95/p99, max and mean (ms, 1 decimal) from a histogram. */
export function latencyFigures(histogram: Histogram): LatencyFigures {
  const samples = histogram.totalCount;
  if (samples === 0) return { samples: 0, p50: 0, p95: 0, p99: 0, max: 0, mean: 0 };
  return {
    samples,
    p50: toMs(histogram.getValueAtPercentile(50)),
    p95: toMs(histogram.getValueAtPercentile(95)),
    p99: toMs(histogram.getValueAtPercentile(99)),
    // From the buckets, not the exact recorded max, so a merged histogram reports the same figure.
    max: toMs(histogram.getValueAtPercentile(100)),
    mean: toMs(bucketMean(histogram)),
  };
}

/** The internals of hdr-histogram-js's JS histogram that {@link bucketMean} reads (public methods of its class, absent from its typings). */
interface CountsView {
  countsArrayLength: number;
  getCountAtIndex(i: number): number;
  valueFromIndex(i: number): number;
  medianEquivalentValue(v: number): number;
}

/**
 * `histogram.mean`, computed the same way — each bucket's median-equivalent value times its count,
 * summed in bucket order, over the total count — by a plain loop over the counts. hdr-histogram-js
 * walks its recorded-values iterator instead, ≈ 6.6 ms per step histogram (one iterator object per
 * bucket visited), which the end of every run paid per step and platform (2.5 % of the simulator's CPU
 * in a profiled 300-device windows-enroll run; docs/performance.md). Same value (test/report/stats.test.ts).
 */
export function bucketMean(histogram: Histogram): number {
  const total = histogram.totalCount;
  if (total === 0) return 0;
  const h = histogram as unknown as Partial<CountsView>;
  if (typeof h.countsArrayLength !== "number" || typeof h.getCountAtIndex !== "function" || typeof h.valueFromIndex !== "function" || typeof h.medianEquivalentValue !== "function") return histogram.mean;
  const v = h as CountsView;
  let sum = 0;
  for (let i = 0; i < v.countsArrayLength; i++) {
    const c = v.getCountAtIndex(i);
    if (c !== 0) sum += v.medianEquivalentValue(v.valueFromIndex(i)) * c;
  }
  return sum / total;
}

/** Builds a {@link StepSummary} from counters and the step's successful-latency histogram. */
export function stepSummary(count: number, failed: number, histogram: Histogram): StepSummary {
  const f = latencyFigures(histogram);
  return { count, failed, p50: f.p50, p95: f.p95, p99: f.p99, max: f.max, mean: f.mean };
}

interface StepCell {
  count: number;
  failed: number;
  histogram: Histogram;
}

/**
 * Counters and a latency histogram per step. Memory is O(steps), independent of the number of
 * samples. Latency percentiles are over successful samples: a 30 s timeout or a 2 ms rejection
 * says nothing about how fast the server serves the step, and is counted in `failed` instead.
 */
export class StepStats {
  private readonly cells = new Map<string, StepCell>();

  /** Records one step sample. */
  record(step: string, ms: number, ok: boolean): void {
    let cell = this.cells.get(step);
    if (!cell) {
      cell = { count: 0, failed: 0, histogram: newLatencyHistogram() };
      this.cells.set(step, cell);
    }
    cell.count++;
    if (ok) recordMs(cell.histogram, ms);
    else cell.failed++;
  }

  /**
   * The step that ended a device's flow counts as failed whatever the blame (issue 12 #16).
   * `"ok"`: that device's successful sample of `okMs` becomes a failed one (taken out of the
   * latency histogram, so percentiles stay over successful samples); `"none"`: the step never
   * reported a sample, one failed sample is counted; `"failed"`: already counted.
   */
  endedAt(step: string, sample: "ok" | "failed" | "none", okMs?: number): void {
    const cell = this.cells.get(step);
    if (sample === "failed") return;
    if (sample === "none" || !cell || cell.failed >= cell.count) return this.record(step, 0, false);
    cell.failed++;
    if (okMs !== undefined) unrecordMs(cell.histogram, okMs);
  }

  /** Step names in first-seen order. */
  steps(): string[] {
    return [...this.cells.keys()];
  }

  /** Figures per step, in first-seen order. */
  summaries(): Record<string, StepSummary> {
    const out: Record<string, StepSummary> = {};
    for (const [step, c] of this.cells) out[step] = stepSummary(c.count, c.failed, c.histogram);
    return out;
  }

  /** Encoded histogram per step, for {@link mergeEncoded} in another process. */
  encoded(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [step, c] of this.cells) out[step] = encodeHistogram(c.histogram);
    return out;
  }
}
