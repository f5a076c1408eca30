// SPDX-License-Identifier: MIT
/**
 * Run metrics beyond the base summary, all mergeable across shards (design-practices.md §11):
 * - a per-second timeline of starts, successes, failures by error code, and check-ins, keyed by
 *   absolute epoch second so shards that ran at the same time line up;
 * - HDR histograms per (platform, step), exchanged as compressed base64 like the per-step ones;
 * - shard, resume and steady-state facts.
 * Memory is O(seconds × codes + platforms × steps), never per sample or per device.
 */
import type { FiredAction } from "../runner/timeline/types.js";
import type { CheckinSample, DeviceResult, RunObserver, StepSample } from "../runner/observer.js";
import { checkShardSet, type IncompleteShards, type ShardSetOptions } from "./shard-set.js";
import { ReportError } from "./errors.js";
import { orderedSummary } from "./json.js";
import { mergeSummaries } from "./merge.js";
import { decodeHistogram, encodeHistogram, newLatencyHistogram, recordMs, stepSummary, unrecordMs, type Histogram } from "./stats.js";
import type { RunSummary, StepSummary } from "./types.js";
import type { ExpectationSpec } from "./expectations.js";
import { LatencyWindows, mergeLatency, type LatencyTimeline } from "./latency-windows.js";

/** One second of the timeline (only seconds where something happened are kept). */
export interface TimelineSecond {
  /** Epoch second. */
  t: number;
  starts: number;
  ok: number;
  /** Failed devices by failure code. */
  failed: Record<string, number>;
  checkins: number;
  /** Failed check-ins by code. */
  checkinFailed: Record<string, number>;
}

export interface PlatformMetrics {
  devices: number;
  enrolled: number;
  failed: number;
  checkins: number;
  checkinFailed: number;
  steps: Record<string, StepSummary>;
  /** Per step: HDR histogram (µs) of successful samples, compressed base64. */
  histograms: Record<string, string>;
}

/** The fields a sharded / load run adds to summary.json. */
export interface RunMetrics {
  /**
   * The run was stopped by an operator (SIGINT/SIGTERM) before it ended on its own: arrivals
   * stopped, in-flight devices were let finish (`aborted`: a second signal or the grace period
   * cut them short). Its counts cover only what ran.
   */
  interrupted?: { signal: string; aborted: boolean };
  /** A merge with shards missing (`report merge --allow-partial`): the run's shard count and the absent shards. */
  incomplete?: IncompleteShards;
  shard?: { index: number; count: number };
  /** Shard summaries merged into this one (1 for a single process). */
  shards?: number;
  timeline: TimelineSecond[];
  platforms: Record<string, PlatformMetrics>;
  checkins: { total: number; failed: number; codes?: Record<string, number> };
  /** Devices skipped because a resumed store already had them enrolled. */
  resumedSkipped?: number;
  /** Devices in flight when the previous run died, continued from their durable protocol checkpoint. */
  resumedFromCheckpoint?: number;
  /** `resumedFromCheckpoint` by the state each device continued from (scep.pkioperation, apple.authenticate, windows.omadm, …). */
  resumedFromCheckpointByState?: Record<string, number>;
  /** Devices in flight when the previous run died, redone from the start (the server may hold a second record for each). */
  resumedRestart?: number;
  /**
   * Every resume the fleet store records, over all the runs that used it (a store killed three times
   * is resumed three times): devices resumed at least once, restarts, and continuations by state.
   */
  resumeHistory?: { devices: number; restart: number; fromCheckpoint: Record<string, number> };
  store?: string;
  /** The scenario timeline's actions: each fired one with its time, then those that never fired. */
  actions?: FiredAction[];
  /** Step latency over time: HDR histograms per 5-second window and step (latency-windows.ts). */
  latency?: LatencyTimeline;
  /** Where the run ran (the HTML report's environment section); one entry per shard after a merge. */
  environment?: RunEnvironment[];
  /** `run --workers N`: the worker threads the run used and those that died before their summary. */
  workers?: WorkersReport;
}

/** The load generator's environment, recorded by the process that ran the devices. */
export interface RunEnvironment {
  enrollsim: string;
  node: string;
  os: string;
  cpus: number;
  /** "embedded reference server" or the server URL. */
  server: string;
  shard?: string;
}

/** A worker thread that died: its index, the devices it still held (counted failed as worker.crashed) and why. */
export interface CrashedWorker {
  index: number;
  /** Devices it held (never started, or started without a reported end). */
  held: number;
  /** Their names, at most {@link MAX_CRASHED_NAMES}. */
  devices: string[];
  cause: string;
}

export interface WorkersReport {
  /** Worker threads of the run (summed over merged shards). */
  count: number;
  crashed: CrashedWorker[];
}

export const MAX_CRASHED_NAMES = 100;

export type ExtendedSummary = RunSummary & Partial<RunMetrics>;

interface PlatformCell {
  devices: number;
  enrolled: number;
  failed: number;
  checkins: number;
  checkinFailed: number;
  steps: Map<string, { count: number; failed: number; h: Histogram }>;
}

const second = (ms: number) => Math.floor(ms / 1000);

/** Observer collecting the timeline and per-platform histograms. */
export class MetricsCollector implements RunObserver {
  private readonly seconds = new Map<number, TimelineSecond>();
  private readonly platforms = new Map<string, PlatformCell>();
  private readonly latency = new LatencyWindows();
  private checkinTotal = 0;
  private checkinFailed = 0;
  private readonly checkinCodes = new Map<string, number>();
  /** Devices in flight at a previous run's death, by how this run continued them. */
  readonly resumed = { checkpoint: 0, restart: 0 };
  /** Devices continued from a checkpoint, by its state. */
  readonly resumedByState: Record<string, number> = {};

  constructor(private readonly now: () => number = Date.now) {}

  private sec(ms: number): TimelineSecond {
    const t = second(ms);
    let s = this.seconds.get(t);
    if (!s) {
      s = { t, starts: 0, ok: 0, failed: {}, checkins: 0, checkinFailed: {} };
      this.seconds.set(t, s);
    }
    return s;
  }

  private platform(p: string): PlatformCell {
    let c = this.platforms.get(p);
    if (!c) {
      c = { devices: 0, enrolled: 0, failed: 0, checkins: 0, checkinFailed: 0, steps: new Map() };
      this.platforms.set(p, c);
    }
    return c;
  }

  onDeviceStart(): void {
    this.sec(this.now()).starts++;
  }

  private stepCell(platform: string, step: string): { count: number; failed: number; h: Histogram } {
    const c = this.platform(platform);
    let s = c.steps.get(step);
    if (!s) {
      s = { count: 0, failed: 0, h: newLatencyHistogram() };
      c.steps.set(step, s);
    }
    return s;
  }

  onStep(x: StepSample): void {
    const s = this.stepCell(x.platform ?? "unknown", x.step);
    s.count++;
    if (x.ok) {
      recordMs(s.h, x.ms);
      this.latency.record(x.step, x.ms, this.now());
    } else s.failed++;
  }

  onDeviceEnd(r: DeviceResult): void {
    if (r.resumed) this.resumed[r.resumed]++;
    if (r.resumed === "checkpoint" && r.resumedFrom) this.resumedByState[r.resumedFrom] = (this.resumedByState[r.resumedFrom] ?? 0) + 1;
    const s = this.sec(r.endedAt);
    const c = this.platform(r.platform);
    c.devices++;
    if (r.ok) {
      s.ok++;
      c.enrolled++;
    } else {
      const code = r.failure?.code ?? "internal.missing-failure";
      // The step that ended the flow counts as failed whatever the blame (see StepStats.endedAt).
      const f = r.failure;
      if (f?.step && f.stepSample !== undefined && f.stepSample !== "failed") {
        const st = this.stepCell(r.platform, f.step);
        if (f.stepSample === "none" || st.failed >= st.count) st.count++;
        else if (f.stepSampleMs !== undefined) unrecordMs(st.h, f.stepSampleMs);
        st.failed++;
      }
      s.failed[code] = (s.failed[code] ?? 0) + 1;
      c.failed++;
    }
  }

  onCheckin(x: CheckinSample): void {
    const s = this.sec(x.at);
    const c = this.platform(x.platform);
    s.checkins++;
    c.checkins++;
    this.checkinTotal++;
    if (!x.ok) {
      const code = x.code ?? "checkin.failed";
      s.checkinFailed[code] = (s.checkinFailed[code] ?? 0) + 1;
      c.checkinFailed++;
      this.checkinFailed++;
      this.checkinCodes.set(code, (this.checkinCodes.get(code) ?? 0) + 1);
    }
  }

  /** Live counters for the /metrics endpoint. */
  totals(): { starts: number; ok: number; failed: Record<string, number>; checkins: number; checkinFailed: number } {
    let starts = 0;
    let ok = 0;
    const failed: Record<string, number> = {};
    for (const s of this.seconds.values()) {
      starts += s.starts;
      ok += s.ok;
      for (const [k, v] of Object.entries(s.failed)) failed[k] = (failed[k] ?? 0) + v;
    }
    return { starts, ok, failed, checkins: this.checkinTotal, checkinFailed: this.checkinFailed };
  }

  /** Per-(platform, step) histograms, live (for Prometheus). */
  histograms(): { platform: string; step: string; h: Histogram; count: number; failed: number }[] {
    const out: { platform: string; step: string; h: Histogram; count: number; failed: number }[] = [];
    for (const [platform, c] of this.platforms) for (const [step, s] of c.steps) out.push({ platform, step, h: s.h, count: s.count, failed: s.failed });
    return out;
  }

  metrics(): RunMetrics {
    const platforms: Record<string, PlatformMetrics> = {};
    for (const [p, c] of [...this.platforms].sort(([a], [b]) => a.localeCompare(b))) {
      const steps = [...c.steps].sort(([a], [b]) => a.localeCompare(b));
      platforms[p] = {
        devices: c.devices,
        enrolled: c.enrolled,
        failed: c.failed,
        checkins: c.checkins,
        checkinFailed: c.checkinFailed,
        steps: Object.fromEntries(steps.map(([k, s]) => [k, stepSummary(s.count, s.failed, s.h)])),
        histograms: Object.fromEntries(steps.map(([k, s]) => [k, encodeHistogram(s.h)])),
      };
    }
    return {
      timeline: [...this.seconds.values()].sort((a, b) => a.t - b.t).map((s) => ({ ...s, failed: sortKeys(s.failed), checkinFailed: sortKeys(s.checkinFailed) })),
      platforms,
      checkins: { total: this.checkinTotal, failed: this.checkinFailed, ...(this.checkinCodes.size ? { codes: Object.fromEntries([...this.checkinCodes].sort(([a], [b]) => a.localeCompare(b))) } : {}) },
      latency: this.latency.timeline(),
    };
  }
}

function sortKeys<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]!]));
}

/** summary.json text of an extended summary: the base summary's stable order, then the metrics. */
export function extendedSummaryToJson(s: ExtendedSummary): string {
  const m: Partial<RunMetrics> = {};
  if (s.incomplete) m.incomplete = { shards: s.incomplete.shards, missing: [...s.incomplete.missing] };
  if (s.interrupted) m.interrupted = { signal: s.interrupted.signal, aborted: s.interrupted.aborted };
  if (s.shard) m.shard = { index: s.shard.index, count: s.shard.count };
  if (s.shards !== undefined) m.shards = s.shards;
  if (s.timeline) m.timeline = s.timeline;
  if (s.platforms) m.platforms = s.platforms;
  if (s.checkins) m.checkins = s.checkins;
  if (s.resumedSkipped !== undefined) m.resumedSkipped = s.resumedSkipped;
  if (s.resumedFromCheckpoint !== undefined) m.resumedFromCheckpoint = s.resumedFromCheckpoint;
  if (s.resumedFromCheckpointByState !== undefined) m.resumedFromCheckpointByState = sortKeys(s.resumedFromCheckpointByState);
  if (s.resumedRestart !== undefined) m.resumedRestart = s.resumedRestart;
  if (s.resumeHistory !== undefined) m.resumeHistory = { ...s.resumeHistory, fromCheckpoint: sortKeys(s.resumeHistory.fromCheckpoint) };
  if (s.store !== undefined) m.store = s.store;
  if (s.actions?.length) m.actions = s.actions;
  if (s.latency) m.latency = s.latency;
  if (s.environment) m.environment = s.environment;
  if (s.workers) m.workers = s.workers;
  return `${JSON.stringify({ ...orderedSummary(s), ...m }, null, 2)}\n`;
}

const add = (into: Record<string, number>, from: Record<string, number> | undefined) => {
  for (const [k, v] of Object.entries(from ?? {})) into[k] = (into[k] ?? 0) + v;
};

/**
 * Merges shard summaries exactly: base fields by {@link mergeSummaries}; timeline seconds by
 * epoch second; per-platform counters add and histograms merge bucket by bucket (so merged
 * percentiles equal those of one histogram that recorded every shard's samples).
 * @throws {ReportError} on a histogram that does not decode, or shards of different runs.
 */
export function mergeExtended(shards: readonly ExtendedSummary[], expect?: ExpectationSpec, set: ShardSetOptions = {}): ExtendedSummary {
  if (shards.length === 0) throw new ReportError("report.invalid-input", "no summaries to merge");
  const first = shards[0]!;
  for (const [i, s] of shards.entries()) {
    if (s.scenario !== first.scenario || s.seed !== first.seed) {
      throw new ReportError("report.invalid-input", `summary ${i + 1} is of scenario "${s.scenario}" seed "${s.seed}", the first of "${first.scenario}" seed "${first.seed}": not shards of one run`);
    }
  }
  const incomplete = checkShardSet(shards, set);
  const base = mergeSummaries(shards, expect);
  const seconds = new Map<number, TimelineSecond>();
  const platforms = new Map<string, { m: PlatformMetrics; steps: Map<string, { count: number; failed: number; h: Histogram }> }>();
  let checkins = 0;
  let checkinFailed = 0;
  let skipped: number | undefined;
  let fromCheckpoint: number | undefined;
  let restart: number | undefined;
  let byState: Record<string, number> | undefined;
  let history: ExtendedSummary["resumeHistory"];
  let workers: WorkersReport | undefined;
  for (const [i, s] of shards.entries()) {
    if (s.workers) workers = { count: (workers?.count ?? 0) + s.workers.count, crashed: [...(workers?.crashed ?? []), ...s.workers.crashed] };
    for (const x of s.timeline ?? []) {
      const t = seconds.get(x.t) ?? { t: x.t, starts: 0, ok: 0, failed: {}, checkins: 0, checkinFailed: {} };
      seconds.set(x.t, t);
      t.starts += x.starts;
      t.ok += x.ok;
      t.checkins += x.checkins ?? 0;
      add(t.failed, x.failed);
      add(t.checkinFailed, x.checkinFailed);
    }
    for (const [p, pm] of Object.entries(s.platforms ?? {})) {
      const cell = platforms.get(p) ?? { m: { devices: 0, enrolled: 0, failed: 0, checkins: 0, checkinFailed: 0, steps: {}, histograms: {} }, steps: new Map() };
      platforms.set(p, cell);
      cell.m.devices += pm.devices;
      cell.m.enrolled += pm.enrolled;
      cell.m.failed += pm.failed;
      cell.m.checkins += pm.checkins ?? 0;
      cell.m.checkinFailed += pm.checkinFailed ?? 0;
      for (const [step, st] of Object.entries(pm.steps ?? {})) {
        const c = cell.steps.get(step) ?? { count: 0, failed: 0, h: newLatencyHistogram() };
        cell.steps.set(step, c);
        c.count += st.count;
        c.failed += st.failed;
        const enc = pm.histograms?.[step];
        if (enc !== undefined) c.h.add(decodeHistogram(enc, `summary ${i + 1} platform ${p} step ${step}`));
      }
    }
    checkins += s.checkins?.total ?? 0;
    checkinFailed += s.checkins?.failed ?? 0;
    if (s.resumedSkipped !== undefined) skipped = (skipped ?? 0) + s.resumedSkipped;
    if (s.resumedFromCheckpoint !== undefined) fromCheckpoint = (fromCheckpoint ?? 0) + s.resumedFromCheckpoint;
    if (s.resumedRestart !== undefined) restart = (restart ?? 0) + s.resumedRestart;
    if (s.resumedFromCheckpointByState !== undefined) add((byState ??= {}), s.resumedFromCheckpointByState);
    if (s.resumeHistory !== undefined) {
      history ??= { devices: 0, restart: 0, fromCheckpoint: {} };
      history.devices += s.resumeHistory.devices;
      history.restart += s.resumeHistory.restart;
      add(history.fromCheckpoint, s.resumeHistory.fromCheckpoint);
    }
  }
  const outPlatforms: Record<string, PlatformMetrics> = {};
  for (const [p, c] of [...platforms].sort(([a], [b]) => a.localeCompare(b))) {
    const steps = [...c.steps].sort(([a], [b]) => a.localeCompare(b));
    outPlatforms[p] = {
      ...c.m,
      steps: Object.fromEntries(steps.map(([k, s]) => [k, stepSummary(s.count, s.failed, s.h)])),
      histograms: Object.fromEntries(steps.map(([k, s]) => [k, encodeHistogram(s.h)])),
    };
  }
  const interrupted = shards.find((s) => s.interrupted)?.interrupted;
  const latency = mergeLatency(shards.map((s) => s.latency));
  const environment = shards.flatMap((s) => s.environment ?? []);
  return {
    ...base,
    // A partial merge does not speak for the run: it is never ok.
    ...(incomplete ? { incomplete, ok: false } : {}),
    ...(interrupted ? { interrupted: { signal: interrupted.signal, aborted: shards.some((s) => s.interrupted?.aborted) } } : {}),
    shards: shards.reduce((n, s) => n + (s.shards ?? 1), 0),
    timeline: [...seconds.values()].sort((a, b) => a.t - b.t).map((t) => ({ ...t, failed: sortKeys(t.failed), checkinFailed: sortKeys(t.checkinFailed) })),
    platforms: outPlatforms,
    checkins: { total: checkins, failed: checkinFailed },
    ...(skipped !== undefined ? { resumedSkipped: skipped } : {}),
    ...(fromCheckpoint !== undefined ? { resumedFromCheckpoint: fromCheckpoint } : {}),
    ...(byState !== undefined ? { resumedFromCheckpointByState: sortKeys(byState) } : {}),
    ...(restart !== undefined ? { resumedRestart: restart } : {}),
    ...(latency ? { latency } : {}),
    ...(environment.length ? { environment } : {}),
    ...(history ? { resumeHistory: { ...history, fromCheckpoint: sortKeys(history.fromCheckpoint) } } : {}),
    ...(workers ? { workers } : {}),
  };
}
