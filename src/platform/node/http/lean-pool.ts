// SPDX-License-Identifier: MIT
/**
 * One device's connections for the lean transport (lean.ts): idle kept-alive sockets per origin,
 * never shared between devices (one pool per client, as the node:http transport has one Agent per
 * client). A connection carries one request at a time (no pipelining); a second concurrent request
 * to the same origin opens a second connection, as Node's Agent does. Every socket the pool ever
 * handed out is tracked until it reports `close`, so `destroyAll` can wait for all of them.
 */
import type { Socket } from "node:net";

export class LeanPool {
  /** Idle sockets per origin key (`https://host:port`), most recently used last. */
  private readonly idle = new Map<string, Socket[]>();
  /** Every socket not yet closed (busy and idle). */
  private readonly open = new Set<Socket>();

  /** `keepAlive`: connections are kept between requests; otherwise each request closes its own. */
  constructor(readonly keepAlive: boolean) {}

  /** Starts tracking a new socket (an error with nobody listening would otherwise crash the process). */
  track(s: Socket): void {
    this.open.add(s);
    s.on("error", ignore);
    s.once("close", () => this.open.delete(s));
  }

  /** A live idle connection to `key`, taken out of the pool; undefined when none. */
  take(key: string): Socket | undefined {
    const list = this.idle.get(key);
    while (list?.length) {
      const s = list.pop()!;
      unwatch(s);
      if (!s.destroyed && s.writable && s.readable) return s;
      s.destroy();
    }
    return undefined;
  }

  /**
   * Keeps a connection whose response ended cleanly. While idle, a byte from the server (nothing
   * was asked: an unsolicited answer or the tail of a split response) or its close takes it out.
   */
  put(key: string, s: Socket): void {
    let list = this.idle.get(key);
    if (!list) this.idle.set(key, (list = []));
    const remove = (): void => {
      const i = list.indexOf(s);
      if (i >= 0) list.splice(i, 1);
      if (list.length === 0 && this.idle.get(key) === list) this.idle.delete(key);
      unwatch(s);
      s.destroy();
    };
    watchers.set(s, remove);
    s.on("data", remove);
    s.once("end", remove);
    s.once("close", remove);
    list.push(s);
  }

  /** Closes the idle connections (the client's idle timer). */
  closeIdle(): void {
    const all = [...this.idle.values()].flat();
    this.idle.clear();
    for (const s of all) {
      unwatch(s);
      s.destroy();
    }
  }

  /** Closes every connection, idle or busy, and resolves once each has reported `close`. */
  async destroyAll(): Promise<void> {
    this.closeIdle();
    const closing = [...this.open].map((s) => new Promise<void>((r) => (s.closed ? r() : s.once("close", () => r()))));
    for (const s of this.open) s.destroy();
    await Promise.all(closing);
  }

  /** Sockets not yet closed (tests: nothing leaks). */
  get openCount(): number {
    return this.open.size;
  }
}

const watchers = new WeakMap<Socket, () => void>();

function unwatch(s: Socket): void {
  const fn = watchers.get(s);
  if (!fn) return;
  watchers.delete(s);
  s.off("data", fn);
  s.off("end", fn);
  s.off("close", fn);
}

function ignore(): void {}
