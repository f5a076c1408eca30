// SPDX-License-Identifier: MIT
/**
 * SIGINT / SIGTERM during a run: the first signal stops arrivals and lets in-flight devices
 * finish for a grace period, after which (or on a second signal) they are aborted. The run then
 * ends normally, so its summary and reports are written, marked `interrupted`.
 * Exit status follows the shell convention 128 + signal number: 130 (SIGINT), 143 (SIGTERM).
 */
import { RunInterrupted } from "../runner/interrupt.js";

export const INTERRUPT_EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

export interface InterruptHandle {
  /** Aborted by the first signal: no further device starts. */
  stopArrivals: AbortSignal;
  /** Aborted by a second signal or when the grace period ends: in-flight devices are cut short. */
  abort: AbortSignal;
  /** The first signal received, if any. */
  readonly received: string | undefined;
  /** Removes the handlers (the process then reacts to signals as usual). */
  dispose(): void;
}

export function handleInterrupts(graceSeconds: number, say: (line: string) => void): InterruptHandle {
  const stop = new AbortController();
  const abort = new AbortController();
  let received: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  const onSignal = (sig: NodeJS.Signals): void => {
    if (!received) {
      received = sig;
      say(`${sig}: stopping arrivals; in-flight devices get ${graceSeconds} s to finish (send ${sig === "SIGINT" ? "Ctrl-C" : "the signal"} again to abort them now); the summary follows`);
      stop.abort(new RunInterrupted(sig));
      timer = setTimeout(() => {
        say(`grace period of ${graceSeconds} s over: aborting in-flight devices`);
        abort.abort(new RunInterrupted(received!));
      }, graceSeconds * 1000);
      timer.unref();
    } else if (!abort.signal.aborted) {
      say(`${sig} again: aborting in-flight devices now`);
      abort.abort(new RunInterrupted(received));
    }
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return {
    stopArrivals: stop.signal,
    abort: abort.signal,
    get received() {
      return received;
    },
    dispose() {
      if (timer) clearTimeout(timer);
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    },
  };
}
