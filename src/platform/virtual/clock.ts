// SPDX-License-Identifier: MIT
/**
 * Virtual clock for tests: time moves only when the test advances it, so a 10-minute SCEP poll
 * schedule or a 60-minute ESP timeout is checked in milliseconds. Mirrors matter.js MockTime.
 */
import type { Clock, Timer } from "../../ports/clock.js";

interface Pending {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

export class VirtualClock implements Clock {
  private current: number;
  private seq = 0;
  private queue: Pending[] = [];

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  /** Timers not yet fired or cancelled: a leak check for tests. */
  get pendingTimers(): number {
    return this.queue.filter((p) => !p.cancelled).length;
  }

  setTimer(ms: number, fn: () => void): Timer {
    const p: Pending = { at: this.current + Math.max(0, ms), seq: this.seq++, fn, cancelled: false };
    this.queue.push(p);
    this.queue.sort((a, b) => a.at - b.at || a.seq - b.seq);
    return {
      cancel: () => {
        p.cancelled = true;
        this.queue = this.queue.filter((q) => q !== p);
      },
    };
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

  /** Lets pending promise callbacks and real I/O callbacks run before time moves on. */
  private static async settle(): Promise<void> {
    for (let i = 0; i < 5; i++) await new Promise<void>((r) => setImmediate(r));
  }

  /** Advances time by `ms`, firing due timers in order. */
  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    await VirtualClock.settle();
    for (;;) {
      const next = this.queue[0];
      if (!next || next.at > target) break;
      this.queue.shift();
      this.current = Math.max(this.current, next.at);
      next.fn();
      await VirtualClock.settle();
    }
    this.current = target;
    await VirtualClock.settle();
  }

  /**
   * Advances time timer by timer until `promise` settles; fails if it would need more than
   * `limitMs` of virtual time (default one virtual hour). Use it with in-memory transports: a
   * virtual timer cannot know that a real socket is still busy, so it is advanced as soon as the
   * microtask and immediate queues are quiet (plus one real millisecond for worker callbacks).
   */
  async run<T>(promise: Promise<T>, limitMs = 3_600_000): Promise<T> {
    let done = false;
    const tracked = promise.finally(() => {
      done = true;
    });
    tracked.catch(() => {});
    const deadline = this.current + limitMs;
    let idle = 0;
    for (;;) {
      await VirtualClock.settle();
      if (done) break;
      await new Promise<void>((r) => setTimeout(r, 1));
      if (done) break;
      const next = this.queue[0];
      if (!next) {
        if (++idle > 5000) throw new Error("promise is waiting on neither a timer nor I/O that finishes");
        continue;
      }
      if (next.at > deadline) throw new Error(`promise did not settle within ${limitMs} ms of virtual time`);
      idle = 0;
      await this.advance(next.at - this.current);
    }
    return tracked;
  }
}
