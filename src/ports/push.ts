// SPDX-License-Identifier: MIT
/**
 * In-process push wake registry: the link between the mock APNs service (server layer) and the
 * simulated Apple devices of the same process. It lives in ports/ because both halves use it and
 * neither may import the other: the server delivers into it, the devices wait on it. An enrolled device registers its push token,
 * topic and PushMagic; while it waits between command sessions it is "online" and a push wakes
 * it at once. A push to a device that is busy (in a session) or offline stays pending — one per
 * token, as APNs stores only the newest notification — and is delivered when the device waits
 * again, unless it expired first. Counts: pushes accepted, delivered, coalesced (a pending push
 * replaced by one with the same apns-collapse-id), superseded (replaced, other collapse-id),
 * expired, ignored (PushMagic not the device's).
 */

import { ownString } from "./own-string.js";

export interface PushNote {
  pushMagic: string;
  collapseId?: string;
  /** ms since epoch; undefined = no expiry; 0 = deliver now or never (apns-expiration: 0). */
  expiresAt?: number;
}

/** What became of the pushes accepted for registered tokens (the run report's `pushes` adds sent and refused). */
export interface PushCounts {
  /** Accepted for a registered token (200). */
  accepted: number;
  /** Delivered: the device holding the token woke up. */
  delivered: number;
  /** A pending push replaced by a newer one with the same apns-collapse-id. */
  coalesced: number;
  /** A pending push replaced by a newer one with another (or no) collapse id. */
  superseded: number;
  /** Not delivered before apns-expiration (or expiration 0 while the device was busy/offline). */
  expired: number;
  /** Delivered, but the PushMagic was not the device's: the device ignored it. */
  ignored: number;
}

interface Entry {
  topic: string;
  pushMagic: string;
  state: "online" | "busy" | "offline" | "unregistered";
  waiter?: () => void;
  pending?: PushNote;
}

export type PushOutcome = "delivered" | "pending" | "unknown-token" | "unregistered" | "topic-disallowed";

export class PushRegistry {
  private readonly entries = new Map<string, Entry>();
  readonly counts: PushCounts = { accepted: 0, delivered: 0, coalesced: 0, superseded: 0, expired: 0, ignored: 0 };

  /** An enrolled device announces its token (hex, lower case) after TokenUpdate. */
  register(tokenHex: string, topic: string, pushMagic: string): void {
    // Kept for the whole run: copies that do not keep the profile or message they were read from (own-string.ts).
    this.entries.set(ownString(tokenHex.toLowerCase()), { topic: ownString(topic), pushMagic: ownString(pushMagic), state: "busy" });
  }

  /** The device leaves: `offline` keeps the token valid (pushes stay pending), `unregistered` (unenrolled, erased) makes it 410. */
  leave(tokenHex: string, how: "offline" | "unregistered"): void {
    const e = this.entries.get(tokenHex.toLowerCase());
    if (!e) return;
    e.state = how;
    e.waiter = undefined;
    if (how === "unregistered") e.pending = undefined;
  }

  /** The device holding the token is waiting for a push now. */
  isOnline(tokenHex: string): boolean {
    const e = this.entries.get(tokenHex.toLowerCase());
    return e?.state === "online" && !!e.waiter;
  }

  topicOf(tokenHex: string): string | undefined {
    return this.entries.get(tokenHex.toLowerCase())?.topic;
  }

  /** APNs accepts a notification for a token; `now` is the push service's clock. */
  push(tokenHex: string, topic: string, note: PushNote, now: number): PushOutcome {
    const e = this.entries.get(tokenHex.toLowerCase());
    if (!e) return "unknown-token";
    if (e.state === "unregistered") return "unregistered";
    if (e.topic !== topic) return "topic-disallowed";
    this.counts.accepted++;
    if (e.state === "online" && e.waiter) {
      this.deliver(e, note);
      return "delivered";
    }
    if (note.expiresAt === 0) {
      this.counts.expired++; // apns-expiration 0: one attempt, the device was not reachable
      return "pending";
    }
    if (e.pending) {
      if (e.pending.expiresAt !== undefined && e.pending.expiresAt !== 0 && e.pending.expiresAt < now) this.counts.expired++;
      else if (e.pending.collapseId !== undefined && e.pending.collapseId === note.collapseId) this.counts.coalesced++;
      else this.counts.superseded++;
    }
    e.pending = note;
    return "pending";
  }

  private deliver(e: Entry, note: PushNote): void {
    if (note.pushMagic !== e.pushMagic) {
      this.counts.ignored++; // the device drops a push whose PushMagic is not its own
      return;
    }
    this.counts.delivered++;
    const w = e.waiter;
    e.waiter = undefined;
    e.state = "busy";
    w?.();
  }

  /**
   * The device waits for a push; `wake` runs once when one arrives (at once if a live one is
   * pending). Returns a cancel function (call it when the poll timer wins).
   */
  wait(tokenHex: string, now: number, wake: () => void): () => void {
    const e = this.entries.get(tokenHex.toLowerCase());
    if (!e || e.state === "unregistered") return () => {};
    e.state = "online";
    e.waiter = wake;
    const p = e.pending;
    if (p) {
      e.pending = undefined;
      if (p.expiresAt !== undefined && p.expiresAt < now) this.counts.expired++;
      else this.deliver(e, p);
    }
    return () => {
      if (e.waiter === wake) {
        e.waiter = undefined;
        e.state = "busy";
      }
    };
  }
}

/**
 * The registry the embedded mock APNs and the Apple devices of this thread share. A worker thread of
 * `run --workers` replaces it (usePushRegistry) with one that forwards to the parent's, where the
 * run's one embedded server pushes (api/workers/push-bridge.ts). Importers see the replacement: an
 * ES module binding is live.
 */
// Replaced once, at a worker thread's start, before any device runs.
export let pushRegistry = new PushRegistry();

/** Replaces this thread's registry (a worker thread, before its devices start). */
export function usePushRegistry(r: PushRegistry): void {
  pushRegistry = r;
}
