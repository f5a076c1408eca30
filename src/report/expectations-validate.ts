// SPDX-License-Identifier: MIT
/**
 * Re-validation of an `expect:` block in the report layer (the scenario loader checks the same
 * shape with file:line:column first): a bad block must give a clear ScenarioError, never a silently
 * passing run.
 */
import { ScenarioError } from "../errors/index.js";
import { boundProblem } from "./expect-bounds.js";
import { textPatternProblem } from "./shown-match.js";
import type { ExpectationSpec } from "./expect-spec.js";

const KEYS = ["successRatio", "latency", "failures", "steps", "outcomes", "commands", "shown", "answered", "server", "checkins"];
const PERCENTILES = ["p50", "p95", "p99"];
const STEP_BOUNDS = ["count", "min", "max", "failed", "present"];

function invalid(path: string, message: string): never {
  throw new ScenarioError(`expect.${path}: ${message}`);
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function bound(path: string, v: unknown, opts: { integer?: boolean; max?: number }): void {
  const p = boundProblem(v, opts);
  if (p) invalid(path, p);
}

/** `{count?, ratio?}` entries of failures, outcomes and shown. */
function countOrRatio(path: string, e: Record<string, unknown>): void {
  if (e.ratio !== undefined) bound(`${path}.ratio`, e.ratio, { max: 1 });
  if (e.count !== undefined) bound(`${path}.count`, e.count, { integer: true });
}

/** Throws a ScenarioError naming the offending path when the spec is malformed. */
export function validateExpectationSpec(expect: unknown): ExpectationSpec {
  if (expect === undefined || expect === null) return {};
  if (!isMap(expect)) invalid("", "expected a mapping");
  const spec = expect;
  for (const key of Object.keys(spec)) if (!KEYS.includes(key)) invalid(key, "unknown expectation");
  if (spec.successRatio !== undefined) bound("successRatio", spec.successRatio, { max: 1 });
  if (spec.latency !== undefined) {
    if (!isMap(spec.latency)) invalid("latency", "expected a mapping of step to bounds");
    for (const [step, bounds] of Object.entries(spec.latency)) {
      if (!isMap(bounds)) invalid(`latency.${step}`, "expected {p50?, p95?, p99?}");
      for (const [p, v] of Object.entries(bounds)) {
        if (!PERCENTILES.includes(p)) invalid(`latency.${step}.${p}`, "only p50, p95 and p99 can be bounded");
        bound(`latency.${step}.${p}`, v, {});
      }
    }
  }
  if (spec.failures !== undefined) {
    if (!Array.isArray(spec.failures)) invalid("failures", "expected a list of {code, ratio?, count?}");
    spec.failures.forEach((f: unknown, i) => {
      if (!isMap(f)) invalid(`failures[${i}]`, "expected {code, ratio?, count?}");
      if (typeof f.code !== "string" || f.code === "") invalid(`failures[${i}].code`, "expected a failure code");
      countOrRatio(`failures[${i}]`, f);
    });
  }
  if (spec.steps !== undefined) {
    if (!isMap(spec.steps)) invalid("steps", "expected a mapping of step to {count?, min?, max?, failed?, present?}");
    for (const [step, b] of Object.entries(spec.steps)) {
      if (!isMap(b) || Object.keys(b).length === 0) invalid(`steps.${step}`, "expected {count?, min?, max?, failed?, present?} with at least one bound");
      for (const [k, v] of Object.entries(b)) {
        if (!STEP_BOUNDS.includes(k)) invalid(`steps.${step}.${k}`, "only count, min, max, failed and present can be given");
        if (k === "present") {
          if (typeof v !== "boolean") invalid(`steps.${step}.present`, "expected true or false");
        } else if (k === "failed") bound(`steps.${step}.failed`, v, { integer: true });
        else if (boundProblem(v, { integer: true }) || typeof v !== "number") invalid(`steps.${step}.${k}`, `expected an integer ≥ 0, got ${JSON.stringify(v)}`);
      }
    }
  }
  if (spec.checkins !== undefined) {
    if (!isMap(spec.checkins)) invalid("checkins", "expected {total?, failed?, codes?}");
    for (const [k, v] of Object.entries(spec.checkins)) {
      if (k === "codes") {
        if (!isMap(v)) invalid("checkins.codes", "expected a mapping of failure code to a count");
        for (const [code, b] of Object.entries(v)) bound(`checkins.codes.${code}`, b, { integer: true });
      } else if (k === "total" || k === "failed") bound(`checkins.${k}`, v, { integer: true });
      else invalid(`checkins.${k}`, "only total, failed and codes can be given");
    }
  }
  if (spec.commands !== undefined) {
    if (!isMap(spec.commands)) invalid("commands", "expected a mapping of protocol (apple-mdm, syncml, amapi) to commands");
    for (const [protocol, byCommand] of Object.entries(spec.commands)) {
      if (!isMap(byCommand)) invalid(`commands.${protocol}`, "expected a mapping of command to {answer: count}");
      for (const [command, answers] of Object.entries(byCommand)) {
        if (!isMap(answers) || Object.keys(answers).length === 0) invalid(`commands.${protocol}.${command}`, "expected a mapping of answer (Acknowledged, NotNow, 200, …) to a count");
        for (const [answer, b] of Object.entries(answers)) bound(`commands.${protocol}.${command}.${answer}`, b, { integer: true });
      }
    }
  }
  if (spec.outcomes !== undefined) {
    if (!isMap(spec.outcomes)) invalid("outcomes", "expected a mapping of outcome code to {count?, ratio?}");
    for (const [code, e] of Object.entries(spec.outcomes)) {
      if (!isMap(e) || (e.count === undefined && e.ratio === undefined)) invalid(`outcomes.${code}`, "expected {count?, ratio?} with at least one of them");
      for (const k of Object.keys(e)) if (k !== "count" && k !== "ratio") invalid(`outcomes.${code}.${k}`, "only count and ratio can be given");
      countOrRatio(`outcomes.${code}`, e);
    }
  }
  if (spec.shown !== undefined) {
    if (!Array.isArray(spec.shown)) invalid("shown", "expected a list of {text, code?, count?, ratio?}");
    spec.shown.forEach((e: unknown, i) => {
      if (!isMap(e) || typeof e.text !== "string") invalid(`shown[${i}]`, "expected {text, code?, count?, ratio?}");
      const p = textPatternProblem(e.text);
      if (p) invalid(`shown[${i}].text`, p);
      if (e.code !== undefined && (typeof e.code !== "string" || e.code === "")) invalid(`shown[${i}].code`, "expected an outcome code");
      countOrRatio(`shown[${i}]`, e);
    });
  }
  if (spec.answered !== undefined) {
    if (!Array.isArray(spec.answered)) invalid("answered", "expected a list of {step, status?, body?, count?, ratio?}");
    spec.answered.forEach((e: unknown, i) => {
      if (!isMap(e) || typeof e.step !== "string" || e.step === "") invalid(`answered[${i}]`, "expected {step, status?, body?, count?, ratio?}");
      if (e.status !== undefined && (!Number.isInteger(e.status) || (e.status as number) < 100 || (e.status as number) > 599)) invalid(`answered[${i}].status`, "expected an HTTP status from 100 to 599");
      if (e.body !== undefined) {
        const p = typeof e.body === "string" && e.body !== "" ? textPatternProblem(e.body) : "expected a non-empty text or /regex/";
        if (p) invalid(`answered[${i}].body`, p);
      }
      countOrRatio(`answered[${i}]`, e);
    });
  }
  if (spec.server !== undefined && !isMap(spec.server)) invalid("server", "expected a mapping (see expect.server in scenarios/README.md)");
  return spec as ExpectationSpec;
}
