// SPDX-License-Identifier: MIT
/**
 * Runs a scenario end to end: load catalog and scenario, prepare the key pool, start the
 * embedded reference server when targeted, run the fleet with summary, progress and trace
 * observers, and evaluate expectations. The CLI's `run` is a thin layer over this.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import type { Catalog } from "../device/catalog.js";
import { flowNames } from "../device/flows/index.js";
import type { FlowResult, FlowTargets } from "../device/flow.js";
import { FileKeyPool } from "../platform/node/keypool/index.js";
import type { KeyPool, Logger, TranscriptSink } from "../ports/index.js";
import { nullTranscript, silentLogger } from "../ports/index.js";
import { Redactor } from "../report/redact.js";
import { SummaryCollector } from "../report/summary.js";
import { ProgressDisplay, type ProgressStream } from "../report/progress.js";
import { openTraceSink } from "../report/trace-file.js";
import type { RunSummary } from "../report/types.js";
import { loadCatalog } from "../runner/catalog-files.js";
import { runFleet } from "../runner/fleet.js";
import type { RunObserver } from "../runner/observer.js";
import { loadScenarioFile } from "../runner/scenario/read.js";
import type { ResolvedScenario } from "../runner/scenario/types.js";
import { ReferenceServer } from "../server/reference-server.js";
import { nodeAdapters, type NodeAdapters } from "./environment.js";

export interface RunScenarioOptions {
  /** Override the scenario's seed. */
  seed?: string;
  /** `--trace DIR` (or a single .ndjson file). */
  trace?: string;
  /** Progress output (stderr in the CLI); false for none. */
  progress?: ProgressStream | false;
  /** Key pool directory (default $ENROLLSIM_KEY_POOL or ~/.cache/enrollsim/keys). */
  keyPoolDir?: string;
  /** Most distinct RSA keys to keep for a run (default min(devices, 1000)); devices beyond reuse keys. */
  keyPoolSize?: number;
  /** Called while the pool is being filled (first run only). */
  onKeyProgress?: (done: number, total: number) => void;
  /** Extra PEM roots trusted by every device. */
  trust?: string[];
  /** WARNING: test-only. Turns TLS verification off for every device. */
  insecure?: boolean;
  signal?: AbortSignal;
  log?: Logger;
  catalog?: Catalog;
  /** Adapters to use instead of the Node ones (tests inject virtual time or in-memory HTTP). */
  adapters?: Partial<NodeAdapters>;
  keys?: KeyPool;
  /** Extra observers (dashboards, tests). */
  observers?: RunObserver[];
  /** Per-device transcript sink in addition to the trace (the one-device CLI uses it). */
  transcript?: TranscriptSink;
  onFlowResult?: (device: string, result: FlowResult) => void;
}

export interface ScenarioRun {
  scenario: ResolvedScenario;
  summary: RunSummary;
}

/** Fans one observer call out to many. */
function fanOut(observers: RunObserver[]): RunObserver {
  return {
    onRunStart: (i) => observers.forEach((o) => o.onRunStart?.(i)),
    onDeviceStart: (d, i) => observers.forEach((o) => o.onDeviceStart?.(d, i)),
    onStep: (s) => observers.forEach((o) => o.onStep?.(s)),
    onDeviceEnd: (r) => observers.forEach((o) => o.onDeviceEnd?.(r)),
    onRunEnd: (i) => observers.forEach((o) => o.onRunEnd?.(i)),
  };
}

export async function loadScenario(file: string, catalog: Catalog = loadCatalog()): Promise<ResolvedScenario> {
  return loadScenarioFile(file, { modelIds: catalog.ids(), flows: flowNames() });
}

/** Secrets a scenario holds, registered with the redactor before anything is recorded. */
function scenarioSecrets(s: ResolvedScenario): string[] {
  const out: string[] = [];
  if (s.server.kind === "embedded") out.push(s.server.scep.challenge);
  for (const g of s.groups) if (g.options.scep?.challenge) out.push(g.options.scep.challenge);
  return out.filter((x) => x.length >= 3);
}

export async function runScenario(file: string | ResolvedScenario, options: RunScenarioOptions = {}): Promise<ScenarioRun> {
  const catalog = options.catalog ?? loadCatalog();
  const loaded = typeof file === "string" ? await loadScenario(file, catalog) : file;
  const scenario: ResolvedScenario = options.seed ? { ...loaded, seed: options.seed } : loaded;
  const adapters = nodeAdapters(scenario.seed, options.adapters);
  const log = options.log ?? silentLogger;

  const keys =
    options.keys ??
    (await FileKeyPool.open({
      dir: options.keyPoolDir,
      spec: "rsa2048",
      ensure: Math.min(scenario.totalDevices, options.keyPoolSize ?? 1000),
      onProgress: options.onKeyProgress,
      signal: options.signal,
    }));

  let server: ReferenceServer | undefined;
  let targets: FlowTargets;
  const trust = [...(options.trust ?? [])];
  if (scenario.server.kind === "embedded") {
    const e = scenario.server.scep;
    server = await ReferenceServer.start({
      scep: { challenge: e.challenge, pending: e.pending, failInfo: e.failInfo, ra: e.ra, validityDays: e.validityDays, ...(e.caps ? { caps: e.caps } : {}) },
      platforms: scenario.server.platforms,
    });
    trust.push(server.caPem); // devices trust the reference CA for the HTTPS listener
    targets = { scepUrl: server.scepUrl, server: { ...server.urls, embedded: true } };
  } else {
    const base = scenario.server.url.endsWith("/") ? scenario.server.url : `${scenario.server.url}/`;
    targets = {
      scepUrl: new URL("scep", base).toString(),
      server: { [base.startsWith("https:") ? "https" : "http"]: base.replace(/\/$/, ""), embedded: false },
    };
  }

  const redactor = new Redactor();
  for (const secret of scenarioSecrets(scenario)) redactor.addSecret(secret);
  const trace = options.trace ? openTraceSink(options.trace, { redactor }) : undefined;
  const summary = new SummaryCollector({ expect: scenario.expect, now: () => adapters.clock.now() });
  const observers: RunObserver[] = [summary, ...(trace ? [trace] : []), ...(options.observers ?? [])];
  if (options.progress) observers.push(new ProgressDisplay(options.progress, () => adapters.clock.now()));
  const observer = fanOut(observers);
  const extra = options.transcript;
  const transcriptFor = (): TranscriptSink =>
    trace && extra ? { record: (e) => (trace.record(e), extra.record(e)) } : (trace ?? extra ?? nullTranscript);

  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  try {
    observer.onRunStart?.({ scenario: scenario.name, devices: scenario.totalDevices, seed: scenario.seed });
    const { durationMs } = await runFleet(
      scenario,
      catalog,
      {
        ...adapters,
        keys,
        log,
        transcriptFor,
        observer,
        tls: { ca: trust, insecure: options.insecure ?? (scenario.server.kind === "url" && scenario.server.insecure) },
      },
      { targets, signal: options.signal, onFlowResult: options.onFlowResult },
    );
    observer.onRunEnd?.({ durationMs });
  } finally {
    loop.disable();
    summary.setEventLoopDelay({ p50: loop.percentile(50) / 1e6, p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 });
    await trace?.close();
    await server?.close();
  }
  return { scenario, summary: summary.summary() };
}
