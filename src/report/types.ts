// SPDX-License-Identifier: MIT
/**
 * Shapes produced by the report layer. Kept in one file so summary, expectations, table and
 * JSON output agree without importing each other in a circle.
 */

/** Latency figures of one step, in milliseconds with one decimal. */
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
}

export interface GroupSummary {
  devices: number;
  enrolled: number;
  failed: number;
}

/** A failing device kept as an example (at most {@link MAX_FAILURE_EXAMPLES} per run). */
export interface FailureExample {
  device: string;
  code: string;
  step: string;
  message: string;
}

/** Result of one expectation check; `expected`/`actual` are for people. */
export interface ExpectationResult {
  name: string;
  ok: boolean;
  expected: string;
  actual: string;
}

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
  groups: Record<string, GroupSummary>;
  /** Per step: HDR histogram of successful-sample latency in microseconds, compressed base64. */
  histograms: Record<string, string>;
  eventLoopDelayMs?: { p50: number; p99: number; max: number };
  /** First failing devices, for a support engineer to look up in the trace. */
  examples?: FailureExample[];
  expectations: ExpectationResult[];
  ok: boolean;
}

/** Upper bound on {@link RunSummary.examples}. */
export const MAX_FAILURE_EXAMPLES = 20;
