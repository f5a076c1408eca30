// SPDX-License-Identifier: MIT
/**
 * Transcript sinks: NDJSON trace files (one redacted JSON object per line, per device or one
 * file for the run) and an in-memory transcript for the one-device CLI view and the library API.
 * File access goes through {@link TraceOutput}; the node:fs implementation is in trace-file.ts.
 */
import type { TranscriptEvent, TranscriptSink } from "../ports/transcript.js";
import type { DeviceResult, RunObserver } from "../runner/observer.js";
import { ReportError } from "./errors.js";
import { Redactor } from "./redact.js";

export { formatTranscript, type HttpTraceData } from "./transcript-format.js";

/** One open trace file. */
export interface TraceWriter {
  /** Appends text. Must not throw for I/O errors that happen later: report them from close(). */
  write(text: string): void;
  /** Flushes and closes. Rejects with the first write error, if any. */
  close(): Promise<void>;
}

/** Opens trace files by plain name (no directories); `append` false truncates. */
export interface TraceOutput {
  open(name: string, append: boolean): TraceWriter;
}

/**
 * A device id as a file name: characters outside `[A-Za-z0-9._-]` become `_`, no leading dot,
 * at most 100 characters. `"iphone-15#17"` → `"iphone-15_17"`.
 */
export function sanitizeFileName(name: string): string {
  const s = name
    .replace(/[^A-Za-z0-9._-]/g, "_")
    .replace(/^\.+/, (dots) => "_".repeat(dots.length))
    .slice(0, 100);
  return s === "" ? "_" : s;
}

/** Options of {@link NdjsonTraceSink}. */
export interface NdjsonTraceOptions {
  output: TraceOutput;
  /**
   * Applied to every event before it is written: one Redactor, or one per device (e.g. a
   * {@link Redactor.fork} holding that device's challenge). Default: a Redactor with no secrets.
   */
  redactor?: Redactor | ((device: string) => Redactor);
  /** One file for the whole run with this name; default: one `<device>.ndjson` per device. */
  file?: string;
  /** Per-device mode: files kept open at once; the least recently written is closed (and reopened to append). Default 64. */
  maxOpen?: number;
  /** Bytes written per device (`limits.transcriptBytes`); then one truncation marker and nothing more. Default 4 MiB. */
  maxBytesPerDevice?: number;
}

/** Default of `limits.transcriptBytes`: transcript bytes kept per device. */
export const DEFAULT_TRANSCRIPT_BYTES = 4 * 1024 * 1024;

/**
 * Counts a device's transcript bytes against its cap. Past the cap the device's later events are
 * dropped, but never silently: the first dropped event is replaced by one marker note naming the
 * limit, its value and how to raise it (`limits.transcriptBytes`).
 */
export class TranscriptBudget {
  private readonly used = new Map<string, number>();
  constructor(readonly maxBytes: number) {}

  /** The event to keep for `event` whose serialised size is `bytes`: itself, the marker (once), or undefined (dropped). */
  admit(event: TranscriptEvent, bytes: number): TranscriptEvent | undefined {
    const device = String(event.device);
    const used = this.used.get(device) ?? 0;
    if (used < 0) return undefined; // marker already written
    if (used + bytes <= this.maxBytes) {
      this.used.set(device, used + bytes);
      return event;
    }
    this.used.set(device, -1);
    return {
      t: event.t,
      device: event.device,
      step: event.step,
      kind: "note",
      data: {
        truncated: true,
        limit: "limits.transcriptBytes",
        value: this.maxBytes,
        message: `transcript truncated: this device's transcript reached limits.transcriptBytes = ${this.maxBytes} bytes; later events are not recorded (raise limits.transcriptBytes in the scenario to keep more)`,
      },
    };
  }
}

/**
 * Writes transcript events as NDJSON. Also a run observer: `onDeviceEnd` closes that device's
 * file, so a 10 000-device run does not hold 10 000 descriptors. Recording never throws (a full
 * disk must not fail an enrollment); the first I/O error is reported by {@link close}.
 */
export class NdjsonTraceSink implements TranscriptSink, RunObserver {
  /** Redacts everything it writes: takes HTTP bodies. */
  readonly bodies = true;
  private readonly output: TraceOutput;
  private readonly redactor: (device: string) => Redactor;
  private readonly single: string | undefined;
  private readonly maxOpen: number;
  private readonly open = new Map<string, TraceWriter>();
  private readonly fileOf = new Map<string, string>();
  private readonly usedNames = new Set<string>();
  /** Files opened before in this run: reopened to append, not truncated. */
  private readonly usedOnce = new Set<string>();
  private readonly pending = new Set<Promise<void>>();
  private readonly budget: TranscriptBudget;
  private firstError: unknown;
  private closed = false;

  constructor(options: NdjsonTraceOptions) {
    this.output = options.output;
    const r = options.redactor ?? new Redactor();
    this.redactor = typeof r === "function" ? r : () => r;
    this.single = options.file !== undefined ? sanitizeFileName(options.file) : undefined;
    this.maxOpen = Math.max(1, options.maxOpen ?? 64);
    this.budget = new TranscriptBudget(options.maxBytesPerDevice ?? DEFAULT_TRANSCRIPT_BYTES);
  }

  /** The file a device's events go to. */
  fileFor(device: string): string {
    if (this.single !== undefined) return this.single;
    let name = this.fileOf.get(device);
    if (name === undefined) {
      const base = sanitizeFileName(device);
      name = `${base}.ndjson`;
      for (let i = 2; this.usedNames.has(name); i++) name = `${base}-${i}.ndjson`;
      this.usedNames.add(name);
      this.fileOf.set(device, name);
    }
    return name;
  }

  record(event: TranscriptEvent): void {
    if (this.closed) return;
    try {
      const redactor = this.redactor(String(event.device));
      let line = `${JSON.stringify(redactor.redactEvent(event))}\n`;
      const kept = this.budget.admit(event, Buffer.byteLength(line));
      if (!kept) return;
      if (kept !== event) line = `${JSON.stringify(redactor.redactEvent(kept))}\n`;
      this.writer(this.fileFor(String(event.device))).write(line);
    } catch (err) {
      this.firstError ??= err;
    }
  }

  onDeviceEnd(result: DeviceResult): void {
    if (this.single === undefined) this.closeFile(this.fileFor(result.device));
  }

  /** Flushes and closes every file. Rejects with a ReportError (`report.io`) naming the first failure. */
  async close(): Promise<void> {
    this.closed = true;
    for (const name of [...this.open.keys()]) this.closeFile(name);
    await Promise.all([...this.pending]);
    if (this.firstError !== undefined) {
      const reason = this.firstError instanceof Error ? this.firstError.message : String(this.firstError);
      throw new ReportError("report.io", `could not write the trace: ${reason}`, { cause: this.firstError });
    }
  }

  private writer(name: string): TraceWriter {
    let w = this.open.get(name);
    if (w) {
      // Most recently used last.
      this.open.delete(name);
      this.open.set(name, w);
      return w;
    }
    const append = this.usedOnce.has(name);
    w = this.output.open(name, append);
    this.usedOnce.add(name);
    this.open.set(name, w);
    while (this.open.size > this.maxOpen) this.closeFile(this.open.keys().next().value!);
    return w;
  }

  private closeFile(name: string): void {
    const w = this.open.get(name);
    if (!w) return;
    this.open.delete(name);
    const p = w.close().catch((err: unknown) => {
      this.firstError ??= err;
    });
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }
}

/** Options of {@link MemoryTranscript}. */
export interface MemoryTranscriptOptions {
  /** Default: a Redactor with no registered secrets (key names, PEM keys, credentials). */
  redactor?: Redactor;
  /** Events kept; later ones are counted in `dropped`. Default 10 000. */
  maxEvents?: number;
  /** Bytes kept (as serialised JSON), per device; then one truncation marker. Default 4 MiB. */
  maxBytes?: number;
}

/** Keeps redacted events in memory, for the one-device transcript and the library API. */
export class MemoryTranscript implements TranscriptSink {
  /** Redacts everything it keeps: takes HTTP bodies. */
  readonly bodies = true;
  private readonly list: TranscriptEvent[] = [];
  private readonly redactor: Redactor;
  private readonly maxEvents: number;
  /** Events not kept because `maxEvents` was reached. */
  dropped = 0;

  constructor(options: MemoryTranscriptOptions = {}) {
    this.redactor = options.redactor ?? new Redactor();
    this.maxEvents = Math.max(0, options.maxEvents ?? 10_000);
    this.budget = new TranscriptBudget(options.maxBytes ?? DEFAULT_TRANSCRIPT_BYTES);
  }
  private readonly budget: TranscriptBudget;

  record(event: TranscriptEvent): void {
    if (this.list.length >= this.maxEvents) {
      this.dropped++;
      return;
    }
    const redacted = this.redactor.redactEvent(event);
    const kept = this.budget.admit(redacted, JSON.stringify(redacted).length);
    if (kept !== redacted) this.dropped++;
    if (kept) this.list.push(kept);
  }

  /** The recorded (redacted) events, oldest first. */
  events(): TranscriptEvent[] {
    return [...this.list];
  }
}
