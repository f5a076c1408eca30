// SPDX-License-Identifier: MIT
/**
 * One device's fault plan: the entries that can reach it, with its own counters (nth,
 * afterSuccesses, times) and its own seeded draws (probability, corrupted byte positions), so the
 * same seed injects the same faults into the same devices. Every fault that fires is recorded in
 * the device's transcript as a note saying it was injected, which entry fired and its action.
 */
import type { Clock, Entropy, TranscriptSink } from "../../ports/index.js";
import type { CurrentStep } from "../../protocol/common/context.js";
import { RequestSelector, scopeMatches, type DeviceScope, type Probe } from "./select.js";
import { actionOf, type FaultActionName, type ResolvedFault } from "./vocabulary.js";

/** What a request is, for applicability: an HTTP request (with its URL) or a DNS lookup. */
export type Target = { kind: "http"; method: string; url: string; headers?: Record<string, string>; body?: Uint8Array } | { kind: "dns"; op: "CNAME" | "A"; name: string };

/** Whether an action can act on this target at all (a TLS fault on plain HTTP cannot). */
export function applies(action: FaultActionName, f: ResolvedFault, t: Target): boolean {
  if (t.kind === "dns") return action === "dns";
  if (action === "dns") return typeof f.dns === "string"; // a CNAME answer acts on lookups only
  if (action === "tls") return t.url.startsWith("https:");
  if (action === "scepFailInfo") return /[?&]operation=PKIOperation(&|$)/.test(t.url);
  return true;
}

export interface Entry {
  fault: ResolvedFault;
  action: FaultActionName;
  selector: RequestSelector;
  matched: number;
  succeeded: number;
  fired: number;
  draws?: Entropy;
}

/** A fault chosen for one request; report the request's outcome with {@link settle}. */
export interface Firing {
  fault: ResolvedFault;
  action: FaultActionName;
  /** Deterministic bytes for this firing (corrupt positions). */
  entropy: Entropy;
}

export interface DeviceFaultsOptions {
  device: string;
  clock: Clock;
  /** The device's entropy; faults draw from their own forks of it. */
  entropy: Entropy;
  transcript: TranscriptSink;
  /** Scenario clock origin (ms) for `window`. */
  runStart: number;
  /** The device's current step (see ProtocolContext.current). */
  current: CurrentStep;
}

export class DeviceFaults {
  private readonly entries: Entry[];

  /**
   * `entries` from {@link DeviceFaults.entriesFor}; pass the same array again (a later check-in of
   * the device) to keep counting where the device left off.
   */
  constructor(
    entries: Entry[],
    readonly options: DeviceFaultsOptions,
  ) {
    this.entries = entries;
  }

  /** The entries that can reach a device of this scope, with fresh counters. */
  static entriesFor(faults: readonly ResolvedFault[], scope: DeviceScope): Entry[] {
    return faults
      .filter((f) => scopeMatches(f.match, f.scopeGroup, scope))
      .map((fault) => ({ fault, action: actionOf(fault), selector: new RequestSelector(fault.match), matched: 0, succeeded: 0, fired: 0 }));
  }

  /** True when no entry can reach this device (the wrappers then step aside). */
  get empty(): boolean {
    return this.entries.length === 0;
  }

  /**
   * The entry that fires on this request, if any (the first in file order whose selectors all
   * hold). Also returns the entries that matched without firing, whose success counters
   * {@link settle} updates.
   */
  pick(t: Target): { firing?: Firing; matched: Entry[] } {
    const cur = this.options.current;
    const probe: Probe = {
      step: cur.step,
      ...(cur.step !== undefined && cur.prefix ? { reportedStep: `${cur.prefix}${cur.step}` } : {}),
      target: t.kind === "http" ? t.url : t.name,
      ...(t.kind === "http" ? { method: t.method, request: { headers: t.headers, body: t.body } } : {}),
      elapsedSeconds: (this.options.clock.now() - this.options.runStart) / 1000,
    };
    const matched: Entry[] = [];
    let firing: Firing | undefined;
    for (const e of this.entries) {
      if (!applies(e.action, e.fault, t) || !e.selector.matches(probe)) continue;
      e.matched++;
      matched.push(e);
      if (firing || !this.counts(e)) continue;
      e.fired++;
      firing = { fault: e.fault, action: e.action, entropy: this.draws(e).fork(`firing-${e.fired}`) };
    }
    if (firing) this.record(firing, t);
    return { firing, matched: firing ? [] : matched };
  }

  /** A request no fault fired on ended; successes count towards `afterSuccesses`. */
  settle(matched: Entry[], ok: boolean): void {
    if (ok) for (const e of matched) e.succeeded++;
  }

  private counts(e: Entry): boolean {
    const m = e.fault.match ?? {};
    if (e.fault.times !== undefined && e.fired >= e.fault.times) return false;
    if (m.nth !== undefined && e.matched !== m.nth) return false;
    if (m.afterSuccesses !== undefined && e.succeeded < m.afterSuccesses) return false;
    if (m.probability !== undefined) {
      // One draw per matching request, from this entry's own stream: the same seed gives the same fleet.
      const u = this.draws(e).int(1_000_000_000) / 1_000_000_000;
      if (u >= m.probability) return false;
    }
    return true;
  }

  private draws(e: Entry): Entropy {
    e.draws ??= this.options.entropy.fork(`faults/${e.fault.origin}`);
    return e.draws;
  }

  private record(f: Firing, t: Target): void {
    const o = this.options;
    o.transcript.record({
      t: o.clock.now(),
      device: o.device,
      step: o.current.step ?? "device",
      kind: "note",
      data: {
        injected: true,
        fault: f.fault.name,
        entry: f.fault.origin,
        action: { [f.action]: (f.fault as unknown as Record<string, unknown>)[f.action] },
        target: t.kind === "http" ? `${t.method} ${t.url.length > 160 ? `${t.url.slice(0, 160)}…` : t.url}` : `${t.op} ${t.name}`,
      },
    });
  }
}
