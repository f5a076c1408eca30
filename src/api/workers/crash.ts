// SPDX-License-Identifier: MIT
/**
 * A worker thread that died before posting its summary: which devices it still held, and their
 * results as failures with the `worker.crashed` code, so they are counted (never silently dropped)
 * and the run's totals still add up to its fleet.
 */
import type { Catalog } from "../../device/catalog.js";
import { MAX_CRASHED_NAMES, type CrashedWorker } from "../../report/metrics.js";
import type { DeviceResult } from "../../runner/observer.js";
import type { ResolvedScenario } from "../../runner/scenario/types.js";
import type { ShardSpec } from "../../runner/shard.js";

export const WORKER_CRASHED = "worker.crashed";

/** What the parent saw of one worker's devices through its forwarded events. */
export interface WorkerLedger {
  started: Set<number>;
  ended: Set<number>;
}

/**
 * The devices of a worker's slice that it started without a reported end, or never started
 * (excluding those a resumed store had already enrolled), as `worker.crashed` failures.
 */
export function crashedResults(
  s: ResolvedScenario,
  catalog: Catalog,
  slice: ShardSpec,
  seen: WorkerLedger,
  o: { worker: number; cause: string; now: number; enrolledBefore: ReadonlySet<number> },
): { results: DeviceResult[]; report: CrashedWorker; neverStarted: DeviceResult[] } {
  const results: DeviceResult[] = [];
  const neverStarted: DeviceResult[] = [];
  for (const g of s.groups) {
    const model = catalog.get(g.model);
    for (let k = 0; k < g.count; k++) {
      const index = g.firstIndex + k;
      if (index % slice.count !== slice.index || seen.ended.has(index) || o.enrolledBefore.has(index)) continue;
      const device = `${model.id}#${index}`;
      const r: DeviceResult = {
        device,
        index,
        group: g.name,
        model: model.id,
        platform: model.platform,
        flow: g.flow,
        ok: false,
        code: WORKER_CRASHED,
        startedAt: o.now,
        endedAt: o.now,
        failure: {
          code: WORKER_CRASHED,
          blame: "internal",
          message: `[device ${device}] worker ${o.worker} died while holding this device (${seen.started.has(index) ? "in flight" : "not started"}): ${o.cause}`,
        },
      };
      results.push(r);
      if (!seen.started.has(index)) neverStarted.push(r);
    }
  }
  return {
    results,
    neverStarted,
    report: { index: o.worker, held: results.length, devices: results.slice(0, MAX_CRASHED_NAMES).map((r) => r.device), cause: o.cause },
  };
}
