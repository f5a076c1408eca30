// SPDX-License-Identifier: MIT
/**
 * Runs a scenario's timeline: fires each entry at its time on the scenario clock or after its event,
 * keeps the device-side state the actions create (offline windows, endpoints refused, what the user
 * does at a step, Try Again) and hands server actions to the embedded server. Every fired action is
 * recorded: a transcript note for each device it targets and a run-level list for the report.
 */
import type { Clock, Timer } from "../../ports/clock.js";
import { LocalDeviceActions } from "./device-actions.js";
import type { HostConnection } from "../../protocol/common/context.js";
import type { CheckinSample, DeviceResult, RunObserver, StepSample } from "../observer.js";
import { clockOffsetMs, type DeviceState } from "../../device/state.js";
import { recordAction, selectTargets } from "./targets.js";
import { DeviceStateSets, OS_RELEASE_KEYS, OWN_HANDLING } from "./device-state.js";
import type { NetworkBlock } from "./device-net.js";
import { NetworkWindows } from "./network-windows.js";
import { formatMs } from "./duration.js";
import { globRegExp } from "./glob.js";
import { bootMsOf, DevicePower } from "./reboot.js";
import type { SkippableClock } from "./skip-clock.js";
import type { TimelineDevice, TimelineOptions } from "./engine-ports.js";
import { UserRetries, retryRuleText, type RetryKind } from "./retries.js";
import { isServerAction, type FiredAction, type RestoredBackup, type TimelineAction, type TimelineEntry, type TimelineEvent } from "./types.js";
import { DeviceResetError, UserAbandonedError } from "./user-errors.js";

export { DeviceResetError, UserAbandonedError };
export type { DeviceRef, TimelineDevice, TimelineOptions, TimelineServer } from "./engine-ports.js";

/** Outcomes of an enrolment that leave the device erased: a local reset during it, the admin's remote wipe carried out during it (Windows RemoteWipe in the ESP). */
const ERASED_BY = new Set(["device.reset", "windows.wiped"]);

/** Platforms whose backups bring an MDM enrollment back (the management profile and identity in an iOS/iPadOS/macOS backup; device/apple/restore.ts). */
const RESTORES_ENROLLMENT = new Set(["ios", "ipados", "macos"]);

interface GateRule {
  entry: number;
  action: Extract<TimelineAction, { kind: "idle" | "abandon" | "offline" | "reboot" }>;
  targets: Set<number> | "all";
  step?: RegExp;
  consumed: Set<number>;
}

const describeEvent = (e: TimelineEvent): string =>
  e.kind === "step" ? `${e.step} ${e.ok ? "succeeded" : "failed"} ${e.n}×` : e.kind === "enrolled" ? `${e.n} device(s) enrolled` : `${e.n} device(s) ended with ${e.code}`;

export class TimelineEngine implements RunObserver {
  private readonly clock: Clock;
  private start = 0;
  private signal?: AbortSignal;
  private seq = 0;
  private readonly timers: Timer[] = [];
  private readonly fired = new Set<number>();
  /** Entries whose action has been applied (fired may reserve an after: entry during its wait). */
  private readonly applied = new Set<number>();
  private readonly log: FiredAction[] = [];
  /** Offline windows, online entries and endpoints refused (network-windows.ts). */
  private readonly net: NetworkWindows;
  /** Target sets per entry, computed once ("all" without a target). */
  private readonly targetSets = new Map<number, Set<number> | "all">();
  private readonly gates: GateRule[] = [];
  /** Try Again and set-up-again rules, and the devices waiting for them (retries.ts). */
  private readonly retries: UserRetries;
  private readonly counts = new Map<string, number>();
  private readonly certificates = new Map<number, string[]>();
  private readonly byId = new Map<string, number>();
  private readonly clockOffsets = new Map<number, number>();
  private readonly stateSets = new DeviceStateSets();
  private readonly installedRoots = new Map<number, string[]>();
  /** Devices restored from a backup since their last set-up (timeline `restore`), and which backup. */
  private readonly restored = new Map<number, RestoredBackup>();
  /** Computers the user connected each device to (timeline `connectHost`), oldest first. */
  private readonly hosts = new Map<number, HostConnection[]>();
  private stopped = false;
  /** The run has a steady phase (begin). */
  private steady = false;
  /** Devices erased by a local reset (and not restored since); value: a reset still to apply at the next step of an enrolment. */
  private readonly erasedDevices = new Map<number, { pendingAtStep: boolean; entry: number }>(); private readonly erasedUnstarted = new Set<number>(); // erased by a reset while not set up (not started, or ended without enrolling)
  private readonly running = new Set<number>();
  private readonly enrolledSet = new Set<number>();
  /** Devices whose enrolment ended and that wait to be set up again (`setUpAgain`); their end was counted when they parked. */
  private readonly parked = new Set<number>();
  private readonly endCounted = new Set<number>();
  /** Failures counted when the device showed them (`index|code`): once per device and code within one set-up. */
  private readonly failuresShown = new Set<string>();
  /** Devices' power (timeline `reboot`): the runner cuts requests in flight with it and boots devices. */
  readonly power: DevicePower;
  readonly atDevice = new LocalDeviceActions();

  constructor(private readonly o: TimelineOptions) {
    this.clock = o.clock;
    this.power = new DevicePower(o.clock, o.transcriptFor, () => this.signal);
    this.net = new NetworkWindows(() => o.clock.now());
    for (const d of o.devices) this.byId.set(d.id, d.index);
    this.retries = new UserRetries({ clock: o.clock, entries: o.entries, applied: (i) => this.applied.has(i), targetSet: (e) => this.targetSet(e), stopped: () => this.stopped, transcriptFor: o.transcriptFor });
  }

  // ------------------------------------------------------------------ lifecycle

  /**
   * Arms the `at:` entries; `signal` is the run's deadline. `steady`: the run has a steady phase, so an
   * enrolled device waiting to be set up again checks in meanwhile (runner/fleet.ts) and a fired
   * `setUpAgain` with set-ups left keeps it waiting (a check-in may erase it: a remote wipe).
   */
  begin(signal?: AbortSignal, o: { steady?: boolean } = {}): void {
    this.start = this.clock.now();
    this.signal = signal;
    this.steady = !!o.steady;
    for (const e of this.o.entries) {
      if (e.when.kind !== "at") continue;
      // At 0 s the action is in place before the first device starts.
      if (e.when.ms === 0) void this.fire(e);
      else this.timers.push(this.clock.setTimer(e.when.ms, () => void this.fire(e)));
    }
  }

  /** Cancels what has not fired; releases devices waiting for a Try Again. */
  end(): void {
    this.stopped = true;
    for (const t of this.timers) t.cancel();
    this.retries.wake();
  }

  /** Fired actions, then the entries that never fired, for the run report. */
  report(): FiredAction[] {
    const notFired = this.o.entries
      .filter((e) => !this.fired.has(e.index))
      .map((e) => ({ entry: e.index, action: actionKey(e.action), atMs: -1, at: "", trigger: this.trigger(e), result: "not fired: the run ended first", ...(e.note ? { note: e.note } : {}) }));
    // In firing order (a server action is logged when it completes, so sort by when it fired).
    const fired = [...this.log].sort((a, b) => a.atMs - b.atMs || a.entry - b.entry);
    return [...fired, ...notFired];
  }

  // ------------------------------------------------------------------ events (after:)

  onStep(s: StepSample): void {
    this.count(`step:${s.step}:${s.ok}`);
  }

  /** A failed attempt before a Try Again: its ending step counts as a failed sample (observer.ts). */
  onAttemptFailed(a: { step: string }): void {
    this.count(`step:${a.step}:false`);
  }

  onDeviceStart(_device: string, index: number): void {
    this.running.add(index);
  }

  onDeviceEnd(r: DeviceResult): void {
    this.running.delete(r.index);
    if (r.ok) this.enrolledSet.add(r.index);
    if (this.endCounted.delete(r.index)) return; // counted when it parked (setUpAgainAfter)
    if (r.ok) this.count("enrolled");
    else if (r.failure) this.failureShown(r.index, r.failure.code);
  }

  /**
   * Device `index` shows failure `code`: counted for `after: { outcome }` now, not when the device
   * ends, since a device that waits at its error for a Try Again does not end (an entry that fixes
   * the cause, or the Try Again itself, triggered by the outcome must fire while it waits). Each
   * device counts once per code within one set-up, however many attempts fail with it.
   */
  private failureShown(index: number, code: string): void {
    const key = `${index}|${code}`;
    if (this.failuresShown.has(key)) return;
    this.failuresShown.add(key);
    this.count(`outcome:${code}`);
  }

  /** A failed steady check-in: its code counts for `after: { outcome }` as a failure the device shows (once per device and code). */
  onCheckin(c: CheckinSample): void {
    if (!c.ok && c.code) this.failureShown(c.index, c.code);
  }

  /** A flow's result (success codes come only from here; failures are counted at onDeviceEnd). */
  onFlowResult(device: string, r: { ok: boolean; code: string; keychain?: { identities: { certificate: { serialHex: string } }[] } }): void {
    const index = this.byId.get(device);
    if (r.ok) {
      this.count(`outcome:${r.code}`);
      if (index !== undefined && r.keychain) this.certificates.set(index, r.keychain.identities.map((i) => i.certificate.serialHex));
    }
  }

  private count(key: string): void {
    const n = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, n);
    if (this.stopped) return;
    for (const e of this.o.entries) {
      if (e.when.kind !== "after" || this.fired.has(e.index)) continue;
      const ev = e.when.event;
      const k = ev.kind === "step" ? `step:${ev.step}:${ev.ok}` : ev.kind === "enrolled" ? "enrolled" : `outcome:${ev.code}`;
      if (k !== key || n !== ev.n) continue;
      this.fired.add(e.index); // reserved now, fires after the wait
      const wait = e.when.waitMs;
      if (wait > 0) this.timers.push(this.clock.setTimer(wait, () => void this.fire(e, true)));
      else queueMicrotask(() => void this.fire(e, true));
    }
  }

  // ------------------------------------------------------------------ firing

  private trigger(e: TimelineEntry): string {
    return e.when.kind === "at" ? `at ${formatMs(e.when.ms)}` : `after ${describeEvent(e.when.event)}${e.when.waitMs ? ` + ${formatMs(e.when.waitMs)}` : ""}`;
  }

  /** Devices an entry targets (all of them without a target). */
  targets(e: TimelineEntry): TimelineDevice[] {
    return selectTargets(this.o.devices, e.target);
  }

  private targetSet(e: TimelineEntry): Set<number> | "all" {
    let t = this.targetSets.get(e.index);
    if (!t) {
      t = e.target ? new Set(this.targets(e).map((d) => d.index)) : "all";
      this.targetSets.set(e.index, t);
    }
    return t;
  }

  private async fire(e: TimelineEntry, reserved = false): Promise<void> {
    if (this.stopped || (!reserved && this.fired.has(e.index))) return;
    this.fired.add(e.index);
    const now = this.clock.now();
    const a = e.action;
    const targeted = e.target !== undefined || !isServerAction(a) || recordAction(a);
    const devices = targeted && a.kind !== "skip" ? this.targets(e) : undefined;
    const set = devices && e.target ? new Set(devices.map((d) => d.index)) : "all";
    let result: string;
    try {
      result = await this.apply(e, a, set, devices, now);
      this.applied.add(e.index);
      this.retries.wake(); // a device waiting for this entry looks again
    } catch (err) {
      this.o.onError?.(e, err);
      result = `failed: ${err instanceof Error ? err.message : String(err)}`;
    }
    const fired: FiredAction = {
      entry: e.index,
      action: actionKey(a),
      atMs: now - this.start,
      at: new Date(now).toISOString(),
      trigger: this.trigger(e),
      ...(devices ? { devices: devices.slice(0, 20).map((d) => d.id), deviceCount: devices.length } : {}),
      result,
      ...(e.note ? { note: e.note } : {}),
    };
    this.log.push(fired);
    for (const d of devices ?? []) {
      this.o.transcriptFor(d.id).record({ t: now, device: d.id, step: "timeline", kind: "note", data: { timeline: e.index, action: fired.action, trigger: fired.trigger, result, injected: true, ...(e.note ? { note: e.note } : {}) } });
    }
  }

  private async apply(e: TimelineEntry, a: TimelineAction, targets: Set<number> | "all", devices: TimelineDevice[] | undefined, now: number): Promise<string> {
    const seq = this.seq++;
    switch (a.kind) {
      case "skip": {
        const c = this.clock as Partial<SkippableClock>;
        if (typeof c.skip !== "function") return "not applied: the run's clock cannot skip";
        c.skip(a.ms);
        return `the scenario clock jumped ${formatMs(a.ms)} ahead`;
      }
      case "offline":
        if (a.step) {
          this.gates.push({ entry: e.index, action: a, targets, step: globRegExp(a.step), consumed: new Set() });
          return `offline when reaching ${a.step}${a.forMs !== undefined ? ` for ${formatMs(a.forMs)}` : ""}`;
        }
        this.net.goOffline(seq, e.index, targets, a.detail, a.forMs);
        return `offline${a.forMs !== undefined ? ` for ${formatMs(a.forMs)}` : " until online"} (requests fail: ${a.detail})`;
      case "online":
        this.net.goOnline(seq, targets);
        return "back online";
      case "joinNetwork":
      case "portalSignIn":
        return this.o.networks ? this.o.networks.apply(a, devices ?? []) : "not applied: the run has no networks";
      case "reset": {
        let n = 0, fresh = 0;
        const refused = (devices ?? []).filter((d) => d.resetRefused);
        for (const d of devices ?? []) {
          const running = this.running.has(d.index);
          // Not set up (not started, or ended without enrolling and not waiting to be set up again): erased all the same — what the user or a failed attempt left on it is gone, and it sets up factory-fresh. Unable to reset itself: nothing erased.
          if (!d.resetRefused && !running && !this.enrolledSet.has(d.index) && !this.parked.has(d.index)) { this.erasedUnstarted.add(d.index), fresh++; continue; }
          if (d.resetRefused) continue;
          this.erasedDevices.set(d.index, { pendingAtStep: running, entry: e.index });
          n++;
        }
        this.retries.wake();
        return `the user erased ${n} device(s) holding an enrollment or enrolling (the server is not told)${fresh ? `; ${fresh} device(s) not set up were erased too (they set up factory-fresh)` : ""}${refused.length ? `; ${refused.length} could not reset: ${refused[0]!.resetRefused}` : ""}`;
      }
      case "localAutopilotReset":
        return this.atDevice.request(a, devices ?? [], e.index, now);
      case "restore": {
        const restorable = (devices ?? []).filter((d) => RESTORES_ENROLLMENT.has(d.platform));
        for (const d of restorable) this.erasedDevices.delete(d.index), this.restored.set(d.index, a.backup);
        const others = (devices?.length ?? 0) - restorable.length;
        return `restored from the ${a.backup === "previous" ? "backup of the enrolment before the last set-up" : "backup taken while enrolled"}${others ? `; ${others} device(s) of a platform whose backups hold no MDM enrollment stay erased` : ""}`;
      }
      case "connectHost": {
        const connection = { host: a.host, supervisionIdentity: a.supervisionIdentity, entry: e.index };
        for (const d of devices ?? []) this.hosts.set(d.index, [...(this.hosts.get(d.index) ?? []), connection]);
        return `connected by USB to a Mac running ${a.host === "finder" ? "Finder" : "Apple Configurator"}${a.supervisionIdentity ? " with the organization's supervision identity" : ""}${((n) => (n ? `; ${n} device(s) had already enrolled: their pairing is not evaluated (a connection after enrolment is not modelled)` : ""))((devices ?? []).filter((d) => this.enrolledSet.has(d.index)).length)}`;
      }
      case "reboot": {
        if (a.step) {
          this.gates.push({ entry: e.index, action: a, targets, step: globRegExp(a.step), consumed: new Set() });
          return `reboot when reaching ${a.step}${a.bootMs !== undefined ? ` (off for ${formatMs(a.bootMs)})` : ""}`;
        }
        let running = 0;
        let idle = 0;
        for (const d of devices ?? []) {
          if (this.running.has(d.index)) this.power.cut(d.index, { entry: e.index, ...(a.bootMs !== undefined ? { bootMs: a.bootMs } : {}) }), running++;
          else if (this.enrolledSet.has(d.index)) this.power.cutIdle(d.index, bootMsOf(d.platform, a.bootMs), e.index), idle++;
        }
        return `${running} enrolling device(s) lost power (they stop at their next step boundary and boot), ${idle} enrolled device(s) restarted${a.bootMs !== undefined ? `; off for ${formatMs(a.bootMs)}` : ""}`;
      }
      case "idle":
      case "abandon":
        this.gates.push({ entry: e.index, action: a, targets, ...(a.step ? { step: globRegExp(a.step) } : {}), consumed: new Set() });
        return a.kind === "idle" ? `the user idles ${formatMs(a.forMs)} at ${a.step ?? "the next step"}` : `the user abandons at ${a.step ?? "the next step"}`;
      case "tryAgain":
      case "renewEnrollment":
      case "setUpAgain":
        this.retries.add(a.kind, e.index, targets, a.waitMs, a.times);
        return retryRuleText(a.kind, a.waitMs, a.times);
      case "endpointDown":
        if (a.answer === "refuse") {
          this.net.endpointDown(seq, e.index, targets, a.path, a.forMs);
          return `connections to ${a.path} refused${a.forMs !== undefined ? ` for ${formatMs(a.forMs)}` : ""}`;
        }
        return this.server(a, undefined, e, now);
      case "endpointUp":
        this.net.endpointUp(seq, a.path);
        return this.o.server ? this.server(a, undefined, e, now) : `${a.path} is back`;
      case "set": {
        // state.clockOffset / state.trustedRoots: the targeted devices' clocks and installed roots (runner/device-clock.ts); the rest is the server's.
        const clock = a.values.filter((v) => v.path[0] === "state" && v.path[1] === "clockOffset").at(-1);
        const roots = a.values.filter((v) => v.path[0] === "state" && v.path[1] === "trustedRoots").at(-1);
        const rest = a.values.filter((v) => v.path[0] !== "state");
        // Any other device state key (timeline/device-state.ts): on the targeted devices' identities from their next step; an OS update restarts an enrolled device.
        const states = a.values.filter((v) => v.path[0] === "state" && !OWN_HANDLING.has(v.path[1] ?? "")).map((v) => ({ key: v.path.slice(1).join("."), value: v.value }));
        const n = (devices ?? this.o.devices).length;
        if (states.length) this.stateSets.set((devices ?? this.o.devices).map((d) => d.index), states);
        let restarted = 0;
        for (const d of states.some((x) => OS_RELEASE_KEYS.has(x.key)) ? (devices ?? this.o.devices) : []) if (this.enrolledSet.has(d.index) && !this.running.has(d.index)) this.power.cutIdle(d.index, bootMsOf(d.platform), e.index), restarted++;
        for (const d of clock || roots ? (devices ?? this.o.devices) : []) {
          if (clock) this.clockOffsets.set(d.index, clockOffsetMs(String(clock.value)));
          if (roots) this.installedRoots.set(d.index, (roots.value as string[]).map(String));
        }
        const mine = [clock ? `the clock of ${n} device(s) set to ${String(clock.value)} from the true time` : "", roots ? `${n} device(s) now trust the installed roots [${(roots.value as string[]).join(", ")}]` : "", states.length ? `${n} device(s) now have ${states.map((x) => `state.${x.key} = ${JSON.stringify(x.value)}`).join(", ")}` : "", restarted ? `${restarted} enrolled device(s) restart into the updated OS` : ""];
        return [...mine, rest.length ? await this.server({ ...a, values: rest }, devices, e, now) : ""].filter(Boolean).join("; ");
      }
      default:
        return this.server(a, devices, e, now);
    }
  }

  /** The device state keys the timeline set for device `index` (timeline/device-state.ts); undefined: none. */
  deviceState(index: number): Partial<DeviceState> | undefined {
    return this.stateSets.of(index);
  }

  /** The clock offset (ms) the timeline last set for device `index`; undefined: never set (its state's holds). */
  clockOffset(index: number): number | undefined { return this.clockOffsets.get(index); }

  /** Which backup device `index` was last restored from since its last set-up; undefined: none. */
  restoredBackup(index: number): RestoredBackup | undefined { return this.restored.get(index); }

  /** Computers the user has connected device `index` to so far (timeline `connectHost`), oldest first. */
  hostConnections(index: number): readonly HostConnection[] { return this.hosts.get(index) ?? []; }

  /** The named roots the timeline last installed on device `index`; undefined: never set (its state's hold). */
  trustedRoots(index: number): string[] | undefined {
    return this.installedRoots.get(index);
  }

  private async server(a: TimelineAction, devices: TimelineDevice[] | undefined, e: TimelineEntry, now: number): Promise<string> {
    if (!this.o.server) return "not applied: no embedded server";
    const refs = devices?.map((d) => ({ index: d.index, id: d.id, identity: this.o.identity?.(d.index), certificateSerials: this.certificates.get(d.index) ?? [] }));
    const out = await this.o.server.apply(a, refs);
    if (a.kind === "endpointDown" && a.forMs !== undefined) {
      this.timers.push(
        this.clock.setTimer(a.forMs, () => {
          if (this.stopped) return;
          void this.o.server!.apply({ kind: "endpointUp", path: a.path }, undefined).then((r) => this.log.push({ entry: e.index, action: "endpointUp", atMs: this.clock.now() - this.start, at: new Date(this.clock.now()).toISOString(), trigger: `${formatMs(a.forMs!)} after endpointDown`, result: r }));
        }),
      );
    }
    void now;
    return out;
  }

  // ------------------------------------------------------------------ device side

  private static has(t: Set<number> | "all", i: number): boolean {
    return t === "all" || t.has(i);
  }

  /** Why device `index` cannot reach `url` now (undefined `url`: a DNS look-up). */
  blocked(index: number, url: string | undefined): NetworkBlock | undefined {
    return this.net.blocked(index, url);
  }

  /** Device `index` finished enrolling: a reset fired earlier in its enrolment is no longer pending at a step (it is erased now). */
  enrolled(index: number): void { const r = this.erasedDevices.get(index); if (r) r.pendingAtStep = false; }
  /** Whether a reset erased device `index` before it was set up (it starts factory-fresh: its disk says so, ERASED_DISK_KEY). */
  erasedBeforeStart(index: number): boolean { return this.erasedUnstarted.has(index); }

  /** Device `index` erased itself on the server's command (a remote wipe): erased until a restore. */
  wiped(index: number): void {
    this.erasedDevices.set(index, { pendingAtStep: false, entry: -1 });
    this.retries.wake(); // a device checking in while it waits to be set up again is erased now
  }

  /** True while device `index` runs an enrolment (its first, or a set-up from scratch): it does not check in meanwhile. */
  enrolling(index: number): boolean {
    return this.running.has(index);
  }

  /** True while device `index` is erased (a local reset not followed by a restore): it holds no enrollment, so it does not check in. */
  erased(index: number): boolean {
    return this.erasedDevices.has(index);
  }

  /** The step gate of device `index`: idles, abandons or goes offline as fired rules say. */
  async gate(index: number, device: string, step: string, signal?: AbortSignal): Promise<void> {
    this.resetAt(index, device, step);
    this.rebootAt(index, step);
    for (const r of this.gates) {
      if (r.consumed.has(index) || !TimelineEngine.has(r.targets, index) || (r.step && !r.step.test(step))) continue;
      r.consumed.add(index);
      const t = this.o.transcriptFor(device);
      const now = this.clock.now();
      const a = r.action;
      if (a.kind === "abandon") {
        t.record({ t: now, device, step, kind: "note", data: { timeline: r.entry, action: "abandon", injected: true } });
        throw new UserAbandonedError(`the user abandoned enrollment at ${step} (timeline[${r.entry}])`);
      }
      if (a.kind === "reboot") {
        this.power.cut(index, { entry: r.entry, ...(a.bootMs !== undefined ? { bootMs: a.bootMs } : {}) });
        throw this.power.stopAt(index, step);
      }
      if (a.kind === "offline") {
        this.net.deviceGoesOffline(this.seq++, r.entry, index, a.detail, a.forMs);
        t.record({ t: now, device, step, kind: "note", data: { timeline: r.entry, action: "offline", detail: a.detail, forMs: a.forMs, injected: true } });
        continue;
      }
      t.record({ t: now, device, step, kind: "note", data: { timeline: r.entry, action: "idle", forMs: a.forMs, injected: true } });
      await this.clock.sleep(a.forMs, signal ?? this.signal);
      this.resetAt(index, device, step); // erased while the user was away
      this.rebootAt(index, step); // or it restarted
    }
  }

  /** A power cut waiting for this device stops its flow here, before `step` starts. */
  private rebootAt(index: number, step: string): void {
    if (this.power.hasPending(index) && !step.startsWith("checkin.")) throw this.power.stopAt(index, step);
  }

  /** A reset fired while the device was enrolling takes effect at its next step. */
  private resetAt(index: number, device: string, step: string): void {
    const reset = this.erasedDevices.get(index);
    if (!reset?.pendingAtStep || step.startsWith("checkin.")) return;
    // What it had done is gone; only Try Again (setting it up from scratch) continues.
    this.erasedDevices.delete(index);
    this.o.transcriptFor(device).record({ t: this.clock.now(), device, step, kind: "note", data: { timeline: reset.entry, action: "reset", injected: true } });
    throw new DeviceResetError(`the user erased the device before ${step} (timeline[${reset.entry}]); enrollment starts over only if the user sets it up again`);
  }

  /** After a failed attempt: the retry's kind when the user taps Try Again or renews the enrolment (retries.ts); a device one not yet fired targets waits for it at its error. */
  tryAgainAfterFailure(index: number, device: string, code: string, signal?: AbortSignal): Promise<RetryKind | false> {
    this.failureShown(index, code);
    return this.retries.tryAgainAfterFailure(index, device, code, signal);
  }

  /**
   * After an enrolment of device `index` ended (`ended`: its result): true when the device is set up
   * again from scratch (timeline `setUpAgain`; its flow runs again), false when it is done. Without a
   * `setUpAgain` targeting it, false at once and nothing changes. Otherwise the end is counted now (an
   * `after: { enrolled }` trigger must not wait for the device's last set-up), and the device waits
   * while a reset or set-up that targets it has not fired (in a steady run, while it checks in: `begin`).
   */
  async setUpAgainAfter(index: number, device: string, ended: { ok: boolean; code: string }, signal?: AbortSignal, waits?: () => void): Promise<boolean> {
    if (!this.retries.mayBeSetUpAgain(index)) return false;
    waits?.(); // from here it may wait: the closed load model's place goes to the next device meanwhile (runner/places.ts)
    this.running.delete(index);
    this.parked.add(index);
    this.endCounted.add(index);
    if (ended.ok) this.enrolledSet.add(index), this.count("enrolled");
    else {
      this.failureShown(index, ended.code); // success codes are counted by onFlowResult
      // An enrolment a reset cut short, or a remote wipe carried out during it: the device is erased, set up again only by a setUpAgain.
      if (ERASED_BY.has(ended.code)) this.erasedDevices.set(index, { pendingAtStep: false, entry: -1 });
    }
    const again = await this.retries.setUpAgainWhenErased(index, device, () => this.erasedDevices.has(index), signal, this.steady);
    this.parked.delete(index);
    if (!again) return false;
    // A new enrolment of the same hardware: nothing of the old one is left on the device.
    this.endCounted.delete(index);
    for (const k of [...this.failuresShown]) if (k.startsWith(`${index}|`)) this.failuresShown.delete(k);
    this.enrolledSet.delete(index);
    this.erasedDevices.delete(index);
    this.restored.delete(index);
    this.running.add(index);
    return true;
  }
}

const actionKey = (a: TimelineAction): FiredAction["action"] => a.kind;
