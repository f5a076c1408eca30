// SPDX-License-Identifier: MIT
/**
 * Shards: spec parsing, disjoint deterministic identities, rate split, and exact merging.
 * In virtual time with a deterministic per-request server latency, 4 shards merged equal the
 * single-process run exactly, percentiles included.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { loadCatalog } from "../../src/runner/catalog-files.js";
import { runFleet } from "../../src/runner/fleet.js";
import { parseScenario } from "../../src/runner/scenario/load.js";
import { countInShard, parseShard, shardArrival, shardDevices, type ShardSpec } from "../../src/runner/shard.js";
import { VirtualClock } from "../../src/platform/virtual/clock.js";
import { InMemoryHttp } from "../../src/platform/virtual/http.js";
import { ReferenceServer } from "../../src/server/reference-server.js";
import type { HttpHandler } from "../../src/ports/http.js";
import { SummaryCollector } from "../../src/report/summary.js";
import { MetricsCollector, mergeExtended, type ExtendedSummary } from "../../src/report/metrics.js";
import { resolveShard } from "../../src/api/load-options.js";
import { testKeys } from "../support/scep-harness.js";
import { ScenarioError } from "../../src/errors/index.js";
import { parsePkiMessage } from "../../src/wire/scep/message.js";
import { testFleetEnv } from "../support/fleet-env.js";

const catalog = loadCatalog();
const START = Date.UTC(2026, 10, 21);
const YAML = `name: shard-test
seed: 7
groups:
  - { name: phones, model: iphone-15, count: 13, flow: scep, options: { scep: { url: "http://ca.test/scep" } } }
  - { name: laptops, model: windows-11-laptop, count: 9, flow: scep, options: { scep: { url: "http://ca.test/scep" } } }
  - { name: pixels, model: pixel-8, count: 7, flow: scep, options: { scep: { url: "http://ca.test/scep" } } }
arrival: { rate: 8 }
`;
const scenario = () => parseScenario(YAML, "shard-test.yaml", { modelIds: catalog.ids(), flows: ["scep"] });

describe("shard specs", () => {
  it.each(["5/4", "0/0", "-1/3", "1/0", "4/4", "1.5/4", "1/2.0", "a/b", "1/4/2", "", "1", "/4", "1/", "0x1/4"])("refuses %j with a ScenarioError", (spec) => {
    expect(() => parseShard(spec)).toThrow(ScenarioError);
    expect(() => parseShard(spec)).toThrow(/expected i\/N/);
  });

  it("accepts i/N with 0 <= i < N", () => {
    expect(parseShard("0/1")).toEqual({ index: 0, count: 1 });
    expect(parseShard("3/4")).toEqual({ index: 3, count: 4 });
  });

  it("falls back to ENROLLSIM_SHARD, then JOB_COMPLETION_INDEX/ENROLLSIM_SHARDS; the flag wins", () => {
    expect(resolveShard(undefined, { ENROLLSIM_SHARD: "2/5" })).toEqual({ index: 2, count: 5 });
    expect(resolveShard(undefined, { JOB_COMPLETION_INDEX: "3", ENROLLSIM_SHARDS: "8" })).toEqual({ index: 3, count: 8 });
    expect(resolveShard("1/2", { ENROLLSIM_SHARD: "2/5" })).toEqual({ index: 1, count: 2 });
    expect(resolveShard(undefined, {})).toBeUndefined();
    expect(() => resolveShard(undefined, { JOB_COMPLETION_INDEX: "8", ENROLLSIM_SHARDS: "8" })).toThrow(/JOB_COMPLETION_INDEX/);
  });

  it("countInShard matches counting by hand; shards partition every group", () => {
    for (let N = 1; N <= 5; N++) {
      for (let first = 0; first < 7; first++) {
        for (let count = 0; count < 12; count++) {
          let total = 0;
          for (let i = 0; i < N; i++) {
            let hand = 0;
            for (let j = first; j < first + count; j++) if (j % N === i) hand++;
            expect(countInShard(first, count, { index: i, count: N })).toBe(hand);
            total += hand;
          }
          expect(total).toBe(count);
        }
      }
    }
    const s = scenario();
    expect([0, 1, 2, 3].map((i) => shardDevices(s, { index: i, count: 4 })).reduce((a, b) => a + b)).toBe(29);
  });

  it("each shard gets 1/N of the rate and ⌈c/N⌉ of the concurrency", () => {
    expect(shardArrival({ kind: "rate", rate: 100, rampFrom: 10, rampSeconds: 30 }, { index: 1, count: 4 })).toEqual({ kind: "rate", rate: 25, rampFrom: 2.5, rampSeconds: 30 });
    expect(shardArrival({ kind: "concurrency", concurrency: 10 }, { index: 0, count: 4 })).toEqual({ kind: "concurrency", concurrency: 3 });
    expect(shardArrival({ kind: "concurrency", concurrency: 2 }, { index: 0, count: 4 })).toEqual({ kind: "concurrency", concurrency: 1 });
  });
});

describe("sharded runs in virtual time", () => {
  let ca: ReferenceServer;
  beforeAll(async () => {
    const keys = await testKeys();
    ca = await ReferenceServer.create({ keys: { ca: await keys.rsa(20) }, now: () => START });
  });

  /**
   * A server whose latency is a pure function of what the device sends deterministically: the
   * URL, and for PKIOperation the device's senderNonce (from its seeded entropy; the envelope
   * itself is randomly padded). 1..400 ms of virtual time.
   */
  const slowed = (clock: VirtualClock): HttpHandler => async (req) => {
    const h = createHash("sha256").update(req.url);
    if (req.body && req.body.length > 0) h.update(parsePkiMessage(req.body).senderNonce ?? new Uint8Array());
    await clock.sleep(1 + (h.digest().readUInt16BE(0) % 400));
    return ca.handler(req);
  };

  async function run(shard?: ShardSpec) {
    const clock = new VirtualClock(START);
    const s = scenario();
    const summary = new SummaryCollector({ now: () => clock.now() });
    const metrics = new MetricsCollector(() => clock.now());
    const ids: { device: string; serial: string; udid?: string }[] = [];
    const starts: number[] = [];
    summary.onRunStart({ scenario: s.name, devices: shardDevices(s, shard), seed: s.seed });
    const done = runFleet(
      s,
      catalog,
      {
        ...(await testFleetEnv({ clock, http: new InMemoryHttp({ clock, handler: { "http://ca.test": slowed(clock) } }), seed: s.seed })),
        observer: {
          onDeviceStart: (_d) => {
            starts.push(clock.now() - START);
            metrics.onDeviceStart();
          },
          onStep: (x) => (summary.onStep(x), metrics.onStep(x)),
          onDeviceEnd: (r) => (summary.onDeviceEnd(r), metrics.onDeviceEnd(r)),
        },
        },
      { targets: {}, shard, onFlowResult: (device, r) => ids.push({ device, serial: r.keychain.identities[0]?.certificate.subject ?? "" }) },
    );
    const out = await clock.run(done, 3_600_000);
    summary.onRunEnd({ durationMs: out.durationMs });
    const sum: ExtendedSummary = { ...summary.summary(), ...metrics.metrics(), ...(shard ? { shard } : {}) };
    return { sum, ids, starts };
  }

  it("4 shards: disjoint identities whose union is the single run; merged totals, steps and percentiles equal it exactly", async () => {
    const single = await run();
    const shards = [];
    for (let i = 0; i < 4; i++) shards.push(await run({ index: i, count: 4 }));
    // identities: disjoint, and together exactly the single-process set
    const all = shards.flatMap((s) => s.ids.map((x) => `${x.device}|${x.serial}`)).sort();
    expect(new Set(all).size).toBe(all.length);
    expect(all).toEqual(single.ids.map((x) => `${x.device}|${x.serial}`).sort());
    // shard i holds exactly the devices with index % 4 === i
    shards.forEach((s, i) => expect(s.ids.every((x) => Number(x.device.split("#")[1]) % 4 === i)).toBe(true));
    // each shard runs at 1/4 of the rate: 8/s overall → 2/s per shard
    expect(shards[0]!.starts.slice(0, 3)).toEqual([0, 500, 1000]);
    const merged = mergeExtended(shards.map((s) => s.sum));
    expect(merged.devices).toBe(single.sum.devices);
    expect(merged.enrolled).toBe(29);
    expect(merged.steps).toEqual(single.sum.steps); // counts AND p50/p95/p99/max/mean
    expect(merged.histograms).toEqual(single.sum.histograms); // bucket-exact
    expect(merged.groups).toEqual(single.sum.groups);
    expect(merged.platforms).toEqual(single.sum.platforms);
    expect(merged.shards).toBe(4);
    expect(single.sum.steps["scep.pkioperation"]!.p99).toBeGreaterThan(single.sum.steps["scep.pkioperation"]!.p50); // non-trivial
  });

  it("merge refuses shards of different runs and a shard given twice", async () => {
    const a = await run({ index: 0, count: 2 });
    expect(() => mergeExtended([a.sum, a.sum])).toThrow(/appears twice/);
    expect(() => mergeExtended([a.sum, { ...a.sum, seed: "other", shard: { index: 1, count: 2 } }])).toThrow(/not shards of one run/);
  });
});
