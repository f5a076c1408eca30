// SPDX-License-Identifier: MIT
/**
 * Transcripts of the first failing devices, kept in memory for the HTML report (`run --html`), so
 * each sample failure links to what its device sent and received, message bodies included so the
 * report can decode them. Events are redacted (the run's redactor, holding the scenario's secrets)
 * when their device is kept, so devices that enrol cost no redaction. Memory is bounded: only devices
 * in flight are held, each up to `maxBytesPerDevice` (then one truncation marker), a device that
 * enrols is dropped at its end, and once `maxDevices` failing devices are kept nothing more is held.
 */
import type { TranscriptEvent, TranscriptSink } from "../../ports/transcript.js";
import type { DeviceResult, RunObserver } from "../../runner/observer.js";
import { Redactor } from "../redact.js";
import { TranscriptBudget } from "../trace.js";
import { MAX_FAILURE_EXAMPLES } from "../types.js";

export interface FailureTranscriptOptions {
  redactor?: Redactor;
  /** Failing devices kept (default {@link MAX_FAILURE_EXAMPLES}, the summary's examples). */
  maxDevices?: number;
  /** Bytes of serialised events kept per device (default 256 KiB). */
  maxBytesPerDevice?: number;
}

export class FailureTranscripts implements TranscriptSink, RunObserver {
  /** Bodies are wanted: nothing leaves this sink unredacted (see {@link transcripts}). */
  readonly bodies = true;
  private readonly redactor: Redactor;
  private readonly maxDevices: number;
  private readonly maxBytes: number;
  private readonly live = new Map<string, { events: TranscriptEvent[]; budget: TranscriptBudget }>();
  private readonly kept = new Map<string, TranscriptEvent[]>();

  constructor(o: FailureTranscriptOptions = {}) {
    this.redactor = o.redactor ?? new Redactor();
    this.maxDevices = o.maxDevices ?? MAX_FAILURE_EXAMPLES;
    this.maxBytes = o.maxBytesPerDevice ?? 256 * 1024;
  }

  record(event: TranscriptEvent): void {
    if (this.kept.size >= this.maxDevices) return;
    const device = String(event.device);
    let cell = this.live.get(device);
    if (!cell) {
      cell = { events: [], budget: new TranscriptBudget(this.maxBytes) };
      this.live.set(device, cell);
    }
    const kept = cell.budget.admit(event, JSON.stringify(event).length);
    if (kept) cell.events.push(kept);
  }

  onDeviceEnd(r: DeviceResult): void {
    const cell = this.live.get(r.device);
    this.live.delete(r.device);
    if (r.ok || this.kept.size >= this.maxDevices) return;
    this.kept.set(
      r.device,
      (cell?.events ?? []).map((e) => this.redactor.redactEvent(e)),
    );
    if (this.kept.size >= this.maxDevices) this.live.clear();
  }

  /** The kept transcripts by device, in the order the devices failed. */
  transcripts(): Record<string, TranscriptEvent[]> {
    return Object.fromEntries(this.kept);
  }
}
