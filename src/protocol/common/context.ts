// SPDX-License-Identifier: MIT
/**
 * What every protocol client runs with: the device's ports plus a step recorder that times each
 * step on the device clock, tags errors with device and step, and reports samples to the runner.
 */
import { asSimError } from "../../errors/index.js";
import type { Clock, CryptoPort, Entropy, HttpClient, Logger, TranscriptSink } from "../../ports/index.js";

export interface StepListener {
  (sample: { step: string; ms: number; ok: boolean }): void;
}

export interface ProtocolContext {
  device: string;
  clock: Clock;
  crypto: CryptoPort;
  entropy: Entropy;
  http: HttpClient;
  transcript: TranscriptSink;
  log: Logger;
  /** Per HTTP exchange deadline (ms). */
  timeoutMs: number;
  /** Largest response body accepted. */
  maxResponseBytes: number;
  onStep?: StepListener;
  /** Awaited before each step starts: lets a caller run a flow one step at a time. */
  gate?: (step: string) => Promise<void>;
  /** Aborts everything this device does (run deadline, fleet stop). */
  signal?: AbortSignal;
  /**
   * The device's current step, kept up to date by {@link step}. Shared by reference: contexts a
   * flow derives (`{ ...ctx, http }` for an mTLS client) keep the same record, so port layers the
   * runner puts under the device (fault injection) can tell which step a request belongs to.
   */
  current?: CurrentStep;
}

/** Which step a device is in (innermost when steps nest); `undefined` between steps. */
export interface CurrentStep {
  step?: string;
}

/** Runs one named step: times it, reports it, and tags any error with device and step. */
export async function step<T>(ctx: ProtocolContext, name: string, fn: () => Promise<T>): Promise<T> {
  if (ctx.gate) await ctx.gate(name);
  const started = ctx.clock.now();
  const outer = ctx.current?.step;
  if (ctx.current) ctx.current.step = name;
  try {
    const out = await fn();
    ctx.onStep?.({ step: name, ms: ctx.clock.now() - started, ok: true });
    return out;
  } catch (err) {
    ctx.onStep?.({ step: name, ms: ctx.clock.now() - started, ok: false });
    throw asSimError(err, { device: ctx.device, step: name });
  } finally {
    if (ctx.current) ctx.current.step = outer;
  }
}

/** Records a decoded-message summary for the transcript. */
export function decoded(ctx: ProtocolContext, stepName: string, data: Record<string, unknown>): void {
  ctx.transcript.record({ t: ctx.clock.now(), device: ctx.device, step: stepName, kind: "decoded", data });
}

export function note(ctx: ProtocolContext, stepName: string, data: Record<string, unknown>): void {
  ctx.transcript.record({ t: ctx.clock.now(), device: ctx.device, step: stepName, kind: "note", data });
}
