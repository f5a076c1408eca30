// SPDX-License-Identifier: MIT
/** The fleet store of a run (`--store`): opened and checked against the scenario, seed and shard; its resume history. */
import type { RunMetrics } from "../report/metrics.js";
import type { ShardSpec } from "../runner/shard.js";
import { StoreError } from "../runner/store/errors.js";
import type { FleetStore } from "../runner/store/types.js";
import type { ResolvedScenario } from "../runner/scenario/types.js";
import { SqliteFleetStore, STORE_SCHEMA_VERSION } from "./store/sqlite.js";

/** Every resume the store records, over all the runs that used it: restarts, and continuations by state. */
export function resumeHistory(store: FleetStore): NonNullable<RunMetrics["resumeHistory"]> {
  const h = { devices: 0, restart: 0, fromCheckpoint: {} as Record<string, number> };
  for (const d of store.list()) {
    if (d.resumes?.length) h.devices++;
    for (const r of d.resumes ?? []) {
      if (r.mode === "restart") h.restart++;
      else h.fromCheckpoint[r.state ?? "?"] = (h.fromCheckpoint[r.state ?? "?"] ?? 0) + 1;
    }
  }
  return h;
}

/** Opens the store for a run and checks it belongs to this scenario, seed and shard. */
export function openRunStore(spec: string | FleetStore, s: ResolvedScenario, shard: ShardSpec | undefined, resume: boolean, now: number): { store: FleetStore; owned: boolean } {
  const store = typeof spec === "string" ? SqliteFleetStore.open(spec, { create: true }) : spec;
  const owned = typeof spec === "string";
  try {
    const shardText = shard ? `${shard.index}/${shard.count}` : "";
    const meta = store.meta();
    const where = store.location || "the fleet store";
    if (meta) {
      const mine = { scenario: s.name, seed: s.seed, shard: shardText };
      for (const k of ["scenario", "seed", "shard"] as const) {
        if (meta[k] !== mine[k]) {
          throw new StoreError("store.mismatch", `${where} belongs to ${k} "${meta[k]}", this run has ${k} "${mine[k]}" (use another --store file)`);
        }
      }
      const c = store.counts();
      const held = c.enrolled + c.enrolling + c.failed + c.unenrolled;
      if (!resume && held > 0) {
        throw new StoreError("store.mismatch", `${where} already holds ${held} device(s) of this run (${c.enrolled} enrolled): pass --resume to continue it, or use another --store file (devices are never enrolled twice)`);
      }
    } else store.setMeta({ scenario: s.name, seed: s.seed, shard: shardText, createdAt: now, schemaVersion: STORE_SCHEMA_VERSION });
    return { store, owned };
  } catch (err) {
    if (owned) store.close();
    throw err;
  }
}
