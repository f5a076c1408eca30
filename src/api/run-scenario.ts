// SPDX-License-Identifier: MIT
/**
 * Runs a scenario end to end: load catalog and scenario, prepare the key pool, start the
 * embedded reference server when targeted, run the fleet with summary, progress and trace
 * observers, and evaluate expectations. The CLI's `run` is a thin layer over this.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { createRequire } from "node:module";
import { cpus, release, type as osType } from "node:os";
import { FailureTranscripts } from "../report/html/transcripts.js";
import { withoutBodies, type TranscriptEvent } from "../ports/transcript.js";
import type { Catalog } from "../device/catalog.js";
import type { AgentCatalog } from "../device/agents.js";
import { FLOWS, flowNames } from "../device/flows/index.js";
import { expandedStepsOf } from "../device/flows/steps.js";
import type { FlowResult, FlowTargets } from "../device/flow.js";
import { FileKeyPool, OffsetKeyPool, type KeygenEstimate } from "../platform/node/keypool/index.js";
import { keysNeeded } from "./run-keys.js";
import type { KeyPool, Logger, TranscriptSink } from "../ports/index.js";
import { nullTranscript, silentLogger } from "../ports/index.js";
import { ScenarioError } from "../errors/index.js";
import { Redactor, isSensitiveName } from "../report/redact.js";
import { SummaryCollector } from "../report/summary.js";
import { ProgressDisplay, type ProgressStream } from "../report/progress.js";
import { scheduleOf } from "../report/dashboard/schedule.js";
import { openTraceSink } from "../report/trace-file.js";
import { MetricsCollector, type ExtendedSummary, type RunMetrics } from "../report/metrics.js";
import { loadCatalog, loadCatalogWith, loadTrustStores } from "../runner/catalog-files.js";
import { checkLoadModel, plannedDevices, runFleet, type LoadModel } from "../runner/fleet.js";
import { checkShard, shardArrival, shardDevices, type ShardSpec } from "../runner/shard.js";
import { checkCapacity, type CapacityLimits } from "../runner/capacity.js";
import type { FleetStore } from "../runner/store/types.js";
import { SqliteFleetStore } from "./store/sqlite.js";
import { processLimits } from "./capacity.js";
import { startMetricsEndpoint, type MetricsEndpoint } from "./metrics-server.js";
import type { RunObserver } from "../runner/observer.js";
import { RunInterrupted, interruptOf } from "../runner/interrupt.js";
import { loadScenarioFile } from "../runner/scenario/read.js";
import type { ResolvedScenario, ScenarioContext } from "../runner/scenario/types.js";
import type { ScepFailureAnswer } from "../runner/faults/http.js";
import type { FailInfo } from "../wire/scep/vocabulary.js";
import { ReferenceServer } from "../server/reference-server.js";
import { nodeAdapters, type NodeAdapters } from "./environment.js";
import { pushSummaryOf } from "./push-report.js";
import { serverExpectations } from "./server-expect.js";
import { checkinExpectations } from "../report/expectations.js";
import { MockApns } from "../server/apple/apns.js";
import { networksOf } from "../runner/network/attach.js";
import { startInternetResponder } from "../server/internet.js";
import type { BoundServer } from "../server/http.js";
import { createTimeline, timelineClock } from "./timeline.js";
import { withDeviceMinutes } from "../runner/device-minutes.js";
import { startEmbeddedServer, urlTargets, type WorkerPart } from "./embedded-server.js";
import { openRunStore, resumeHistory } from "./run-store.js";

export { openRunStore, resumeHistory } from "./run-store.js";

export interface RunScenarioOptions {
  /** Override the scenario's seed. */
  seed?: string;
  /** `--trace DIR` (or a single .ndjson file). */
  trace?: string;
  /** Progress output (stderr in the CLI); false for none. */
  progress?: ProgressStream | false;
  /** Key pool directory (default $ENROLLSIM_KEY_POOL or ~/.cache/enrollsim/keys). */
  keyPoolDir?: string;
  /**
   * Distinct RSA keys for the run. Default: one per device after the key offset (run-keys.ts), so
   * no key is presented twice. Giving a size asks for fewer: devices beyond it reuse keys.
   */
  keyPoolSize?: number;
  /**
   * Device i takes pool key i + keyOffset. Repeated runs against one long-lived server give
   * different offsets (e.g. the previous run's offset + its device count) to draw different keys.
   */
  keyOffset?: number;
  /** Called while missing pool keys are generated (`total` = keys missing). */
  onKeyProgress?: (done: number, total: number) => void;
  /** Called before missing pool keys are generated: how many and what one key cost here (the CLI prints the estimate). */
  onKeyEstimate?: (e: KeygenEstimate) => void;
  /** Extra PEM roots trusted by every device. */
  trust?: string[];
  /** WARNING: test-only. Turns TLS verification off for every device. */
  insecure?: boolean;
  /** Aborts the run at once: in-flight devices are cut short (a {@link RunInterrupted} reason marks them `runner.interrupted`). */
  signal?: AbortSignal;
  /**
   * Graceful interrupt: no further device starts, the steady phase ends, in-flight enrolments
   * finish (abort {@link signal} to cut them short). The summary is then marked `interrupted`.
   */
  stopArrivals?: AbortSignal;
  log?: Logger;
  catalog?: Catalog;
  /** `--devices DIR`: device YAML files that add to or replace the shipped catalog's models (ignored when `catalog` is given). */
  devicesDir?: string;
  /** `--agents DIR`: vendor agent YAML files that add to or replace the shipped agent catalog (ignored when `catalog` is given). */
  agentsDir?: string;
  /** Adapters to use instead of the Node ones (tests inject virtual time or in-memory HTTP). */
  adapters?: Partial<NodeAdapters>;
  keys?: KeyPool;
  /** Extra observers (dashboards, tests). */
  observers?: RunObserver[];
  /** Per-device transcript sink in addition to the trace (the one-device CLI uses it). */
  transcript?: TranscriptSink;
  onFlowResult?: (device: string, result: FlowResult) => void;
  /** Run shard i of N (0-based): devices with index % N === i, 1/N of the arrival rate. */
  shard?: ShardSpec;
  /** Load model: phases, concurrency, steady state, time scale. Replaces the scenario's `load:` block. */
  load?: LoadModel;
  /** Overrides the effective load model's timeScale (`--time-scale`). */
  timeScale?: number;
  /** Overrides the effective load model's keepAlive (`--close-connections` sets false). */
  keepAlive?: boolean;
  /** Persistent fleet store: a SQLite file path (created when missing), or a store object. */
  store?: string | FleetStore;
  /** Continue a stopped run from the store: devices already enrolled are skipped. */
  resume?: boolean;
  /** Serve Prometheus /metrics on 127.0.0.1:PORT while running (0: any free port). */
  metricsPort?: number;
  /** Told the /metrics URL once it listens. */
  onMetricsUrl?: (url: string) => void;
  /**
   * An endpoint the caller started and closes (the CLI keeps it up after the run for --linger);
   * wins over metricsPort. The run feeds it from the start: phase, key-pool generation, devices.
   */
  metricsEndpoint?: MetricsEndpoint;
  /**
   * Start barrier (epoch ms on the clock adapter): setup (key pool, embedded server, store) happens
   * first, then the run waits until this instant before the first arrival. In the past: no wait.
   */
  startAt?: number;
  /** Told how long the run waits for {@link startAt} (ms, 0 when it is already past). */
  onStartWait?: (waitMs: number) => void;
  /** Capacity check before the run (default: this process's limits); false to skip. */
  capacity?: CapacityLimits | false;
  /** Told the embedded reference server once it listens (tests read its state after the run). */
  onServer?: (server: ReferenceServer) => void;
  /**
   * Run a mock APNs in this process on 127.0.0.1:PORT (0: any free port) for the whole run, so a
   * server under test can push to it and wake this run's Apple devices (the wake registry is
   * per process). Its counts go into the summary's `pushes`. For URL servers; the embedded
   * server has its own.
   */
  apnsPort?: number;
  /** Told the mock APNs base URL once it listens (see {@link apnsPort}). */
  onApnsUrl?: (url: string) => void;
  /**
   * Internal to `run --workers` (api/workers/): this run is one worker's slice. The parent runs the
   * embedded server once for all workers (`targets`, its CA, its CA-signed scepFailInfo answers) and
   * has already checked the store file belongs to the run.
   */
  part?: WorkerPart;
  /** Told each loader warning ("file:line:column: warning: …"), e.g. a fault that can never fire. */
  onWarning?: (warning: string) => void;
  /** Told the resolved scenario and the effective load model before the run starts (the dashboard's schedule). */
  onScenario?: (scenario: ResolvedScenario, load: LoadModel | undefined, shard: ShardSpec | undefined) => void;
  /** Keep the redacted transcripts of the first failing devices in memory (the HTML report embeds them). */
  failureTranscripts?: boolean;
}

export interface ScenarioRun {
  scenario: ResolvedScenario;
  /** The summary with the run metrics (timeline, per-platform histograms, shard). */
  summary: ExtendedSummary;
  metrics: RunMetrics;
  /** With {@link RunScenarioOptions.failureTranscripts}: redacted transcripts of the first failing devices. */
  transcripts?: Record<string, TranscriptEvent[]>;
  /** Redacts text with the run's redactor (the scenario's secrets registered), e.g. the scenario file for a report. */
  redact: (text: string) => string;
}

const PACKAGE_VERSION = (createRequire(import.meta.url)("../../package.json") as { version: string }).version;

/** Fans one observer call out to many. */
export function fanOut(observers: RunObserver[]): RunObserver {
  return {
    onRunStart: (i) => observers.forEach((o) => o.onRunStart?.(i)),
    onDeviceStart: (d, i) => observers.forEach((o) => o.onDeviceStart?.(d, i)),
    onStep: (s) => observers.forEach((o) => o.onStep?.(s)),
    onAttemptFailed: (s) => observers.forEach((o) => o.onAttemptFailed?.(s)),
    onDeviceEnd: (r) => observers.forEach((o) => o.onDeviceEnd?.(r)),
    onRunEnd: (i) => observers.forEach((o) => o.onRunEnd?.(i)),
    onCheckin: (x) => observers.forEach((o) => o.onCheckin?.(x)),
    onCommand: (x) => observers.forEach((o) => o.onCommand?.(x)),
  };
}

export async function loadScenario(file: string, catalog: Catalog = loadCatalog()): Promise<ResolvedScenario> {
  return loadScenarioFile(file, scenarioContext(catalog));
}

/** What the loader checks a scenario against: the catalog's models and platforms, the flows and their steps. */
export function scenarioContext(catalog: Catalog): ScenarioContext {
  return {
    modelIds: catalog.ids(),
    flows: flowNames(),
    modelPlatforms: Object.fromEntries(catalog.ids().map((id) => [id, catalog.get(id).platform])),
    flowPlatforms: Object.fromEntries(Object.entries(FLOWS).map(([name, f]) => [name, f.platforms])),
    flowSteps: Object.fromEntries(flowNames().map((f) => [f, expandedStepsOf(f)])),
    modelOsSupport: Object.fromEntries(catalog.list().flatMap((m) => (m.osSupport ? [[m.id, m.osSupport]] : []))),
    agentEnrollments: Object.fromEntries(catalog.agents.list().map((a) => [a.id, Object.entries(a.platforms).flatMap(([p, v]) => (v.enrollment ? [p] : []))])),
    browsers: browsersByPlatform(catalog),
  };
}

/** The browsers with a row for each Apple platform (an `ios` row covers iPads too); Safari always has one (SAFARI_ROW). */
function browsersByPlatform(catalog: Catalog): Record<string, string[]> {
  const out: Record<string, string[]> = { ios: ["safari"], ipados: ["safari"], macos: ["safari"] };
  for (const b of catalog.profileInstallPaths.browsers) for (const p of b.platform === "ios" ? ["ios", "ipados"] : [b.platform]) if (!out[p]!.includes(b.browser)) out[p]!.push(b.browser);
  return out;
}

/** `scepFailInfo` faults: the embedded CA signs the CertRep FAILURE. */
function scepFailureOf(server: ReferenceServer): ScepFailureAnswer {
  return (req, failInfo) => server.scep.failureFor(req, failInfo as FailInfo);
}

/**
 * Secrets a scenario holds, registered with the redactor before anything is recorded:
 * - every string under a credential-shaped key (challenge, password, token, secret, …) anywhere in
 *   the group options and the embedded server's configuration and policy, for every platform (and a `value`
 *   directly under such a key);
 * - every value a Windows package gives an installed agent as its enroll secret (the `secretFrom`
 *   files and MSI properties of the agent's vendor-enroll rows, agents/README.md), whatever the
 *   property or file is called: `FLEET_ENROLL="…"` is a secret because the agent reads it as one.
 */
function scenarioSecrets(s: ResolvedScenario, agents?: AgentCatalog): string[] {
  const out: string[] = [];
  // A `{ value: … }` under a credential-shaped key is that credential (`enterToken: { value: CODE }`).
  const walk = (v: unknown, key = "", parent = ""): void => {
    if (typeof v === "string") {
      if ((key && isSensitiveName(key)) || (key === "value" && isSensitiveName(parent))) out.push(v);
    } else if (Array.isArray(v)) v.forEach((x) => walk(x, key, parent));
    else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) walk(x, k, key);
  };
  if (s.server.kind === "embedded") {
    walk({ scep: s.server.scep, policy: s.server.policy, ...s.server.platforms });
    if (agents) out.push(...agentPackageSecrets(s.server.platforms.windows, agents));
  }
  for (const g of s.groups) walk(g.options);
  return out.filter((x) => x.length >= 3);
}

/** The enroll secrets `embedded.windows.esp.apps[]` packages carry for the agents they install (every source a row names). */
function agentPackageSecrets(windows: unknown, agents: AgentCatalog): string[] {
  const apps = (windows as { esp?: { apps?: { name?: string; properties?: Record<string, string>; files?: Record<string, string> }[] } } | undefined)?.esp?.apps ?? [];
  const out: string[] = [];
  for (const app of apps) {
    const agent = app.name === undefined ? undefined : agents.forMsi(app.name);
    for (const row of agent?.vendorEnroll ?? [])
      for (const src of row.secretFrom) {
        const v = "file" in src ? app.files?.[src.file]?.replace(/\r?\n$/, "") : app.properties?.[src.property];
        if (v !== undefined) out.push(v);
      }
  }
  return out;
}

/**
 * A redactor holding the scenario's secrets (for text about the run written elsewhere, e.g. the scenario file in a
 * report). `agents`: the run's agent catalog (with `--agents DIR`), whose packages' secret sources are secrets too.
 */
export function scenarioRedactor(s: ResolvedScenario, agents?: AgentCatalog): Redactor {
  const r = new Redactor();
  for (const secret of scenarioSecrets(s, agents)) r.addSecret(secret);
  return r;
}

/** A run's inputs once loaded and checked: what runScenario and the parent of `run --workers` start from. */
export interface PreparedRun {
  scenario: ResolvedScenario;
  options: RunScenarioOptions;
  adapters: NodeAdapters;
  log: Logger;
  catalog: Catalog;
  shard: ShardSpec | undefined;
}

/**
 * Loads the scenario and applies the command line's overrides (seed, load model, time scale), then
 * refuses what cannot run: a bad shard or load model, --resume without a store, expect.server
 * that the run's server cannot answer, a run this machine cannot hold.
 */
export async function prepareRun(file: string | ResolvedScenario, options: RunScenarioOptions = {}): Promise<PreparedRun> {
  const catalog = options.catalog ?? loadCatalogWith(options.devicesDir, options.agentsDir);
  const loaded = typeof file === "string" ? await loadScenario(file, catalog) : file;
  for (const w of loaded.warnings ?? []) options.onWarning?.(w);
  const seeded: ResolvedScenario = options.seed ? { ...loaded, seed: options.seed } : loaded;
  // The scenario's load: block, replaced by options.load (--load FILE); timeScale and keepAlive override either.
  const baseLoad = options.load ?? seeded.load;
  const overrides = { ...(options.timeScale !== undefined ? { timeScale: options.timeScale } : {}), ...(options.keepAlive !== undefined ? { keepAlive: options.keepAlive } : {}) };
  options = { ...options, load: Object.keys(overrides).length > 0 ? { ...baseLoad, ...overrides } : baseLoad };
  // Windows device minutes follow the run's time scale unless a group sets minuteMs (runner/device-minutes.ts).
  const timed = withDeviceMinutes(seeded, options.load?.timeScale);
  const scenario = timed.scenario;
  for (const n of timed.notices) options.onWarning?.(n);
  const adapters = nodeAdapters(scenario.seed, options.adapters);
  adapters.clock = timelineClock(scenario, adapters.clock); // after the HTTP adapter took the base clock
  const log = options.log ?? silentLogger;
  const shard = options.shard ? checkShard(options.shard) : undefined;
  checkLoadModel(options.load);
  if (options.resume && !options.store) throw new ScenarioError("--resume needs --store FILE (the fleet store of the run to continue)");
  if (scenario.expect.server && shard && shard.count > 1 && !options.part) {
    throw new ScenarioError(`expect.server checks one embedded server's records, but with --shard ${shard.index}/${shard.count} each shard runs its own server holding only its devices; run without --shard, or remove expect.server`);
  }
  if (scenario.expect.server && scenario.server.kind !== "embedded") {
    throw new ScenarioError("expect.server asserts on the embedded reference server's records; a URL server's records cannot be read (remove expect.server, or run against server: embedded)");
  }
  if (options.apnsPort !== undefined && scenario.server.kind === "embedded") {
    throw new ScenarioError("--apns-port is for runs against a URL server; the embedded server runs its own mock APNs (embedded.apple.apns)");
  }
  if (options.capacity !== false) {
    const devices = shardDevices(scenario, shard);
    const load = options.load ?? {};
    const arrival = load.concurrency !== undefined ? { kind: "concurrency" as const, concurrency: load.concurrency } : shardArrival(scenario.arrival, shard);
    const peakRate = load.phases
      ? Math.max(...load.phases.map((p) => Math.max(p.rate, p.rampTo ?? p.rate))) / (shard?.count ?? 1)
      : arrival.kind === "rate"
        ? Math.max(arrival.rate, arrival.rampFrom)
        : 0;
    const enrolInFlight =
      load.maxInFlight ?? (arrival.kind === "concurrency" && !load.phases ? arrival.concurrency : Math.ceil(peakRate * (scenario.limits.stepTimeoutMs / 1000)));
    const inFlight = Math.min(devices, enrolInFlight) + (load.steady ? Math.min(devices, load.steady.maxInFlight ?? 256) : 0);
    checkCapacity(
      { devices, inFlight, resident: load.steady ? devices : 0, embeddedServer: scenario.server.kind === "embedded" },
      options.capacity ?? processLimits(),
    );
  }
  return { scenario, options, adapters, log, catalog, shard };
}

export async function runScenario(file: string | ResolvedScenario, options: RunScenarioOptions = {}): Promise<ScenarioRun> {
  if (options.metricsPort !== undefined && !options.metricsEndpoint) {
    // Listening before anything else, so a scraper sees the setup and key-pool generation too.
    const endpoint = await startMetricsEndpoint(options.metricsPort);
    options.onMetricsUrl?.(endpoint.url);
    try {
      return await runScenario(file, { ...options, metricsEndpoint: endpoint });
    } finally {
      await endpoint.close();
    }
  }
  const { scenario, adapters, log, catalog, shard, ...prepared } = await prepareRun(file, options);
  options = prepared.options;
  const opened =
    options.store === undefined
      ? undefined
      : options.part && typeof options.store === "string"
        ? { store: SqliteFleetStore.open(options.store, { create: false }), owned: true } // the parent checked it belongs to this run
        : openRunStore(options.store, scenario, shard, options.resume ?? false, adapters.clock.now());
  try {
    return await runOpened(scenario, options, adapters, log, catalog, shard, opened?.store);
  } finally {
    if (opened?.owned) opened.store.close();
  }
}

async function runOpened(
  scenario: ResolvedScenario,
  options: RunScenarioOptions,
  adapters: NodeAdapters,
  log: Logger,
  catalog: Catalog,
  shard: ShardSpec | undefined,
  store: FleetStore | undefined,
): Promise<ScenarioRun> {
  const resume = options.resume ?? false;
  const planned = plannedDevices(scenario, { shard, store, resume });

  const keyOffset = options.keyOffset ?? 0;
  const ensure = keysNeeded({ devices: scenario.totalDevices, offset: keyOffset, poolSize: options.keyPoolSize });
  const endpoint = options.metricsEndpoint;
  const keys: KeyPool =
    options.keys ??
    (await FileKeyPool.open({
      dir: options.keyPoolDir,
      spec: "rsa2048",
      ensure,
      onProgress: (done, total) => {
        if (done < total) endpoint?.setPhase("keygen");
        endpoint?.keyProgress(done, total);
        options.onKeyProgress?.(done, total);
      },
      onEstimate: options.onKeyEstimate,
      signal: options.signal,
    }).then((pool) => (keyOffset > 0 ? new OffsetKeyPool(pool, keyOffset) : pool)));

  let server: ReferenceServer | undefined;
  let apns: MockApns | undefined;
  if (options.apnsPort !== undefined) {
    apns = new MockApns(undefined, () => adapters.clock.now());
    options.onApnsUrl?.(await apns.start(options.apnsPort));
  }
  let targets: FlowTargets;
  const trust = [...(options.trust ?? [])];
  const part = options.part;
  if (part) {
    // A worker of `run --workers`: the run's one embedded server (or the URL server) is the parent's.
    targets = part.targets;
    if (part.caPem) trust.push(part.caPem);
  } else if (scenario.server.kind === "embedded") {
    const started = await startEmbeddedServer(scenario, catalog, adapters);
    server = started.server;
    targets = started.targets;
    trust.push(server.caPem); // devices trust the reference CA for the HTTPS listener
    options.onServer?.(server);
  } else targets = urlTargets(scenario.server.url);

  const namedRoots = server?.namedRootPems ?? (part?.namedRoots ? new Map(Object.entries(part.namedRoots)) : undefined); // trusted per device by its store
  const redactor = scenarioRedactor(scenario, catalog.agents);
  const failures = options.failureTranscripts ? new FailureTranscripts({ redactor }) : undefined;
  const trace = options.trace ? openTraceSink(options.trace, { redactor, maxBytesPerDevice: scenario.limits.transcriptBytes }) : undefined;
  const summary = new SummaryCollector({ expect: scenario.expect, now: () => adapters.clock.now(), redactor });
  const metrics = new MetricsCollector(() => adapters.clock.now());
  endpoint?.setPhase("setup");
  const observers: RunObserver[] = [summary, metrics, ...(endpoint ? [endpoint.observer] : []), ...(trace ? [trace] : []), ...(failures ? [failures] : []), ...(options.observers ?? [])];
  if (options.progress) {
    // The schedule gives the progress line its phase, target arrival rate and ETA (what the pacing aims at).
    const schedule = scheduleOf(shardArrival(scenario.arrival, shard), options.load, shardDevices(scenario, shard), shard?.count ?? 1);
    observers.push(new ProgressDisplay(options.progress, () => adapters.clock.now(), { schedule }));
  }
  const observer = fanOut(observers);
  const extra = options.transcript;
  const sinks = [trace, extra, failures, summary.transcript].filter((x): x is TranscriptSink => x !== undefined);
  // Bodies go only to the sinks that take them (they redact); the others get the event without.
  const both: TranscriptSink = { bodies: sinks.some((x) => x.bodies), record: (e) => sinks.forEach((x) => x.record(x.bodies ? e : withoutBodies(e))) };
  const transcriptFor = (): TranscriptSink => (sinks.length > 1 ? both : (sinks[0] ?? nullTranscript));

  const networks = networksOf(scenario, targets); // the networks devices are on; their internet responder starts with the run
  let responder: BoundServer | undefined;
  const timeline = createTimeline(scenario, catalog, { ...adapters, log }, server, transcriptFor, networks?.fleet);
  if (timeline) observers.push(timeline);
  const onFlowResult = timeline ? (d: string, r: FlowResult) => (timeline.onFlowResult(d, r), options.onFlowResult?.(d, r)) : options.onFlowResult;
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  let skipped = 0;
  try {
    if (networks) networks.responder = (responder = await startInternetResponder()).url;
    if (options.startAt !== undefined) {
      const wait = Math.max(0, options.startAt - adapters.clock.now());
      options.onStartWait?.(wait);
      if (wait > 0) await adapters.clock.sleep(wait, options.signal);
    }
    options.onScenario?.(scenario, options.load, shard);
    endpoint?.setPhase("running");
    observer.onRunStart?.({ scenario: scenario.name, devices: planned, seed: scenario.seed });
    const { durationMs, skipped: sk } = await runFleet(
      scenario,
      catalog,
      {
        ...adapters,
        keys,
        log,
        transcriptFor,
        observer,
        tls: { ca: trust, insecure: options.insecure ?? (scenario.server.kind === "url" && scenario.server.insecure) },
        ...(server ? { scepFailure: scepFailureOf(server) } : part?.scepFailure ? { scepFailure: part.scepFailure } : {}),
        ...(namedRoots?.size ? { namedRoots: { catalog: loadTrustStores(), pems: namedRoots } } : {}),
      },
      { targets, signal: options.signal, stopArrivals: options.stopArrivals, onFlowResult, shard, load: options.load, store, resume, ...(timeline ? { timeline } : {}), ...(networks ? { networks } : {}) },
    );
    skipped = sk;
    observer.onRunEnd?.({ durationMs });
  } finally {
    loop.disable();
    summary.setEventLoopDelay({ p50: loop.percentile(50) / 1e6, p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 });
    await trace?.close();
    const pushes = pushSummaryOf(server, apns);
    if (pushes) summary.setPushes(pushes);
    if (server && scenario.expect.server) summary.addExpectations(serverExpectations(scenario.expect.server, server.records()));
    if (scenario.expect.checkins) summary.addExpectations(checkinExpectations(scenario.expect.checkins, metrics.metrics().checkins));
    await server?.close();
    await apns?.close();
    await responder?.close();
    endpoint?.setPhase("done");
  }
  const stopped = options.stopArrivals?.aborted ? options.stopArrivals.reason : undefined;
  const by = interruptOf(options.signal) ?? (stopped instanceof RunInterrupted ? stopped.signalName : stopped !== undefined ? "stop request" : undefined);
  const m: RunMetrics = {
    ...(by ? { interrupted: { signal: by, aborted: options.signal?.aborted ?? false } } : {}),
    ...(shard ? { shard } : {}),
    shards: 1,
    ...metrics.metrics(),
    ...(store ? { store: store.location, resumedSkipped: skipped } : {}),
    ...(store && resume ? { resumedFromCheckpoint: metrics.resumed.checkpoint, resumedFromCheckpointByState: { ...metrics.resumedByState }, resumedRestart: metrics.resumed.restart, resumeHistory: resumeHistory(store) } : {}),
    ...(timeline ? { actions: timeline.report() } : {}),
    environment: [
      {
        enrollsim: PACKAGE_VERSION,
        node: process.version,
        os: `${osType()} ${release()} ${process.arch}`,
        cpus: cpus().length,
        server: scenario.server.kind === "embedded" ? "embedded reference server" : scenario.server.url,
        ...(shard ? { shard: `${shard.index}/${shard.count}` } : {}),
      },
    ],
  };
  return { scenario, summary: { ...summary.summary(), ...m }, metrics: m, ...(failures ? { transcripts: failures.transcripts() } : {}), redact: (text) => redactor.redactString(text) };
}
