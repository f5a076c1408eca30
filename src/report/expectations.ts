// SPDX-License-Identifier: MIT
/**
 * Checks a run summary against the scenario's `expect:` block. The scenario loader produces the
 * same {@link ExpectationSpec} shape; it is re-validated here (./expectations-validate.ts) because a
 * bad block must give a clear ScenarioError, not a silently passing run.
 *
 * Bounds are a number (meaning what it always meant where it stands: a minimum ratio, an exact
 * count, an upper latency bound) or `{min, max}` (./expect-bounds.ts), so "none enrolled"
 * (`successRatio: {max: 0}`) and "at least 5 ms" (`p50: {min: 5}`) can be asserted too.
 */
import { describeRange, toRange, within, type Bound, type Range } from "./expect-bounds.js";
import { validateExpectationSpec } from "./expectations-validate.js";
import type { CountOrRatio, ExpectationSpec, LatencyPercentile, StepCountSpec } from "./expect-spec.js";
import type { ExpectationResult, RunSummary } from "./types.js";

export { validateExpectationSpec };
export type { CountOrRatio, ExpectationSpec, LatencyPercentile, ShownSpec, StepCountSpec } from "./expect-spec.js";

/** What the summary must provide to be checked. */
export type SummaryFacts = Pick<RunSummary, "devices" | "enrolled" | "failed" | "steps" | "errors"> & Partial<Pick<RunSummary, "outcomes" | "shown" | "commands" | "answered">>;

/** Outcome of {@link evaluateExpectations}. */
export interface ExpectationOutcome {
  expectations: ExpectationResult[];
  ok: boolean;
}

const PERCENTILES: readonly LatencyPercentile[] = ["p50", "p95", "p99"];

const pct = (r: number): string => `${(r * 100).toFixed(1)}%`;
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

/** The default minimum success ratio: 1 unless the spec expects failures, outcomes or shown texts. */
export function defaultSuccessRatio(spec: ExpectationSpec): number {
  return (spec.failures?.length ?? 0) > 0 || Object.keys(spec.outcomes ?? {}).length > 0 || (spec.shown?.length ?? 0) > 0 ? 0 : 1;
}

function successRatio(s: SummaryFacts, spec: ExpectationSpec): ExpectationResult {
  const r = toRange(spec.successRatio ?? defaultSuccessRatio(spec), "min");
  const ratio = s.devices > 0 ? s.enrolled / s.devices : 0;
  const ok = s.devices > 0 ? within(ratio, r) : (r.min ?? 0) === 0;
  return {
    name: "success ratio",
    ok,
    expected: `${describeRange(r, pct)} enrolled`,
    actual: s.devices > 0 ? `${s.enrolled}/${s.devices} enrolled (${pct(ratio)})` : "no devices ran",
  };
}

function latency(s: SummaryFacts, step: string, p: LatencyPercentile, bound: Bound): ExpectationResult {
  const name = `latency ${step} ${p}`;
  const r = toRange(bound, "max");
  const expected = describeRange(r, (n) => `${n} ms`);
  const figures = s.steps[step];
  if (!figures) return { name, ok: false, expected, actual: "no samples: the step never ran" };
  if (figures.count - figures.failed <= 0) {
    return { name, ok: false, expected, actual: `no successful samples (${plural(figures.failed, "failure")})` };
  }
  const value = figures[p];
  return { name, ok: within(value, r), expected, actual: `${value} ms` };
}

/** Checks `seen` devices against `{count?, ratio?}` (neither: at least one). */
function devicesCheck(name: string, s: SummaryFacts, seen: number, e: CountOrRatio): ExpectationResult {
  const checks: Array<{ ok: boolean; text: string }> = [];
  if (e.count !== undefined) {
    const r = toRange(e.count, "exact");
    checks.push({ ok: within(seen, r), text: describeRange(r, (n) => plural(n, "device")) });
  }
  if (e.ratio !== undefined) {
    const r = toRange(e.ratio, "min");
    const devices = (n: number) => `${pct(n)} of devices${s.devices > 0 ? ` (${Math.ceil(n * s.devices - 1e-9)} of ${s.devices})` : ""}`;
    checks.push({ ok: (s.devices > 0 || (r.min ?? 0) === 0) && within(s.devices > 0 ? seen / s.devices : 0, r), text: describeRange(r, devices) });
  }
  if (checks.length === 0) checks.push({ ok: seen >= 1, text: "at least 1 device" });
  const share = s.devices > 0 ? ` (${pct(seen / s.devices)})` : "";
  return { name, ok: checks.every((c) => c.ok), expected: checks.map((c) => c.text).join(" and "), actual: `${plural(seen, "device")}${share}` };
}

function stepCount(s: SummaryFacts, step: string, b: StepCountSpec): ExpectationResult {
  const figures = s.steps[step];
  const count = figures?.count ?? 0;
  const failed = figures?.failed ?? 0;
  const checks: Array<{ ok: boolean; text: string }> = [];
  if (b.present === true) checks.push({ ok: count > 0, text: "present (≥ 1 sample)" });
  if (b.present === false) checks.push({ ok: count === 0, text: "absent (no sample)" });
  if (b.count !== undefined) checks.push({ ok: count === b.count, text: `exactly ${plural(b.count, "sample")}` });
  if (b.min !== undefined) checks.push({ ok: count >= b.min, text: `≥ ${plural(b.min, "sample")}` });
  if (b.max !== undefined) checks.push({ ok: count <= b.max, text: `≤ ${plural(b.max, "sample")}` });
  if (b.failed !== undefined) {
    const r = toRange(b.failed, "exact");
    checks.push({ ok: within(failed, r), text: `${describeRange(r, String)} failed` });
  }
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
  for (const [code, e] of Object.entries(spec.outcomes ?? {})) results.push(devicesCheck(`outcome ${code}`, summary, summary.outcomes?.[code] ?? 0, e));
  for (const [protocol, byCommand] of Object.entries(spec.commands ?? {})) {
    for (const [command, answers] of Object.entries(byCommand)) {
      for (const [answer, b] of Object.entries(answers)) {
        const r = toRange(b, "exact");
        const n = summary.commands?.[protocol]?.[command]?.[answer] ?? 0;
        results.push({ name: `command ${protocol} ${command} ${answer}`, ok: within(n, r), expected: describeRange(r, String), actual: String(n) });
      }
    }
  }
  (spec.shown ?? []).forEach((e, i) => {
    const name = `shown "${e.text}"${e.code ? ` with ${e.code}` : ""}`;
    results.push(devicesCheck(name, summary, summary.shown?.[i]?.devices ?? 0, e));
  });
  (spec.answered ?? []).forEach((e, i) => {
    const what = [e.status !== undefined ? `HTTP ${e.status}` : "", e.body !== undefined ? `"${e.body}"` : ""].filter(Boolean).join(" ");
    results.push(devicesCheck(`answered ${e.step}${what ? ` ${what}` : ""}`, summary, summary.answered?.[i]?.devices ?? 0, e));
  });
  // An empty failures list means "no failure code is expected", unless outcomes or shown texts say what is.
  // No failures list at all (a successRatio given alone): the ratio is the assertion and failure codes are not checked;
  // a row says so, with the codes seen, so a reproduction that meant to assert its code learns what to write.
  const othersExpected = Object.keys(spec.outcomes ?? {}).length > 0 || (spec.shown?.length ?? 0) > 0;
  const seen = Object.entries(summary.errors)
    .filter(([, e]) => e.count > 0)
    .sort((a, b) => b[1].count - a[1].count || a[0].localeCompare(b[0]));
  if (spec.failures !== undefined && (spec.failures.length > 0 || !othersExpected)) {
    const expected = new Set(spec.failures.map((f) => f.code));
    for (const f of spec.failures) results.push(devicesCheck(`failure ${f.code}`, summary, summary.errors[f.code]?.count ?? 0, f));
    for (const [code, e] of seen.filter(([c]) => !expected.has(c))) {
      results.push({
        name: `unexpected ${code}`,
        ok: false,
        expected: spec.failures.length > 0 ? "only the listed failure codes" : NONE_LISTED,
        actual: `unexpected failure code ${code} ×${e.count}`,
      });
    }
  } else if (spec.failures === undefined && !othersExpected && spec.successRatio !== undefined && (toRange(spec.successRatio, "min").min ?? 0) < 1 && seen.length > 0) {
    results.push({
      name: "failure codes",
      ok: true,
      expected: "not asserted: successRatio is given without failures:, outcomes: or shown: (list a code there to assert it)",
      actual: seen.map(([code, e]) => `${code} ×${e.count}`).join(", "),
    });
  }
  return { expectations: results, ok: results.every((r) => r.ok) };
}

/** What an unexpected failure code row says when no code is listed: what to write. */
const NONE_LISTED =
  "no failure code is listed as expected (failures: [], or no expect: at all, which expects every device to enroll); " +
  "add the code to failures: (e.g. - { code: CODE, count: N }) or outcomes:, or give successRatio (e.g. { max: 0 }: none enrolled) without failures: to leave codes unchecked";

/** The steady phase's check-in counts (RunMetrics.checkins). */
export interface CheckinFacts {
  total: number;
  failed: number;
  codes?: Record<string, number>;
}

/**
 * Checks `expect.checkins` against the run's steady-phase check-ins (counted by the metrics
 * observer, so checked by the api layer after the run, like `expect.server`).
 */
export function checkinExpectations(expect: unknown, facts: CheckinFacts): ExpectationResult[] {
  const spec = validateExpectationSpec({ checkins: expect }).checkins ?? {};
  const one = (name: string, n: number, b: Bound): ExpectationResult => {
    const r = toRange(b, "exact");
    return { name, ok: within(n, r), expected: describeRange(r, (x) => plural(x, "check-in")), actual: plural(n, "check-in") };
  };
  const out: ExpectationResult[] = [];
  if (spec.total !== undefined) out.push(one("check-ins", facts.total, spec.total));
  if (spec.failed !== undefined) out.push(one("check-ins failed", facts.failed, spec.failed));
  for (const [code, b] of Object.entries(spec.codes ?? {})) out.push(one(`check-ins failed ${code}`, facts.codes?.[code] ?? 0, b));
  return out;
}

export type { Range };
