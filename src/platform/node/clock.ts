// SPDX-License-Identifier: MIT
/** Real-time {@link Clock} on setTimeout. Every timer is cancelled or fires; sleep honours abort. */
import { setMaxListeners } from "node:events";
import type { Clock, Timer } from "../../ports/clock.js";

export class RealClock implements Clock {
  now(): number {
    return Date.now();
  }

  setTimer(ms: number, fn: () => void): Timer {
    const t = setTimeout(fn, Math.max(0, ms));
    return { cancel: () => clearTimeout(t) };
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const onAbort = () => {
        clearTimeout(t);
        reject(signal!.reason);
      };
      const t = setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, Math.max(0, ms));
      if (signal) setMaxListeners(0, signal);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }
}
