// SPDX-License-Identifier: MIT
/**
 * Transcript port: every HTTP exchange and decoded protocol message of a device. Sinks redact
 * secrets before anything leaves the process (see report/redact).
 */
export interface TranscriptEvent {
  /** Milliseconds since the epoch on the device's clock. */
  t: number;
  device: string;
  step: string;
  kind: "http" | "decoded" | "note" | "outcome";
  /** Free-form but JSON-serialisable. */
  data: Record<string, unknown>;
}

export interface TranscriptSink {
  record(event: TranscriptEvent): void;
}

export const nullTranscript: TranscriptSink = { record() {} };
