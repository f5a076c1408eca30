// SPDX-License-Identifier: MIT
/** The shape of a scenario's `expect:` block as the report layer checks it (./expectations.ts). */
import type { Bound } from "./expect-bounds.js";

/** Percentiles a latency expectation may bound. */
export type LatencyPercentile = "p50" | "p95" | "p99";

/** `{count?, ratio?}`: `count` a number is exact, `ratio` a number is a minimum; either may be `{min, max}`. */
export interface CountOrRatio {
  count?: Bound;
  ratio?: Bound;
}

/** One `expect.shown` entry: devices whose failure shows `text` (substring or /regex/), optionally with outcome `code`. */
export interface ShownSpec extends CountOrRatio {
  text: string;
  code?: string;
}

/**
 * One `expect.answered` entry: devices whose LAST response at `step` had this `status` and a body
 * containing `body` (substring or /regex/), as the transcript recorded it after redaction (./answered.ts).
 */
export interface AnsweredSpec extends CountOrRatio {
  step: string;
  status?: number;
  body?: string;
}

/** The `expect:` block of a scenario. */
export interface ExpectationSpec {
  /**
   * enrolled/devices. A number is a minimum. Default 1.0 when no failures, outcomes or shown texts
   * are expected, 0 when some are (then those entries carry the expectation).
   */
  successRatio?: Bound;
  /** Per step, bounds in ms on successful-sample percentiles (a number is an upper bound). */
  latency?: Record<string, Partial<Record<LatencyPercentile, Bound>>>;
  /**
   * Failures the scenario provokes. `count`: that many devices fail with the code (a number is
   * exact); `ratio`: that share does (a number is a minimum); neither: at least one does. When
   * this list is given, any other failure code fails the run.
   */
  failures?: Array<{ code: string } & CountOrRatio>;
  /**
   * Per step, bounds on how often it ran: `count` exactly, `min`/`max` inclusive, `present`
   * (true: at least once; false: never), `failed` (failed samples; a number is exact).
   */
  steps?: Record<string, StepCountSpec>;
  /** Devices by final outcome code, success codes included (`apple.ade.enrolled`, `scep.issued`, …). */
  outcomes?: Record<string, CountOrRatio>;
  /**
   * Command answers (RunSummary.commands): protocol → command → answer → count bound (a number is
   * exact). Answers include Apple's NotNowUnanswered (left at NotNow, never carried out).
   */
  commands?: Record<string, Record<string, Record<string, Bound>>>;
  /** Devices by the text they show (the platform's shown text, code, name, screen and cause; never the message nor the server's words). */
  shown?: ShownSpec[];
  /** Devices by what the server answered at a step (status, body text): the server's side of the evidence. */
  answered?: AnsweredSpec[];
  /** Steady-phase check-ins: total, failed, and failed by code (a number is exact). */
  checkins?: CheckinSpec;
  /** Assertions on the embedded server's records, checked by the api layer after the run (api/server-expect.ts). */
  server?: object;
}

/** Bounds on the steady phase's check-ins, see {@link ExpectationSpec.checkins}. */
export interface CheckinSpec {
  total?: Bound;
  failed?: Bound;
  codes?: Record<string, Bound>;
}

/** Bounds on one step, see {@link ExpectationSpec.steps}. */
export interface StepCountSpec {
  count?: number;
  min?: number;
  max?: number;
  failed?: Bound;
  present?: boolean;
}

