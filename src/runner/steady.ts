// SPDX-License-Identifier: MIT
/**
 * Steady state (closed population): enrolled devices check in every `intervalSeconds` ± jitter
 * until the steady phase ends. One scheduler, one clock timer for the whole population (a
 * binary heap of due times): no per-device timers exist, so none can leak, and an idle device
 * costs only its heap entry and what it holds. `timeScale` compresses the device-side cadence
 * (interval / timeScale); protocol timers inside a check-in (step timeouts) stay wall-clock.
 */
import type { Clock, Entropy, Timer } from "../ports/index.js";

/** Check-ins in flight at once when the load model does not say (per process; `--workers` splits it). */
export const DEFAULT_STEADY_IN_FLIGHT = 256;

export interface SteadySpec {
  /** How long the steady phase lasts once started (bounded by time). */
  durationSeconds: number;
  /** Check-in cadence of each device. */
  intervalSeconds: number;
  /** Jitter as a fraction of the interval, 0..1: each wait is interval·(1 ± jitter·u). */
  jitter: number;
  /** Most check-ins in flight at once (default 256). */
  maxInFlight?: number;
  /** Upper bound on check-ins per device (bounded by count; default unlimited within the time). */
  maxCheckinsPerDevice?: number;
}

interface Entry<M> {
  at: number;
  seq: number;
  member: M;
  done: number;
}

/** Min-heap on (at, seq). */
class Heap<T extends { at: number; seq: number }> {
  private a: T[] = [];
  get size(): number {
    return this.a.length;
  }
  peek(): T | undefined {
    return this.a[0];
  }
  push(x: T): void {
    const a = this.a;
    a.push(x);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(a[i]!, a[p]!)) break;
      [a[i], a[p]] = [a[p]!, a[i]!];
      i = p;
    }
  }
  pop(): T | undefined {
    const a = this.a;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && less(a[l]!, a[m]!)) m = l;
        if (r < a.length && less(a[r]!, a[m]!)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }
  clear(): void {
    this.a = [];
  }
}
/**
 * First in, first out without `Array#shift`, which copies the whole array: the queue of due
 * check-ins holds thousands when the offered load exceeds what the process serves.
 */
class Fifo<T> {
  private a: (T | undefined)[] = [];
  private head = 0;
  get size(): number {
    return this.a.length - this.head;
  }
  push(x: T): void {
    this.a.push(x);
  }
  shift(): T | undefined {
    if (this.head >= this.a.length) return undefined;
    const x = this.a[this.head];
    this.a[this.head++] = undefined;
    if (this.head === this.a.length) this.clear();
    else if (this.head >= 1024 && this.head * 2 >= this.a.length) {
      this.a = this.a.slice(this.head);
      this.head = 0;
    }
    return x;
  }
  clear(): void {
    this.a = [];
    this.head = 0;
  }
}
const less = (x: { at: number; seq: number }, y: { at: number; seq: number }) => x.at < y.at || (x.at === y.at && x.seq < y.seq);

export interface SteadyOptions<M> {
  clock: Clock;
  spec: SteadySpec;
  /** Device-side time compression (≥ 1 compresses); default 1. */
  timeScale?: number;
  /** Jitter source (seeded: the schedule is deterministic for a seed). */
  entropy: Entropy;
  /**
   * One check-in. It reports its own outcome, failures included (the caller's observer); a
   * rejection is a defect of that reporting, which the scheduler counts ({@link SteadyScheduler.errors})
   * and hands to `onError` instead of dropping the check-in silently. The device keeps its cadence.
   */
  checkin(member: M): Promise<void>;
  /** A check-in rejected (see `checkin`); must not throw (a throw is counted too, and ignored). */
  onError?(member: M, err: unknown): void;
  signal?: AbortSignal;
}

/** Validates a steady spec; returns a message or undefined. */
export function steadyProblem(s: SteadySpec): string | undefined {
  const pos = (x: unknown) => typeof x === "number" && Number.isFinite(x) && x > 0;
  if (!pos(s.durationSeconds)) return "steady.durationSeconds must be a positive number";
  if (!pos(s.intervalSeconds)) return "steady.intervalSeconds must be a positive number";
  if (typeof s.jitter !== "number" || !(s.jitter >= 0 && s.jitter <= 1)) return "steady.jitter must be between 0 and 1";
  if (s.maxInFlight !== undefined && !(Number.isInteger(s.maxInFlight) && s.maxInFlight > 0)) return "steady.maxInFlight must be a positive integer";
  if (s.maxCheckinsPerDevice !== undefined && !(Number.isInteger(s.maxCheckinsPerDevice) && s.maxCheckinsPerDevice > 0)) {
    return "steady.maxCheckinsPerDevice must be a positive integer";
  }
  return undefined;
}

/** Scenario time skipped so far, when the clock is the timeline's skippable clock (runner/timeline/skip-clock.ts). */
const skippedOf = (clock: Clock): number => {
  const v = (clock as { skipped?: unknown }).skipped;
  return typeof v === "number" ? v : 0;
};

/** The population scheduler. `start()` opens the phase; `add()` joins a device; `finished` settles at the end. */
export class SteadyScheduler<M> {
  private readonly heap = new Heap<Entry<M>>();
  private readonly ready = new Fifo<Entry<M>>();
  private timer: Timer | undefined;
  private endTimer: Timer | undefined;
  private seq = 0;
  private inFlight = 0;
  private endAt = Infinity;
  private ended = false;
  private bulk = false;
  /** Skipped scenario time when the first device joined (undefined: nobody yet). */
  private skippedAtFirstJoin: number | undefined;
  private resolveDone!: () => void;
  private readonly onAbort = () => this.stop();
  /** Settles when the phase has ended and every in-flight check-in has finished. */
  readonly finished: Promise<void>;
  /** Check-ins started so far. */
  started = 0;
  /** Check-ins whose `checkin` rejected instead of reporting its outcome (each also went to `onError`). */
  errors = 0;

  constructor(private readonly o: SteadyOptions<M>) {
    this.finished = new Promise((r) => (this.resolveDone = r));
  }

  /** Devices waiting for their next check-in. */
  get population(): number {
    return this.heap.size + this.ready.size + this.inFlight;
  }

  private get scale(): number {
    return this.o.timeScale && this.o.timeScale > 0 ? this.o.timeScale : 1;
  }

  /** Clock ms until the next check-in of a device: interval·(1 ± jitter·u) / timeScale. */
  private nextWait(): number {
    const { intervalSeconds, jitter } = this.o.spec;
    const u = jitter > 0 ? (this.o.entropy.int(2_000_001) - 1_000_000) / 1_000_000 : 0;
    return (intervalSeconds * 1000 * (1 + jitter * u)) / this.scale;
  }

  /**
   * Opens the steady phase now; it ends after durationSeconds (device time, i.e. / timeScale),
   * less the scenario time a timeline `skip` made pass while enrolled devices waited for it to
   * open: a device is in steady state from its enrolment, so skipped time is steady time.
   */
  start(): void {
    if (this.o.signal?.aborted) return this.stop();
    this.o.signal?.addEventListener("abort", this.onAbort, { once: true });
    const credit = this.skippedAtFirstJoin === undefined ? 0 : skippedOf(this.o.clock) - this.skippedAtFirstJoin;
    const ms = Math.max(0, (this.o.spec.durationSeconds * 1000) / this.scale - credit);
    const now = this.o.clock.now();
    this.endAt = now + ms;
    this.endTimer = this.o.clock.setTimer(ms, () => {
      this.endTimer = undefined;
      this.stop();
    });
    // Devices that joined before the phase opened start their cadence now (no herd at t=0),
    // except those whose first check-in a skip already made due: they check in at the open.
    const early: Entry<M>[] = [];
    for (let e = this.heap.pop(); e; e = this.heap.pop()) early.push(e);
    this.bulk = true;
    for (const e of early) {
      if (e.at <= now) this.heap.push(e);
      else this.schedule(e);
    }
    this.bulk = false;
    this.fire(); // starts the due check-ins before the end timer can close a phase the skip used up
  }

  /** A device joins the population; its first check-in is one (jittered) interval from now. */
  add(member: M): void {
    if (this.ended) return;
    this.skippedAtFirstJoin ??= skippedOf(this.o.clock);
    this.schedule({ at: 0, seq: 0, member, done: 0 });
  }

  private schedule(e: Entry<M>): void {
    const max = this.o.spec.maxCheckinsPerDevice;
    if (max !== undefined && e.done >= max) return;
    e.at = this.o.clock.now() + this.nextWait();
    e.seq = this.seq++;
    if (e.at >= this.endAt) return; // would fall after the end: the device just idles out
    const head = this.heap.peek();
    this.heap.push(e);
    if (!head || less(e, head)) this.arm();
  }

  private arm(): void {
    this.timer?.cancel();
    this.timer = undefined;
    const head = this.heap.peek();
    if (!head || this.ended || this.bulk || this.endAt === Infinity) return;
    this.timer = this.o.clock.setTimer(Math.max(0, head.at - this.o.clock.now()), () => {
      this.timer = undefined;
      this.fire();
    });
  }

  private fire(): void {
    const now = this.o.clock.now();
    for (let h = this.heap.peek(); h && h.at <= now; h = this.heap.peek()) this.ready.push(this.heap.pop()!);
    this.pump();
    this.arm();
  }

  private pump(): void {
    const max = this.o.spec.maxInFlight ?? DEFAULT_STEADY_IN_FLIGHT;
    while (!this.ended && this.inFlight < max && this.ready.size > 0) {
      const e = this.ready.shift()!;
      this.inFlight++;
      this.started++;
      void this.o
        .checkin(e.member)
        .catch((err: unknown) => {
          this.errors++;
          try {
            this.o.onError?.(e.member, err);
          } catch {
            // counted above; the scheduler must keep every other device's cadence
          }
        })
        .finally(() => {
          this.inFlight--;
          e.done++;
          if (!this.ended) this.schedule(e);
          this.pump();
          this.settle();
        });
    }
  }

  /** Ends the phase: nothing new starts; in-flight check-ins finish. Idempotent. */
  stop(): void {
    if (this.ended) return;
    this.ended = true;
    this.timer?.cancel();
    this.timer = undefined;
    this.endTimer?.cancel();
    this.endTimer = undefined;
    this.heap.clear();
    this.ready.clear();
    this.o.signal?.removeEventListener("abort", this.onAbort);
    this.settle();
  }

  private settle(): void {
    if (this.ended && this.inFlight === 0) this.resolveDone();
  }
}
