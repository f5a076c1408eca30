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
  /**
   * True when this sink redacts what it keeps (report/redact.ts) and wants the request and response
   * bodies of HTTP exchanges (`data.request.body`, `data.response.body`: the transcript viewer
   * decodes them, `replay` re-sends them). A sink without it never receives bodies: a body can hold
   * a password or token that only redaction removes.
   */
  readonly bodies?: boolean;
}

/** The event without HTTP bodies, for a sink that does not take them (see {@link TranscriptSink.bodies}). */
export function withoutBodies(event: TranscriptEvent): TranscriptEvent {
  if (event.kind !== "http") return event;
  const strip = (part: unknown): unknown => {
    if (part === null || typeof part !== "object" || !("body" in part)) return part;
    const { body: _body, ...rest } = part as Record<string, unknown>;
    return rest;
  };
  return { ...event, data: { ...event.data, request: strip(event.data.request), ...("response" in event.data ? { response: strip(event.data.response) } : {}) } };
}

export const nullTranscript: TranscriptSink = { record() {} };
