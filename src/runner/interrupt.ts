// SPDX-License-Identifier: MIT
/**
 * An operator's interrupt (SIGINT / SIGTERM in the CLI, or a library caller): the reason an
 * abort signal carries when the run was stopped on purpose rather than by its own deadline, so
 * devices cut short are reported as `runner.interrupted`, not as a deadline the scenario set.
 */
export class RunInterrupted extends Error {
  constructor(readonly signalName: string) {
    super(`run interrupted (${signalName})`);
    this.name = "RunInterrupted";
  }
}

/** The signal name when `signal` was aborted by an interrupt, else undefined. */
export function interruptOf(signal: AbortSignal | undefined): string | undefined {
  return signal?.aborted && signal.reason instanceof RunInterrupted ? signal.reason.signalName : undefined;
}
