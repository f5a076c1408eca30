// SPDX-License-Identifier: MIT
/**
 * Shapes produced by the report layer. Kept in one file so summary, expectations, table and
 * JSON output agree without importing each other in a circle.
 */

import type { PushCounts } from "../ports/push.js";

/** Latency figures of one step, in milliseconds with one decimal. */
import type { Shown } from "../device/shown.js";
import type { AnsweredCount } from "./answered.js";
export interface StepSummary {
  /** Samples recorded for the step, successful and failed. */
  count: number;
  /** Samples with `ok: false`. */
  failed: number;
  /** Percentiles, max and mean are over the successful samples only (0 when there are none). */
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** One failure code seen in a run. */
export interface ErrorSummary {
  /** Devices that failed with this code. */
  count: number;
  blame: string;
  /** Step of the first failure with this code ("" when the failure named none). */
  step: string;
  /** Message of the first failure with this code. */
  example: string;
  /** What the first failing device with this code showed (platform code, name, text, screen). */
  shown?: Shown;
}

export interface GroupSummary {
  devices: number;
  enrolled: number;
  failed: number;
  /** The group's failed devices by failure code (absent when none failed). */
  failures?: Record<string, number>;
}

/** A failing device kept as an example (at most {@link MAX_FAILURE_EXAMPLES} per run). */
export interface FailureExample {
  device: string;
  code: string;
  step: string;
  message: string;
}

/** Devices that showed one `expect.shown` text. */
export interface ShownCount {
  text: string;
  code?: string;
  devices: number;
}

/** Result of one expectation check; `expected`/`actual` are for people. */
export interface ExpectationResult {
  name: string;
  ok: boolean;
  expected: string;
  actual: string;
}

/**
 * Push notifications of a run on the embedded server (its mock APNs and the in-process wake
 * registry). Counters add up when shards merge.
 */
export interface PushSummary extends PushCounts {
  /** Provider requests the mock APNs received (every push a server sent to it, refused or not). */
  sent: number;
  /** Refused by the mock APNs, by Apple reason (DeviceTokenNotForTopic, BadCertificate, Unregistered, …). */
  refused: Record<string, number>;
}

/** A pattern across devices that no single failure shows (report/hints.ts). */
export interface RunHint {
  code: string;
  message: string;
  /** Devices in the pattern. */
  devices: number;
  windowMs: number;
  /** Clock ms of the pattern's first failure. */
  at: number;
}

/** {@link RunSummary.commands}: protocol → command → answer → count. */
export type CommandCounts = Record<string, Record<string, Record<string, number>>>;

/** The pseudo-answer counting Apple commands whose last answer was NotNow. */
export const NOT_NOW_UNANSWERED = "NotNowUnanswered";

/** The end-of-run summary: counters and mergeable histograms, never per-sample data. */
export interface RunSummary {
  scenario: string;
  seed: string;
  /** ISO 8601. */
  startedAt: string;
  durationMs: number;
  /**
   * Devices of the run: the planned count, or the finished count if more devices ended than
   * were announced. For a finished run `devices = enrolled + failed`.
   */
  devices: number;
  enrolled: number;
  failed: number;
  steps: Record<string, StepSummary>;
  errors: Record<string, ErrorSummary>;
  /**
   * Devices by final outcome code, success included (`apple.ade.enrolled`, `scep.issued`,
   * `windows.byod.enrolled`, and every failure code). Sums to `devices` for a finished run.
   */
  outcomes: Record<string, number>;
  /**
   * How devices answered management commands, per protocol ("apple-mdm", "syncml", "amapi"), then
   * command (RequestType, SyncML verb, AMAPI type), then answer (Acknowledged, Error,
   * CommandFormatError, NotNow; SyncML status codes; AMAPI results). Apple's `NotNowUnanswered`
   * counts commands whose last answer was NotNow: the device never carried them out. Absent when
   * no device answered a command.
   */
  commands?: CommandCounts;
  /** Patterns across devices worth a look (e.g. a SCEP server failing under concurrency). Absent when none. */
  hints?: RunHint[];
  /** Per `expect.shown` entry (same order): devices whose failure showed the text. Absent without such entries. */
  shown?: ShownCount[];
  /** Per `expect.answered` entry (same order): devices whose last answer at the step matched (./answered.ts). */
  answered?: AnsweredCount[];
  groups: Record<string, GroupSummary>;
  /** Per step: HDR histogram of successful-sample latency in microseconds, compressed base64. */
  histograms: Record<string, string>;
  eventLoopDelayMs?: { p50: number; p99: number; max: number };
  /** Push counts (embedded server with its mock APNs only; absent for URL servers and runs without one). */
  pushes?: PushSummary;
  /** First failing devices, for a support engineer to look up in the trace. */
  examples?: FailureExample[];
  expectations: ExpectationResult[];
  ok: boolean;
}

/** Sums push counts (shard merge). */
export function addPushes(a: PushSummary | undefined, b: PushSummary | undefined): PushSummary | undefined {
  if (!a) return b ? { ...b, refused: { ...b.refused } } : undefined;
  if (!b) return { ...a, refused: { ...a.refused } };
  const refused: Record<string, number> = { ...a.refused };
  for (const [k, v] of Object.entries(b.refused)) refused[k] = (refused[k] ?? 0) + v;
  return {
    sent: a.sent + b.sent,
    accepted: a.accepted + b.accepted,
    delivered: a.delivered + b.delivered,
    coalesced: a.coalesced + b.coalesced,
    superseded: a.superseded + b.superseded,
    expired: a.expired + b.expired,
    ignored: a.ignored + b.ignored,
    refused,
  };
}

/** Upper bound on {@link RunSummary.examples}. */
export const MAX_FAILURE_EXAMPLES = 20;
