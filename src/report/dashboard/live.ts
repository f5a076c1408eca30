// SPDX-License-Identifier: MIT
/**
 * The live dashboard's model of a run in progress: a run observer that closes one row per second
 * (starts, enrolments, failures by code, in flight, check-ins, and p50/p95/p99 per step of the
 * samples that ended in that second), keeps every row so a viewer that connects late gets the
 * history so far, and says where the run stands against its load schedule. The rows have the
 * shape of the HTML report's series (html/model.ts), so one page script draws both. No timer here:
 * whoever serves the dashboard calls {@link LiveCollector.tick} once a second.
 */
import type { CheckinSample, DeviceResult, RunObserver, StepSample } from "../../runner/observer.js";
import type { ChartSeries, LatencySeries, PageSummary, ReportModel } from "../html/model.js";
import { newLatencyHistogram, recordMs, UNITS_PER_MS, type Histogram } from "../stats.js";
import { SummaryCollector } from "../summary.js";
import { scheduleAt, type Schedule } from "./schedule.js";

/** The numbers above the dashboard's charts. */
export interface LiveStatus {
  phase: string;
  /** Target arrivals/s now (null: closed model, or outside the arrival phases). */
  targetRate: number | null;
  /** Starts per second over the last {@link RATE_WINDOW_S} seconds. */
  achievedRate: number;
  inFlight: number;
  devices: number;
  started: number;
  enrolled: number;
  failed: number;
  /** Seconds until the load schedule ends (null: unknown yet). */
  etaS: number | null;
  elapsedS: number;
}

/** One closed second. */
export interface SecondRow {
  t: number;
  starts: number;
  ok: number;
  inFlight: number;
  failed: Record<string, number>;
  checkins: number;
  checkinFailed: number;
}

export type DashboardMessage =
  | { type: "hello"; model: ReportModel; status: LiveStatus }
  | { type: "tick"; second: SecondRow; latency: { t: number; steps: Record<string, [number, number, number]> }; status: LiveStatus; summary: PageSummary }
  | { type: "final"; model: ReportModel; status: LiveStatus; report?: DashboardReport };

/** The HTML report of a finished run, as the dashboard offers it: the file, and its text so the page can open it after the process is gone. */
export interface DashboardReport {
  path: string;
  html: string;
}

export const RATE_WINDOW_S = 5;

const ms1 = (units: number) => Math.round((units / UNITS_PER_MS) * 10) / 10;

export class LiveCollector implements RunObserver {
  private readonly summary: SummaryCollector;
  private readonly series: ChartSeries = { t: [], starts: [], ok: [], inFlight: [], failed: {}, checkins: [], checkinFailed: [] };
  private readonly latency: LatencySeries = { windowSeconds: 1, t: [], steps: {} };
  private readonly platforms = new Map<string, { devices: number; enrolled: number; failed: number; checkins: number; checkinFailed: number }>();
  private cur = { starts: 0, ok: 0, failed: {} as Record<string, number>, checkins: 0, checkinFailed: 0 };
  private readonly stepHist = new Map<string, Histogram>();
  private started = 0;
  private ended = 0;
  private enrolled = 0;
  private failed = 0;
  private devices = 0;
  private runStart: number | undefined;
  private ended_ = false;

  constructor(
    private readonly now: () => number = Date.now,
    /** The run's load schedule, once known (the caller learns it when the scenario is resolved). */
    private readonly schedule: () => Schedule | undefined = () => undefined,
  ) {
    this.summary = new SummaryCollector({ now });
  }

  onRunStart(info: { scenario: string; devices: number; seed: string }): void {
    this.summary.onRunStart(info);
    this.devices = info.devices;
    this.runStart = this.now();
  }
  onDeviceStart(device: string, index: number): void {
    void device;
    void index;
    this.started++;
    this.cur.starts++;
  }
  onStep(x: StepSample): void {
    this.summary.onStep(x);
    if (!x.ok) return;
    let h = this.stepHist.get(x.step);
    if (!h) {
      h = newLatencyHistogram();
      this.stepHist.set(x.step, h);
    }
    recordMs(h, x.ms);
  }
  onDeviceEnd(r: DeviceResult): void {
    this.summary.onDeviceEnd(r);
    this.ended++;
    const p = this.platform(r.platform);
    p.devices++;
    if (r.ok) {
      this.enrolled++;
      this.cur.ok++;
      p.enrolled++;
    } else {
      const code = r.failure?.code ?? "internal.missing-failure";
      this.failed++;
      this.cur.failed[code] = (this.cur.failed[code] ?? 0) + 1;
      p.failed++;
    }
  }
  onCheckin(x: CheckinSample): void {
    const p = this.platform(x.platform);
    p.checkins++;
    this.cur.checkins++;
    if (!x.ok) {
      this.cur.checkinFailed++;
      p.checkinFailed++;
    }
  }
  onCommand(x: Parameters<NonNullable<RunObserver["onCommand"]>>[0]): void {
    this.summary.onCommand?.(x);
  }
  onRunEnd(info: { durationMs: number }): void {
    this.summary.onRunEnd(info);
    this.ended_ = true;
  }

  private platform(p: string) {
    let c = this.platforms.get(p);
    if (!c) {
      c = { devices: 0, enrolled: 0, failed: 0, checkins: 0, checkinFailed: 0 };
      this.platforms.set(p, c);
    }
    return c;
  }

  /** Where the run stands now. */
  status(): LiveStatus {
    const elapsedS = this.runStart === undefined ? 0 : Math.max(0, (this.now() - this.runStart) / 1000);
    const s = this.schedule();
    const at = s ? scheduleAt(s, elapsedS, this.ended) : { phase: "running", targetRate: null, etaS: null };
    const steady = s?.phases.some((p) => p.name === "steady check-ins");
    const phase = this.ended_ ? "finished" : this.runStart === undefined ? "setting up" : steady && this.devices > 0 && this.ended >= this.devices ? "steady check-ins" : at.phase;
    const recent = this.series.starts.slice(-RATE_WINDOW_S);
    return {
      phase,
      targetRate: at.targetRate,
      achievedRate: recent.length ? recent.reduce((a, b) => a + b, 0) / recent.length : 0,
      inFlight: Math.max(0, this.started - this.ended),
      devices: this.devices,
      started: this.started,
      enrolled: this.enrolled,
      failed: this.failed,
      etaS: this.ended_ ? 0 : at.etaS,
      elapsedS,
    };
  }

  /** The run so far in the report's shape (summary, series, latency). */
  model(): ReportModel {
    return { summary: this.pageSummary(), series: structuredClone(this.series), latency: structuredClone(this.latency), distributions: [] };
  }

  private pageSummary(): PageSummary {
    const { histograms: _h, ...rest } = this.summary.summary();
    void _h;
    return { ...rest, platforms: Object.fromEntries([...this.platforms].sort(([a], [b]) => a.localeCompare(b)).map(([p, c]) => [p, { ...c, steps: {} }])) };
  }

  /** Closes the current second: appends its row to the history and returns the message for viewers. */
  tick(): Extract<DashboardMessage, { type: "tick" }> {
    const t = Math.floor(this.now() / 1000);
    const s = this.series;
    const n = s.t.length;
    const row: SecondRow = { t, starts: this.cur.starts, ok: this.cur.ok, inFlight: Math.max(0, this.started - this.ended), failed: this.cur.failed, checkins: this.cur.checkins, checkinFailed: this.cur.checkinFailed };
    s.t.push(t);
    s.starts.push(row.starts);
    s.ok.push(row.ok);
    s.inFlight.push(row.inFlight);
    s.checkins.push(row.checkins);
    s.checkinFailed.push(row.checkinFailed);
    for (const c of Object.keys(row.failed)) s.failed[c] ??= new Array<number>(n).fill(0);
    for (const [c, arr] of Object.entries(s.failed)) arr.push(row.failed[c] ?? 0);
    this.cur = { starts: 0, ok: 0, failed: {}, checkins: 0, checkinFailed: 0 };

    const lat: Record<string, [number, number, number]> = {};
    const L = this.latency;
    const m = L.t.length;
    L.t.push(t);
    for (const [step, h] of this.stepHist) {
      if (h.totalCount === 0) continue;
      lat[step] = [ms1(h.getValueAtPercentile(50)), ms1(h.getValueAtPercentile(95)), ms1(h.getValueAtPercentile(99))];
      h.reset();
      L.steps[step] ??= { p50: new Array<number | null>(m).fill(null), p95: new Array<number | null>(m).fill(null), p99: new Array<number | null>(m).fill(null) };
    }
    for (const [step, c] of Object.entries(L.steps)) {
      const v = lat[step];
      c.p50.push(v ? v[0] : null);
      c.p95.push(v ? v[1] : null);
      c.p99.push(v ? v[2] : null);
    }
    return { type: "tick", second: row, latency: { t, steps: lat }, status: this.status(), summary: this.pageSummary() };
  }
}
