// SPDX-License-Identifier: MIT
/**
 * The fleet runner: every device is an independent async state machine; one device's failure
 * never stops the others. Pacing is an open (rate with ramp) or closed (fixed concurrency)
 * model on the injected clock; the run deadline aborts what is still in flight.
 */
import { ScenarioError, SimError, asSimError } from "../errors/index.js";
import type { Clock, CryptoPort, DnsPort, EntropySource, HttpPort, KeyPool, Logger, TlsSettings, TranscriptSink } from "../ports/index.js";
import type { Catalog } from "../device/catalog.js";
import { createDeviceIdentity } from "../device/identity.js";
import { FLOWS } from "../device/flows/index.js";
import type { FlowResult, FlowTargets } from "../device/flow.js";
import type { ProtocolContext } from "../protocol/common/context.js";
import type { DeviceFailure, DeviceResult, RunObserver } from "./observer.js";
import { arrivalOffsetMs } from "./pacing.js";
import type { ResolvedGroup, ResolvedScenario } from "./scenario/types.js";
import { flowOptions } from "./flow-options.js";

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
}

export interface FleetRunOptions {
  targets: FlowTargets;
  signal?: AbortSignal;
  /** Shard i of N: this process runs devices whose index % N === i. */
  shard?: { index: number; count: number };
  /** Called with each device's full result (keychain included), e.g. by the one-device CLI. */
  onFlowResult?(device: string, result: FlowResult): void;
}

interface Slot {
  index: number;
  group: ResolvedGroup;
}

function* devicesOf(s: ResolvedScenario, shard?: { index: number; count: number }): Generator<Slot> {
  for (const group of s.groups) {
    for (let k = 0; k < group.count; k++) {
      const index = group.firstIndex + k;
      if (!shard || index % shard.count === shard.index) yield { index, group };
    }
  }
}

function failureOf(err: SimError): DeviceFailure {
  return { code: err.code, blame: err.blame, step: err.step, message: err.describe() };
}

/** Runs one device start to end; never throws. */
async function runDevice(s: ResolvedScenario, catalog: Catalog, env: FleetEnvironment, slot: Slot, opts: FleetRunOptions, signal: AbortSignal): Promise<void> {
  const model = catalog.get(slot.group.model);
  const entropy = env.entropy.forDevice(opts.shard?.index ?? 0, slot.index);
  const identity = createDeviceIdentity(model, entropy, slot.index);
  const device = identity.id;
  const started = env.clock.now();
  env.observer.onDeviceStart?.(device, slot.index);
  const http = env.http.client({ tls: env.tls, keepAlive: false });
  const transcript = env.transcriptFor(device);
  const log = env.log.child({ device });
  const protocol: ProtocolContext = {
    device,
    clock: env.clock,
    crypto: env.crypto,
    entropy,
    http,
    transcript,
    log,
    timeoutMs: s.limits.stepTimeoutMs,
    maxResponseBytes: s.limits.maxResponseBytes,
    signal,
    onStep: (x) => env.observer.onStep?.({ device, ...x }),
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
    const out = await flow.run(
      { identity, ports: { clock: env.clock, crypto: env.crypto, entropy, http: env.http, dns: env.dns, keys: env.keys, transcript, log }, protocol, targets: opts.targets },
      flowOptions(slot.group) as never,
    );
    opts.onFlowResult?.(device, out);
    result = out.ok
      ? { ...base, ok: true, endedAt: env.clock.now() }
      : {
          ...base,
          ok: false,
          endedAt: env.clock.now(),
          failure: { code: out.code, blame: "protocol-outcome", step: out.step, message: `[device ${device}, step ${out.step ?? "?"}] ${out.message ?? out.code}` },
        };
  } catch (err) {
    const e = asSimError(err, { device });
    const failure = failureOf(e);
    if (signal.aborted) {
      failure.code = "runner.deadline";
      failure.blame = "scenario";
      failure.message = `[device ${device}] run deadline reached during ${e.step ?? "the flow"} (${e.message})`;
    }
    result = { ...base, ok: false, endedAt: env.clock.now(), failure };
    transcript.record({ t: env.clock.now(), device, step: e.step ?? "device", kind: "outcome", data: { error: e.toJSON() } });
  } finally {
    await http.close().catch(() => {});
  }
  if (result.ok) transcript.record({ t: env.clock.now(), device, step: "device", kind: "outcome", data: { ok: true } });
  else if (result.failure?.blame === "protocol-outcome") transcript.record({ t: env.clock.now(), device, step: result.failure.step ?? "device", kind: "outcome", data: { ok: false, code: result.failure.code, message: result.failure.message } });
  env.observer.onDeviceEnd?.(result);
}

/** Runs the scenario's devices with its pacing and deadline. Resolves when every device has ended. */
export async function runFleet(s: ResolvedScenario, catalog: Catalog, env: FleetEnvironment, opts: FleetRunOptions): Promise<{ durationMs: number }> {
  const start = env.clock.now();
  const deadline = new AbortController();
  const onOuterAbort = () => deadline.abort(opts.signal?.reason);
  opts.signal?.addEventListener("abort", onOuterAbort, { once: true });
  const timer = env.clock.setTimer(s.limits.durationSeconds * 1000, () => deadline.abort(new Error("run deadline")));
  const slots = devicesOf(s, opts.shard);
  const notStarted = (slot: Slot) => {
    const model = catalog.get(slot.group.model);
    const device = `${model.id}#${slot.index}`;
    const now = env.clock.now();
    env.observer.onDeviceStart?.(device, slot.index);
    env.observer.onDeviceEnd?.({
      device, index: slot.index, group: slot.group.name, model: model.id, platform: model.platform, flow: slot.group.flow,
      ok: false, startedAt: now, endedAt: now,
      failure: { code: "runner.deadline", blame: "scenario", message: `[device ${device}] not started before the run deadline (limits.durationSeconds = ${s.limits.durationSeconds})` },
    });
  };
  try {
    if (s.arrival.kind === "concurrency") {
      const workers = Array.from({ length: Math.max(1, s.arrival.concurrency) }, async () => {
        for (let next = slots.next(); !next.done; next = slots.next()) {
          if (deadline.signal.aborted) notStarted(next.value);
          else await runDevice(s, catalog, env, next.value, opts, deadline.signal);
        }
      });
      await Promise.all(workers);
    } else {
      const curve = { rate: s.arrival.rate, rampFrom: s.arrival.rampFrom, rampSeconds: s.arrival.rampSeconds };
      const inflight = new Set<Promise<void>>();
      let i = 0;
      for (let next = slots.next(); !next.done; next = slots.next(), i++) {
        if (!deadline.signal.aborted) {
          const wait = start + arrivalOffsetMs(i, curve) - env.clock.now();
          if (wait > 0) await env.clock.sleep(wait, deadline.signal).catch(() => {});
        }
        if (deadline.signal.aborted) {
          notStarted(next.value);
          continue;
        }
        const p: Promise<void> = runDevice(s, catalog, env, next.value, opts, deadline.signal).finally(() => inflight.delete(p));
        inflight.add(p);
      }
      await Promise.all(inflight);
    }
  } finally {
    timer.cancel();
    opts.signal?.removeEventListener("abort", onOuterAbort);
  }
  return { durationMs: env.clock.now() - start };
}
