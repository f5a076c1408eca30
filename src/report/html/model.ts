// SPDX-License-Identifier: MIT
/**
 * What the report page draws, built from a run's summary (a fresh run, a saved summary.json or a
 * shard merge): dense per-second series from the sparse timeline, p50/p95/p99 per latency window
 * from the HDR windows, per-step latency distributions from the run-wide HDR histograms. The live
 * dashboard sends the same shape (with 1-second latency windows), so one page script draws both.
 * Histograms are decoded here, once, so the page carries numbers, never base64 histograms.
 */
import type { TranscriptEvent } from "../../ports/transcript.js";
import type { ExtendedSummary } from "../metrics.js";
import { decodeHistogram, UNITS_PER_MS } from "../stats.js";
import { deviceTranscript, type DeviceTranscript, type TranscriptEntry } from "../transcript/model.js";

/** Counts per epoch second, every second from the first to the last (zeros filled in). */
export interface ChartSeries {
  t: number[];
  starts: number[];
  ok: number[];
  /** Devices started and not yet ended at the end of the second. */
  inFlight: number[];
  /** Failed devices by failure code. */
  failed: Record<string, number[]>;
  checkins: number[];
  checkinFailed: number[];
  /** Seconds per point when the run was too long to draw every second (values are then per-second averages). */
  bucketSeconds?: number;
}

/** p50/p95/p99 (ms) per latency window and step; null where the step had no sample in the window. */
export interface LatencySeries {
  windowSeconds: number;
  t: number[];
  steps: Record<string, { p50: (number | null)[]; p95: (number | null)[]; p99: (number | null)[] }>;
}

/** A step's latency distribution: latency (ms) at each percentile of {@link DISTRIBUTION_PERCENTILES}. */
export interface Distribution {
  step: string;
  samples: number;
  ms: number[];
}

/** Percentiles the distribution charts are drawn at (denser towards the tail, where latency problems live). */
export const DISTRIBUTION_PERCENTILES = [0, 10, 20, 30, 40, 50, 60, 70, 75, 80, 85, 90, 92.5, 95, 96, 97, 98, 99, 99.5, 99.9, 99.99, 100];

/** The summary without what the page does not read (histograms, raw timeline, windows). */
export type PageSummary = Omit<ExtendedSummary, "histograms" | "timeline" | "latency" | "platforms"> & {
  platforms?: Record<string, Omit<NonNullable<ExtendedSummary["platforms"]>[string], "histograms">>;
};

export interface ReportModel {
  summary: PageSummary;
  series: ChartSeries;
  latency: LatencySeries;
  distributions: Distribution[];
  /** The scenario file as run, redacted (absent when not known, e.g. a merged summary without --scenario). */
  scenarioText?: string;
  /** Decoded, redacted transcripts of sample failing devices (report/transcript), by device id. */
  transcripts?: Record<string, DeviceTranscript>;
  /** Devices whose transcript was left out to keep the page under its size budget ({@link TRANSCRIPTS_PAGE_CHARS}). */
  transcriptsOmitted?: string[];
}

/**
 * Characters of decoded transcripts one page holds (about 2.5 MB): the rest of a one-hour
 * 50,000-device report is about 0.3 MB (bench/report-html.mjs), so the page stays under 5 MB and
 * opens fast; devices past the budget are named, not embedded (their traces hold them).
 */
export const TRANSCRIPTS_PAGE_CHARS = 2_500_000;

/** Characters of a recorded body the page keeps (the decoded form is kept whole). */
export const PAGE_BODY_CHARS = 16 * 1024;

function clipBodies(e: TranscriptEntry): TranscriptEntry {
  const clip = (m: TranscriptEntry["request"]) => {
    if (!m?.body) return m;
    const body = Object.fromEntries(Object.entries(m.body).map(([k, v]) => [k, typeof v === "string" && v.length > PAGE_BODY_CHARS ? `${v.slice(0, PAGE_BODY_CHARS)}… [${v.length - PAGE_BODY_CHARS} more characters not shown]` : v]));
    return { ...m, body };
  };
  return { ...e, ...(e.request ? { request: clip(e.request) } : {}), ...(e.response ? { response: clip(e.response) } : {}) };
}

/** Decodes recorded (redacted) events of devices into the transcript view, dropping devices without events, within a size budget. */
export function decodedTranscripts(events: Record<string, TranscriptEvent[]>, budget = TRANSCRIPTS_PAGE_CHARS): { transcripts: Record<string, DeviceTranscript>; omitted: string[] } {
  const transcripts: Record<string, DeviceTranscript> = {};
  const omitted: string[] = [];
  let used = 0;
  for (const [device, list] of Object.entries(events)) {
    if (list.length === 0) continue;
    const t = deviceTranscript(list, device);
    const view = { ...t, entries: t.entries.map(clipBodies) };
    const size = JSON.stringify(view).length;
    if (used + size > budget) {
      omitted.push(device);
      continue;
    }
    used += size;
    transcripts[device] = view;
  }
  return { transcripts, omitted };
}

/** Most points per series: a longer run is drawn in buckets of several seconds (a 1-hour run is not). */
export const MAX_SERIES_POINTS = 20_000;
/** Failure codes drawn as their own series; the rest are summed as {@link OTHER_CODES}. */
export const MAX_SERIES_CODES = 12;
export const OTHER_CODES = "(other codes)";

const total = (o: Record<string, number> | undefined) => Object.values(o ?? {}).reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0);

/**
 * Dense series from a sparse timeline: every second from the first to the last, or, past
 * {@link MAX_SERIES_POINTS} seconds, every `bucketSeconds` with per-second averages (so a file
 * whose seconds span years cannot make the page, or this process, allocate without bound).
 * Seconds need not be sorted or unique (a hand-made or merged file); non-numbers are skipped.
 */
export function seriesOf(timeline: ExtendedSummary["timeline"] = []): ChartSeries {
  const out: ChartSeries = { t: [], starts: [], ok: [], inFlight: [], failed: {}, checkins: [], checkinFailed: [] };
  const rows = timeline.filter((x) => x !== null && typeof x === "object" && Number.isFinite(x.t));
  if (rows.length === 0) return out;
  let first = Infinity;
  let last = -Infinity;
  for (const x of rows) {
    first = Math.min(first, Math.floor(x.t));
    last = Math.max(last, Math.floor(x.t));
  }
  const step = Math.max(1, Math.ceil((last - first + 1) / MAX_SERIES_POINTS));
  const byCode = new Map<string, number>();
  for (const x of rows) for (const [c, n] of Object.entries(x.failed ?? {})) byCode.set(c, (byCode.get(c) ?? 0) + (Number.isFinite(n) ? n : 0));
  const ranked = [...byCode].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([c]) => c);
  const shown = new Set(ranked.slice(0, ranked.length > MAX_SERIES_CODES ? MAX_SERIES_CODES - 1 : MAX_SERIES_CODES));
  const codes = [...shown].sort().concat(ranked.length > shown.size ? [OTHER_CODES] : []);
  const n = Math.floor((last - first) / step) + 1;
  const zero = () => new Array<number>(n).fill(0);
  const starts = zero();
  const ok = zero();
  const failed = zero();
  const checkins = zero();
  const checkinFailed = zero();
  const perCode = new Map(codes.map((c) => [c, zero()]));
  for (const x of rows) {
    const b = Math.floor((Math.floor(x.t) - first) / step);
    starts[b]! += Number.isFinite(x.starts) ? x.starts : 0;
    ok[b]! += Number.isFinite(x.ok) ? x.ok : 0;
    failed[b]! += total(x.failed);
    checkins[b]! += Number.isFinite(x.checkins) ? x.checkins : 0;
    checkinFailed[b]! += total(x.checkinFailed);
    for (const [c, v] of Object.entries(x.failed ?? {})) perCode.get(shown.has(c) ? c : OTHER_CODES)![b]! += Number.isFinite(v) ? v : 0;
  }
  let inFlight = 0;
  const avg = (v: number) => (step === 1 ? v : Number((v / step).toPrecision(4)));
  for (let b = 0; b < n; b++) {
    inFlight = Math.max(0, inFlight + starts[b]! - ok[b]! - failed[b]!);
    out.t.push(first + b * step);
    out.starts.push(avg(starts[b]!));
    out.ok.push(avg(ok[b]!));
    out.inFlight.push(inFlight);
    out.checkins.push(avg(checkins[b]!));
    out.checkinFailed.push(avg(checkinFailed[b]!));
  }
  for (const c of codes) out.failed[c] = perCode.get(c)!.map(avg);
  if (step > 1) out.bucketSeconds = step;
  return out;
}

const ms1 = (units: number) => Math.round((units / UNITS_PER_MS) * 10) / 10;

/** p50/p95/p99 per window and step from the summary's latency windows. */
export function latencyOf(s: ExtendedSummary): LatencySeries {
  const lat = s.latency;
  const out: LatencySeries = { windowSeconds: lat?.windowSeconds ?? 5, t: [], steps: {} };
  if (!lat) return out;
  const steps = [...new Set(lat.windows.flatMap((w) => Object.keys(w.steps)))].sort();
  for (const st of steps) out.steps[st] = { p50: [], p95: [], p99: [] };
  for (const w of lat.windows) {
    out.t.push(w.t);
    for (const st of steps) {
      const enc = w.steps[st];
      const cell = out.steps[st]!;
      if (enc === undefined) {
        cell.p50.push(null);
        cell.p95.push(null);
        cell.p99.push(null);
        continue;
      }
      const h = decodeHistogram(enc, `latency window ${w.t} step ${st}`);
      const empty = h.totalCount === 0;
      cell.p50.push(empty ? null : ms1(h.getValueAtPercentile(50)));
      cell.p95.push(empty ? null : ms1(h.getValueAtPercentile(95)));
      cell.p99.push(empty ? null : ms1(h.getValueAtPercentile(99)));
    }
  }
  return out;
}

/** Per-step distributions from the run-wide histograms. */
export function distributionsOf(s: ExtendedSummary): Distribution[] {
  return Object.entries(s.histograms ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([step, enc]) => {
      const h = decodeHistogram(enc, `histogram of step ${step}`);
      return { step, samples: h.totalCount, ms: h.totalCount === 0 ? [] : DISTRIBUTION_PERCENTILES.map((p) => ms1(h.getValueAtPercentile(p))) };
    })
    .filter((d) => d.samples > 0);
}

/** The page's view of a summary. */
export function pageSummary(s: ExtendedSummary): PageSummary {
  const { histograms: _h, timeline: _t, latency: _l, platforms, ...rest } = s;
  void _h;
  void _t;
  void _l;
  return {
    ...rest,
    ...(platforms ? { platforms: Object.fromEntries(Object.entries(platforms).map(([p, { histograms: _x, ...m }]) => (void _x, [p, m]))) } : {}),
  };
}

/** Builds the page model of a run. */
export function reportModel(s: ExtendedSummary, extra: { scenarioText?: string; transcripts?: Record<string, TranscriptEvent[]> } = {}): ReportModel {
  const tx = extra.transcripts ? decodedTranscripts(extra.transcripts) : undefined;
  return {
    summary: pageSummary(s),
    series: seriesOf(s.timeline),
    latency: latencyOf(s),
    distributions: distributionsOf(s),
    ...(extra.scenarioText !== undefined ? { scenarioText: extra.scenarioText } : {}),
    ...(tx && Object.keys(tx.transcripts).length ? { transcripts: tx.transcripts } : {}),
    ...(tx?.omitted.length ? { transcriptsOmitted: tx.omitted } : {}),
  };
}
