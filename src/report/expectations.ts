// SPDX-License-Identifier: MIT
/**
 * Checks a run summary against the scenario's `expect:` block. The scenario loader produces the
 * same {@link ExpectationSpec} shape; it is re-validated here because a bad block must give a
 * clear ScenarioError, not a silently passing run.
 */
import { ScenarioError } from "../errors/index.js";
import type { ExpectationResult, RunSummary } from "./types.js";

/** Percentiles a latency expectation may bound. */
export type LatencyPercentile = "p50" | "p95" | "p99";

/** The `expect:` block of a scenario. */
export interface ExpectationSpec {
  /**
   * Minimum enrolled/devices. Default 1.0 when no failures are expected, 0 when some are
   * (then the `failures` entries carry the expectation).
   */
  successRatio?: number;
  /** Per step, upper bounds in ms on successful-sample percentiles. */
  latency?: Record<string, Partial<Record<LatencyPercentile, number>>>;
  /**
   * Failures the scenario provokes. `count`: exactly that many devices fail with the code;
   * `ratio`: at least ratio×devices do; neither: at least one does. When this list is given,
   * any other failure code fails the run.
   */
  failures?: Array<{ code: string; ratio?: number; count?: number }>;
  /**
   * Per step, bounds on how often it ran: `count` exactly, `min`/`max` inclusive, `failed` exactly
   * (failed samples). For symptoms that are not failures: a step that must never happen (a second
   * cloud-configuration fetch, a push wake-up) or must happen a given number of times.
   */
  steps?: Record<string, StepCountSpec>;
}

/** Bounds on one step's sample count, see {@link ExpectationSpec.steps}. */
export interface StepCountSpec {
  count?: number;
  min?: number;
  max?: number;
  failed?: number;
}

const STEP_BOUNDS = ["count", "min", "max", "failed"] as const;

/** What the summary must provide to be checked. */
export type SummaryFacts = Pick<RunSummary, "devices" | "enrolled" | "failed" | "steps" | "errors">;

/** Outcome of {@link evaluateExpectations}. */
export interface ExpectationOutcome {
  expectations: ExpectationResult[];
  ok: boolean;
}

const PERCENTILES: readonly LatencyPercentile[] = ["p50", "p95", "p99"];

const pct = (r: number): string => `${(r * 100).toFixed(1)}%`;
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

function invalid(path: string, message: string): never {
  throw new ScenarioError(`expect.${path}: ${message}`);
}

function checkNumber(path: string, value: unknown, max?: number): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || (max !== undefined && value > max)) {
    invalid(path, `expected a number between 0 and ${max ?? "∞"}, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** Throws a ScenarioError naming the offending path when the spec is malformed. */
export function validateExpectationSpec(expect: unknown): ExpectationSpec {
  if (expect === undefined || expect === null) return {};
  if (typeof expect !== "object" || Array.isArray(expect)) invalid("", "expected a mapping");
  const spec = expect as Record<string, unknown>;
  for (const key of Object.keys(spec)) {
    if (!["successRatio", "latency", "failures", "steps"].includes(key)) invalid(key, "unknown expectation");
  }
  if (spec.successRatio !== undefined) checkNumber("successRatio", spec.successRatio, 1);
  if (spec.latency !== undefined) {
    const latency = spec.latency;
    if (typeof latency !== "object" || latency === null || Array.isArray(latency)) invalid("latency", "expected a mapping of step to bounds");
    for (const [step, bounds] of Object.entries(latency)) {
      if (typeof bounds !== "object" || bounds === null || Array.isArray(bounds)) invalid(`latency.${step}`, "expected {p50?, p95?, p99?}");
      for (const [p, v] of Object.entries(bounds)) {
        if (!PERCENTILES.includes(p as LatencyPercentile)) invalid(`latency.${step}.${p}`, "only p50, p95 and p99 can be bounded");
        checkNumber(`latency.${step}.${p}`, v);
      }
    }
  }
  if (spec.failures !== undefined) {
    if (!Array.isArray(spec.failures)) invalid("failures", "expected a list of {code, ratio?, count?}");
    spec.failures.forEach((f: unknown, i) => {
      if (typeof f !== "object" || f === null) invalid(`failures[${i}]`, "expected {code, ratio?, count?}");
      const entry = f as Record<string, unknown>;
      if (typeof entry.code !== "string" || entry.code === "") invalid(`failures[${i}].code`, "expected a failure code");
      if (entry.ratio !== undefined) checkNumber(`failures[${i}].ratio`, entry.ratio, 1);
      if (entry.count !== undefined && !Number.isInteger(checkNumber(`failures[${i}].count`, entry.count))) {
        invalid(`failures[${i}].count`, "expected an integer");
      }
    });
  }
  if (spec.steps !== undefined) {
    const steps = spec.steps;
    if (typeof steps !== "object" || steps === null || Array.isArray(steps)) invalid("steps", "expected a mapping of step to {count?, min?, max?, failed?}");
    for (const [step, bounds] of Object.entries(steps)) {
      if (typeof bounds !== "object" || bounds === null || Array.isArray(bounds) || Object.keys(bounds).length === 0) {
        invalid(`steps.${step}`, "expected {count?, min?, max?, failed?} with at least one bound");
      }
      for (const [k, v] of Object.entries(bounds)) {
        if (!(STEP_BOUNDS as readonly string[]).includes(k)) invalid(`steps.${step}.${k}`, "only count, min, max and failed can be bounded");
        if (!Number.isInteger(checkNumber(`steps.${step}.${k}`, v))) invalid(`steps.${step}.${k}`, "expected an integer");
      }
    }
  }
  return spec as ExpectationSpec;
}

function successRatio(s: SummaryFacts, spec: ExpectationSpec): ExpectationResult {
  const someFailuresExpected = (spec.failures?.length ?? 0) > 0;
  const min = spec.successRatio ?? (someFailuresExpected ? 0 : 1);
  const ratio = s.devices > 0 ? s.enrolled / s.devices : 0;
  const ok = s.devices > 0 ? s.enrolled >= min * s.devices - 1e-9 : min === 0;
  return {
    name: "success ratio",
    ok,
    expected: `≥ ${pct(min)} enrolled`,
    actual: s.devices > 0 ? `${s.enrolled}/${s.devices} enrolled (${pct(ratio)})` : "no devices ran",
  };
}

function latency(s: SummaryFacts, step: string, p: LatencyPercentile, bound: number): ExpectationResult {
  const name = `latency ${step} ${p}`;
  const expected = `≤ ${bound} ms`;
  const figures = s.steps[step];
  if (!figures) return { name, ok: false, expected, actual: "no samples: the step never ran" };
  if (figures.count - figures.failed <= 0) {
    return { name, ok: false, expected, actual: `no successful samples (${plural(figures.failed, "failure")})` };
  }
  const value = figures[p];
  return { name, ok: value <= bound, expected, actual: `${value} ms` };
}

function failure(s: SummaryFacts, f: { code: string; ratio?: number; count?: number }): ExpectationResult {
  const seen = s.errors[f.code]?.count ?? 0;
  const share = s.devices > 0 ? ` (${pct(seen / s.devices)})` : "";
  const checks: Array<{ ok: boolean; text: string }> = [];
  if (f.count !== undefined) checks.push({ ok: seen === f.count, text: `exactly ${plural(f.count, "device")}` });
  if (f.ratio !== undefined) {
    const need = f.ratio * s.devices;
    checks.push({ ok: s.devices > 0 && seen >= need - 1e-9, text: `≥ ${pct(f.ratio)} of devices (≥ ${Math.ceil(need - 1e-9)} of ${s.devices})` });
  }
  if (checks.length === 0) checks.push({ ok: seen >= 1, text: "at least 1 device" });
  return {
    name: `failure ${f.code}`,
    ok: checks.every((c) => c.ok),
    expected: checks.map((c) => c.text).join(" and "),
    actual: `${plural(seen, "device")}${share}`,
  };
}

function stepCount(s: SummaryFacts, step: string, b: StepCountSpec): ExpectationResult {
  const figures = s.steps[step];
  const count = figures?.count ?? 0;
  const failed = figures?.failed ?? 0;
  const checks: Array<{ ok: boolean; text: string }> = [];
  if (b.count !== undefined) checks.push({ ok: count === b.count, text: `exactly ${plural(b.count, "sample")}` });
  if (b.min !== undefined) checks.push({ ok: count >= b.min, text: `≥ ${plural(b.min, "sample")}` });
  if (b.max !== undefined) checks.push({ ok: count <= b.max, text: `≤ ${plural(b.max, "sample")}` });
  if (b.failed !== undefined) checks.push({ ok: failed === b.failed, text: `exactly ${b.failed} failed` });
  return {
    name: `step ${step}`,
    ok: checks.every((c) => c.ok),
    expected: checks.map((c) => c.text).join(" and "),
    actual: figures ? `${plural(count, "sample")}, ${failed} failed` : "the step never ran",
  };
}

/**
 * Evaluates `expect` against a summary. With no spec at all, the default success ratio (every
 * device enrolls) still applies: a run where devices fail unannounced is not ok.
 */
export function evaluateExpectations(summary: SummaryFacts, expect?: ExpectationSpec): ExpectationOutcome {
  const spec = validateExpectationSpec(expect);
  const results: ExpectationResult[] = [successRatio(summary, spec)];
  for (const [step, bounds] of Object.entries(spec.latency ?? {})) {
    for (const p of PERCENTILES) {
      const bound = bounds[p];
      if (bound !== undefined) results.push(latency(summary, step, p, bound));
    }
  }
  for (const [step, bounds] of Object.entries(spec.steps ?? {})) results.push(stepCount(summary, step, bounds));
  if (spec.failures !== undefined) {
    const expected = new Set(spec.failures.map((f) => f.code));
    for (const f of spec.failures) results.push(failure(summary, f));
    const unexpected = Object.entries(summary.errors)
      .filter(([code, e]) => !expected.has(code) && e.count > 0)
      .sort((a, b) => b[1].count - a[1].count || a[0].localeCompare(b[0]));
    for (const [code, e] of unexpected) {
      results.push({
        name: `unexpected ${code}`,
        ok: false,
        expected: "only the listed failure codes",
        actual: `unexpected failure code ${code} ×${e.count}`,
      });
    }
  }
  return { expectations: results, ok: results.every((r) => r.ok) };
}
