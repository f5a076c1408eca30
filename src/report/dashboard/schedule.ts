// SPDX-License-Identifier: MIT
/**
 * The load schedule as the dashboard shows it: which phase a moment of the run is in, the target
 * arrival rate there, and when the schedule ends (the ETA). Computed from the same inputs the
 * fleet paces by (the scenario's arrival, a load model's phases, the steady phase, the shard), with
 * the pacing module's own arithmetic, so "target" is what the runner aims at, not an estimate.
 */
import type { LoadModel } from "../../runner/fleet.js";
import { arrivalOffsetMs, phaseArrivals } from "../../runner/pacing.js";
import type { ResolvedArrival } from "../../runner/scenario/types.js";

/** One stretch of the schedule, seconds from the first arrival. */
export interface SchedulePhase {
  name: string;
  startS: number;
  /** Infinity when the stretch ends with the work, not at a time (closed model). */
  endS: number;
  /** Target arrivals per second at the start and end (linear in between); null in a closed model. */
  rate0: number | null;
  rate1: number | null;
  /** Its length in seconds where its start is open (the steady phase after a closed model's enrolments). */
  lengthS?: number;
}

export interface Schedule {
  phases: SchedulePhase[];
  /** Devices the run plans to start. */
  devices: number;
  /** Closed model: fixed concurrency (no target rate). */
  concurrency?: number;
}

/**
 * The schedule of a run.
 * @param arrival the scenario's arrival, already divided for a shard (shardArrival).
 * @param load the effective load model (its phases replace `arrival`).
 */
export function scheduleOf(arrival: ResolvedArrival, load: LoadModel | undefined, devices: number, shardCount = 1): Schedule {
  const phases: SchedulePhase[] = [];
  let end = 0;
  let concurrency: number | undefined;
  if (load?.phases) {
    let before = 0;
    for (const [i, p] of load.phases.entries()) {
      const r0 = p.rate / shardCount;
      const r1 = (p.rampTo ?? p.rate) / shardCount;
      phases.push({ name: `phase ${i + 1}${p.rampTo !== undefined && p.rampTo !== p.rate ? " (ramp)" : ""}`, startS: end, endS: end + p.durationSeconds, rate0: r0, rate1: r1 });
      before += phaseArrivals(p) / shardCount;
      end += p.durationSeconds;
      if (before >= devices) break;
    }
  } else if (load?.concurrency !== undefined || arrival.kind === "concurrency") {
    concurrency = Math.max(1, Math.ceil((load?.concurrency ?? (arrival.kind === "concurrency" ? arrival.concurrency : 1)) / (load?.concurrency !== undefined ? shardCount : 1)));
    phases.push({ name: `closed model, ${concurrency} at a time`, startS: 0, endS: Infinity, rate0: null, rate1: null });
  } else if (arrival.kind === "rate") {
    const last = devices > 0 ? arrivalOffsetMs(devices - 1, arrival) / 1000 : 0;
    if (arrival.rampSeconds > 0 && arrival.rampFrom !== arrival.rate) {
      const rampEnd = Math.min(arrival.rampSeconds, last);
      const at = (s: number) => arrival.rampFrom + ((arrival.rate - arrival.rampFrom) * s) / arrival.rampSeconds;
      phases.push({ name: "ramp", startS: 0, endS: rampEnd, rate0: arrival.rampFrom, rate1: at(rampEnd) });
      end = rampEnd;
    }
    if (last > end || phases.length === 0) phases.push({ name: "arrivals", startS: end, endS: last, rate0: arrival.rate, rate1: arrival.rate });
    end = Math.max(end, last);
  }
  if (load?.steady) {
    const start = phases.at(-1)?.endS ?? end;
    const lengthS = load.steady.durationSeconds / (load.timeScale ?? 1);
    phases.push({ name: "steady check-ins", startS: start, endS: start + lengthS, rate0: 0, rate1: 0, lengthS });
  }
  return { phases, devices, ...(concurrency !== undefined ? { concurrency } : {}) };
}

/** Where the run stands at `elapsedS` seconds after the first arrival. */
export interface ScheduleNow {
  phase: string;
  /** Target arrivals per second now (null: closed model or past the arrivals). */
  targetRate: number | null;
  /** Seconds until the schedule ends (null: the end depends on the work, and nothing is done yet). */
  etaS: number | null;
}

/**
 * Phase, target rate and ETA at `elapsedS`. A closed model has no schedule end: its ETA is the
 * remaining devices at the achieved completion rate. An open model's arrivals end at a known time;
 * devices still in flight then are not part of the schedule, so the ETA covers the schedule only.
 */
export function scheduleAt(s: Schedule, elapsedS: number, done: number): ScheduleNow {
  const p = s.phases.find((x) => elapsedS >= x.startS && elapsedS < x.endS);
  const lastEnd = s.phases.reduce((m, x) => Math.max(m, x.endS), 0);
  if (!p) return { phase: elapsedS >= lastEnd ? "draining" : "starting", targetRate: null, etaS: elapsedS >= lastEnd ? 0 : lastEnd - elapsedS };
  const rate = p.rate0 === null || p.rate1 === null ? null : p.endS > p.startS ? p.rate0 + ((p.rate1 - p.rate0) * (elapsedS - p.startS)) / (p.endS - p.startS) : p.rate0;
  let etaS: number | null;
  if (Number.isFinite(lastEnd)) etaS = Math.max(0, lastEnd - elapsedS);
  else {
    const remaining = Math.max(0, s.devices - done);
    etaS = done > 0 && elapsedS > 0 ? remaining / (done / elapsedS) : null;
    const steady = s.phases.find((x) => x.name === "steady check-ins");
    if (etaS !== null && steady) etaS += steady.lengthS ?? steady.endS - steady.startS; // a closed model's steady phase starts at Infinity
  }
  return { phase: p.name, targetRate: rate, etaS };
}
