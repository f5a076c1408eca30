// SPDX-License-Identifier: MIT
/**
 * Live progress of a run. On a terminal: one line redrawn in place with `\r`, at most
 * `maxRedrawsPerSecond` times a second. Elsewhere (CI logs, pipes): a plain line every
 * `intervalMs` and one at the end. It uses no timers: it redraws when the runner reports an
 * event, so nothing keeps the process alive after the run (a quiet period shows no update).
 */
import type { DeviceResult, RunObserver } from "../runner/observer.js";

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
}

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

  constructor(
    private readonly stream: ProgressStream,
    private readonly now: () => number = Date.now,
    options: ProgressOptions = {},
  ) {
    this.intervalMs = Math.max(1, options.intervalMs ?? 5000);
    this.minRedrawGapMs = 1000 / Math.max(0.001, options.maxRedrawsPerSecond ?? 10);
    this.startAt = now();
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
    const rate = elapsedMs > 0 ? (done * 1000) / elapsedMs : 0;
    const remaining = Math.max(0, this.total - done);
    const eta = final
      ? `in ${shortDuration(elapsedMs / 1000)}`
      : remaining === 0
        ? "eta 0s"
        : rate > 0
          ? `eta ${shortDuration(remaining / rate)}`
          : "eta ?";
    const text =
      `${done}/${this.total} enrolled ${this.enrolled} failed ${this.failed} ` +
      `in-flight ${inFlight} ${rate.toFixed(1)}/s ${eta}`;
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
