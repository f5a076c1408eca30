// SPDX-License-Identifier: MIT
/**
 * 4 shard processes of the built CLI against their own embedded servers, merged with
 * `report merge`, equal a single-process run of the same seed: totals, per-step counts, groups,
 * per-platform counts. Latencies over real loopback are not reproducible between two runs, so
 * percentile exactness is checked where it is well defined: the merged histogram of each step
 * equals a histogram that recorded the union of the shards' samples (re-recorded value by value
 * from each shard's buckets), and its percentiles are recomputed from it. Percentile equality
 * with a single run is proven in virtual time in shard.test.ts (deterministic latencies).
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { decodeHistogram, encodeHistogram, latencyFigures, newLatencyHistogram } from "../../src/report/stats.js";
import type { ExtendedSummary } from "../../src/report/metrics.js";
import { cli, ensureBuilt, MAIN } from "./support/cli.js";

const dir = mkdtempSync(join(tmpdir(), "enrollsim-shards-"));
const scenario = join(dir, "shards.yaml");
writeFileSync(
  scenario,
  `name: shard-processes
seed: 1234
server: embedded
embedded: { scep: { challenge: shard-secret } }
groups:
  - { name: phones, model: iphone-15, count: 11, flow: scep, options: { scep: { challenge: shard-secret } } }
  - { name: laptops, model: windows-11-laptop, count: 7, flow: scep, options: { scep: { challenge: shard-secret } } }
  - { name: bad, model: pixel-8, count: 5, flow: scep, options: { scep: { challenge: wrong-one } } }
arrival: { concurrency: 8 }
expect:
  successRatio: 0.5
  failures: [ { code: scep.failInfo.badRequest, ratio: 0.1 } ]
`,
);
// The same scenario with a count expectation that only the whole fleet meets: checked on the merge.
const strict = join(dir, "strict.yaml");
writeFileSync(strict, readFileSync(scenario, "utf8").replace("successRatio: 0.5", "successRatio: 0.7").replace("ratio: 0.1 }", "count: 5 }"));
const read = (f: string) => JSON.parse(readFileSync(f, "utf8")) as ExtendedSummary;

describe("4 shard processes merged equal one process", () => {
  beforeAll(() => ensureBuilt(), 300_000);

  it("merged totals and per-step counts equal the single run; merged histograms are exact", async () => {
    const common = [scenario, "--no-progress", "--key-pool-size", "24"];
    const runs = await Promise.all([
      cli(MAIN, ["run", ...common, "--report", join(dir, "all.json")]),
      ...[0, 1, 2, 3].map((i) => cli(MAIN, ["run", ...common, "--shard", `${i}/4`, "--report", join(dir, `s${i}.json`)])),
    ]);
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    const merge = await cli(MAIN, ["report", "merge", ...[0, 1, 2, 3].map((i) => join(dir, `s${i}.json`)), "--scenario", strict]);
    expect(merge.code, merge.stderr).toBe(0);
    const merged = JSON.parse(merge.stdout) as ExtendedSummary;
    const single = read(join(dir, "all.json"));
    const shards = [0, 1, 2, 3].map((i) => read(join(dir, `s${i}.json`)));

    expect(shards.map((s) => s.devices)).toEqual([6, 6, 6, 5]);
    expect(shards.map((s) => s.shard)).toEqual([0, 1, 2, 3].map((i) => ({ index: i, count: 4 })));
    for (const k of ["devices", "enrolled", "failed", "ok"] as const) expect(merged[k]).toBe(single[k]);
    expect(merged).toMatchObject({ devices: 23, enrolled: 18, failed: 5, ok: true, shards: 4 });
    expect(merged.expectations.map((e) => e.ok)).toEqual([true, true]);
    expect(merged.groups).toEqual(single.groups);
    expect(Object.fromEntries(Object.entries(merged.errors).map(([k, v]) => [k, v.count]))).toEqual(
      Object.fromEntries(Object.entries(single.errors).map(([k, v]) => [k, v.count])),
    );
    const counts = (s: ExtendedSummary) => Object.fromEntries(Object.entries(s.steps).map(([k, v]) => [k, [v.count, v.failed]]));
    expect(counts(merged)).toEqual(counts(single));
    const platformCounts = (s: ExtendedSummary) => Object.fromEntries(Object.entries(s.platforms!).map(([p, v]) => [p, [v.devices, v.enrolled, v.failed, counts(v as never)]]));
    expect(platformCounts(merged)).toEqual(platformCounts(single));
    const timelineTotals = (s: ExtendedSummary) => s.timeline!.reduce((a, t) => [a[0]! + t.starts, a[1]! + t.ok, a[2]! + Object.values(t.failed).reduce((x, y) => x + y, 0)], [0, 0, 0]);
    expect(timelineTotals(merged)).toEqual([23, 18, 5]);
    expect(timelineTotals(single)).toEqual([23, 18, 5]);

    // Exactness of the histogram merge: re-record every shard sample into one histogram.
    for (const step of Object.keys(single.steps)) {
      const union = newLatencyHistogram();
      for (const s of shards) {
        const h = decodeHistogram(s.histograms[step]!);
        // Walk the recorded buckets and record each value its count times, like a single process would.
        const it = (h as unknown as { recordedValuesIterator: { reset(): void; hasNext(): boolean; next(): { valueIteratedTo: number; countAtValueIteratedTo: number } } }).recordedValuesIterator;
        it.reset();
        while (it.hasNext()) {
          const v = it.next();
          union.recordValueWithCount(v.valueIteratedTo, v.countAtValueIteratedTo);
        }
      }
      const m = decodeHistogram(merged.histograms[step]!);
      expect(m.totalCount).toBe(single.steps[step]!.count - single.steps[step]!.failed);
      expect(latencyFigures(m)).toEqual(latencyFigures(union));
      expect(encodeHistogram(m)).toBe(encodeHistogram(union));
      const f = latencyFigures(m);
      expect(merged.steps[step]).toMatchObject({ p50: f.p50, p95: f.p95, p99: f.p99, max: f.max, mean: f.mean });
    }
  }, 180_000);

  it("bad shard specs are refused before anything runs (exit 2, clear message)", async () => {
    for (const spec of ["5/4", "0/0", "-1/3", "1/0", "1.5/2"]) {
      const r = await cli(MAIN, ["run", scenario, "--no-progress", `--shard=${spec}`], { timeoutMs: 30_000 });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/--shard .*expected i\/N/);
    }
    const env = await cli(MAIN, ["run", scenario, "--no-progress"], { env: { ENROLLSIM_SHARD: "4/4" }, timeoutMs: 30_000 });
    expect(env.code).toBe(2);
    expect(env.stderr).toContain("ENROLLSIM_SHARD");
  }, 120_000);
});
