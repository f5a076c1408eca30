// SPDX-License-Identifier: MIT
/**
 * The scenario clock with time skips: `skip(ms)` moves `now()` ahead at once and every timer due in
 * between fires right away, in order (a `skip: 2h` timeline action makes two hours pass in
 * milliseconds). Works over the real clock (CLI runs) and over the virtual clock (tests); timers not
 * yet due are re-armed for their remaining time. HTTP exchange deadlines stay on the base clock:
 * they measure an exchange's own duration, which a skip does not lengthen.
 */
import type { Clock, Timer } from "../../ports/clock.js";

interface Armed {
  due: number;
  seq: number;
  fn: () => void;
  handle: Timer;
}

export class SkippableClock implements Clock {
  private offset = 0;
  private seq = 0;
  private readonly armed = new Set<Armed>();

  constructor(readonly base: Clock) {}

  now(): number {
    return this.base.now() + this.offset;
  }

  /** Total time skipped so far (ms). */
  get skipped(): number {
    return this.offset;
  }

  setTimer(ms: number, fn: () => void): Timer {
    const a: Armed = { due: this.now() + Math.max(0, ms), seq: this.seq++, fn, handle: { cancel() {} } };
    this.arm(a, Math.max(0, ms));
    return {
      cancel: () => {
        a.handle.cancel();
        this.armed.delete(a);
      },
    };
  }

  private arm(a: Armed, ms: number): void {
    this.armed.add(a);
    a.handle = this.base.setTimer(ms, () => {
      this.armed.delete(a);
      a.fn();
    });
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const onAbort = () => {
        timer.cancel();
        reject(signal!.reason);
      };
      const timer = this.setTimer(ms, () => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      });
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  /** Time passes: `now()` moves `ms` ahead; timers due by then fire (in due order), the rest are re-armed. */
  skip(ms: number): void {
    if (!(ms > 0)) return;
    this.offset += ms;
    const now = this.now();
    const pending = [...this.armed].sort((x, y) => x.due - y.due || x.seq - y.seq);
    for (const a of pending) {
      a.handle.cancel();
      this.armed.delete(a);
      this.arm(a, Math.max(0, a.due - now));
    }
  }
}
