// SPDX-License-Identifier: MIT
/**
 * What the user (or IT) does after a device's enrolment ended, as standing rules of the timeline:
 * - `tryAgain`: after a failed attempt the user taps Try Again and the flow runs again;
 * - `setUpAgain`: an erased device (a `reset` after it enrolled, an enrolment a reset cut short) is
 *   set up again from scratch, the way a kiosk is redeployed or a phone handed to the next user.
 * A rule applies from when its entry fires, up to `times` per device, `wait` after the device is
 * ready for it. A device whose enrolment ended waits while an entry that could still apply to it has
 * not fired (a Try Again at its error; a reset or a set-up once it has ended), until the run ends.
 */
import type { Clock } from "../../ports/clock.js";
import type { TranscriptSink } from "../../ports/transcript.js";
import type { TimelineEntry } from "./types.js";

type Targets = Set<number> | "all";

interface Rule {
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

export class UserRetries {
  private readonly tryAgain: Rule[] = [];
  private readonly setUp: Rule[] = [];
  private readonly waiters = new Set<() => void>();

  constructor(private readonly o: RetriesPort) {}

  /** A `tryAgain` or `setUpAgain` entry fired: its rule is in place; devices waiting for it look again. */
  add(kind: "tryAgain" | "setUpAgain", entry: number, targets: Targets, waitMs: number, times: number): void {
    (kind === "tryAgain" ? this.tryAgain : this.setUp).push({ entry, targets, waitMs, times, used: new Map() });
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
   * After a failed attempt: resolves true when the user taps Try Again (after its wait), false when
   * no Try Again applies to the device or the run ends first.
   */
  tryAgainAfterFailure(index: number, device: string, code: string, signal?: AbortSignal): Promise<boolean> {
    return this.await(index, device, signal, {
      rules: this.tryAgain,
      ready: () => true,
      pending: (e) => e.action.kind === "tryAgain",
      note: (rule, n) => ({ timeline: rule.entry, action: "tryAgain", after: code, attempt: n, injected: true }),
    });
  }

  /**
   * After an enrolment ended: resolves true when the device, erased, is set up again (after the
   * rule's wait), false when no set-up applies to it any more or the run ends first.
   */
  setUpAgainWhenErased(index: number, device: string, erased: () => boolean, signal?: AbortSignal): Promise<boolean> {
    return this.await(index, device, signal, {
      rules: this.setUp,
      ready: erased,
      pending: (e) => e.action.kind === "setUpAgain" || e.action.kind === "reset",
      note: (rule, n) => ({ timeline: rule.entry, action: "setUpAgain", setUp: n, injected: true }),
    });
  }

  private async await(index: number, device: string, signal: AbortSignal | undefined, w: { rules: Rule[]; ready: () => boolean; pending: (e: TimelineEntry) => boolean; note: (r: Rule, n: number) => Record<string, unknown> }): Promise<boolean> {
    for (;;) {
      if (this.o.stopped() || signal?.aborted) return false;
      const rule = w.ready() ? w.rules.find((r) => has(r.targets, index) && (r.used.get(index) ?? 0) < r.times) : undefined;
      if (rule) {
        const n = (rule.used.get(index) ?? 0) + 1;
        rule.used.set(index, n);
        if (rule.waitMs > 0) {
          try {
            await this.o.clock.sleep(rule.waitMs, signal);
          } catch {
            return false;
          }
        }
        this.o.transcriptFor(device).record({ t: this.o.clock.now(), device, step: "timeline", kind: "note", data: w.note(rule, n) });
        return true;
      }
      if (!this.o.entries.some((e) => w.pending(e) && !this.o.applied(e.index) && has(this.o.targetSet(e), index))) return false;
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
