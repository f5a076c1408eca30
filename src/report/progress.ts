// SPDX-License-Identifier: MIT
/**
 * Live progress of a run. On a terminal: one line redrawn in place with `\r`, at most
 * `maxRedrawsPerSecond` times a second. Elsewhere (CI logs, pipes): a plain line every
 * `intervalMs` and one at the end. It uses no timers: it redraws when the runner reports an
 * event, so nothing keeps the process alive after the run (a quiet period shows no update).
 *
 * ```
 * [#####.........] done 150/500 (enrolled 147, failed 3) | in flight 12 | arrivals 18.3/s (target 20.0/s) | phase ramp | eta 1m05s
 * ```
 * The achieved arrival rate is devices started per second over the last 5 s; target, phase and ETA
 * come from the load schedule (report/dashboard/schedule.ts: what the pacing aims at) when given,
 * else the ETA is the remaining devices at the completion rate so far.
 */
import type { DeviceResult, RunObserver } from "../runner/observer.js";
import { scheduleAt, type Schedule } from "./dashboard/schedule.js";

/** What the display writes to: `process.stderr` fits, so does a test double. */
export interface ProgressStream {
  write(s: string): void;
  isTTY?: boolean;
  columns?: number;
}

/** Options of {@link ProgressDisplay}. */
export interface ProgressOptions {
  /** Non-TTY: milliseconds between plain lines. Default 5000. */
  intervalMs?: number;
  /** TTY: redraw ceiling. Default 10 per second. */
  maxRedrawsPerSecond?: number;
  /** The run's load schedule: phase, target arrival rate and an ETA from the schedule. */
  schedule?: Schedule;
}

/** Seconds over which the achieved arrival rate is measured. */
const WINDOW_S = 5;

/** "3s", "2m05s", "1h02m". */
function shortDuration(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  const m = Math.ceil(s / 60);
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

/** Shows devices done, enrolled, failed, in flight, rate and ETA. */
export class ProgressDisplay implements RunObserver {
  private readonly intervalMs: number;
  private readonly minRedrawGapMs: number;
  private total = 0;
  private started = 0;
  private enrolled = 0;
  private failed = 0;
  private startAt: number;
  private lastOutput = -Infinity;
  private lastWidth = 0;
  private running = false;
  private readonly schedule: Schedule | undefined;
  /** Starts per second of the last {@link WINDOW_S} seconds: [second, count]. */
  private recent: [number, number][] = [];

  constructor(
    private readonly stream: ProgressStream,
    private readonly now: () => number = Date.now,
    options: ProgressOptions = {},
  ) {
    this.intervalMs = Math.max(1, options.intervalMs ?? 5000);
    this.minRedrawGapMs = 1000 / Math.max(0.001, options.maxRedrawsPerSecond ?? 10);
    this.startAt = now();
    this.schedule = options.schedule;
  }

  onRunStart(info: { scenario: string; devices: number; seed: string }): void {
    this.total = Math.max(0, info.devices);
    this.startAt = this.now();
    this.running = true;
    // Non-TTY: the first line comes one interval after the start, not immediately.
    this.lastOutput = this.stream.isTTY ? -Infinity : this.startAt;
    this.tick();
  }

  onDeviceStart(): void {
    this.started++;
    const sec = Math.floor((this.now() - this.startAt) / 1000);
    const last = this.recent.at(-1);
    if (last && last[0] === sec) last[1]++;
    else this.recent.push([sec, 1]);
    while (this.recent.length && this.recent[0]![0] < sec - WINDOW_S) this.recent.shift();
    this.tick();
  }

  onStep(): void {
    this.tick();
  }

  onDeviceEnd(result: DeviceResult): void {
    if (result.ok) this.enrolled++;
    else this.failed++;
    this.tick();
  }

  onRunEnd(info: { durationMs: number }): void {
    if (!this.running) return;
    this.running = false;
    const line = this.line(info.durationMs, true);
    if (this.stream.isTTY) this.redraw(line, "\n");
    else this.stream.write(`${line}\n`);
  }

  /** The current progress line (exposed for tests and for a final log line). */
  line(elapsedMs = this.now() - this.startAt, final = false): string {
    const done = this.enrolled + this.failed;
    const inFlight = Math.max(0, this.started - done);
    const elapsedS = elapsedMs / 1000;
    const completionRate = elapsedMs > 0 ? done / elapsedS : 0;
    // Arrivals: over the run for the final line, else over the last seconds (a ramp shows as it goes).
    const windowS = Math.min(WINDOW_S, Math.max(1, elapsedS));
    const arrivals = final ? (elapsedMs > 0 ? this.started / elapsedS : 0) : this.recent.filter(([sec]) => sec >= elapsedS - WINDOW_S).reduce((n, [, c]) => n + c, 0) / windowS;
    const now = this.schedule ? scheduleAt(this.schedule, elapsedS, done) : undefined;
    const remaining = Math.max(0, this.total - done);
    const etaS = now ? now.etaS : remaining === 0 ? 0 : completionRate > 0 ? remaining / completionRate : null;
    const eta = final ? `took ${shortDuration(elapsedS)}` : etaS === null || !Number.isFinite(etaS) ? "eta ?" : `eta ${shortDuration(etaS)}`;
    const target = now && now.targetRate !== null ? ` (target ${now.targetRate.toFixed(1)}/s)` : "";
    const parts = [`done ${done}/${this.total} (enrolled ${this.enrolled}, failed ${this.failed})`, `in flight ${inFlight}`, `arrivals ${arrivals.toFixed(1)}/s${target}`];
    if (now && !final) parts.push(`phase ${now.phase}`);
    parts.push(eta);
    const text = parts.join(" | ");
    if (!this.stream.isTTY) return `progress: ${text}`;
    const columns = this.stream.columns && this.stream.columns > 20 ? this.stream.columns : 80;
    const barWidth = Math.max(10, Math.min(30, columns - 1 - text.length - 3));
    const filled = this.total > 0 ? Math.min(barWidth, Math.floor((done / this.total) * barWidth)) : 0;
    const full = `[${"#".repeat(filled)}${".".repeat(barWidth - filled)}] ${text}`;
    return full.length > columns - 1 ? full.slice(0, columns - 1) : full;
  }

  private tick(): void {
    if (!this.running) return;
    const t = this.now();
    if (this.stream.isTTY) {
      if (t - this.lastOutput < this.minRedrawGapMs) return;
      this.lastOutput = t;
      this.redraw(this.line(t - this.startAt), "");
    } else {
      if (t - this.lastOutput < this.intervalMs) return;
      this.lastOutput = t;
      this.stream.write(`${this.line(t - this.startAt)}\n`);
    }
  }

  private redraw(line: string, end: string): void {
    const pad = this.lastWidth > line.length ? " ".repeat(this.lastWidth - line.length) : "";
    this.lastWidth = line.length;
    this.stream.write(`\r${line}${pad}${end}`);
  }
}
