// SPDX-License-Identifier: MIT
/**
 * The ledger of real work in flight: every adapter that waits on something outside the JavaScript
 * thread (a socket round trip, a DNS query, a threadpool key generation, the reference server's
 * pushes to APNs) opens an entry when it starts and closes it when the result is back. A
 * virtual-time run (platform/virtual/clock.ts) moves time only when the ledger is empty and the
 * event loop has turned with nothing new, i.e. when every pending task is a timer, so real work
 * always finishes before virtual time jumps and no real-time guess is involved.
 *
 * The ledger is process-wide, like the ports' other shared state (push.ts): the reference server
 * and the devices of a run share a process, and a virtual clock cannot know which adapters a test
 * built. Cost outside virtual time: one Map entry per operation in flight.
 */

export class IoLedger {
  private readonly open = new Map<number, string>();
  private seq = 0;
  private changes = 0;
  private waiters: (() => void)[] = [];
  private watchers: (() => void)[] = [];

  /** Entries open now. */
  get pending(): number {
    return this.open.size;
  }

  /** Counts every begin and end: a waiter sees whether anything happened while it looked away. */
  get epoch(): number {
    return this.changes;
  }

  /** What is in flight (labels, oldest first), for a run that cannot finish. Labels carry no secret (no query strings, no bodies). */
  describe(limit = 5): string[] {
    return [...this.open.values()].slice(0, limit);
  }

  /** Opens an entry; the returned function closes it (once, however often it is called). */
  begin(label: string): () => void {
    const id = this.seq++;
    this.open.set(id, label);
    this.changed();
    return () => {
      if (!this.open.delete(id)) return;
      this.changed();
      if (this.open.size === 0) for (const w of this.waiters.splice(0)) w();
    };
  }

  /** Tracks `work` until it settles; returns it unchanged. */
  track<T>(label: string, work: Promise<T>): Promise<T> {
    const end = this.begin(label);
    work.then(end, end);
    return work;
  }

  /** Resolves at the next begin or end. */
  next(): Promise<void> {
    return new Promise((resolve) => this.watchers.push(resolve));
  }

  private changed(): void {
    this.changes++;
    for (const w of this.watchers.splice(0)) w();
  }

  /** Resolves once no entry is open (at once when none is). */
  idle(): Promise<void> {
    if (this.open.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}

/** The process-wide ledger the adapters record into and virtual clocks wait on. */
export const ioLedger = new IoLedger();
