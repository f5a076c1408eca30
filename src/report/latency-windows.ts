// SPDX-License-Identifier: MIT
/**
 * Step latency over time, mergeable across shards: one HDR histogram per (window, step), where a
 * window is {@link LATENCY_WINDOW_SECONDS} epoch-aligned seconds, exchanged as compressed base64
 * like the run-wide ones. The HTML report reads p50/p95/p99 per window from them; shards that ran
 * at the same time merge window by window exactly (same epoch alignment everywhere).
 * Memory: the open windows' histograms only (samples end in time order, so at most two windows
 * are open); closed windows are kept encoded (a few hundred bytes each).
 */
import { decodeHistogram, encodeHistogram, newLatencyHistogram, recordMs, type Histogram } from "./stats.js";

/** Width of one latency window, seconds. Fixed, so windows of different shards line up. */
export const LATENCY_WINDOW_SECONDS = 5;

/** One window: its first epoch second and, per step, the histogram (µs) of successful samples. */
export interface LatencyWindow {
  t: number;
  steps: Record<string, string>;
}

/** The run's latency windows (`latency` in summary.json). */
export interface LatencyTimeline {
  windowSeconds: number;
  windows: LatencyWindow[];
}

const windowOf = (ms: number) => Math.floor(ms / 1000 / LATENCY_WINDOW_SECONDS) * LATENCY_WINDOW_SECONDS;

/** Collects successful step samples into windows. */
export class LatencyWindows {
  private readonly open = new Map<number, Map<string, Histogram>>();
  private readonly closed = new Map<number, Map<string, string>>();

  /** Records a successful sample of `step` that ended at `atMs` (epoch ms). */
  record(step: string, ms: number, atMs: number): void {
    const t = windowOf(atMs);
    let w = this.open.get(t);
    if (!w) {
      w = new Map();
      this.open.set(t, w);
      // Windows two or more behind the newest cannot get samples any more in a monotonic run: encode them.
      for (const old of [...this.open.keys()]) if (old < t - LATENCY_WINDOW_SECONDS) this.close(old);
    }
    let h = w.get(step);
    if (!h) {
      h = newLatencyHistogram();
      w.set(step, h);
    }
    recordMs(h, ms);
  }

  private close(t: number): void {
    const w = this.open.get(t)!;
    this.open.delete(t);
    const into = this.closed.get(t) ?? new Map<string, string>();
    for (const [step, h] of w) {
      const prev = into.get(step);
      if (prev !== undefined) h.add(decodeHistogram(prev, `latency window ${t} step ${step}`));
      into.set(step, encodeHistogram(h));
    }
    this.closed.set(t, into);
  }

  /** Every window so far, oldest first (open ones encoded too; they stay open). */
  timeline(): LatencyTimeline {
    const all = new Map<number, Map<string, string>>();
    for (const [t, w] of this.closed) all.set(t, new Map(w));
    for (const [t, w] of this.open) {
      const into = all.get(t) ?? new Map<string, string>();
      for (const [step, h] of w) {
        const prev = into.get(step);
        const copy = newLatencyHistogram();
        copy.add(h);
        if (prev !== undefined) copy.add(decodeHistogram(prev, `latency window ${t} step ${step}`));
        into.set(step, encodeHistogram(copy));
      }
      all.set(t, into);
    }
    return { windowSeconds: LATENCY_WINDOW_SECONDS, windows: sortedWindows(all) };
  }
}

function sortedWindows(all: Map<number, Map<string, string>>): LatencyWindow[] {
  return [...all].sort(([a], [b]) => a - b).map(([t, w]) => ({ t, steps: Object.fromEntries([...w].sort(([a], [b]) => a.localeCompare(b))) }));
}

/**
 * Merges the latency windows of several shards window by window and step by step (histograms add).
 * Shards without windows (older summaries) add nothing.
 * @throws {ReportError} `report.invalid-histogram` when a histogram does not decode.
 */
export function mergeLatency(parts: readonly (LatencyTimeline | undefined)[]): LatencyTimeline | undefined {
  const present = parts.filter((p): p is LatencyTimeline => p !== undefined);
  if (present.length === 0) return undefined;
  const all = new Map<number, Map<string, Histogram>>();
  for (const [i, p] of present.entries()) {
    for (const w of p.windows) {
      const into = all.get(w.t) ?? new Map<string, Histogram>();
      all.set(w.t, into);
      for (const [step, enc] of Object.entries(w.steps)) {
        const h = into.get(step) ?? newLatencyHistogram();
        into.set(step, h);
        h.add(decodeHistogram(enc, `summary ${i + 1} latency window ${w.t} step ${step}`));
      }
    }
  }
  const enc = new Map<number, Map<string, string>>();
  for (const [t, w] of all) enc.set(t, new Map([...w].map(([s, h]) => [s, encodeHistogram(h)])));
  return { windowSeconds: LATENCY_WINDOW_SECONDS, windows: sortedWindows(enc) };
}
