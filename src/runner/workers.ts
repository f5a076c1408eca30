// SPDX-License-Identifier: MIT
/**
 * `run --workers N|auto`: one run split over N worker threads of one process. Each worker runs a
 * slice of the fleet cut by the shard slicing (runner/shard.ts), so worker slices are disjoint,
 * their union is exactly the run (or the `--shard i/n` of it), and device identities and key slots
 * stay functions of (seed, run-wide index): the same seed gives the same fleet with any N.
 *
 * Worker w of shard i/n (no --shard: 0/1) runs the composed shard (i + n·w)/(n·W): index j belongs
 * to it when j ≡ i + n·w (mod n·W), which implies j ≡ i (mod n). Its share of the arrival rate and
 * concurrency follows from the composed count, as for shards; the load model's absolute per-process
 * figures (concurrency, maxInFlight, steady.maxInFlight) are split W ways here.
 */
import { ScenarioError } from "../errors/index.js";
import type { LoadModel } from "./fleet.js";
import { DEFAULT_STEADY_IN_FLIGHT } from "./steady.js";
import type { ShardSpec } from "./shard.js";

/** `--workers` as given: a count, or `auto` (the machine's available cores, capped by the devices). */
export type WorkersRequest = number | "auto";

/** Parses `--workers` text. A count that is not a whole number ≥ 1 is the command line's fault. */
export function parseWorkers(v: string | number, source = "--workers"): WorkersRequest {
  const text = String(v).trim();
  if (text === "auto") return "auto";
  if (!/^\d{1,6}$/.test(text) || Number(text) < 1) {
    throw new ScenarioError(`${source} "${String(v)}": expected a whole number ≥ 1 or "auto" (one worker thread per available core)`);
  }
  return Number(text);
}

/** The worker count a run uses, and what the user is told when the request was cut down. */
export interface WorkersPlan {
  count: number;
  warnings: string[];
}

/**
 * Resolves the request against the machine and the fleet. More workers than cores only adds
 * contention (each worker is a full event loop competing for the same cores), and a worker
 * without devices does nothing: both are clamped with a warning naming the figure, not refused,
 * so a pod spec or a script written for a bigger machine still runs on a smaller one.
 */
export function resolveWorkers(req: WorkersRequest, o: { cores: number; devices: number }): WorkersPlan {
  const cores = Math.max(1, Math.floor(o.cores));
  const devices = Math.max(1, o.devices);
  const warnings: string[] = [];
  if (req === "auto") return { count: Math.min(cores, devices), warnings };
  let count = req;
  if (count > cores) {
    warnings.push(`--workers ${req} is more than the ${cores} available core(s) of this machine: using ${cores} (more threads than cores only compete for them)`);
    count = cores;
  }
  if (count > devices) {
    warnings.push(`--workers ${count} is more than the ${o.devices} device(s) this run starts: using ${devices} (a worker needs at least one device)`);
    count = devices;
  }
  return { count, warnings };
}

/** The composed shard worker `w` of `count` runs, within the run's own shard (if any). */
export function workerShard(outer: ShardSpec | undefined, w: number, count: number): ShardSpec {
  const n = outer?.count ?? 1;
  return { index: (outer?.index ?? 0) + n * w, count: n * count };
}

/** Whether run-wide index j belongs to worker `w`'s slice. */
export function inWorker(j: number, outer: ShardSpec | undefined, w: number, count: number): boolean {
  const s = workerShard(outer, w, count);
  return j % s.count === s.index;
}

const split = (v: number | undefined, n: number) => (v === undefined ? undefined : Math.max(1, Math.ceil(v / n)));

/**
 * One worker's share of the load model's per-process limits. Rates (phases) need nothing here:
 * the fleet divides them by the composed shard count.
 */
export function workerLoad(load: LoadModel | undefined, count: number): LoadModel | undefined {
  if (!load || count === 1) return load;
  const out: LoadModel = { ...load };
  if (load.concurrency !== undefined) out.concurrency = split(load.concurrency, count);
  if (load.maxInFlight !== undefined) out.maxInFlight = split(load.maxInFlight, count);
  if (load.steady) out.steady = { ...load.steady, maxInFlight: split(load.steady.maxInFlight ?? DEFAULT_STEADY_IN_FLIGHT, count) };
  return out;
}
