// SPDX-License-Identifier: MIT
/**
 * The fleet runner: every device is an independent async state machine; one device's failure
 * never stops the others. Pacing is an open (rate with ramp) or closed (fixed concurrency)
 * model on the injected clock; the run deadline aborts what is still in flight.
 */
import { describeWaits } from "../protocol/common/device-wait.js";
import { ScenarioError, SimError, asSimError } from "../errors/index.js";
import { tlsSessionCache, type TlsSessionCache } from "../ports/http.js";
import { deviceTimeOf, withDeviceSessions, withDeviceTrust, type RunRoots } from "./device-clock.js";
import type { CheckpointPort, Clock, CryptoPort, DnsPort, EntropySource, HttpPort, KeyPool, Logger, TlsSettings, TranscriptSink } from "../ports/index.js";
import type { Catalog } from "../device/catalog.js";
import type { RenegotiationCatalog } from "../device/tls-renegotiation.js";
import { createDeviceIdentity } from "../device/identity.js";
import { TemplateValueMissing, expandState } from "../device/template.js";
import type { DeviceState } from "../device/state.js";
import { FLOWS } from "../device/flows/index.js";
import { ADE_RENEWAL_DISK_KEY, ERASED_DISK_KEY, SET_UPS_DISK_KEY, type FlowContext, type FlowResult, type FlowTargets } from "../device/flow.js";
import { shownForError, shownForOutcome } from "../device/shown-for.js";
import type { DeviceIdentity } from "../device/identity.js";
import type { Shown } from "../device/shown.js";
import { steadyShown } from "./steady-shown.js";
import type { ProtocolContext } from "../protocol/common/context.js";
import { toPem } from "../wire/x509/certificate.js";
import type { DeviceFailure, DeviceResult, RunObserver } from "./observer.js";
import { arrivalOffsetMs, phasesOffsetMs } from "./pacing.js";
import type { ResolvedGroup, ResolvedScenario } from "./scenario/types.js";
import { deviceFlowOptions } from "./flow-options.js";
import { StepLedger } from "./step-ledger.js";
import { checkShard, shardArrival, shardDevices, type ShardSpec } from "./shard.js";
import { SteadyScheduler } from "./steady.js";
import { checkinFor, enrolledState, type EnrolledState } from "./checkin.js";
import type { FleetStore } from "./store/types.js";
import { watchKeychain } from "./store/learned.js";
import { storeCheckin, trackDevice } from "./store/track.js";
import { FleetFaults, runFaults } from "./faults/plan.js";
import type { ScepFailureAnswer } from "./faults/http.js";
import { wrapDns, wrapHttp } from "./timeline/device-net.js";
import { networksOf, portsOnNetwork, type RunNetworks } from "./network/attach.js";
import { withEndpointRoutes } from "./endpoint-routes.js";
import type { TimelineEngine } from "./timeline/engine.js";
import { applyStateSets } from "./timeline/device-state.js";
import { withReboot, withSetUpAgain, withTryAgain } from "./attempts.js";
import { runClosed, runOpen, type Place } from "./places.js";
import { Settling } from "./settling.js";
import { RunInterrupted, interruptOf } from "./interrupt.js";
import { checkLoadModel, type LoadModel } from "./load-model.js";

export { checkLoadModel, type LoadModel } from "./load-model.js";

export interface FleetEnvironment {
  clock: Clock;
  crypto: CryptoPort;
  http: HttpPort;
  dns: DnsPort;
  keys: KeyPool;
  entropy: EntropySource;
  log: Logger;
  /** Transcript sink for one device (the trace writer, an in-memory transcript, or nothing). */
  transcriptFor(device: string): TranscriptSink;
  /** TLS settings every device starts with (trust store, --insecure). */
  tls?: TlsSettings;
  observer: RunObserver;
  /** Embedded runs: answers a `scepFailInfo` fault with a CertRep FAILURE signed by the embedded CA. */
  scepFailure?: ScepFailureAnswer;
  namedRoots?: RunRoots; // the embedded server's named roots and the stores' catalog (runner/device-clock.ts)
}

export interface FleetRunOptions {
  targets: FlowTargets;
  /** Aborts the run: in-flight devices are cut short (reason {@link RunInterrupted}: `runner.interrupted`). */
  signal?: AbortSignal;
  /** Graceful stop: no further device starts and the steady phase ends; in-flight enrolments finish. */
  stopArrivals?: AbortSignal;
  /** Shard i of N: this process runs devices whose index % N === i. */
  shard?: { index: number; count: number };
  /** Called with each device's full result (keychain included), e.g. by the one-device CLI. */
  onFlowResult?(device: string, result: FlowResult): void;
  /** Load model beyond the scenario's `arrival` (multi-phase rate, steady state, time scale). */
  load?: LoadModel;
  /**
   * Persistent fleet store: every device's state change is written (one transaction each)
   * before the runner moves on. With `resume`, devices already enrolled in it are skipped.
   */
  store?: FleetStore;
  resume?: boolean;
  /** The run's faults and each device's fault counters; {@link runFleet} makes it at the run's start. */
  faults?: FleetFaults;
  /** The scenario's timeline (runner/timeline): device network, step gate, Try Again, fired on the run clock. */
  timeline?: TimelineEngine;
  /** The networks devices are on (scenario networks:, runner/network); {@link runFleet} makes them when the caller did not. */
  networks?: RunNetworks;
}

interface Slot {
  index: number;
  group: ResolvedGroup;
}

function* devicesOf(s: ResolvedScenario, shard?: ShardSpec, skip?: (index: number) => boolean): Generator<Slot> {
  for (const group of s.groups) {
    for (let k = 0; k < group.count; k++) {
      const index = group.firstIndex + k;
      if ((!shard || index % shard.count === shard.index) && !skip?.(index)) yield { index, group };
    }
  }
}

/** What the steady phase keeps per enrolled device: its identity, group and what it holds. */
interface SteadyMember {
  identity: DeviceIdentity;
  group: ResolvedGroup;
  state: EnrolledState;
  /** The enrolment before its last set-up from scratch: a timeline `restore: { backup: previous }` checks in with it. */
  previous?: EnrolledState;
  /** Wiped on the server's command, or unenrolled by the server (a 401): no more check-ins. */
  erased?: boolean;
  /** Its last set-up from scratch ended without an enrollment: it holds none, and no longer checks in. */
  left?: boolean;
  /** Its check-in in flight: a set-up from scratch starts once it has ended. */
  inFlight?: Promise<void>;
  /** The device's own TLS session cache: its next check-in resumes the session of its last one. */
  tlsSessions: TlsSessionCache;
}

const withShown = (shown: DeviceFailure["shown"]): { shown?: NonNullable<DeviceFailure["shown"]> } => (shown ? { shown } : {});

function failureOf(err: SimError): DeviceFailure {
  return { code: err.code, blame: err.blame, step: err.step, message: err.describe() };
}

/**
 * The device's identity: a function of (run seed, run-wide index) only — never of the shard —
 * so shards hold disjoint identities whose union is the single-process run of the same seed.
 */
export function identityOf(catalog: Catalog, env: Pick<FleetEnvironment, "entropy">, model: string, index: number, state?: DeviceState): { identity: DeviceIdentity; entropy: ReturnType<FleetEnvironment["entropy"]["forDevice"]> } {
  // A fresh stream per build: `expandState` may build twice (state templates naming the identity's own identifiers).
  let entropy = env.entropy.forDevice(0, index);
  try {
    const identity = expandState(state, index, model, (s) => {
      entropy = env.entropy.forDevice(0, index);
      return createDeviceIdentity(catalog.get(model), entropy, index, { ...(s ? { state: s } : {}), windowsBuilds: catalog.windowsBuilds });
    });
    return { identity, entropy };
  } catch (e) {
    if (e instanceof TemplateValueMissing) throw new ScenarioError(`state: ${e.message} (device ${model}#${index})`);
    throw e;
  }
}

/** Builds the per-device contexts (one HTTP client; close it when done). */
function deviceContext(s: ResolvedScenario, env: FleetEnvironment, identity: DeviceIdentity, group: ResolvedGroup, entropy: FlowContext["protocol"]["entropy"], opts: FleetRunOptions, signal: AbortSignal, stepPrefix = "", ledger?: StepLedger, checkpoint?: CheckpointPort, tlsSessions: TlsSessionCache = tlsSessionCache(), renegotiation?: RenegotiationCatalog): { ctx: FlowContext; close(): Promise<void> } {
  const targets = opts.targets;
  const device = identity.id;
  const keepAlive = opts.load?.keepAlive ?? true;
  const transcript = env.transcriptFor(device);
  // Faults sit under the device's ports: every client it builds and every lookup passes them.
  const faults = opts.faults ?? new FleetFaults(s.faults ?? [], env.clock.now());
  // Under the network and faults: endpoints with a chain of their own are reached on their own listeners (runner/endpoint-routes.ts).
  const routed = withEndpointRoutes(env.http, targets.server);
  const ports = portsOnNetwork(opts.networks, faults, { index: identity.index, id: device, platform: identity.platform, flow: group.flow, group: group.name }, { ...env, http: routed, transcript, entropy: entropy.fork("faults"), ...(targets.server?.midConnection ? { midConnection: targets.server.midConnection } : {}) });
  if (stepPrefix) ports.current.prefix = stepPrefix;
  // The timeline's device network sits above the faults: an offline device sends nothing at all.
  const tl = opts.timeline;
  applyStateSets(identity, tl?.deviceState(identity.index)); // state the timeline set (timeline/device-state.ts), again after every gate
  const net = tl && { blocked: (url: string | undefined) => tl.blocked(identity.index, url), power: () => tl.power.signal(identity.index) };
  const netPort = net ? wrapHttp(ports.http, net) : ports.http;
  // Every client the device builds (mTLS ones too) judges server chains by its platform's rules and its own clock.
  const aiaNote = (data: Record<string, unknown>): void => transcript.record({ t: env.clock.now(), device, step: ports.current.step ?? "device", kind: "note", data });
  const httpPort = withDeviceSessions(withDeviceTrust(netPort, identity, env.clock, tl, env.namedRoots, aiaNote, renegotiation), tlsSessions);
  const dns = net ? wrapDns(ports.dns, net) : ports.dns;
  const http = httpPort.client({ tls: env.tls, keepAlive });
  const log = env.log.child({ device });
  const platform = identity.platform;
  const protocol: ProtocolContext = {
    device,
    clock: env.clock,
    deviceTime: deviceTimeOf(identity, env.clock, tl),
    crypto: env.crypto,
    entropy,
    http,
    transcript,
    log,
    timeoutMs: s.limits.stepTimeoutMs,
    maxResponseBytes: s.limits.maxResponseBytes,
    sessionLimits: { commands: s.limits.sessionCommands, bytes: s.limits.sessionBytes },
    signal,
    current: ports.current,
    // Device waits (agent retries, polls, intervals) follow the run's time scale, and each pending one is on the board for a deadline report.
    ...(opts.load?.timeScale ? { timeScale: opts.load.timeScale } : {}),
    waits: new Set(),
    onStep: (x) => {
      ledger?.note(`${stepPrefix}${x.step}`, x.ok, x.ms);
      env.observer.onStep?.({ device, ...x, step: `${stepPrefix}${x.step}`, platform });
    },
    onCommand: (a) => env.observer.onCommand?.({ device, platform, ...a }),
    ...(tl ? { gate: (step: string) => tl.gate(identity.index, device, `${stepPrefix}${step}`, signal).then(() => applyStateSets(identity, tl.deviceState(identity.index))), hostConnections: () => tl.hostConnections(identity.index) } : {}),
    ...(checkpoint ? { checkpoint } : {}),
  };
  return {
    ctx: { identity, ports: { clock: env.clock, crypto: env.crypto, entropy, http: httpPort, dns, keys: env.keys, transcript, log }, protocol, targets, tls: env.tls, keepAlive, ...(net ? { online: () => !net.blocked(undefined) } : {}), ...(ports.network ? { network: ports.network } : {}) },
    close: () => http.close().catch(() => {}),
  };
}

/**
 * What a device tells the run while it waits to be set up again (timeline `setUpAgain`): `parked` when it
 * starts to wait (it no longer holds up the steady phase), `join` with its member once, when the enrolment
 * it waits with succeeded: it checks in meanwhile, and the same member checks in with each later set-up's enrollment.
 */
interface DeviceHooks {
  parked?(): void;
  join?(m: SteadyMember): void;
}

/** Runs one device start to end; never throws. Returns what the steady phase needs when it enrolled (undefined when it joined it already: DeviceHooks). */
async function runDevice(s: ResolvedScenario, catalog: Catalog, env: FleetEnvironment, slot: Slot, opts: FleetRunOptions, signal: AbortSignal, place?: Place, hooks: DeviceHooks = {}): Promise<SteadyMember | undefined> {
  const model = catalog.get(slot.group.model);
  const { identity, entropy } = identityOf(catalog, env, slot.group.model, slot.index, slot.group.state);
  const device = identity.id;
  const started = env.clock.now();
  const store = opts.store;
  // The store row ("enrolling" durable before the first request leaves) and, for a device a killed run left in flight, its resume.
  const tracked = store ? trackDevice(store, identity, slot.group, started, !!opts.resume, env.clock) : undefined;
  const record = tracked?.record;
  env.observer.onDeviceStart?.(device, slot.index);
  const ledger = new StepLedger();
  const tlsSessions = tlsSessionCache();
  const dc = deviceContext(s, env, identity, slot.group, entropy, opts, signal, "", ledger, tracked?.port, tlsSessions, catalog.tlsRenegotiation);
  const { protocol } = dc.ctx;
  const transcript = protocol.transcript;
  let member: SteadyMember | undefined;
  /** The member the steady phase checks in with while the device waits to be set up again (DeviceHooks). */
  let joined: SteadyMember | undefined;
  /** The steady member of enrolment `out` (`before`: the one before its last set-up from scratch); joined already: updated in place. */
  const memberOf = (out: FlowResult, before: FlowResult | undefined): SteadyMember => {
    const m: SteadyMember = joined ?? { identity, group: slot.group, state: enrolledState(out), tlsSessions };
    m.state = enrolledState(out);
    if (before) m.previous = enrolledState(before);
    else delete m.previous;
    m.left = false;
    tlsSessions.sweep(); // a new round: its first check-in keeps what it uses
    return m;
  };
  const base: Omit<DeviceResult, "ok" | "endedAt"> = {
    device,
    index: slot.index,
    group: slot.group.name,
    model: model.id,
    platform: model.platform,
    flow: slot.group.flow,
    startedAt: started,
  };
  let result: DeviceResult;
  try {
    const flow = FLOWS[slot.group.flow];
    if (!flow) throw new ScenarioError(`unknown flow "${slot.group.flow}"`);
    const disk = new Map<string, unknown>(opts.timeline?.erasedBeforeStart(slot.index) ? [[ERASED_DISK_KEY, true]] : []); // a reset before it was set up: factory-fresh
    const options = deviceFlowOptions(slot.group, identity, opts.targets) as never;
    let setUps = 0;
    const attempts = () =>
      withTryAgain(
      opts.timeline,
      slot.index,
      device,
      signal,
      // A renewal from the running OS (timeline renewEnrollment) is on the disk for the flow that runs next (ADE_RENEWAL_DISK_KEY).
      // Each attempt (a Try Again, a set-up from scratch) starts with the state the timeline set so far (a firmware update before a redeploy), not only from its first step gate on.
      (retry) => (retry === "renewEnrollment" && disk.set(ADE_RENEWAL_DISK_KEY, true), applyStateSets(identity, opts.timeline?.deviceState(slot.index)), withReboot(opts.timeline, identity, signal, (boot) => flow.run({ ...dc.ctx, disk, agents: catalog.agents, setupTexts: catalog.setupTexts, certRepParsers: catalog.certRepParsers, profileInstallPaths: catalog.profileInstallPaths, ...(boot ? { boot } : {}) }, options))),
      // Each failed attempt counts its ending step failed once (issue 12 #16), before the user's Try Again.
      (failed, err) => {
        const step = failed ? failed.step : err instanceof SimError ? err.step : undefined;
        if (!step) return;
        const f: DeviceFailure = { code: "", blame: "protocol-outcome", step, message: "" };
        ledger.mark(f);
        if (f.stepSample === "ok" || f.stepSample === "none") {
          env.observer.onAttemptFailed?.({ device, platform: model.platform, step, stepSample: f.stepSample, ...(f.stepSampleMs !== undefined ? { stepSampleMs: f.stepSampleMs } : {}) });
          ledger.note(step, false, 0); // counted: the device's final failure at this step is not counted again
        }
      },
    );
    const enrol = async () => {
      if (setUps++ > 0) {
        disk.set(ERASED_DISK_KEY, true), disk.set(SET_UPS_DISK_KEY, setUps - 1);
        await joined?.inFlight?.catch(() => {}); // the check-in it had on the wire when it was erased ends first (its rejection went to onError)
      }
      return attempts();
    };
    // An enrolment, and each set-up from scratch after the device was erased (timeline `setUpAgain`; its disk says so, ERASED_DISK_KEY): its outcome is the last one's.
    const enrolments: FlowResult[] = [];
    const out = await withSetUpAgain(
      opts.timeline,
      slot.index,
      device,
      signal,
      enrol,
      place,
      (r) => {
        opts.onFlowResult?.(device, r);
        if (r.ok) enrolments.push(r);
        disk.clear(); // an erased device's disk holds nothing of the enrolment before
      },
      // Enrolled and waiting for the timeline to reset it: it is in steady state meanwhile (it checks in until it is erased).
      (ended) => {
        if (ended?.ok && hooks.join) {
          const first = !joined;
          joined = memberOf(ended, enrolments.at(-1) === ended ? enrolments.at(-2) : undefined);
          if (first) hooks.join(joined);
        }
        hooks.parked?.();
      },
    );
    const previous = out.ok && enrolments.at(-1) === out ? enrolments.at(-2) : undefined;
    if (out.ok) member = memberOf(out, previous);
    else if (joined) joined.left = true;
    if (store && record) {
      const first = out.keychain.identities[0];
      store.put({
        ...record,
        state: out.ok ? "enrolled" : "failed",
        checkpoint: undefined, // the enrolment ended: nothing left to resume
        ...(out.ok ? { enrolledAt: env.clock.now(), failureCode: undefined } : { failureCode: out.code }),
        ...(member ? { certificates: member.state.certificates, serverIds: { ...record.serverIds, ...member.state.serverIds }, ...(member.state.appliedSettings ? { appliedSettings: member.state.appliedSettings } : {}) } : {}),
        ...(first ? { chainPem: first.chain.map((c) => toPem(c.der)).join(""), keySpkiSha256: Buffer.from(env.crypto.digest("sha256", first.key.spki)).toString("hex") } : {}),
        updatedAt: env.clock.now(),
      });
    }
    const background = out.background?.length ? { background: out.background.filter((b) => !b.ok) } : {};
    result = out.ok
      ? { ...base, ...background, ok: true, code: out.code, endedAt: env.clock.now() }
      : {
          ...base,
          ...background,
          ok: false,
          endedAt: env.clock.now(),
          failure: { code: out.code, blame: "protocol-outcome", step: out.step, message: `[device ${device}, step ${out.step ?? "?"}] ${out.message ?? out.code}`, ...withShown(shownForOutcome(model.platform, out, slot.group.flow)) },
        };
  } catch (err) {
    if (joined) joined.left = true;
    const e = asSimError(err, { device });
    const failure = failureOf(e);
    if (signal.aborted) {
      const by = interruptOf(signal);
      failure.code = by ? "runner.interrupted" : "runner.deadline";
      failure.blame = "scenario";
      // What the device was waiting for when the run ended (an agent's retry interval, a poll): its step, reason and due time.
      const waiting = describeWaits(dc.ctx.protocol.waits ?? [], env.clock.now());
      failure.message = `[device ${device}] ${by ? `run aborted by ${by}` : "run deadline reached"} during ${e.step ?? "the flow"} (${e.message})${waiting.length ? `; ${waiting.join("; ")}` : ""}`;
    } else Object.assign(failure, withShown(shownForError(model.platform, { error: e, flow: slot.group.flow, options: slot.group.options })));
    result = { ...base, ok: false, endedAt: env.clock.now(), failure };
    const pending = signal.aborted ? [...(dc.ctx.protocol.waits ?? [])].slice(0, 3).map((w) => ({ step: w.step, reason: w.reason, dueAt: new Date(w.dueAt).toISOString() })) : [];
    transcript.record({ t: env.clock.now(), device, step: e.step ?? "device", kind: "outcome", data: { ok: false, code: failure.code, error: e.toJSON(), ...withShown(failure.shown), ...(pending.length ? { waiting: pending } : {}) } });
    if (store && record) store.put({ ...record, state: "failed", failureCode: failure.code, checkpoint: undefined, updatedAt: env.clock.now() });
  } finally {
    await dc.close();
  }
  result.code ??= result.failure?.code;
  if (tracked?.resumed) Object.assign(result, { resumed: tracked.resumed }, tracked.resumedFrom ? { resumedFrom: tracked.resumedFrom } : {});
  if (result.ok) transcript.record({ t: env.clock.now(), device, step: "device", kind: "outcome", data: { ok: true, code: result.code, ...(result.resumed ? { resumed: result.resumed } : {}), ...(result.resumedFrom ? { resumedFrom: result.resumedFrom } : {}) } });
  else if (result.failure?.blame === "protocol-outcome") transcript.record({ t: env.clock.now(), device, step: result.failure.step ?? "device", kind: "outcome", data: { ok: false, code: result.failure.code, message: result.failure.message, ...withShown(result.failure.shown) } });
  ledger.mark(result.failure);
  env.observer.onDeviceEnd?.(result);
  return joined ? undefined : member; // a joined member checks in with the last enrollment already (memberOf)
}

/** One steady-state check-in; its outcome (the simulator's own failures too: `internal`, naming device, step and cause) goes to the observer and the store. Only a throwing observer rejects. */
async function checkinDevice(s: ResolvedScenario, env: FleetEnvironment, m: SteadyMember, catalog: Catalog, opts: FleetRunOptions, signal: AbortSignal): Promise<void> {
  const { identity, group } = m;
  // Erased (a reset by its user, a remote wipe) and not restored: no enrollment to check in with; off after a reboot (timeline `reboot`): again once booted.
  // Set up again from scratch: none while it enrols, and none after a set-up that did not enrol it.
  if (m.left || (opts.timeline ? opts.timeline.erased(identity.index) || opts.timeline.enrolling(identity.index) : m.erased) || opts.timeline?.power.off(identity.index)) return;
  const started = env.clock.now();
  let dc: ReturnType<typeof deviceContext> | undefined;
  let ok = false;
  let code = "internal";
  let failed: { message?: string; shown?: Shown } = {};
  try {
    dc = deviceContext(s, env, identity, group, env.entropy.forDevice(0, identity.index).fork(`checkin/${started}`), opts, signal, "checkin.", undefined, undefined, m.tlsSessions, catalog.tlsRenegotiation);
    const local = opts.timeline?.atDevice.take(identity.index);
    if (local) dc.ctx.localActions = local;
    dc.ctx.certRepParsers = catalog.certRepParsers;
    dc.ctx.profileInstallPaths = catalog.profileInstallPaths;
    dc.ctx.agents = catalog.agents; // what the device's agent shows for a check-in the server degrades (agents/*.yaml)
    const hook = checkinFor(FLOWS[group.flow], group.flow);
    if (!hook) throw new ScenarioError(`flow "${group.flow}" has no check-in (neither a checkin hook nor a built-in stand-in)`);
    // Restored from the backup of its enrolment before the last set-up (timeline restore backup: previous): that identity checks in.
    const state = m.previous && opts.timeline?.restoredBackup(identity.index) === "previous" ? m.previous : m.state;
    const learn = watchKeychain(opts.store, identity.index, identity.id, state === m.state ? state : undefined); // a renewed identity goes to the store
    const out = await hook(dc.ctx, deviceFlowOptions(group, identity, opts.targets) as never, state);
    learn(env.clock.now());
    ok = out.ok;
    code = out.code;
    if (!ok && out.message) failed = { message: out.message, ...withShown(out.shown) };
    // Wiped, or unenrolled by the server: it holds no enrollment until a restore brings its backup back.
    if (out.erased || out.unenrolled) (m.erased = true), opts.timeline?.wiped(identity.index);
  } catch (err) {
    const e = asSimError(err, { device: identity.id });
    code = signal.aborted ? "runner.deadline" : e.code;
    if (!signal.aborted) failed = { message: e.blame === "internal" ? e.within({ step: "checkin" }).describe() : e.message, ...withShown(steadyShown(identity.platform, e, group.flow)) };
  } finally {
    await dc?.close(); // never rejects (deviceContext)
  }
  const at = env.clock.now();
  if (ok) m.tlsSessions.sweep(); // keep only the sessions its check-ins use (not the enrolment's profile download's)
  let unrecorded = storeCheckin(opts.store, identity.index, at, identity.id);
  if (unrecorded instanceof Promise) unrecorded = await unrecorded;
  if (unrecorded) (ok = false), (code = unrecorded.code), (failed = { message: unrecorded.describe() });
  env.observer.onCheckin?.({ device: identity.id, index: identity.index, platform: identity.platform, flow: group.flow, ok, ...(ok ? {} : { code, ...failed }), at, ms: at - started });
}

/** Devices the run will start: the shard's devices, minus those a resumed store already enrolled. */
export function plannedDevices(s: ResolvedScenario, opts: Pick<FleetRunOptions, "shard" | "store" | "resume">): number {
  const all = shardDevices(s, opts.shard);
  if (!opts.store || !opts.resume) return all;
  let skip = 0;
  for (const d of opts.store.list({ state: "enrolled" })) if (!opts.shard || d.index % opts.shard.count === opts.shard.index) skip++;
  return all - skip;
}

/** Runs the scenario's devices with its pacing and deadline. Resolves when every device has ended. */
export async function runFleet(s: ResolvedScenario, catalog: Catalog, env: FleetEnvironment, opts: FleetRunOptions): Promise<{ durationMs: number; skipped: number; checkins: number }> {
  if (opts.shard) checkShard(opts.shard);
  checkLoadModel(opts.load);
  const start = env.clock.now();
  opts = { ...opts, faults: opts.faults ?? runFaults(s.faults ?? [], start, opts.targets), networks: opts.networks ?? networksOf(s, opts.targets) };
  const deadline = new AbortController();
  const onOuterAbort = () => deadline.abort(opts.signal?.reason);
  opts.signal?.addEventListener("abort", onOuterAbort, { once: true });
  const timer = env.clock.setTimer(s.limits.durationSeconds * 1000, () => deadline.abort(new Error("run deadline")));
  const load = opts.load ?? {};
  opts.timeline?.begin(deadline.signal, { steady: !!load.steady });
  const stop = opts.stopArrivals;
  const halted = () => deadline.signal.aborted || !!stop?.aborted;
  const wake = stop ? AbortSignal.any([deadline.signal, stop]) : deadline.signal; // wakes arrival waits
  const woken = new Promise<void>((r) => (wake.aborted ? r() : wake.addEventListener("abort", () => r(), { once: true })));
  const enrolledBefore = new Set<number>();
  if (opts.store && opts.resume) for (const d of opts.store.list({ state: "enrolled" })) enrolledBefore.add(d.index);
  let skipped = 0;
  const settling = new Settling();
  const slots = settling.slots(
    devicesOf(s, opts.shard, (i) => {
      if (!enrolledBefore.has(i)) return false;
      skipped++;
      return true;
    }),
  );
  const steady = load.steady
    ? new SteadyScheduler<SteadyMember>({
        clock: env.clock,
        spec: load.steady,
        timeScale: load.timeScale,
        entropy: env.entropy.forDevice(opts.shard?.index ?? 0, -1).fork("steady-jitter"),
        checkin: (m) => (m.inFlight = checkinDevice(s, env, m, catalog, opts, deadline.signal)),
        onError: (m, err) => env.log.error({ device: m.identity.id, step: "checkin", err: asSimError(err, { device: m.identity.id, step: "checkin" }).describe() }, "a steady-state check-in was not reported: its observer threw"),
        signal: wake,
      })
    : undefined;
  if (steady && opts.store && opts.resume) {
    // Devices a previous run enrolled are part of the steady population too.
    for (const d of opts.store.list({ state: "enrolled" })) {
      const group = s.groups.find((g) => g.name === d.group);
      if (!group || !enrolledBefore.has(d.index) || (opts.shard && d.index % opts.shard.count !== opts.shard.index)) continue;
      steady.add({ identity: JSON.parse(d.identity) as DeviceIdentity, group, state: { certificates: d.certificates ?? [], serverIds: d.serverIds, ...(d.appliedSettings ? { appliedSettings: d.appliedSettings } : {}) }, tlsSessions: tlsSessionCache() });
    }
  }
  const run = async (slot: Slot, place?: Place) => {
    const settled = settling.device();
    try {
      const m = await runDevice(s, catalog, env, slot, opts, deadline.signal, place, { parked: settled, ...(steady ? { join: (j: SteadyMember) => steady.add(j) } : {}) });
      if (m && steady) steady.add(m);
    } finally {
      settled();
    }
  };
  const notStarted = (slot: Slot, why?: string) => {
    const by = interruptOf(deadline.signal) ?? (stop?.aborted && !deadline.signal.aborted ? (stop.reason instanceof RunInterrupted ? stop.reason.signalName : "a stop request") : undefined);
    const code = by && !why ? "runner.interrupted" : "runner.deadline";
    const model = catalog.get(slot.group.model);
    const device = `${model.id}#${slot.index}`;
    const now = env.clock.now();
    env.observer.onDeviceStart?.(device, slot.index);
    env.observer.onDeviceEnd?.({
      device, index: slot.index, group: slot.group.name, model: model.id, platform: model.platform, flow: slot.group.flow,
      ok: false, code, startedAt: now, endedAt: now,
      failure: { code, blame: "scenario", message: `[device ${device}] not started ${why ?? (by ? `because the run was interrupted (${by})` : `before the run deadline (limits.durationSeconds = ${s.limits.durationSeconds})`)}` },
    });
  };
  const arrival = load.concurrency !== undefined ? { kind: "concurrency" as const, concurrency: load.concurrency } : shardArrival(s.arrival, opts.shard);
  const shards = opts.shard?.count ?? 1;
  const phases = load.phases?.map((p) => ({ ...p, rate: p.rate / shards, ...(p.rampTo !== undefined ? { rampTo: p.rampTo / shards } : {}) }));
  // Every device's run, from its arrival to its end (a device waiting to be set up again ends when the timeline ends).
  const dispatch = (async () => {
    if (!phases && arrival.kind === "concurrency") {
      // A device waiting to be set up again gives its place back (runner/places.ts).
      await runClosed(slots, arrival.concurrency, halted, notStarted, run);
    } else {
      const offset = phases
        ? (i: number) => phasesOffsetMs(i, phases)
        : arrival.kind === "rate"
          ? (i: number) => arrivalOffsetMs(i, { rate: arrival.rate, rampFrom: arrival.rampFrom, rampSeconds: arrival.rampSeconds })
          : () => 0;
      await runOpen(slots, offset, { clock: env.clock, start, maxInFlight: load.maxInFlight ?? Infinity, wake, woken, halted }, notStarted, (slot) => run(slot));
    }
  })();
  try {
    if (steady) {
      // Bounded: the steady phase opens once every device has settled — its enrolment ended, or it waits, enrolled,
      // for the timeline to reset it and set it up again, checking in meanwhile — and lasts its duration
      // (or until the run deadline, whichever comes first). Its end is the timeline's: a device still waiting is released.
      await Promise.race([settling.all, dispatch]);
      steady.start();
      await steady.finished;
      opts.timeline?.end();
    }
    await dispatch;
  } finally {
    steady?.stop();
    opts.timeline?.end();
    timer.cancel();
    opts.signal?.removeEventListener("abort", onOuterAbort);
  }
  return { durationMs: env.clock.now() - start, skipped, checkins: steady?.started ?? 0 };
}
