// SPDX-License-Identifier: MIT
/**
 * APNs pushes across threads for `run --workers`: the run's one embedded server (and its mock
 * APNs) lives in the parent and delivers into the parent's push registry, while the Apple devices
 * run in worker threads. A worker's registry forwards what its devices do (register a token, leave,
 * wait for a push, stop waiting) to the parent's, and the parent wakes the waiting device through
 * the worker's port. Coalescing, expiry and the push counts stay in the one registry that the
 * server's report reads. A push that reaches the parent just after the device's poll timer fired is
 * counted delivered while the device already polled (the two events cross in the message queue);
 * in one thread the two cannot interleave.
 */
import { PushRegistry } from "../../ports/push.js";

/** What a worker's registry tells the parent. */
export type PushOp = { op: "register"; token: string; topic: string; pushMagic: string } | { op: "leave"; token: string; how: "offline" | "unregistered" } | { op: "wait"; token: string; now: number; id: number } | { op: "cancel"; id: number };

/** Worker side: devices use it like the in-process registry; it forwards to the parent. */
export class ForwardingPushRegistry extends PushRegistry {
  private readonly waiters = new Map<number, () => void>();
  private nextId = 0;

  constructor(private readonly send: (op: PushOp) => void) {
    super();
  }

  override register(tokenHex: string, topic: string, pushMagic: string): void {
    this.send({ op: "register", token: tokenHex, topic, pushMagic });
  }

  override leave(tokenHex: string, how: "offline" | "unregistered"): void {
    this.send({ op: "leave", token: tokenHex, how });
  }

  override wait(tokenHex: string, now: number, wake: () => void): () => void {
    const id = this.nextId++;
    this.waiters.set(id, wake);
    this.send({ op: "wait", token: tokenHex, now, id });
    return () => {
      if (this.waiters.delete(id)) this.send({ op: "cancel", id });
    };
  }

  /** The parent delivered a push to waiter `id`. */
  woken(id: number): void {
    const w = this.waiters.get(id);
    this.waiters.delete(id);
    w?.();
  }
}

/** Parent side: applies one worker's operations to the parent's registry; `wake(id)` tells the worker. */
export function servePushes(registry: PushRegistry, wake: (id: number) => void): (op: PushOp) => void {
  const cancels = new Map<number, () => void>();
  return (m) => {
    if (m.op === "register") registry.register(m.token, m.topic, m.pushMagic);
    else if (m.op === "leave") registry.leave(m.token, m.how);
    else if (m.op === "wait") {
      cancels.set(
        m.id,
        registry.wait(m.token, m.now, () => {
          cancels.delete(m.id);
          wake(m.id);
        }),
      );
    } else {
      cancels.get(m.id)?.();
      cancels.delete(m.id);
    }
  };
}
