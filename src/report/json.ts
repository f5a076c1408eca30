// SPDX-License-Identifier: MIT
/**
 * JSON form of a run summary (`summary.json`): fixed field order and sorted map keys, so two
 * runs of the same seed diff cleanly and shards can be merged by another process.
 */
import { ReportError } from "./errors.js";
import { parseJsonText } from "./json-text.js";
import type { ExpectationResult, FailureExample, RunSummary } from "./types.js";

function sortedMap<T, U>(map: Record<string, T>, pick: (v: T) => U): Record<string, U> {
  const out: Record<string, U> = {};
  for (const key of Object.keys(map).sort()) out[key] = pick(map[key]!);
  return out;
}

/** The summary with a stable key order (fields in declaration order, map keys sorted). */
export function orderedSummary(s: RunSummary): RunSummary {
  return {
    scenario: s.scenario,
    seed: s.seed,
    startedAt: s.startedAt,
    durationMs: s.durationMs,
    devices: s.devices,
    enrolled: s.enrolled,
    failed: s.failed,
    steps: sortedMap(s.steps, (v) => ({ count: v.count, failed: v.failed, p50: v.p50, p95: v.p95, p99: v.p99, max: v.max, mean: v.mean })),
    errors: sortedMap(s.errors, (v) => ({ count: v.count, blame: v.blame, step: v.step, example: v.example, ...(v.shown ? { shown: v.shown } : {}) })),
    groups: sortedMap(s.groups, (v) => ({ devices: v.devices, enrolled: v.enrolled, failed: v.failed, ...(v.failures ? { failures: sortedMap(v.failures, (n) => n) } : {}) })),
    outcomes: sortedMap(s.outcomes ?? {}, (v) => v),
    ...(s.answered ? { answered: s.answered.map((x) => ({ ...x })) } : {}),
    ...(s.shown ? { shown: s.shown.map((x) => ({ text: x.text, ...(x.code ? { code: x.code } : {}), devices: x.devices })) } : {}),
    histograms: sortedMap(s.histograms, (v) => v),
    ...(s.eventLoopDelayMs
      ? { eventLoopDelayMs: { p50: s.eventLoopDelayMs.p50, p99: s.eventLoopDelayMs.p99, max: s.eventLoopDelayMs.max } }
      : {}),
    ...(s.pushes
      ? {
          pushes: {
            sent: s.pushes.sent,
            accepted: s.pushes.accepted,
            delivered: s.pushes.delivered,
            coalesced: s.pushes.coalesced,
            superseded: s.pushes.superseded,
            expired: s.pushes.expired,
            ignored: s.pushes.ignored,
            refused: sortedMap(s.pushes.refused, (v) => v),
          },
        }
      : {}),
    ...(s.examples ? { examples: s.examples.map((e: FailureExample) => ({ device: e.device, code: e.code, step: e.step, message: e.message })) } : {}),
    expectations: s.expectations.map((e: ExpectationResult) => ({ name: e.name, ok: e.ok, expected: e.expected, actual: e.actual })),
    ok: s.ok,
  };
}

/** Pretty-printed JSON of a summary with a stable key order, ending with a newline. */
export function summaryToJson(summary: RunSummary): string {
  return `${JSON.stringify(orderedSummary(summary), null, 2)}\n`;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * Reads a summary written by {@link summaryToJson} (e.g. a shard's `summary.json`).
 * @throws {ReportError} `report.invalid-input`: `FILE:LINE:COLUMN` of a JSON syntax error, or the first missing or mistyped field.
 */
export function parseSummary(text: string, source = "summary"): RunSummary {
  // A corrupt or truncated file names itself and the line:column where the JSON breaks.
  const value = parseJsonText(text, source);
  const bad = (field: string, want: string): never => {
    throw new ReportError("report.invalid-input", `${source}: field "${field}" must be ${want}`);
  };
  if (!isObject(value)) return bad("(root)", "an object");
  for (const f of ["scenario", "seed", "startedAt"]) if (typeof value[f] !== "string") bad(f, "a string");
  for (const f of ["durationMs", "devices", "enrolled", "failed"]) {
    if (typeof value[f] !== "number" || !Number.isFinite(value[f]) || (value[f] as number) < 0) bad(f, "a non-negative number");
  }
  for (const f of ["steps", "errors", "groups", "histograms"]) if (!isObject(value[f])) bad(f, "an object");
  for (const [step, h] of Object.entries(value.histograms as Record<string, unknown>)) {
    if (typeof h !== "string") bad(`histograms.${step}`, "a base64 string");
  }
  if (value.outcomes !== undefined && !isObject(value.outcomes)) bad("outcomes", "an object");
  if (!Array.isArray(value.expectations)) bad("expectations", "a list");
  if (typeof value.ok !== "boolean") bad("ok", "true or false");
  if (value.shard !== undefined) {
    const sh = value.shard as Record<string, unknown>;
    if (!isObject(sh) || !Number.isInteger(sh.count) || (sh.count as number) < 1) bad("shard.count", "a whole number >= 1");
    if (!Number.isInteger(sh.index) || (sh.index as number) < 0 || (sh.index as number) >= (sh.count as number)) bad("shard.index", `a whole number from 0 to ${(sh.count as number) - 1}`);
  }
  return value as unknown as RunSummary;
}
