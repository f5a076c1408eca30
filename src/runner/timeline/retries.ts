// SPDX-License-Identifier: MIT
/**
 * What the user (or IT) does after a device's enrolment ended, as standing rules of the timeline:
 * - `tryAgain`: after a failed attempt the user taps Try Again and the flow runs again;
 * - `renewEnrollment`: after a failed attempt the user or admin asks the running OS to enrol again (macOS
 *   `profiles renew -type enrollment`); the flow runs again and learns it from the retry's kind;
 * - `setUpAgain`: an erased device (a `reset` after it enrolled, an enrolment a reset cut short) is
 *   set up again from scratch, the way a kiosk is redeployed or a phone handed to the next user.
 * A rule applies from when its entry fires, up to `times` per device, `wait` after the device is
 * ready for it. A device whose enrolment ended waits while an entry that could still apply to it has
 * not fired (a Try Again at its error; a reset or a set-up once it has ended), until the run ends. In a
 * run with a steady phase an enrolled device keeps checking in while it waits, and a fired `setUpAgain`
 * with set-ups left keeps it waiting too: a check-in may still erase it (a remote wipe it receives).
 */
import type { Clock } from "../../ports/clock.js";
import { formatMs } from "./duration.js";
import type { TranscriptSink } from "../../ports/transcript.js";
import type { TimelineEntry } from "./types.js";

type Targets = Set<number> | "all";

/** What a retry after a failed attempt is: the user's Try Again, or an enrolment asked for again from the running OS. */
export type RetryKind = "tryAgain" | "renewEnrollment";

interface Rule {
  kind?: RetryKind;
  entry: number;
  targets: Targets;
  waitMs: number;
  times: number;
  used: Map<number, number>;
}

/** What the rules need from the engine. */
export interface RetriesPort {
  clock: Clock;
  entries: readonly TimelineEntry[];
  /** The entry's action has been applied (a rule is in place). */
  applied(entry: number): boolean;
  targetSet(e: TimelineEntry): Targets;
  stopped(): boolean;
  transcriptFor(device: string): TranscriptSink;
}

const has = (t: Targets, i: number): boolean => t === "all" || t.has(i);

/** What a fired retry rule says in the transcript. */
export function retryRuleText(kind: RetryKind | "setUpAgain", waitMs: number, times: number): string {
  if (kind === "setUpAgain") return `erased devices are set up again from scratch (up to ${times}× each${waitMs ? `, ${formatMs(waitMs)} after they are erased` : ""})`;
  return `${kind === "tryAgain" ? "the user taps Try Again" : "the running OS is asked to enroll again (profiles renew -type enrollment)"} after a failure (up to ${times}×${waitMs ? `, after ${formatMs(waitMs)}` : ""})`;
}

export class UserRetries {
  private readonly tryAgain: Rule[] = [];
  private readonly setUp: Rule[] = [];
  private readonly waiters = new Set<() => void>();

  constructor(private readonly o: RetriesPort) {}

  /** A `tryAgain`, `renewEnrollment` or `setUpAgain` entry fired: its rule is in place; devices waiting for it look again. */
  add(kind: RetryKind | "setUpAgain", entry: number, targets: Targets, waitMs: number, times: number): void {
    if (kind === "setUpAgain") this.setUp.push({ entry, targets, waitMs, times, used: new Map() });
    else this.tryAgain.push({ kind, entry, targets, waitMs, times, used: new Map() });
    this.wake();
  }

  /** Something a waiting device may be waiting for happened (a rule fired, a device was erased, the run ended). */
  wake(): void {
    for (const w of [...this.waiters]) w();
  }

  /** Whether any `setUpAgain` entry targets device `index` (fired or not). */
  mayBeSetUpAgain(index: number): boolean {
    return this.o.entries.some((e) => e.action.kind === "setUpAgain" && has(this.o.targetSet(e), index));
  }

  /**
   * After a failed attempt: resolves with the retry's kind when the user taps Try Again or renews the
   * enrolment (after its wait), false when none applies to the device or the run ends first.
   */
  async tryAgainAfterFailure(index: number, device: string, code: string, signal?: AbortSignal): Promise<RetryKind | false> {
    const rule = await this.await(index, device, signal, {
      rules: this.tryAgain,
      ready: () => true,
      pending: (e) => e.action.kind === "tryAgain" || e.action.kind === "renewEnrollment",
      note: (r, n) => ({ timeline: r.entry, action: r.kind ?? "tryAgain", after: code, attempt: n, injected: true }),
    });
    return rule ? (rule.kind ?? "tryAgain") : false;
  }

  /**
   * After an enrolment ended: resolves true when the device, erased, is set up again (after the
   * rule's wait), false when no set-up applies to it any more or the run ends first.
   */
  async setUpAgainWhenErased(index: number, device: string, erased: () => boolean, signal?: AbortSignal, standing = false): Promise<boolean> {
    const rule = await this.await(index, device, signal, {
      rules: this.setUp,
      ready: erased,
      standing,
      pending: (e) => e.action.kind === "setUpAgain" || e.action.kind === "reset",
      note: (r, n) => ({ timeline: r.entry, action: "setUpAgain", setUp: n, injected: true }),
    });
    return rule !== undefined;
  }

  private async await(
    index: number,
    device: string,
    signal: AbortSignal | undefined,
    w: {
      rules: Rule[];
      ready: () => boolean;
      pending: (e: TimelineEntry) => boolean;
      note: (r: Rule, n: number) => Record<string, unknown>;
      /** A fired rule with uses left keeps the device waiting (until the run ends or `signal` aborts). */
      standing?: boolean;
    },
  ): Promise<Rule | undefined> {
    for (;;) {
      if (this.o.stopped() || signal?.aborted) return undefined;
      const rule = w.ready() ? w.rules.find((r) => has(r.targets, index) && (r.used.get(index) ?? 0) < r.times) : undefined;
      if (rule) {
        const n = (rule.used.get(index) ?? 0) + 1;
        rule.used.set(index, n);
        if (rule.waitMs > 0) {
          try {
            await this.o.clock.sleep(rule.waitMs, signal);
          } catch {
            return undefined;
          }
        }
        this.o.transcriptFor(device).record({ t: this.o.clock.now(), device, step: "timeline", kind: "note", data: w.note(rule, n) });
        return rule;
      }
      const left = w.standing && w.rules.some((r) => has(r.targets, index) && (r.used.get(index) ?? 0) < r.times);
      if (!left && !this.o.entries.some((e) => w.pending(e) && !this.o.applied(e.index) && has(this.o.targetSet(e), index))) return undefined;
      await new Promise<void>((resolve) => {
        const done = () => {
          this.waiters.delete(done);
          signal?.removeEventListener("abort", done);
          resolve();
        };
        this.waiters.add(done);
        signal?.addEventListener("abort", done, { once: true });
      });
    }
  }
}
