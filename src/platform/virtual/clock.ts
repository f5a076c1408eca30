// SPDX-License-Identifier: MIT
/**
 * Virtual clock for tests: time moves only when the test advances it, so a 10-minute SCEP poll
 * schedule or a 60-minute ESP timeout is checked in milliseconds. Mirrors matter.js MockTime.
 *
 * When time may move. run(), which drives a flow, jumps to the next timer only when every pending
 * task is a timer:
 * - real work (sockets, DNS, threadpool key generation, the server's APNs pushes) is recorded by
 *   the adapters that do it in the I/O ledger (ports/io-ledger.ts); while an entry is open the
 *   clock waits for the ledger's idle signal, however long the work takes in real time;
 * - JavaScript work (promise chains, callbacks of finished I/O) is drained by turning the event
 *   loop (setImmediate) until one turn passes with the ledger empty and nothing new: no I/O begun
 *   or ended, no timer set or cancelled.
 * No real timer is used and no "quiet for N ms" guess is made, so a slow machine cannot make virtual
 * time overtake real work. Code on virtual time must do its I/O through the ports (which the
 * architecture test enforces below the adapters); a real peer that never answers keeps run() still,
 * so stalled servers are tested with the in-memory transport (platform/virtual/http.ts) or on the
 * real clock. advance(ms) is a test saying "this much time passes now": it drains JavaScript work
 * between timers the same way but does not wait for open real I/O (so a real request's deadline on
 * the injected clock can be made to fire).
 */
import type { Clock, Timer } from "../../ports/clock.js";
import { ioLedger, type IoLedger } from "../../ports/io-ledger.js";

const noop = (): void => {};

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
  /** Timers set or cancelled so far: part of "nothing new happened in this turn". */
  private changes = 0;
  /** run() waiting for a timer to be set (by work it cannot see, e.g. an untracked file read). */
  private timerWatchers: (() => void)[] = [];

  constructor(
    start = Date.UTC(2026, 0, 1),
    private readonly ledger: IoLedger = ioLedger,
  ) {
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
    this.changes++;
    for (const w of this.timerWatchers.splice(0)) w();
    return {
      cancel: () => {
        if (!p.cancelled) this.changes++;
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

  /**
   * Drains JavaScript work: turns of the event loop until one passes with no tracked I/O begun or
   * ended and no timer set or cancelled. With `waitForIo`, also waits (on the ledger's idle signal,
   * no timer) while tracked real work is open, so that afterwards every pending task is a timer.
   */
  private async quiesce(waitForIo: boolean): Promise<void> {
    for (;;) {
      if (waitForIo && this.ledger.pending > 0) {
        await this.ledger.idle();
        continue;
      }
      const mark = `${this.ledger.epoch}:${this.changes}`;
      await new Promise<void>((r) => setImmediate(r));
      if ((!waitForIo || this.ledger.pending === 0) && mark === `${this.ledger.epoch}:${this.changes}`) return;
    }
  }

  /** Fires the timers due by `target` in order, draining work after each; then time is `target`. */
  private async moveTo(target: number, waitForIo: boolean): Promise<void> {
    await this.quiesce(waitForIo);
    for (;;) {
      const next = this.queue[0];
      if (!next || next.at > target) break;
      this.queue.shift();
      this.current = Math.max(this.current, next.at);
      next.fn();
      await this.quiesce(waitForIo);
    }
    this.current = Math.max(this.current, target);
    await this.quiesce(waitForIo);
  }

  /**
   * Advances time by `ms` now, firing due timers in order and draining JavaScript work after each.
   * The caller says that time passes, so open real I/O does not hold it back (a test can let a real
   * request's deadline fire); use {@link run} to move time only when everything else is done.
   */
  async advance(ms: number): Promise<void> {
    await this.moveTo(this.current + ms, false);
  }

  /**
   * Advances time timer by timer until `promise` settles, each step only once every pending task
   * is a timer (tracked real work done, JavaScript work drained); fails if it would need more than
   * `limitMs` of virtual time (default one virtual hour). With no timer pending and no tracked
   * I/O open, time cannot move: it waits, without a timer, until something happens (the promise
   * settles, a timer is set, tracked I/O begins), as untracked work such as reading a scenario
   * file completes. A promise nothing will ever settle is left to the test's own timeout.
   */
  async run<T>(promise: Promise<T>, limitMs = 3_600_000): Promise<T> {
    let done = false;
    const tracked = promise.finally(() => {
      done = true;
    });
    tracked.catch(() => {});
    const deadline = this.current + limitMs;
    for (;;) {
      await this.quiesce(true);
      if (done) break;
      const next = this.queue[0];
      if (!next) {
        await Promise.race([tracked.then(noop, noop), new Promise<void>((r) => this.timerWatchers.push(r)), this.ledger.next()]);
        continue;
      }
      if (next.at > deadline) throw new Error(`promise did not settle within ${limitMs} ms of virtual time`);
      await this.moveTo(next.at, true);
    }
    return tracked;
  }
}
