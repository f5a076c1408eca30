// SPDX-License-Identifier: MIT
/**
 * `expect.answered`: what the SERVER answered a step, where that is the evidence a support engineer
 * has (a status and the refusal text in the server's answer: MicroMDM's "verify MDM Signed Message:
 * crypto/rsa: verification error", Fleet's "not in supported versions"), distinct from `expect.shown`
 * (what the device shows). A transcript sink: it reads the HTTP exchanges the transcript records
 * (protocol/common/exchange.ts), after the run's redaction, so a secret in a body is never matched.
 *
 * Per entry, each device's LAST response at the step counts: its status must equal `status` and its
 * body (the transcript's text of it: printable UTF-8, or the XML plist inside a signed body; a
 * binary body or one over 64 KiB has no text) must contain `body` (substring, or /regex/flags).
 * An exchange that got no response (a timeout, a reset) leaves the device's last response as it was.
 * Memory is O(entries × devices that reached the step): one boolean each.
 */
import type { TranscriptEvent, TranscriptSink } from "../ports/transcript.js";
import type { Redactor } from "./redact.js";
import { textMatcher } from "../runner/text-pattern.js";
import type { AnsweredSpec } from "./expect-spec.js";

/** Devices whose last answer at one `expect.answered` entry's step matched it. */
export interface AnsweredCount {
  step: string;
  status?: number;
  body?: string;
  devices: number;
}

interface Entry {
  spec: AnsweredSpec;
  body?: (text: string) => boolean;
  last: Map<string, boolean>;
}

/** The text of a transcript body record (exchange.ts transcriptBody; redact.ts adds redactedPlist). */
function bodyText(body: unknown): string {
  if (body === null || typeof body !== "object") return "";
  const b = body as { text?: unknown; redactedPlist?: unknown };
  if (typeof b.text === "string") return b.text;
  return typeof b.redactedPlist === "string" ? b.redactedPlist : "";
}

export class AnsweredCollector implements TranscriptSink {
  /** It reads response bodies, and redacts them before it looks (ports/transcript.ts). */
  readonly bodies = true;
  private readonly entries: Entry[];
  private readonly steps: Set<string>;

  constructor(
    specs: readonly AnsweredSpec[],
    private readonly redactor?: Redactor,
  ) {
    this.entries = specs.map((spec) => ({ spec, ...(spec.body !== undefined ? { body: textMatcher(spec.body) } : {}), last: new Map() }));
    this.steps = new Set(specs.map((s) => s.step));
  }

  record(event: TranscriptEvent): void {
    if (event.kind !== "http" || !this.steps.has(event.step)) return;
    const response = event.data.response as { status?: unknown; body?: unknown } | undefined;
    if (!response || typeof response.status !== "number") return;
    const seen = this.redactor ? this.redactor.redactEvent(event) : event;
    const text = bodyText((seen.data.response as { body?: unknown }).body);
    for (const e of this.entries) {
      if (e.spec.step !== event.step) continue;
      const ok = (e.spec.status === undefined || e.spec.status === response.status) && (e.body === undefined || e.body(text));
      e.last.set(event.device, ok);
    }
  }

  /** One count per entry, in the order of `expect.answered`. */
  counts(): AnsweredCount[] {
    return this.entries.map((e) => {
      let devices = 0;
      for (const ok of e.last.values()) if (ok) devices++;
      const { step, status, body } = e.spec;
      return { step, ...(status !== undefined ? { status } : {}), ...(body !== undefined ? { body } : {}), devices };
    });
  }
}
