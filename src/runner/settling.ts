// SPDX-License-Identifier: MIT
/**
 * When the steady phase may open: once no more devices will start and each started one has settled —
 * its run ended, or its enrolment ended and it waits for the timeline to reset it and set it up again
 * (`setUpAgain`). A device that waits is in steady state meanwhile (it checks in until it is erased), so
 * "fail first, then fix" runs in one steady phase instead of holding it shut until the reset fires.
 */
export class Settling {
  private open = 0;
  private exhausted = false;
  private resolve!: () => void;
  /** Settles once the slots ran out and every started device settled. */
  readonly all: Promise<void> = new Promise((r) => (this.resolve = r));

  /** The run's slots; when they run out, no more devices start. */
  slots<S>(it: Iterator<S>): Iterator<S> {
    return {
      next: () => {
        const n = it.next();
        if (n.done) ((this.exhausted = true), this.check());
        return n;
      },
    };
  }

  /** A device starts; call the function it returns when it settles (more calls change nothing). */
  device(): () => void {
    this.open++;
    let settled = false;
    return () => {
      if (settled) return;
      settled = true;
      this.open--;
      this.check();
    };
  }

  private check(): void {
    if (this.exhausted && this.open === 0) this.resolve();
  }
}
