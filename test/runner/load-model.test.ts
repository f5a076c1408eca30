// SPDX-License-Identifier: MIT
/**
 * Load models in virtual time: multi-phase arrival, fixed concurrency, maxInFlight, the steady
 * state (cadence, jitter, bounds, time scale with honest protocol timers), and no leaked timer
 * or HTTP client after a steady phase.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { loadCatalog } from "../../src/runner/catalog-files.js";
import { runFleet, type LoadModel } from "../../src/runner/fleet.js";
import { phaseArrivals, phasesOffsetMs } from "../../src/runner/pacing.js";
import { SteadyScheduler } from "../../src/runner/steady.js";
import { parseScenario } from "../../src/runner/scenario/load.js";
import type { CheckinSample, DeviceResult, StepSample } from "../../src/runner/observer.js";
import { SeededEntropySource } from "../../src/platform/node/entropy.js";
import { VirtualClock } from "../../src/platform/virtual/clock.js";
import { InMemoryHttp } from "../../src/platform/virtual/http.js";
import { ReferenceServer } from "../../src/server/reference-server.js";
import type { HttpHandler, HttpPort } from "../../src/ports/http.js";
import { parseLoadModel } from "../../src/api/load-options.js";
import { ScenarioError } from "../../src/errors/index.js";
import { MemoryFleetStore, type FleetStore } from "../../src/runner/store/types.js";
import { testKeys } from "../support/scep-harness.js";
import { testFleetEnv } from "../support/fleet-env.js";
import { MetricsCollector } from "../../src/report/metrics.js";

const catalog = loadCatalog();
const START = Date.UTC(2026, 10, 21);

describe("multi-phase arrival curve", () => {
  it("flat, ramp and consecutive phases; Infinity once the phases end", () => {
    const flat = [{ durationSeconds: 10, rate: 2 }];
    expect([0, 1, 2, 19].map((i) => phasesOffsetMs(i, flat))).toEqual([0, 500, 1000, 9500]);
    expect(phasesOffsetMs(20, flat)).toBe(Infinity);
    // ramp 0 → 10/s over 10 s: N(t) = t²/2, 50 arrivals
    const ramp = [{ durationSeconds: 10, rate: 0, rampTo: 10 }];
    expect(phaseArrivals(ramp[0]!)).toBe(50);
    expect(phasesOffsetMs(8, ramp)).toBeCloseTo(4000, 6); // t = sqrt(2·8)
    expect(phasesOffsetMs(50, ramp)).toBe(Infinity);
    // ramp then plateau then ramp down
    const three = [
      { durationSeconds: 10, rate: 0, rampTo: 10 },
      { durationSeconds: 5, rate: 10 },
      { durationSeconds: 10, rate: 10, rampTo: 0 },
    ];
    expect(phasesOffsetMs(50, three)).toBeCloseTo(10_000, 6);
    expect(phasesOffsetMs(60, three)).toBeCloseTo(11_000, 6);
    expect(phasesOffsetMs(100, three)).toBeCloseTo(15_000, 6);
    expect(phasesOffsetMs(149, three)).toBeLessThanOrEqual(25_000);
    expect(phasesOffsetMs(150, three)).toBe(Infinity);
    // monotone
    let prev = -1;
    for (let i = 0; i < 150; i++) {
      const t = phasesOffsetMs(i, three);
      expect(t).toBeGreaterThanOrEqual(prev);
      prev = t;
    }
  });

  it("load files are validated: unknown keys, bad numbers, both models", () => {
    expect(parseLoadModel("phases: [{durationSeconds: 10, rate: 5}]\nsteady: {durationSeconds: 60, intervalSeconds: 10, jitter: 0.1}\ntimeScale: 10")).toMatchObject({ timeScale: 10 });
    for (const bad of [
      "phases: [{durationSeconds: 10, rat: 5}]",
      "phases: [{durationSeconds: 0, rate: 5}]",
      "phases: []",
      "concurrency: 0",
      "concurrency: 5\nphases: [{durationSeconds: 1, rate: 1}]",
      "steady: {durationSeconds: 60, intervalSeconds: 10, jitter: 2}",
      "timeScale: -1",
      "bogus: 1",
      "[1, 2]",
    ]) {
      expect(() => parseLoadModel(bad, "load.yaml"), bad).toThrow(ScenarioError);
    }
  });
});

describe("fleet load models in virtual time", () => {
  let ca: ReferenceServer;
  beforeAll(async () => {
    const keys = await testKeys();
    ca = await ReferenceServer.create({ keys: { ca: await keys.rsa(20) }, now: () => START });
  });

  async function run(count: number, load: LoadModel, o: { handler?: (clock: VirtualClock) => HttpHandler; arrival?: string; limits?: string; store?: FleetStore; resume?: boolean } = {}) {
    const clock = new VirtualClock(START);
    const s = parseScenario(
      `name: load
seed: 3
groups: [ { name: g, model: pixel-8, count: ${count}, flow: scep, options: { scep: { url: "http://ca.test/scep" } } } ]
${o.arrival ?? ""}
${o.limits ?? "limits: { durationSeconds: 7200, stepTimeoutMs: 20000 }"}
`,
      "load.yaml",
      { modelIds: catalog.ids(), flows: ["scep"] },
    );
    const inner = new InMemoryHttp({ clock, handler: { "http://ca.test": o.handler ? o.handler(clock) : ca.handler } });
    let openClients = 0;
    let maxOpen = 0;
    const http: HttpPort = {
      client: (opts) => {
        const c = inner.client(opts);
        openClients++;
        maxOpen = Math.max(maxOpen, openClients);
        let closed = false;
        return {
          request: (r) => c.request(r),
          close: async () => {
            if (!closed) openClients--;
            closed = true;
            await c.close();
          },
        };
      },
    };
    const starts: number[] = [];
    const results: DeviceResult[] = [];
    const checkins: CheckinSample[] = [];
    const steps: StepSample[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const done = runFleet(
      s,
      catalog,
      {
        ...(await testFleetEnv({ clock, http, seed: s.seed })),
        observer: {
          onDeviceStart: () => {
            starts.push(clock.now() - START);
            maxInFlight = Math.max(maxInFlight, ++inFlight);
          },
          onDeviceEnd: (r) => {
            inFlight--;
            results.push(r);
          },
          onCheckin: (c) => checkins.push(c),
          onStep: (x) => steps.push(x),
        },
      },
      { targets: {}, load, store: o.store, resume: o.resume },
    );
    const out = await clock.run(done, 24 * 3_600_000);
    return { out, starts, results, checkins, steps, clock, openClients, maxOpen, maxInFlight };
  }

  it("phases start devices on the multi-phase curve; devices due after the last phase are not started", async () => {
    const phases = [
      { durationSeconds: 4, rate: 1, rampTo: 3 },
      { durationSeconds: 2, rate: 3 },
    ];
    const { starts, results } = await run(20, { phases });
    const due = Math.floor(phaseArrivals(phases[0]!) + phaseArrivals(phases[1]!)); // 8 + 6 = 14
    expect(due).toBe(14);
    expect(starts.slice(0, due).map(Math.round)).toEqual(Array.from({ length: due }, (_, i) => Math.round(phasesOffsetMs(i, phases))));
    expect(results.filter((r) => r.ok)).toHaveLength(due);
    const late = results.filter((r) => !r.ok);
    expect(late).toHaveLength(6);
    for (const r of late) expect(r.failure).toMatchObject({ code: "runner.deadline", message: expect.stringContaining("last arrival phase ended") });
  });

  it("fixed concurrency and maxInFlight bound the devices in flight", async () => {
    const slow = (clock: VirtualClock): HttpHandler => async (req) => (await clock.sleep(300), ca.handler(req));
    const closed = await run(12, { concurrency: 3 }, { handler: slow });
    expect(closed.maxInFlight).toBe(3);
    expect(closed.results.every((r) => r.ok)).toBe(true);
    const open = await run(12, { phases: [{ durationSeconds: 1, rate: 100 }], maxInFlight: 4 }, { handler: slow });
    expect(open.maxInFlight).toBe(4);
    expect(open.results.filter((r) => r.ok)).toHaveLength(12);
  });

  it("steady state: every enrolled device checks in on its jittered cadence, bounded by time and count; nothing leaks", async () => {
    const steady = { durationSeconds: 600, intervalSeconds: 60, jitter: 0.25 };
    const { checkins, clock, openClients, maxOpen, results, out, steps } = await run(8, { concurrency: 8, steady });
    expect(results.every((r) => r.ok)).toBe(true);
    const byDevice = new Map<string, number[]>();
    for (const c of checkins) byDevice.set(c.device, [...(byDevice.get(c.device) ?? []), c.at]);
    expect(byDevice.size).toBe(8);
    const end = Math.max(...results.map((r) => r.endedAt)) + 600_000;
    for (const [, ats] of byDevice) {
      expect(ats.length).toBeGreaterThanOrEqual(8); // 600 s / (60 s · 1.25)
      expect(ats.length).toBeLessThanOrEqual(13); // 600 s / (60 s · 0.75)
      for (let k = 1; k < ats.length; k++) {
        const gap = ats[k]! - ats[k - 1]!;
        expect(gap).toBeGreaterThanOrEqual(45_000);
        expect(gap).toBeLessThanOrEqual(75_000 + 50);
      }
      for (const t of ats) expect(t).toBeLessThanOrEqual(end);
    }
    expect(checkins.every((c) => c.ok)).toBe(true);
    expect(steps.some((x) => x.step === "checkin.scep.getcacaps" && x.platform === "android")).toBe(true);
    expect(out.checkins).toBe(checkins.length);
    // nothing per device outlives the run
    expect(clock.pendingTimers).toBe(0);
    expect(openClients).toBe(0);
    expect(maxOpen).toBeLessThanOrEqual(8);
  });

  it("the steady state is bounded by maxCheckinsPerDevice", async () => {
    const { checkins } = await run(4, { concurrency: 4, steady: { durationSeconds: 3600, intervalSeconds: 10, jitter: 0, maxCheckinsPerDevice: 3 } });
    expect(checkins).toHaveLength(12);
  });

  it("timeScale compresses the cadence but not the protocol timers", async () => {
    const plain = await run(4, { concurrency: 4, steady: { durationSeconds: 600, intervalSeconds: 60, jitter: 0 } });
    const fast = await run(4, { concurrency: 4, timeScale: 10, steady: { durationSeconds: 600, intervalSeconds: 60, jitter: 0 } });
    expect(fast.checkins.length).toBe(plain.checkins.length);
    const gaps = (cs: CheckinSample[]) => {
      const d = cs.filter((c) => c.device === cs[0]!.device).map((c) => c.at);
      return d.slice(1).map((t, i) => t - d[i]!);
    };
    expect(gaps(plain.checkins).every((g) => g === 60_000)).toBe(true);
    expect(gaps(fast.checkins).every((g) => g === 6_000)).toBe(true);
    // a stalled server during check-in: the step timeout stays 20 s of wall (virtual) time under timeScale 10
    let enrolled = 0;
    const stallAfterEnrol = (clock: VirtualClock): HttpHandler => async (req) => {
      if (enrolled >= 4 * 3) return new Promise(() => {}); // after 4 devices × 3 requests, stall
      enrolled++;
      void clock;
      return ca.handler(req);
    };
    const stalled = await run(4, { concurrency: 4, timeScale: 10, steady: { durationSeconds: 120, intervalSeconds: 60, jitter: 0, maxCheckinsPerDevice: 1 } }, { handler: stallAfterEnrol });
    expect(stalled.checkins).toHaveLength(4);
    for (const c of stalled.checkins) expect(c).toMatchObject({ ok: false, code: "transport.timeout", ms: 20_000 });
    expect(stalled.clock.pendingTimers).toBe(0);
    expect(stalled.openClients).toBe(0);
  });

  it("a resumed run with a steady phase checks in the devices a previous run enrolled", async () => {
    const store = new MemoryFleetStore();
    const first = await run(5, { concurrency: 5 }, { store });
    expect(first.results.filter((r) => r.ok)).toHaveLength(5);
    expect(store.counts().enrolled).toBe(5);
    const second = await run(5, { concurrency: 5, steady: { durationSeconds: 300, intervalSeconds: 60, jitter: 0, maxCheckinsPerDevice: 2 } }, { store, resume: true });
    expect(second.results).toHaveLength(0); // nobody enrolled twice
    expect(second.checkins).toHaveLength(10);
    expect(new Set(second.checkins.map((c) => c.index))).toEqual(new Set([0, 1, 2, 3, 4]));
    expect(store.list().every((d) => d.checkins === 2 && d.attempts === 1)).toBe(true);
  });

  it("a check-in the store cannot record is a counted failed check-in (store.write-failed, our fault, naming the device), not lost", async () => {
    const store = new MemoryFleetStore();
    store.checkin = (index) => {
      if (index === 1) throw new Error("SQLITE_FULL: database or disk is full");
    };
    const steady = { durationSeconds: 300, intervalSeconds: 60, jitter: 0, maxCheckinsPerDevice: 2 };
    const { checkins, clock } = await run(3, { concurrency: 3, steady }, { store });
    expect(checkins).toHaveLength(6); // every check-in reaches the observer, the unrecorded ones too
    const lost = checkins.filter((c) => !c.ok);
    expect(lost).toHaveLength(2);
    for (const c of lost) {
      expect(c).toMatchObject({ index: 1, code: "store.write-failed" });
      expect(c.message).toContain(c.device);
      expect(c.message).toMatch(/could not record this check-in: SQLITE_FULL.*\(fault: internal\)/);
    }
    const summary = new MetricsCollector(() => clock.now());
    for (const c of checkins) summary.onCheckin(c);
    expect(summary.metrics().checkins).toEqual({ total: 6, failed: 2, codes: { "store.write-failed": 2 } });
  });

  it("the run deadline ends the steady phase early", async () => {
    const { checkins, out } = await run(2, { concurrency: 2, steady: { durationSeconds: 36_000, intervalSeconds: 60, jitter: 0 } }, { limits: "limits: { durationSeconds: 300 }" });
    expect(out.durationMs).toBeLessThanOrEqual(300_000 + 1);
    expect(checkins.length).toBeGreaterThanOrEqual(8);
    expect(checkins.length).toBeLessThanOrEqual(10);
  });
});

describe("steady scheduler", () => {
  it("is deterministic for a seed, and stop() leaves no timer", async () => {
    const order = async () => {
      const clock = new VirtualClock(START);
      const seen: [number, number][] = [];
      const s = new SteadyScheduler<number>({
        clock,
        spec: { durationSeconds: 100, intervalSeconds: 10, jitter: 0.5 },
        entropy: new SeededEntropySource("x").forDevice(0, -1),
        checkin: async (m) => void seen.push([m, clock.now() - START]),
      });
      for (let i = 0; i < 5; i++) s.add(i);
      s.start();
      await clock.advance(50_000);
      s.stop();
      await s.finished;
      expect(clock.pendingTimers).toBe(0);
      return seen;
    };
    const a = await order();
    expect(a.length).toBeGreaterThan(15);
    expect(await order()).toEqual(a);
  });
});
