// SPDX-License-Identifier: MIT
/**
 * Combines the summaries of several shards (processes or machines) into one, as if one process
 * had run every device: counters add up, histograms merge exactly, percentiles are recomputed
 * from the merged histograms and expectations are evaluated again on the whole.
 */
import { ReportError } from "./errors.js";
import { evaluateExpectations, type ExpectationSpec } from "./expectations.js";
import { decodeHistogram, encodeHistogram, stepSummary, newLatencyHistogram, type Histogram } from "./stats.js";
import { MAX_FAILURE_EXAMPLES, addPushes, type ErrorSummary, type GroupSummary, type PushSummary, type RunSummary } from "./types.js";

/**
 * Merges shard summaries. The event-loop delay of the result is the worst of each figure
 * (percentiles of different processes cannot be combined exactly; the worst is what matters
 * for "was the load generator the bottleneck").
 * @throws {ReportError} `report.invalid-histogram` when a shard's histogram does not decode.
 */
export function mergeSummaries(shards: readonly RunSummary[], expect?: ExpectationSpec): RunSummary {
  if (shards.length === 0) throw new ReportError("report.invalid-input", "no summaries to merge");
  const counts = new Map<string, { count: number; failed: number; histogram: Histogram }>();
  const errors = new Map<string, ErrorSummary>();
  const groups = new Map<string, GroupSummary>();
  let start = Infinity;
  let end = -Infinity;
  let devices = 0;
  let enrolled = 0;
  let failed = 0;
  let loop: RunSummary["eventLoopDelayMs"];
  let pushes: PushSummary | undefined;
  const examples: NonNullable<RunSummary["examples"]> = [];
  const outcomes: Record<string, number> = {};
  const commands: Record<string, Record<string, Record<string, number>>> = {};
  let shown: RunSummary["shown"];
  let answered: RunSummary["answered"];
  shards.forEach((s, i) => {
    const t = Date.parse(s.startedAt);
    if (Number.isFinite(t)) {
      start = Math.min(start, t);
      end = Math.max(end, t + s.durationMs);
    }
    devices += s.devices;
    enrolled += s.enrolled;
    failed += s.failed;
    for (const [step, f] of Object.entries(s.steps)) {
      const c = counts.get(step) ?? { count: 0, failed: 0, histogram: newLatencyHistogram() };
      counts.set(step, c);
      c.count += f.count;
      c.failed += f.failed;
      const encoded = s.histograms[step];
      if (encoded !== undefined) c.histogram.add(decodeHistogram(encoded, `shard ${i} step ${step}`));
    }
    for (const [code, e] of Object.entries(s.errors)) {
      const m = errors.get(code);
      if (m) m.count += e.count;
      else errors.set(code, { ...e });
    }
    for (const [name, g] of Object.entries(s.groups)) {
      const m = groups.get(name) ?? { devices: 0, enrolled: 0, failed: 0 };
      groups.set(name, m);
      m.devices += g.devices;
      m.enrolled += g.enrolled;
      m.failed += g.failed;
      for (const [code, n] of Object.entries(g.failures ?? {})) (m.failures ??= {})[code] = (m.failures[code] ?? 0) + n;
    }
    for (const [p, byCommand] of Object.entries(s.commands ?? {}))
      for (const [c, counts] of Object.entries(byCommand)) for (const [a, n] of Object.entries(counts)) ((commands[p] ??= {})[c] ??= {})[a] = (commands[p][c][a] ?? 0) + n;
    // Older summaries carry no outcomes: their failures are still their outcome codes.
    for (const [code, n] of Object.entries(s.outcomes ?? Object.fromEntries(Object.entries(s.errors).map(([c, e]) => [c, e.count])))) outcomes[code] = (outcomes[code] ?? 0) + n;
    if (s.answered) answered = answered ? answered.map((x, k) => ({ ...x, devices: x.devices + (s.answered?.[k]?.devices ?? 0) })) : s.answered.map((x) => ({ ...x }));
    if (s.shown) shown = shown ? shown.map((x, k) => ({ ...x, devices: x.devices + (s.shown?.[k]?.devices ?? 0) })) : s.shown.map((x) => ({ ...x }));
    pushes = addPushes(pushes, s.pushes);
    for (const e of s.examples ?? []) if (examples.length < MAX_FAILURE_EXAMPLES) examples.push({ ...e });
    if (s.eventLoopDelayMs) {
      const d = s.eventLoopDelayMs;
      loop = loop
        ? { p50: Math.max(loop.p50, d.p50), p99: Math.max(loop.p99, d.p99), max: Math.max(loop.max, d.max) }
        : { ...d };
    }
  });
  const first = shards[0]!;
  const base = {
    scenario: first.scenario,
    seed: first.seed,
    startedAt: Number.isFinite(start) ? new Date(start).toISOString() : first.startedAt,
    durationMs: Number.isFinite(start) ? Math.max(0, end - start) : 0,
    devices,
    enrolled,
    failed,
    steps: Object.fromEntries([...counts].map(([k, c]) => [k, stepSummary(c.count, c.failed, c.histogram)])),
    errors: Object.fromEntries(errors),
    groups: Object.fromEntries(groups),
    outcomes,
    ...(Object.keys(commands).length ? { commands } : {}),
    ...(shown ? { shown } : {}),
    ...(answered ? { answered } : {}),
    histograms: Object.fromEntries([...counts].map(([k, c]) => [k, encodeHistogram(c.histogram)])),
    ...(loop ? { eventLoopDelayMs: loop } : {}),
    ...(pushes ? { pushes } : {}),
    examples,
  };
  const outcome = evaluateExpectations(base, expect);
  return { ...base, expectations: outcome.expectations, ok: outcome.ok };
}
