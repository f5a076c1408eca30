// SPDX-License-Identifier: MIT
/**
 * SummaryCollector: the run observer that turns step samples and device results into a
 * {@link RunSummary}. Memory is O(steps + failure codes + groups): it keeps counters and HDR
 * histograms, never samples or DeviceResults, plus at most {@link MAX_FAILURE_EXAMPLES} examples.
 */
import type { CheckinSample, CommandSample, DeviceResult, RunObserver, StepSample } from "../runner/observer.js";
import { evaluateExpectations, validateExpectationSpec, type ExpectationSpec } from "./expectations.js";
import { matchableTexts, shownByOutcome, textMatcher } from "./shown-match.js";
import { StepStats } from "./stats.js";
import { ScepBurstDetector } from "./hints.js";
import { AnsweredCollector } from "./answered.js";
import type { Redactor } from "./redact.js";
import type { TranscriptSink } from "../ports/transcript.js";
import {
  MAX_FAILURE_EXAMPLES,
  type ErrorSummary,
  NOT_NOW_UNANSWERED,
  type CommandCounts,
  type ExpectationResult,
  type FailureExample,
  type GroupSummary,
  type PushSummary,
  type RunSummary,
} from "./types.js";

/** Options of {@link SummaryCollector}. */
export interface SummaryCollectorOptions {
  /** The scenario's `expect:` block; validated at construction. */
  expect?: ExpectationSpec;
  /** Wall clock in epoch ms, for `startedAt` and the duration of a run not yet ended. Default `Date.now`. */
  now?: () => number;
  /** Failing devices kept as examples. Default and maximum {@link MAX_FAILURE_EXAMPLES}. */
  maxExamples?: number;
  /** The run's redactor: `expect.answered` matches server answers only after redaction. */
  redactor?: Redactor;
}

/** Code used when a device reports `ok: false` without a failure record (a runner bug). */
export const UNKNOWN_FAILURE_CODE = "internal.missing-failure";

/** Collects a run into a {@link RunSummary}. */
export class SummaryCollector implements RunObserver {
  private readonly expect: ExpectationSpec;
  private readonly now: () => number;
  private readonly maxExamples: number;
  private readonly stats = new StepStats();
  private readonly errors = new Map<string, ErrorSummary>();
  private readonly groups = new Map<string, GroupSummary>();
  private readonly examples: FailureExample[] = [];
  private readonly outcomes = new Map<string, number>();
  /** One matcher and count per `expect.shown` entry: O(entries), never per device. */
  private readonly shown: Array<{ text: string; code?: string; match: (t: string) => boolean; devices: number; checkinDevices?: Set<number> }>;
  private readonly extra: ExpectationResult[] = [];
  private readonly commands: CommandCounts = {};
  private readonly bursts = new ScepBurstDetector();
  /** Apple commands whose last answer was NotNow, by device and CommandUUID → RequestType (O(such commands)). */
  private readonly notNow = new Map<string, string>();
  private scenario = "";
  private seed = "";
  private planned = 0;
  private startedAt: number | undefined;
  private durationMs: number | undefined;
  private enrolled = 0;
  private failed = 0;
  private eventLoopDelay: RunSummary["eventLoopDelayMs"];
  private pushes: PushSummary | undefined;
  /** `expect.answered`: absent without such entries (then no sink, and no body is kept for it). */
  private readonly answered?: AnsweredCollector;

  constructor(options: SummaryCollectorOptions = {}) {
    this.expect = validateExpectationSpec(options.expect);
    this.shown = (this.expect.shown ?? []).map((e) => ({ text: e.text, ...(e.code ? { code: e.code } : {}), match: textMatcher(e.text), devices: 0 }));
    this.now = options.now ?? Date.now;
    this.maxExamples = Math.max(0, Math.min(MAX_FAILURE_EXAMPLES, options.maxExamples ?? MAX_FAILURE_EXAMPLES));
    if (this.expect.answered?.length) this.answered = new AnsweredCollector(this.expect.answered, options.redactor);
  }

  /** The transcript sink `expect.answered` reads the server's answers from; undefined when the spec has none. */
  get transcript(): TranscriptSink | undefined {
    return this.answered;
  }

  onRunStart(info: { scenario: string; devices: number; seed: string }): void {
    this.scenario = info.scenario;
    this.seed = info.seed;
    this.planned = Number.isInteger(info.devices) && info.devices > 0 ? info.devices : 0;
    this.startedAt = this.now();
  }

  onAttemptFailed(a: { step: string; stepSample: "ok" | "none"; stepSampleMs?: number }): void {
    this.stats.endedAt(a.step, a.stepSample, a.stepSampleMs);
  }

  onStep(sample: StepSample): void {
    this.stats.record(sample.step, sample.ms, sample.ok);
  }

  onCommand(a: CommandSample): void {
    const byCommand = (this.commands[a.protocol] ??= {});
    const counts = (byCommand[a.command] ??= {});
    counts[a.status] = (counts[a.status] ?? 0) + 1;
    if (a.protocol !== "apple-mdm" || a.id === undefined) return;
    const key = `${a.device}\u0000${a.id}`;
    if (a.status === "NotNow") this.notNow.set(key, a.command);
    else this.notNow.delete(key);
  }

  /** The command counts with the NotNow-only commands added. */
  private commandCounts(): CommandCounts {
    const out: CommandCounts = Object.fromEntries(Object.entries(this.commands).map(([p, m]) => [p, Object.fromEntries(Object.entries(m).map(([c, s]) => [c, { ...s }]))]));
    for (const command of this.notNow.values()) {
      const counts = ((out["apple-mdm"] ??= {})[command] ??= {});
      counts[NOT_NOW_UNANSWERED] = (counts[NOT_NOW_UNANSWERED] ?? 0) + 1;
    }
    return out;
  }

  /**
   * A steady-state check-in: a failed one counts for `expect.shown` with what the device recorded for
   * it (runner/steady-shown.ts), once per device and entry (a set of the matched devices only).
   */
  onCheckin(sample: CheckinSample): void {
    if (sample.ok || !this.shown.length) return;
    const texts = matchableTexts(sample.shown);
    for (const e of this.shown) {
      if ((e.code !== undefined && e.code !== sample.code) || !texts.some(e.match)) continue;
      const seen = (e.checkinDevices ??= new Set());
      if (seen.has(sample.index)) continue;
      seen.add(sample.index);
      e.devices++;
    }
  }

  onDeviceEnd(result: DeviceResult): void {
    const group = this.groups.get(result.group) ?? { devices: 0, enrolled: 0, failed: 0 };
    this.groups.set(result.group, group);
    group.devices++;
    const code = result.code ?? result.failure?.code ?? (result.ok ? "ok" : UNKNOWN_FAILURE_CODE);
    this.bursts.onDeviceEnd(result);
    this.outcomes.set(code, (this.outcomes.get(code) ?? 0) + 1);
    // A background task's failure (a refused renewal) is an outcome the device met too: counted once per device and code.
    for (const bcode of new Set((result.background ?? []).map((b) => b.code))) if (bcode !== code) this.outcomes.set(bcode, (this.outcomes.get(bcode) ?? 0) + 1);
    if (this.shown.length && (!result.ok || result.background?.length)) {
      const met = shownByOutcome(result, code);
      for (const e of this.shown) if (met.some((m) => (e.code === undefined || e.code === m.code) && m.texts.some(e.match))) {
          e.devices++;
          // An enrolled device (a failed background task) checks in later: kept so a check-in's match does not count it twice.
          if (result.ok) (e.checkinDevices ??= new Set()).add(result.index);
        }
    }
    if (result.ok) {
      this.enrolled++;
      group.enrolled++;
      return;
    }
    this.failed++;
    group.failed++;
    const f = result.failure ?? {
      code: UNKNOWN_FAILURE_CODE,
      blame: "internal" as const,
      message: "the device failed without saying why (no failure record)",
    };
    if (f.step) this.stats.endedAt(f.step, f.stepSample ?? "failed", f.stepSampleMs);
    group.failures ??= {};
    group.failures[f.code] = (group.failures[f.code] ?? 0) + 1;
    const entry = this.errors.get(f.code);
    if (entry) entry.count++;
    else this.errors.set(f.code, { count: 1, blame: f.blame, step: f.step ?? "", example: f.message, ...(f.shown ? { shown: f.shown } : {}) });
    if (this.examples.length < this.maxExamples) {
      this.examples.push({ device: result.device, code: f.code, step: f.step ?? "", message: f.message });
    }
  }

  onRunEnd(info: { durationMs: number }): void {
    this.durationMs = info.durationMs;
  }

  /** Event-loop delay measured by whoever owns `perf_hooks` (platform or CLI), in ms. */
  setEventLoopDelay(delay: { p50: number; p99: number; max: number }): void {
    this.eventLoopDelay = { ...delay };
  }

  /** Push counts read from the embedded server's mock APNs at the end of the run (api layer). */
  setPushes(pushes: PushSummary): void {
    this.pushes = { ...pushes, refused: { ...pushes.refused } };
  }

  /**
   * Expectation results checked outside the report layer (the embedded server's records, api layer),
   * reported and counted with the others.
   */
  addExpectations(results: readonly ExpectationResult[]): void {
    this.extra.push(...results.map((r) => ({ ...r })));
  }

  /** The summary so far; complete once onRunEnd has been called. */
  summary(): RunSummary {
    const start = this.startedAt ?? this.now();
    const base = {
      scenario: this.scenario,
      seed: this.seed,
      startedAt: new Date(start).toISOString(),
      durationMs: Math.max(0, Math.round(this.durationMs ?? this.now() - start)),
      devices: Math.max(this.planned, this.enrolled + this.failed),
      enrolled: this.enrolled,
      failed: this.failed,
      steps: this.stats.summaries(),
      errors: Object.fromEntries([...this.errors].map(([k, v]) => [k, { ...v }])),
      groups: Object.fromEntries([...this.groups].map(([k, v]) => [k, { ...v, ...(v.failures ? { failures: { ...v.failures } } : {}) }])),
      outcomes: Object.fromEntries(this.outcomes),
      ...(Object.keys(this.commands).length ? { commands: this.commandCounts() } : {}),
      ...(this.bursts.hints().length ? { hints: this.bursts.hints() } : {}),
      ...(this.answered ? { answered: this.answered.counts() } : {}),
      ...(this.shown.length ? { shown: this.shown.map((e) => ({ text: e.text, ...(e.code ? { code: e.code } : {}), devices: e.devices })) } : {}),
      histograms: this.stats.encoded(),
      ...(this.eventLoopDelay ? { eventLoopDelayMs: { ...this.eventLoopDelay } } : {}),
      ...(this.pushes ? { pushes: { ...this.pushes, refused: { ...this.pushes.refused } } } : {}),
      examples: this.examples.map((e) => ({ ...e })),
    };
    const outcome = evaluateExpectations(base, this.expect);
    const expectations = [...outcome.expectations, ...this.extra.map((r) => ({ ...r }))];
    return { ...base, expectations, ok: expectations.every((r) => r.ok) };
  }
}
