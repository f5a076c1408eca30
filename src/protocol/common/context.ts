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
}

/** Runs one named step: times it, reports it, and tags any error with device and step. */
export async function step<T>(ctx: ProtocolContext, name: string, fn: () => Promise<T>): Promise<T> {
  if (ctx.gate) await ctx.gate(name);
  const started = ctx.clock.now();
  try {
    const out = await fn();
    ctx.onStep?.({ step: name, ms: ctx.clock.now() - started, ok: true });
    return out;
  } catch (err) {
    ctx.onStep?.({ step: name, ms: ctx.clock.now() - started, ok: false });
    throw asSimError(err, { device: ctx.device, step: name });
  }
}

/** Records a decoded-message summary for the transcript. */
export function decoded(ctx: ProtocolContext, stepName: string, data: Record<string, unknown>): void {
  ctx.transcript.record({ t: ctx.clock.now(), device: ctx.device, step: stepName, kind: "decoded", data });
}

export function note(ctx: ProtocolContext, stepName: string, data: Record<string, unknown>): void {
  ctx.transcript.record({ t: ctx.clock.now(), device: ctx.device, step: stepName, kind: "note", data });
}
