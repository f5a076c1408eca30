// SPDX-License-Identifier: MIT
/**
 * `run --workers N|auto`: one run over N worker threads of this process (runner/workers.ts says how
 * the fleet is sliced). This thread is the parent: it checks the run once, fills the key pool once,
 * opens and checks the store once, starts the embedded server once (all workers enrol against it,
 * so expect.server holds for the whole fleet), shows one progress line and one /metrics fed by every
 * worker's forwarded events, and merges the workers' summaries with mergeExtended — the code of
 * `report merge`. A worker that dies is reported by index with the devices it held, which count as
 * failed (`worker.crashed`); the others finish.
 *
 * Worker threads, not child processes: a thread starts in tens of milliseconds sharing the
 * process (one pid for signals and Kubernetes, one /metrics port, the embedded server reachable
 * in-process for CA-signed fault answers), events cross by structured clone without a pipe
 * codec, and every worker still has its own event loop and V8 heap, which is what spreads the
 * TLS and codec work over the cores.
 */
import { availableParallelism } from "node:os";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { writePrivateFile } from "../../report/private-file.js";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { InternalError, ScenarioError } from "../../errors/index.js";
import { FileKeyPool } from "../../platform/node/keypool/index.js";
import { mergeExtended, MetricsCollector, type CrashedWorker, type ExtendedSummary, type RunMetrics } from "../../report/metrics.js";
import { ProgressDisplay } from "../../report/progress.js";
import { SummaryCollector } from "../../report/summary.js";
import { plannedDevices } from "../../runner/fleet.js";
import { RunInterrupted, interruptOf } from "../../runner/interrupt.js";
import type { RunObserver } from "../../runner/observer.js";
import { shardArrival, shardDevices } from "../../runner/shard.js";
import { parseWorkers, resolveWorkers, workerLoad, workerShard, type WorkersRequest } from "../../runner/workers.js";
import type { ReferenceServer } from "../../server/reference-server.js";
import { SqliteFleetStore } from "../store/sqlite.js";
import { startMetricsEndpoint, type MetricsEndpoint } from "../metrics-server.js";
import { pushSummaryOf } from "../push-report.js";
import { keysNeeded } from "../run-keys.js";
import { fanOut, openRunStore, prepareRun, resumeHistory, scenarioRedactor, type PreparedRun, type RunScenarioOptions, type ScenarioRun } from "../run-scenario.js";
import { scheduleOf } from "../../report/dashboard/schedule.js";
import { serverExpectations } from "../server-expect.js";
import { startEmbeddedServer, urlTargets, type WorkerPart } from "../embedded-server.js";
import { crashedResults, type WorkerLedger } from "./crash.js";
import { replay } from "./forward.js";
import type { TranscriptEvent } from "../../ports/transcript.js";
import { servePushes } from "./push-bridge.js";
import { MockApns } from "../../server/apple/apns.js";
import { pushRegistry } from "../../ports/push.js";
import type { FromWorker, ToWorker, WorkerData } from "./messages.js";

export interface RunWorkersOptions extends RunScenarioOptions {
  workers: WorkersRequest | string;
  /** Available cores (default os.availableParallelism()); tests pass a figure. */
  cores?: number;
  /** The worker count once resolved. */
  onWorkers?: (count: number) => void;
  /** Each worker's part (its own summary, or the parent's account of a dead one) before the merge, in worker order. */
  onParts?: (parts: readonly ExtendedSummary[]) => void;
}

/** `ENROLLSIM_TEST_CRASH_WORKER=i[:n]`: test-only, worker i dies after n (default 1) device ends. */
function crashHook(env: NodeJS.ProcessEnv): { worker: number; after: number } | undefined {
  const m = /^(\d+)(?::(\d+))?$/.exec(env.ENROLLSIM_TEST_CRASH_WORKER ?? "");
  return m ? { worker: Number(m[1]), after: Number(m[2] ?? 1) } : undefined;
}

const WORKER_FILE = fileURLToPath(new URL("./worker-main.js", import.meta.url));

interface Slot {
  index: number;
  worker: Worker;
  ledger: WorkerLedger;
  /** The parent's copy of the worker's part, from its forwarded events (used if it dies). */
  summary: SummaryCollector;
  metrics: MetricsCollector;
  done?: ExtendedSummary;
  failure?: string;
}

export async function runScenarioWorkers(file: string, o: RunWorkersOptions): Promise<ScenarioRun> {
  const request = typeof o.workers === "string" ? parseWorkers(o.workers) : parseWorkers(String(o.workers));
  const refuse = (what: string) => new ScenarioError(`--workers: ${what}`);
  if (o.keys || o.adapters || o.part || o.catalog || o.transcript) throw refuse("the library options keys, adapters, catalog, transcript and part stay in one thread; run without workers");
  if (o.store !== undefined && typeof o.store !== "string") throw refuse("the store must be a file path (each worker opens it)");
  // Every worker prepares the same scenario as this thread: a note about the scenario is said once, not once per worker.
  const warned = new Set<string>();
  const say = (text: string): void => {
    if (!warned.has(text)) o.onWarning?.(text);
    warned.add(text);
  };
  const { scenario, options, adapters, catalog, shard } = await prepareRun(file, { ...o, onWarning: say });
  if (scenario.timeline?.length) throw refuse("the scenario's timeline acts on one thread's devices and server at once; run it without --workers");
  if (!existsSync(WORKER_FILE)) throw new InternalError(`--workers needs the built worker ${WORKER_FILE} (npm run build)`);
  const plan = resolveWorkers(request, { cores: o.cores ?? availableParallelism(), devices: shardDevices(scenario, shard) });
  for (const w of plan.warnings) o.onWarning?.(`warning: ${w}`);
  const count = plan.count;
  o.onWorkers?.(count);
  const own = options.metricsEndpoint === undefined && options.metricsPort !== undefined ? await startMetricsEndpoint(options.metricsPort) : undefined;
  if (own) options.onMetricsUrl?.(own.url);
  const endpoint = options.metricsEndpoint ?? own;
  try {
    return await runParent(file, { ...o, onWarning: say }, { scenario, options, adapters, catalog, shard }, count, endpoint);
  } finally {
    await own?.close();
  }
}

async function runParent(file: string, o: RunWorkersOptions, p: Omit<PreparedRun, "log">, count: number, endpoint: MetricsEndpoint | undefined): Promise<ScenarioRun> {
  const { scenario, options, adapters, catalog, shard } = p;
  // The store: checked once here (scenario, seed, shard, resume), then opened by every worker (WAL, busy timeout).
  let planned = shardDevices(scenario, shard);
  const enrolledBefore = new Set<number>();
  if (options.store !== undefined) {
    const { store } = openRunStore(options.store, scenario, shard, options.resume ?? false, adapters.clock.now());
    try {
      planned = plannedDevices(scenario, { shard, store, resume: options.resume });
      if (options.resume) for (const d of store.list({ state: "enrolled" })) enrolledBefore.add(d.index);
    } finally {
      store.close();
    }
  }
  // The key pool: filled once here; workers open it complete. Device j takes key j + offset in any worker.
  await FileKeyPool.open({
    dir: options.keyPoolDir,
    spec: "rsa2048",
    ensure: keysNeeded({ devices: scenario.totalDevices, offset: options.keyOffset, poolSize: options.keyPoolSize }),
    onProgress: (done, total) => {
      if (done < total) endpoint?.setPhase("keygen");
      endpoint?.keyProgress(done, total);
      options.onKeyProgress?.(done, total);
    },
    onEstimate: options.onKeyEstimate,
    signal: options.signal,
  });

  let server: ReferenceServer | undefined;
  let part: Omit<WorkerPart, "scepFailure">;
  if (scenario.server.kind === "embedded") {
    const started = await startEmbeddedServer(scenario, catalog, adapters);
    server = started.server;
    const roots = server.namedRootPems;
    part = { targets: started.targets, caPem: server.caPem, ...(roots.size ? { namedRoots: Object.fromEntries(roots) } : {}) };
    options.onServer?.(server);
  } else part = { targets: urlTargets(scenario.server.url) };
  // --apns-port (URL servers): the mock APNs runs here and delivers into this thread's registry, which the workers' devices wait on.
  let apns: MockApns | undefined;
  if (options.apnsPort !== undefined) {
    apns = new MockApns(undefined, () => adapters.clock.now());
    options.onApnsUrl?.(await apns.start(options.apnsPort));
  }

  const now = () => adapters.clock.now();
  endpoint?.setPhase("setup");
  const shared: RunObserver[] = [...(endpoint ? [endpoint.observer] : []), ...(options.observers ?? [])];
  if (options.progress) {
    const schedule = scheduleOf(shardArrival(scenario.arrival, shard), options.load, shardDevices(scenario, shard), shard?.count ?? 1);
    shared.push(new ProgressDisplay(options.progress, now, { schedule }));
  }
  const live = fanOut(shared);
  const crash = crashHook(process.env);
  const traceParts =
    options.trace && /\.(ndjson|jsonl)$/i.test(options.trace) ? Array.from({ length: count }, (_, w) => join(dirname(options.trace!), `${basename(options.trace!).replace(/\.(ndjson|jsonl)$/i, "")}.worker${w}.part.ndjson`)) : undefined;
  if (options.startAt !== undefined) options.onStartWait?.(Math.max(0, options.startAt - now())); // each worker waits for the instant itself
  const started = now();
  options.onScenario?.(scenario, options.load, shard);
  endpoint?.setPhase("running");
  live.onRunStart?.({ scenario: scenario.name, devices: planned, seed: scenario.seed });

  const slots: Slot[] = [];
  const crashed: CrashedWorker[] = [];
  const transcripts: Record<string, TranscriptEvent[]> = {};
  const relays: Array<() => void> = [];
  const relay = (signal: AbortSignal | undefined, type: "stop" | "abort") => {
    if (!signal) return;
    const send = () => {
      const by = signal.reason instanceof RunInterrupted ? signal.reason.signalName : "stop request";
      for (const s of slots) s.worker.postMessage({ type, signal: by } satisfies ToWorker);
    };
    signal.addEventListener("abort", send, { once: true });
    relays.push(() => signal.removeEventListener("abort", send));
  };
  try {
    const ends = Array.from({ length: count }, (_, w) => {
      const slice = workerShard(shard, w, count);
      const data: WorkerData = {
        index: w,
        count,
        scenarioFile: file,
        options: {
          seed: o.seed,
          devicesDir: options.devicesDir,
          agentsDir: options.agentsDir,
          trace: traceParts?.[w] ?? options.trace,
          trust: options.trust,
          insecure: options.insecure,
          keyPoolDir: options.keyPoolDir,
          keyPoolSize: options.keyPoolSize,
          keyOffset: options.keyOffset,
          shard: slice,
          load: workerLoad(options.load, count),
          store: options.store as string | undefined,
          resume: options.resume,
          startAt: options.startAt,
          failureTranscripts: options.failureTranscripts,
        },
        part,
        ...(crash?.worker === w ? { crashAfter: crash.after } : {}),
      };
      const slot: Slot = { index: w, worker: new Worker(WORKER_FILE, { workerData: data }), ledger: { started: new Set(), ended: new Set() }, summary: new SummaryCollector({ expect: scenario.expect, now }), metrics: new MetricsCollector(now) };
      slot.summary.onRunStart({ scenario: scenario.name, devices: 0, seed: scenario.seed });
      const mirror = fanOut([slot.summary, slot.metrics, live, { onDeviceStart: (_d, i) => slot.ledger.started.add(i), onDeviceEnd: (r) => slot.ledger.ended.add(r.index) }]);
      slots.push(slot);
      const push = servePushes(pushRegistry, (id) => slot.worker.postMessage({ type: "push-wake", id } satisfies ToWorker));
      return new Promise<void>((resolve) => {
        slot.worker.on("message", (m: FromWorker) => {
          if (m.type === "events") replay(m.events, mirror);
          else if (m.type === "push") push(m.op);
          // Said once over all workers (runScenarioWorkers).
          else if (m.type === "warning") o.onWarning?.(m.text);
          else if (m.type === "done") {
            slot.done = m.summary; // terminated below; its port stays open until then
            if (m.transcripts) Object.assign(transcripts, m.transcripts);
            resolve();
          } else if (m.type === "failed") slot.failure = `${m.error.code ?? m.error.name}: ${m.error.message}`;
          else if (m.type === "scep-failure") {
            const answer = server ? server.scep.failureFor(m.req, m.failInfo as never) : Promise.reject(new Error("no embedded server"));
            answer.then(
              (response) => slot.worker.postMessage({ type: "scep-failure", id: m.id, response } satisfies ToWorker),
              (e: Error) => slot.worker.postMessage({ type: "scep-failure", id: m.id, error: e.message } satisfies ToWorker),
            );
          }
        });
        slot.worker.on("error", (e) => (slot.failure ??= `${e.name}: ${e.message}`));
        slot.worker.on("exit", (code) => {
          if (!slot.done) {
            slot.failure ??= `exited with code ${code} before its summary`;
            const dead = crashedResults(scenario, catalog, slice, slot.ledger, { worker: w, cause: slot.failure, now: now(), enrolledBefore });
            const feed = fanOut([slot.summary, slot.metrics, live]);
            for (const r of dead.neverStarted) feed.onDeviceStart?.(r.device, r.index);
            for (const r of dead.results) feed.onDeviceEnd?.(r);
            crashed.push(dead.report);
            o.onWarning?.(`worker ${w} died (${slot.failure}): the ${dead.report.held} device(s) it held count as failed (worker.crashed): ${dead.report.devices.slice(0, 10).join(", ")}${dead.report.held > 10 ? ", …" : ""}; the other workers go on`);
          }
          resolve();
        });
      });
    });
    relay(options.stopArrivals, "stop");
    relay(options.signal, "abort");
    if (options.stopArrivals?.aborted) for (const s of slots) s.worker.postMessage({ type: "stop", signal: interruptOf(options.stopArrivals) ?? "stop request" } satisfies ToWorker);
    if (options.signal?.aborted) for (const s of slots) s.worker.postMessage({ type: "abort", signal: interruptOf(options.signal) ?? "stop request" } satisfies ToWorker);
    await Promise.all(ends);
  } catch (err) {
    await server?.close();
    await apns?.close();
    throw err;
  } finally {
    relays.forEach((r) => r());
    await Promise.all(slots.map((s) => s.worker.terminate()));
    live.onRunEnd?.({ durationMs: now() - started });
    endpoint?.setPhase("done");
  }
  return finish();

  async function finish(): Promise<ScenarioRun> {
    if (traceParts) concatTraces(traceParts, options.trace!);
    // Each worker's part: its own summary, or (it died) the parent's copy from its events with its held devices failed.
    const parts: ExtendedSummary[] = slots.map((s) => {
      const p = s.done ?? { ...s.summary.summary(), ...s.metrics.metrics(), shards: 1 };
      const { shard: _slice, ...untagged } = p; // worker slices are not the run's shards: no shard-set check among them
      return untagged;
    });
    o.onParts?.(parts);
    const merged = mergeExtended(parts, scenario.expect);
    const server_ = server;
    const extraExpect = server_ && scenario.expect.server ? serverExpectations(scenario.expect.server, server_.records()) : [];
    const pushes = pushSummaryOf(server_, apns);
    await server_?.close();
    await apns?.close();
    const expectations = [...merged.expectations, ...extraExpect];
    const summary: ExtendedSummary = {
      ...merged,
      ...(pushes ? { pushes } : {}),
      expectations,
      ok: expectations.every((e) => e.ok) && !merged.incomplete,
      ...(shard ? { shard } : {}),
      shards: 1,
      ...(options.store !== undefined ? { store: options.store as string } : {}),
      workers: { count, crashed: crashed.sort((a, b) => a.index - b.index) },
      // one process ran the run: one environment entry (the parts' are the same machine), tagged with the run's shard
      environment: (merged.environment ?? []).slice(0, 1).map(({ shard: _s, ...e }) => ({ ...e, ...(shard ? { shard: `${shard.index}/${shard.count}` } : {}) })),
    };
    if (options.store !== undefined && options.resume) {
      // The workers share one store: each read the whole store's history, so the merge added it W times.
      const store = SqliteFleetStore.open(options.store as string);
      try {
        summary.resumeHistory = resumeHistory(store);
      } finally {
        store.close();
      }
    }
    const { timeline = [], platforms = {}, checkins = { total: 0, failed: 0 } } = summary;
    const metrics: RunMetrics = { ...summary, timeline, platforms, checkins };
    const redactor = scenarioRedactor(scenario, catalog.agents);
    // Each worker kept its first failing devices' transcripts; the report shows those of the merged examples.
    const shown = new Set(summary.examples?.map((e) => e.device));
    const kept = options.failureTranscripts ? Object.fromEntries(Object.entries(transcripts).filter(([d]) => shown.has(d))) : undefined;
    return { scenario, summary, metrics, ...(kept ? { transcripts: kept } : {}), redact: (text) => redactor.redactString(text) };
  }
}

/** `--trace FILE.ndjson` with workers: each worker wrote its own part; the run's file is their concatenation. */
function concatTraces(parts: string[], target: string): void {
  const text = parts.filter((p) => existsSync(p)).map((p) => readFileSync(p, "utf8"));
  writePrivateFile(target, text.join(""));
  for (const p of parts) rmSync(p, { force: true });
}
