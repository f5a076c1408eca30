// SPDX-License-Identifier: MIT
/**
 * The places of the closed load model (`arrival.concurrency`): at most N devices enrol at a time. A
 * device holds a place while it enrols; one that waits for something that is not its own work — an
 * ended enrolment waiting for the timeline to erase it and set it up again (`setUpAgain`) — gives its
 * place back and queues for one again when it resumes, so the devices behind it (often the ones whose
 * progress fires the reset) are not held up by it.
 */
import type { Clock } from "../ports/clock.js";

/** A device's place: given back while it waits, taken again (queued, first come first served) to go on. */
export interface Place {
  /** Gives the place back (nothing when it is not held). */
  release(): void;
  /** Takes a place again; false when `signal` aborted first (then none is held). */
  acquire(signal?: AbortSignal): Promise<boolean>;
}

export class Places {
  private free: number;
  private readonly queue: (() => void)[] = [];

  constructor(count: number) {
    this.free = Math.max(1, count);
  }

  private get(signal?: AbortSignal): Promise<boolean> {
    if (this.free > 0) {
      this.free--;
      return Promise.resolve(true);
    }
    if (signal?.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const granted = () => {
        signal?.removeEventListener("abort", aborted);
        resolve(true);
      };
      const aborted = () => {
        const i = this.queue.indexOf(granted);
        if (i >= 0) this.queue.splice(i, 1);
        resolve(false);
      };
      this.queue.push(granted);
      signal?.addEventListener("abort", aborted, { once: true });
    });
  }

  private put(): void {
    const next = this.queue.shift();
    if (next) next();
    else this.free++;
  }

  /** A place for a new device, once one is free. */
  async take(): Promise<Place> {
    await this.get();
    let held = true;
    return {
      release: () => {
        if (!held) return;
        held = false;
        this.put();
      },
      acquire: async (signal) => {
        if (!held) held = await this.get(signal);
        return held;
      },
    };
  }
}

/**
 * The closed model: devices start in slot order as places free up (`notStarted` once the run is halted);
 * each gives its place back when its run ends. Rejects with the first error a run threw, after all ended.
 */
export async function runClosed<S>(slots: Iterator<S>, concurrency: number, halted: () => boolean, notStarted: (slot: S) => void, run: (slot: S, place: Place) => Promise<void>): Promise<void> {
  const places = new Places(concurrency);
  const running: Promise<void>[] = [];
  let failed: { error: unknown } | undefined;
  for (let next = slots.next(); !next.done; next = slots.next()) {
    const place = await places.take();
    if (halted()) {
      notStarted(next.value);
      place.release();
      continue;
    }
    running.push(
      run(next.value, place)
        .catch((error: unknown) => void (failed ??= { error }))
        .finally(() => place.release()),
    );
  }
  await Promise.all(running);
  if (failed) throw failed.error;
}

/**
 * The open model: device i starts `offset(i)` ms after `start` (Infinity: after the last arrival phase,
 * so never: `notStarted` with why), at most `maxInFlight` at a time; once the run is halted the rest are
 * not started. Resolves when every started run has ended.
 */
export async function runOpen<S>(
  slots: Iterator<S>,
  offset: (i: number) => number,
  o: { clock: Pick<Clock, "now" | "sleep">; start: number; maxInFlight: number; wake: AbortSignal; woken: Promise<void>; halted: () => boolean },
  notStarted: (slot: S, why?: string) => void,
  run: (slot: S) => Promise<void>,
): Promise<void> {
  const inflight = new Set<Promise<void>>();
  let i = 0;
  for (let next = slots.next(); !next.done; next = slots.next(), i++) {
    const at = offset(i);
    if (at === Infinity) {
      notStarted(next.value, "because the last arrival phase ended before it was due");
      continue;
    }
    if (!o.halted()) {
      const wait = o.start + at - o.clock.now();
      if (wait > 0) await o.clock.sleep(wait, o.wake).catch(() => {});
    }
    while (inflight.size >= o.maxInFlight && !o.halted()) await Promise.race([...inflight, o.woken]);
    if (o.halted()) {
      notStarted(next.value);
      continue;
    }
    const p: Promise<void> = run(next.value).finally(() => inflight.delete(p));
    inflight.add(p);
  }
  await Promise.all(inflight);
}
