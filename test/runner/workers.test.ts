// SPDX-License-Identifier: MIT
/** `--workers`: parsing, clamping against cores and devices, disjoint slices, the load model's split. */
import { describe, expect, it } from "vitest";
import { ScenarioError } from "../../src/errors/index.js";
import { inWorker, parseWorkers, resolveWorkers, workerLoad, workerShard } from "../../src/runner/workers.js";

describe("--workers", () => {
  it("accepts a whole number ≥ 1 or auto, and refuses anything else naming the value", () => {
    expect(parseWorkers("auto")).toBe("auto");
    expect(parseWorkers("3")).toBe(3);
    expect(parseWorkers(2)).toBe(2);
    for (const bad of ["0", "-1", "1.5", "two", "", "1e3", "auto2"]) {
      expect(() => parseWorkers(bad)).toThrow(ScenarioError);
      expect(() => parseWorkers(bad)).toThrow(`--workers "${bad}": expected a whole number ≥ 1 or "auto"`);
    }
  });

  it("auto is the available cores capped by the devices; more than either is clamped with a warning naming the figure", () => {
    expect(resolveWorkers("auto", { cores: 8, devices: 100 })).toEqual({ count: 8, warnings: [] });
    expect(resolveWorkers("auto", { cores: 8, devices: 3 })).toEqual({ count: 3, warnings: [] });
    expect(resolveWorkers(2, { cores: 8, devices: 100 })).toEqual({ count: 2, warnings: [] });
    const cores = resolveWorkers(16, { cores: 2, devices: 100 });
    expect(cores.count).toBe(2);
    expect(cores.warnings).toEqual([expect.stringContaining("--workers 16 is more than the 2 available core(s) of this machine: using 2")]);
    const devices = resolveWorkers(4, { cores: 8, devices: 3 });
    expect(devices.count).toBe(3);
    expect(devices.warnings).toEqual([expect.stringContaining("--workers 4 is more than the 3 device(s) this run starts: using 3")]);
    expect(resolveWorkers(16, { cores: 4, devices: 2 }).warnings).toHaveLength(2);
  });

  it("worker slices are disjoint and cover exactly the run, or exactly its --shard", () => {
    for (const outer of [undefined, { index: 0, count: 1 }, { index: 1, count: 3 }, { index: 2, count: 3 }]) {
      for (const count of [1, 2, 3, 5]) {
        for (let j = 0; j < 120; j++) {
          const owners = Array.from({ length: count }, (_, w) => w).filter((w) => inWorker(j, outer, w, count));
          const inRun = !outer || j % outer.count === outer.index;
          expect(owners.length, `device ${j}, shard ${JSON.stringify(outer)}, ${count} workers`).toBe(inRun ? 1 : 0);
        }
      }
    }
    expect(workerShard({ index: 1, count: 3 }, 1, 2)).toEqual({ index: 4, count: 6 });
  });

  it("splits the load model's per-process limits between the workers (rates are split by the fleet)", () => {
    expect(workerLoad({ concurrency: 5, maxInFlight: 7 }, 2)).toEqual({ concurrency: 3, maxInFlight: 4 });
    expect(workerLoad({ steady: { durationSeconds: 10, intervalSeconds: 5, jitter: 0 } }, 4)?.steady?.maxInFlight).toBe(64);
    expect(workerLoad({ concurrency: 1 }, 3)?.concurrency).toBe(1);
    const phases = [{ durationSeconds: 10, rate: 8 }];
    expect(workerLoad({ phases }, 2)?.phases).toEqual(phases);
  });
});
