// SPDX-License-Identifier: MIT
/**
 * Is a set of shard summaries the whole run? Each shard's summary carries `shard: {index, count}`
 * (`run --shard i/N`), so the set says itself how many shards there were; `--shards N` states it
 * from outside. A shard missing from a merge undercounts the fleet silently (its devices are
 * simply absent), a shard given twice counts its devices twice: both are refused, or — when the
 * caller allows a partial merge — recorded in the result as `incomplete`.
 */
import { ReportError } from "./errors.js";

export interface ShardSetOptions {
  /** Shards the run had (`--shards N`); default: the `shard.count` the summaries carry. */
  shards?: number;
  /** Merge even with shards missing; the result is marked `incomplete` and not ok. */
  allowPartial?: boolean;
}

/** What a merge found missing: the run's shard count and the absent indexes (0-based). */
export interface IncompleteShards {
  shards: number;
  missing: number[];
}

interface ShardTagged {
  shard?: { index: number; count: number };
  shards?: number;
}

/**
 * Checks the set; returns what is missing (allowPartial), undefined when complete or when the
 * summaries carry no shard tags and no count was given (nothing to check against).
 * @throws {ReportError} `report.shards` on a duplicate, disagreeing counts, a mix of tagged and untagged summaries, or missing shards without allowPartial.
 */
export function checkShardSet(summaries: readonly ShardTagged[], o: ShardSetOptions = {}): IncompleteShards | undefined {
  const tagged = summaries.filter((s) => s.shard);
  if (o.shards !== undefined && !(Number.isInteger(o.shards) && o.shards >= 1)) throw new ReportError("report.shards", `--shards ${o.shards}: expected a whole number >= 1`);
  if (tagged.length === 0) {
    if (o.shards === undefined) return undefined;
    const n = summaries.reduce((k, s) => k + (s.shards ?? 1), 0);
    if (n === o.shards) return undefined;
    return missingOr(o, { shards: o.shards, missing: [] }, `--shards ${o.shards}, but the ${summaries.length} summaries carry no shard tag and hold ${n} shard(s)`);
  }
  if (tagged.length !== summaries.length) {
    const i = summaries.findIndex((s) => !s.shard);
    throw new ReportError("report.shards", `summary ${i + 1} has no shard tag while others are shards (run --shard i/N): it is not one of this run's shards`);
  }
  const counts = new Set(tagged.map((s) => s.shard!.count));
  if (counts.size > 1) throw new ReportError("report.shards", `the summaries disagree on the shard count (${[...counts].map((c) => `/${c}`).join(", ")}): they are not shards of one run`);
  const own = [...counts][0]!;
  if (o.shards !== undefined && o.shards !== own) throw new ReportError("report.shards", `--shards ${o.shards}, but the summaries say they are shards of ${own}`);
  const seen = new Map<number, number>();
  summaries.forEach((s, i) => {
    const k = s.shard!.index;
    if (seen.has(k)) throw new ReportError("report.shards", `shard ${k}/${own} appears twice (summaries ${seen.get(k)! + 1} and ${i + 1}): its devices would be counted twice`);
    seen.set(k, i);
  });
  const missing = Array.from({ length: own }, (_, k) => k).filter((k) => !seen.has(k));
  if (missing.length === 0) return undefined;
  const names = missing.map((k) => `${k}/${own}`).join(", ");
  return missingOr(o, { shards: own, missing }, `shard(s) ${names} missing: ${seen.size} of ${own} shards given, so the merged counts would leave out their devices`);
}

function missingOr(o: ShardSetOptions, found: IncompleteShards, why: string): IncompleteShards {
  if (o.allowPartial) return found;
  throw new ReportError("report.shards", `${why} (pass every shard's --report file, or --allow-partial to merge anyway, marked incomplete)`);
}
