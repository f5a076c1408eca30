// SPDX-License-Identifier: MIT
/**
 * What the parent of `run --workers` and its worker threads say to each other (structured clone
 * over the worker's message port). Observer events travel in batches so a busy worker posts a few
 * messages a second, not one per step.
 */
import type { HttpResponse } from "../../ports/http.js";
import type { TranscriptEvent } from "../../ports/transcript.js";
import type { ExtendedSummary } from "../../report/metrics.js";
import type { LoadModel } from "../../runner/fleet.js";
import type { CheckinSample, CommandSample, DeviceResult, StepSample } from "../../runner/observer.js";
import type { ShardSpec } from "../../runner/shard.js";
import type { WorkerPart } from "../embedded-server.js";
import type { PushOp } from "./push-bridge.js";

/** One observer call of a worker's run. */
export type WorkerEvent = ["start", string, number] | ["step", StepSample] | ["end", DeviceResult] | ["checkin", CheckinSample] | ["command", CommandSample];

/** The plain-data part of a run's options a worker needs (functions and signals stay in the parent). */
export interface WorkerRunOptions {
  seed?: string;
  /** `--devices DIR`: each worker reads the same custom catalog directory. */
  devicesDir?: string;
  /** `--agents DIR`: each worker reads the same agent catalog directory. */
  agentsDir?: string;
  trace?: string;
  trust?: string[];
  insecure?: boolean;
  keyPoolDir?: string;
  keyPoolSize?: number;
  keyOffset?: number;
  shard: ShardSpec;
  load?: LoadModel;
  store?: string;
  resume?: boolean;
  startAt?: number;
  /** Keep the first failing devices' redacted transcripts (the HTML report, the dashboard). */
  failureTranscripts?: boolean;
}

export interface WorkerData {
  /** 0-based worker index. */
  index: number;
  count: number;
  scenarioFile: string;
  options: WorkerRunOptions;
  /** Targets without the scepFailure function: the worker asks the parent for those answers. */
  part: Omit<WorkerPart, "scepFailure">;
  /** test-only (see worker-main.ts): crash this worker after this many device ends. */
  crashAfter?: number;
}

/** Parent → worker. */
export type ToWorker = { type: "stop"; signal: string } | { type: "abort"; signal: string } | { type: "scep-failure"; id: number; response?: HttpResponse; error?: string } | { type: "push-wake"; id: number };

/** Worker → parent. */
export type FromWorker =
  | { type: "events"; events: WorkerEvent[] }
  | { type: "scep-failure"; id: number; req: { method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD"; url: string; headers?: Record<string, string>; body?: Uint8Array }; failInfo: string }
  | { type: "warning"; text: string }
  | { type: "push"; op: PushOp }
  | { type: "done"; summary: ExtendedSummary; transcripts?: Record<string, TranscriptEvent[]> }
  | { type: "failed"; error: { name: string; code?: string; blame?: string; message: string } };
