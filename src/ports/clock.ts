// SPDX-License-Identifier: MIT
/**
 * Clock port. Every timer, timeout, retry delay and poll interval in enrollsim goes through
 * this interface, so tests run on virtual time (see {@link ../platform/virtual/VirtualClock}).
 */
export interface Timer {
  cancel(): void;
}

export interface Clock {
  /** Milliseconds since the Unix epoch, real or virtual. */
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason if aborted first. Never leaks a timer. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Runs `fn` once after `ms`. The handle must be cancelled or fire; nothing else keeps it. */
  setTimer(ms: number, fn: () => void): Timer;
}
