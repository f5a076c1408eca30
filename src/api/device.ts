// SPDX-License-Identifier: MIT
/**
 * Library API for one virtual device: create it from a catalog model, a seed and an index;
 * run a flow to the end or one step at a time; read its transcript and keychain.
 *
 * ```ts
 * const device = await createDevice({ model: "iphone-15", seed: "qa", index: 0 });
 * const run = device.start("scep", { url, challenge: "secret", subject: "CN=%SERIAL%" });
 * for (let s = await run.next(); !s.done; s = await run.next()) console.log(s.step, s.ok);
 * const result = await run.result;
 * ```
 */
import { deviceTimeOf, withDeviceTrust } from "../runner/device-clock.js";
import type { Catalog } from "../device/catalog.js";
import { createDeviceIdentity, type DeviceIdentity } from "../device/identity.js";
import { expandState } from "../device/template.js";
import type { DeviceState } from "../device/state.js";
import { FLOWS } from "../device/flows/index.js";
import type { FlowResult, FlowTargets } from "../device/flow.js";
import { ScenarioError } from "../errors/index.js";
import { FileKeyPool } from "../platform/node/keypool/index.js";
import type { CheckpointPort, KeyPool, Logger, TlsSettings } from "../ports/index.js";
import { silentLogger } from "../ports/index.js";
import type { HostConnection, ProtocolContext } from "../protocol/common/context.js";
import { MemoryTranscript, formatTranscript } from "../report/trace.js";
import { Redactor } from "../report/redact.js";
import type { TranscriptEvent } from "../ports/transcript.js";
import { loadCatalog, loadTlsRenegotiation, loadTrustStores } from "../runner/catalog-files.js";
import { nodeAdapters, type NodeAdapters } from "./environment.js";

export interface CreateDeviceOptions {
  model: string;
  seed?: string;
  index?: number;
  shard?: number;
  /** Device state over the model's catalog state (src/device/state.ts), as a scenario group's `state:`. */
  state?: DeviceState;
  catalog?: Catalog;
  keys?: KeyPool;
  adapters?: Partial<NodeAdapters>;
  tls?: TlsSettings;
  timeoutMs?: number;
  maxResponseBytes?: number;
  log?: Logger;
  /** Values to redact from the transcript (challenges, passwords). */
  secrets?: string[];
  /**
   * Keep connections open across one flow's requests (default true, as NSURLSession and WinHTTP
   * do within a session); false: a connection per request. Clients close when the flow ends.
   */
  keepAlive?: boolean;
  /**
   * The server's named roots (name → PEM; `ReferenceServer.namedRootPems` when it serves chains from
   * `embedded.tls` roots): the device trusts those its OS release's store has and those its
   * `state.trustedRoots` installed, as in a run.
   */
  namedRoots?: ReadonlyMap<string, string> | Record<string, string>;
  /** Durable protocol checkpoints (exactly-once resume): the caller's store; `saved` continues a device a killed process left in flight. */
  checkpoint?: CheckpointPort;
  /** Computers the user has connected the device to by USB, as the timeline's `connectHost` does in a run (device/apple/host-pairing.ts). */
  hostConnections?: readonly HostConnection[];
}

export interface StepReport {
  done: boolean;
  step?: string;
  ok?: boolean;
  ms?: number;
}

export interface FlowRun {
  /** Lets the next step run; resolves when it has finished (or the flow has ended). */
  next(): Promise<StepReport>;
  /** The flow's result (a FAILURE outcome is a value; thrown errors reject). */
  result: Promise<FlowResult>;
}

export class VirtualDevice {
  readonly transcriptSink: MemoryTranscript;

  constructor(
    readonly identity: DeviceIdentity,
    private readonly adapters: NodeAdapters,
    private readonly keys: KeyPool,
    private readonly options: CreateDeviceOptions,
  ) {
    const redactor = new Redactor();
    for (const s of options.secrets ?? []) redactor.addSecret(s);
    this.transcriptSink = new MemoryTranscript({ redactor });
  }

  get id(): string {
    return this.identity.id;
  }

  /** Starts a flow paused before its first step; call `next()` to advance, or await `result`. */
  start(flowName: string, options: Record<string, unknown>, targets: FlowTargets = {}): FlowRun {
    return this.launch(flowName, options, targets, true);
  }

  /** Runs a flow to the end. */
  run(flowName: string, options: Record<string, unknown>, targets: FlowTargets = {}): Promise<FlowResult> {
    return this.launch(flowName, options, targets, false).result;
  }

  private launch(flowName: string, options: Record<string, unknown>, targets: FlowTargets, stepwise: boolean): FlowRun {
    const flow = FLOWS[flowName];
    if (!flow) throw new ScenarioError(`unknown flow "${flowName}"; known: ${Object.keys(FLOWS).join(", ")}`);
    const entropy = this.adapters.entropy.forDevice(this.options.shard ?? 0, this.identity.index);
    const keepAlive = this.options.keepAlive ?? true;
    // The device judges server chains by its platform's rules and its clock, and trusts the named roots
    // its store has or its state installed (runner/device-clock.ts), as a run's devices do.
    const named = this.options.namedRoots;
    const pems = named instanceof Map ? (named as ReadonlyMap<string, string>) : named ? new Map(Object.entries(named)) : undefined;
    // The catalog's renegotiation table (devices/tls-stacks/), or the shipped one.
    const renegotiation = this.options.catalog?.tlsRenegotiation ?? loadTlsRenegotiation();
    const httpPort = withDeviceTrust(this.adapters.http, this.identity, this.adapters.clock, undefined, pems?.size ? { catalog: loadTrustStores(), pems } : undefined, undefined, renegotiation);
    const http = httpPort.client({ tls: this.options.tls, keepAlive });
    // Step-by-step: each step waits for a permit; `next()` grants one and waits for the step's end.
    const permits: Array<() => void> = [];
    let waitingStep: ((r: StepReport) => void) | undefined;
    let permitCount = 0;
    const gate = stepwise
      ? (): Promise<void> =>
          new Promise<void>((resolve) => {
            if (permitCount > 0) {
              permitCount--;
              resolve();
            } else permits.push(resolve);
          })
      : undefined;
    const protocol: ProtocolContext = {
      device: this.identity.id,
      clock: this.adapters.clock,
      deviceTime: deviceTimeOf(this.identity, this.adapters.clock),
      crypto: this.adapters.crypto,
      entropy,
      http,
      transcript: this.transcriptSink,
      log: this.options.log ?? silentLogger,
      timeoutMs: this.options.timeoutMs ?? 30_000,
      maxResponseBytes: this.options.maxResponseBytes ?? 1 << 20,
      gate,
      ...(this.options.hostConnections ? { hostConnections: () => this.options.hostConnections! } : {}),
      ...(this.options.checkpoint ? { checkpoint: this.options.checkpoint } : {}),
      onStep: (s) => {
        const w = waitingStep;
        waitingStep = undefined;
        w?.({ done: false, ...s });
      },
    };
    const result = flow
      .run(
        {
          identity: this.identity,
          ports: { ...this.adapters, http: httpPort, entropy, keys: this.keys, transcript: this.transcriptSink, log: protocol.log },
          protocol,
          targets,
          tls: this.options.tls,
          keepAlive,
          ...(this.options.catalog ? { agents: this.options.catalog.agents, setupTexts: this.options.catalog.setupTexts, certRepParsers: this.options.catalog.certRepParsers, profileInstallPaths: this.options.catalog.profileInstallPaths } : {}),
        },
        options as never,
      )
      .finally(() => {
        void http.close();
        const w = waitingStep;
        waitingStep = undefined;
        w?.({ done: true });
      });
    let finished = false;
    result.then(
      () => (finished = true),
      () => (finished = true),
    );
    return {
      result,
      next: () =>
        new Promise<StepReport>((resolve) => {
          if (finished) return resolve({ done: true });
          waitingStep = resolve;
          const p = permits.shift();
          if (p) p();
          else permitCount++;
        }),
    };
  }

  transcript(): TranscriptEvent[] {
    return this.transcriptSink.events();
  }

  /** Numbered, human-readable transcript of every exchange and decoded message. */
  formatTranscript(): string {
    return formatTranscript(this.transcript());
  }
}

export async function createDevice(options: CreateDeviceOptions): Promise<VirtualDevice> {
  const catalog = options.catalog ?? loadCatalog();
  const model = catalog.get(options.model);
  const seed = options.seed ?? "1";
  const adapters = nodeAdapters(seed, options.adapters);
  const index = options.index ?? 0;
  const identity = expandState(options.state, index, model.id, (state) => createDeviceIdentity(model, adapters.entropy.forDevice(options.shard ?? 0, index), index, { ...(state ? { state } : {}), windowsBuilds: catalog.windowsBuilds }));
  const keys = options.keys ?? (await FileKeyPool.open({ ensure: Math.min(index + 1, 64) }));
  return new VirtualDevice(identity, adapters, keys, { ...options, catalog });
}
