// SPDX-License-Identifier: MIT
/**
 * An enrolled Apple device whose server refuses its command channel: the refusal is not an
 * unenrolment. Apple's status semantics for check-in and command requests (shared notes apple.md §11):
 * 401, or 403 with `com.apple.unrecognized.device` (Apple's ErrorUnrecognizedDevice: "causes the device
 * to unenroll … Use this error instead of the server returning a 401 response to cause an unenroll"),
 * unenrols the device (mdm-client.ts returns those as values); any other 4xx/5xx, or no answer at all,
 * leaves the MDM profile installed and the device polls again at its next push or poll. Field evidence
 * of the retries: fleetdm/fleet#30958 (one Mac, `MDM-OSX/1.0 mdmclient/1660`, answered 500 by
 * `PUT /mdm/apple/mdm` 93 times in a day) and micromdm/micromdm#460 (Macs behind an ingress that changed
 * the bodies "go into a loop" of refused polls).
 *
 * What the device records: the failed polls in a row, kept on its enrolment, and one background
 * outcome per run of failures (device/flow.ts BackgroundOutcome) that says how many polls failed with
 * what and whether a later poll recovered. What mdmclient logs for an HTTP error on a ServerURL poll is
 * not published: the shown text says so (an unknown-coded condition); a connection failure shows the
 * NSURLErrorDomain code the platform's table gives (apple/shown.ts).
 */
import { SimError, TransportError } from "../../errors/index.js";
import type { BackgroundOutcome } from "../flow.js";
import type { Shown } from "../shown.js";
import { appleShownForError } from "./shown.js";

/** Where a failed background check-in is recorded on an Apple device: no alert, the unified log. */
export const APPLE_CHANNEL_SCREEN = "no alert: a background MDM check-in; the mdmclient log (Console) records the error";

/** Transport failures after which the device keeps its enrolment and tries again: every answer but the unenrolling ones, and no answer. */
const RETRIED: ReadonlySet<TransportError["kind"]> = new Set(["http-status", "timeout", "refused", "reset", "tls", "dns"]);

/** One refused ServerURL poll, as the device records it. */
export interface ChannelFailure {
  step: string;
  code: string;
  status?: number;
  message: string;
  at: number;
  shown?: Shown;
}

/** The outcome code of a refused poll: the HTTP status as in the steady check-in (checkin.ts), else the transport's code. */
export function channelFailureOf(e: unknown, at: number): ChannelFailure | undefined {
  if (!(e instanceof TransportError) || !RETRIED.has(e.kind)) return undefined;
  if (e.kind === "http-status" && !e.status) return undefined;
  const step = e.step ?? "command.idle";
  const code = e.kind === "http-status" ? `apple.checkin.http-${e.status}` : e.code;
  const shown: Shown | undefined =
    e.kind === "http-status"
      ? { text: `The MDM server answered HTTP ${e.status}.`, screen: APPLE_CHANNEL_SCREEN, unknown: { raw: `HTTP ${e.status} on ${step}`, of: "condition" } }
      : (() => {
          const s = appleShownForError({ error: e as SimError, step });
          return s ? { ...s, screen: APPLE_CHANNEL_SCREEN } : undefined;
        })();
  return { step, code, ...(e.status ? { status: e.status } : {}), message: e.message, at, ...(shown ? { shown } : {}) };
}

/**
 * The device's record of its command channel: failed polls in a row, and each run of them as a
 * background outcome (one per run: "the last N polls failed with …", then whether a poll recovered).
 */
export class ChannelRecord {
  /** Polls in a row that failed, the newest last; empty once a poll succeeds. */
  readonly failing: ChannelFailure[] = [];
  private readonly runs: BackgroundOutcome[] = [];

  failed(f: ChannelFailure): BackgroundOutcome {
    this.failing.push(f);
    const run = this.failing.length === 1 ? undefined : this.runs.at(-1);
    const out: BackgroundOutcome = { task: f.step, ok: false, code: f.code, at: f.at, message: this.describe(), ...(f.shown ? { shown: f.shown } : {}) };
    if (run) this.runs[this.runs.length - 1] = out;
    else this.runs.push(out);
    return out;
  }

  /** A poll the server answered: the run of failures (if any) ends, recovered. */
  succeeded(at: number): void {
    if (!this.failing.length) return;
    const run = this.runs.at(-1)!;
    run.message = `${this.describe()}; the poll at ${new Date(at).toISOString()} succeeded: recovered`;
    this.failing.length = 0;
  }

  /** One line: "the last 3 ServerURL polls failed: apple.checkin.http-500 …". */
  describe(): string {
    const n = this.failing.length;
    const last = this.failing.at(-1);
    if (!last) return "no failed polls";
    const codes = [...new Set(this.failing.map((f) => f.code))].join(", ");
    return `enrolled (the MDM profile stays installed), but the last ${n} ServerURL poll${n === 1 ? "" : "s"} failed (${codes}): ${last.message}`;
  }

  /** Every run of failed polls, for FlowResult.background. */
  get outcomes(): readonly BackgroundOutcome[] {
    return this.runs;
  }
}
