// SPDX-License-Identifier: MIT
/**
 * What every protocol client runs with: the device's ports plus a step recorder that times each
 * step on the device clock, tags errors with device and step, and reports samples to the runner.
 */
import { ProtocolViolationError, asSimError } from "../../errors/index.js";
import type { CheckpointPort, Clock, CryptoPort, Entropy, HttpClient, Logger, TranscriptSink } from "../../ports/index.js";

export interface StepListener {
  (sample: { step: string; ms: number; ok: boolean }): void;
}

/** How a device answered one management command (Apple RequestType status, SyncML Status code per verb, AMAPI ack). */
export interface CommandAnswerSample {
  protocol: "apple-mdm" | "syncml" | "amapi";
  /** Apple RequestType, SyncML verb, AMAPI command type. */
  command: string;
  /** Apple: Acknowledged, Error, CommandFormatError, NotNow; SyncML: the status code; AMAPI: the result. */
  status: string;
  /** The command's identity where the protocol has one (Apple CommandUUID), to tell a NotNow later answered. */
  id?: string;
}

/** Software on a computer a device is connected to by USB (timeline `connectHost`). */
export const HOST_APPS = ["finder", "configurator"] as const;

/**
 * A computer the user connected the device to by USB (timeline `connectHost`): what runs on it, and
 * whether it holds the organization's supervision identity (Apple Configurator › Settings ›
 * Organizations), whose certificate a supervised device keeps as its supervision host certificate.
 */
export interface HostConnection {
  host: (typeof HOST_APPS)[number];
  supervisionIdentity: boolean;
  /** timeline[i] that connected it. */
  entry: number;
}

export interface ProtocolContext {
  device: string;
  /** The scenario clock: every timer, timeout, retry and poll (an offset device clock does not make time pass faster). */
  clock: Clock;
  /**
   * The device's own wall clock (ms since the epoch): the scenario clock plus how far the device's
   * clock is off (`state.clockOffset`, runner/device-clock.ts). Every time the device WRITES into a
   * message reads it (CMS signingTime, the validity of a certificate it makes; TLS server-trust
   * judges on it too, device/trust.ts); absent → the scenario clock. Use {@link deviceNow}.
   */
  deviceTime?: () => number;
  crypto: CryptoPort;
  entropy: Entropy;
  http: HttpClient;
  transcript: TranscriptSink;
  log: Logger;
  /** Per HTTP exchange deadline (ms). */
  timeoutMs: number;
  /** Largest response body accepted. */
  maxResponseBytes: number;
  /** Bounds of one management session (OMA-DM, Apple command loop); defaults {@link DEFAULT_SESSION_LIMITS}. */
  sessionLimits?: SessionLimits;
  onStep?: StepListener;
  /** Each command answer the device sends (the summary counts them per command and answer). */
  onCommand?: (a: CommandAnswerSample) => void;
  /** Awaited before each step starts: lets a caller run a flow one step at a time. */
  gate?: (step: string) => Promise<void>;
  /** Computers the user has connected the device to by USB so far (timeline `connectHost`), oldest first. Absent: none. */
  hostConnections?: () => readonly HostConnection[];
  /** Aborts everything this device does (run deadline, fleet stop). */
  signal?: AbortSignal;
  /**
   * The device's current step, kept up to date by {@link step}. Shared by reference: contexts a
   * flow derives (`{ ...ctx, http }` for an mTLS client) keep the same record, so port layers the
   * runner puts under the device (fault injection) can tell which step a request belongs to.
   */
  current?: CurrentStep;
  /** Durable protocol checkpoints in the fleet store (runs with --store); absent otherwise. */
  checkpoint?: CheckpointPort;
  /** `load.timeScale`: a device wait (device-wait.ts) lasts ms ÷ timeScale on the scenario clock. Absent: 1. */
  timeScale?: number;
  /** The device's pending waits (device-wait.ts), shared by derived contexts: what the runner reports for a device the run deadline ended. */
  waits?: Set<PendingWait>;
}

/** A device wait in progress (device-wait.ts). */
export interface PendingWait {
  /** The step the device waits at, or for (`android.agent.cert-install`'s next try). */
  step: string;
  /** Why, in words: "Fleet (com.fleetdm.agent) retries cert-install (try 2 of 97), every 900 s". */
  reason: string;
  /** Scenario time (ms since the epoch) it started and ends. */
  since: number;
  dueAt: number;
}

/** The device's own clock now (ms): {@link ProtocolContext.deviceTime}, else the scenario clock. */
export const deviceNow = (ctx: Pick<ProtocolContext, "clock" | "deviceTime">): number => ctx.deviceTime?.() ?? ctx.clock.now();

/**
 * What one management session may carry, so a server that never stops (or sends thousands of
 * commands per message) costs a device bounded memory and time. Scenario keys `limits.sessionCommands`
 * and `limits.sessionBytes`.
 */
export interface SessionLimits {
  /** Server commands in one session (OMA-DM commands, nested ones included; Apple commands). */
  commands: number;
  /** Response body bytes over all the exchanges of one session. */
  bytes: number;
}

export const DEFAULT_SESSION_LIMITS: SessionLimits = { commands: 2000, bytes: 16 * 1024 * 1024 };

/** The error a session that went past one of its limits ends with: names the limit, its value and how to raise it. */
export function sessionLimitError(ctx: ProtocolContext, stepName: string, what: "commands" | "bytes", seen: number, session: string): ProtocolViolationError {
  const limit = (ctx.sessionLimits ?? DEFAULT_SESSION_LIMITS)[what];
  const key = what === "commands" ? "limits.sessionCommands" : "limits.sessionBytes";
  const noun = what === "commands" ? "commands" : "response bytes";
  return new ProtocolViolationError(`limit.session-${what}`, `the server sent ${seen} ${noun} in one ${session}, more than ${key} = ${limit}; the device stopped the session (raise ${key} in the scenario if the server legitimately sends more)`, {
    device: ctx.device,
    step: stepName,
  });
}

/** Which step a device is in (innermost when steps nest); `undefined` between steps. */
export interface CurrentStep {
  step?: string;
  /** The runner's prefix of the step names it reports ("checkin." in the steady phase), so selectors see the reported name. */
  prefix?: string;
}

/**
 * Runs one named step: times it, reports it, and tags any error with device and step. `failedOutcome`
 * says which returned values are failures (a background task's refusal, returned as a value because
 * the device carries on): its sample then says failed, as a thrown error's does.
 */
export async function step<T>(ctx: ProtocolContext, name: string, fn: () => Promise<T>, failedOutcome?: (out: T) => boolean): Promise<T> {
  // The timeline's gate (the user abandons or idles here, the device goes offline): what it throws happened at this step.
  if (ctx.gate) {
    try {
      await ctx.gate(name);
    } catch (err) {
      throw asSimError(err, { device: ctx.device, step: name });
    }
  }
  const started = ctx.clock.now();
  const outer = ctx.current?.step;
  if (ctx.current) ctx.current.step = name;
  try {
    const out = await fn();
    ctx.onStep?.({ step: name, ms: ctx.clock.now() - started, ok: !failedOutcome?.(out) });
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
