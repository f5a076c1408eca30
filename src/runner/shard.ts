// SPDX-License-Identifier: MIT
/**
 * Shards: `--shard i/N` splits one scenario over N deterministic processes (design-practices.md
 * §11). Device j belongs to shard `j % N`; its identity depends only on (seed, j), so shards hold
 * disjoint identities and their union is exactly the single-process run of the same seed.
 * Each shard gets 1/N of the arrival rate (and of the concurrency, at least 1).
 */
import { ScenarioError } from "../errors/index.js";
import type { ResolvedArrival, ResolvedScenario } from "./scenario/types.js";

export interface ShardSpec {
  /** 0-based shard index, `0 <= index < count`. */
  index: number;
  count: number;
}

const INTEGER = /^\s*(\d{1,9})\s*$/;

/**
 * Parses "i/N" (0-based i). Refuses anything else with a ScenarioError saying why.
 * @param source where the text came from, for the message ("--shard", "ENROLLSIM_SHARD").
 */
export function parseShard(text: string, source = "--shard"): ShardSpec {
  const fail = (why: string): never => {
    throw new ScenarioError(`${source} "${text}": ${why} (expected i/N with integers 0 <= i < N, e.g. 0/4)`);
  };
  if (typeof text !== "string") return fail("not text");
  const parts = text.split("/");
  if (parts.length !== 2) return fail("not of the form i/N");
  const [a, b] = parts as [string, string];
  const mi = INTEGER.exec(a);
  const mn = INTEGER.exec(b);
  if (!mi) return fail(`shard index "${a}" is not a non-negative integer`);
  if (!mn) return fail(`shard count "${b}" is not a positive integer`);
  const index = Number(mi[1]);
  const count = Number(mn[1]);
  if (count < 1) return fail("the shard count must be at least 1");
  if (index >= count) return fail(`shard index ${index} is out of range for ${count} shard(s) (0..${count - 1})`);
  return { index, count };
}

/** Validates a shard object given through the library API. */
export function checkShard(s: ShardSpec): ShardSpec {
  if (!Number.isInteger(s.index) || !Number.isInteger(s.count) || s.count < 1 || s.index < 0 || s.index >= s.count) {
    throw new ScenarioError(`shard ${String(s.index)}/${String(s.count)} is invalid (expected integers 0 <= i < N)`);
  }
  return s;
}

/** Whether run-wide device index `j` belongs to the shard. */
export function inShard(j: number, shard?: ShardSpec): boolean {
  return !shard || j % shard.count === shard.index;
}

/** Number of devices `first .. first+count-1` that fall in the shard. */
export function countInShard(first: number, count: number, shard?: ShardSpec): number {
  if (!shard || shard.count === 1) return count;
  // indices j in [first, first+count) with j ≡ index (mod N)
  const below = (x: number) => Math.floor((x - shard.index + shard.count - 1) / shard.count); // #{j < x : j ≡ i}
  return Math.max(0, below(first + count) - below(first));
}

/** Devices of the scenario that this shard runs. */
export function shardDevices(s: ResolvedScenario, shard?: ShardSpec): number {
  return s.groups.reduce((n, g) => n + countInShard(g.firstIndex, g.count, shard), 0);
}

/** The shard's part of the arrival model: rate and ramp start divided by N; concurrency ⌈c/N⌉. */
export function shardArrival(a: ResolvedArrival, shard?: ShardSpec): ResolvedArrival {
  if (!shard || shard.count === 1) return a;
  if (a.kind === "concurrency") return { kind: "concurrency", concurrency: Math.max(1, Math.ceil(a.concurrency / shard.count)) };
  return { kind: "rate", rate: a.rate / shard.count, rampFrom: a.rampFrom / shard.count, rampSeconds: a.rampSeconds };
}
