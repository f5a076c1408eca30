// SPDX-License-Identifier: MIT
/**
 * The fleet runner: one device's failure never stops the others, pacing follows the arrival
 * model, and the run deadline ends what is still running. Virtual time, in-memory servers.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { loadCatalog } from "../../src/runner/catalog-files.js";
import { runFleet } from "../../src/runner/fleet.js";
import { arrivalOffsetMs } from "../../src/runner/pacing.js";
import { parseScenario } from "../../src/runner/scenario/load.js";
import type { DeviceResult, StepSample } from "../../src/runner/observer.js";
import { NodeCrypto } from "../../src/platform/node/crypto.js";
import { SeededEntropySource } from "../../src/platform/node/entropy.js";
import { VirtualClock } from "../../src/platform/virtual/clock.js";
import { InMemoryHttp } from "../../src/platform/virtual/http.js";
import { ReferenceServer } from "../../src/server/reference-server.js";
import { silentLogger } from "../../src/ports/index.js";
import { testKeys } from "../support/scep-harness.js";
import type { HttpHandler } from "../../src/ports/http.js";

const catalog = loadCatalog();
const START = Date.UTC(2026, 10, 21);
const ctx = { modelIds: catalog.ids(), flows: ["scep"] };

function scenario(yaml: string) {
  return parseScenario(yaml, "fleet-test.yaml", ctx);
}

async function run(yaml: string, handlers: Record<string, HttpHandler>) {
  const clock = new VirtualClock(START);
  const results: DeviceResult[] = [];
  const starts: number[] = [];
  const steps: StepSample[] = [];
  const subjects: string[] = [];
  const t0 = clock.now();
  const s = scenario(yaml);
  const done = runFleet(
    s,
    catalog,
    {
      clock,
      crypto: new NodeCrypto(),
      http: new InMemoryHttp({ clock, handler: handlers }),
      dns: { resolveCname: async () => [], resolve4: async () => [] },
      keys: await testKeys(),
      entropy: new SeededEntropySource(s.seed),
      log: silentLogger,
      transcriptFor: () => ({
        record: (e) => {
          const csr = e.data.csr as { subject?: string } | undefined;
          if (e.kind === "decoded" && csr?.subject) subjects.push(csr.subject);
        },
      }),
      observer: { onDeviceStart: () => starts.push(clock.now() - t0), onDeviceEnd: (r) => results.push(r), onStep: (x) => steps.push(x) },
    },
    { targets: { scepUrl: "http://good.test/scep" } },
  );
  const out = await clock.run(done, 24 * 3_600_000);
  return { results, starts, steps, out, clock, subjects };
}

describe("fleet runner", () => {
  let good: ReferenceServer;
  let broken: ReferenceServer;
  beforeAll(async () => {
    const keys = await testKeys();
    good = await ReferenceServer.create({ keys: { ca: await keys.rsa(20) }, now: () => START });
    broken = await ReferenceServer.create({ scep: { fault: "not-pkcs7" }, keys: { ca: await keys.rsa(21) }, now: () => START });
  });

  it("hostile and stalled servers fail their own devices with typed errors; the rest of the fleet enrols", async () => {
    const { results, clock } = await run(
      `name: mixed
groups:
  - { name: good, model: iphone-15, count: 6, flow: scep }
  - { name: broken, model: pixel-8, count: 4, flow: scep, options: { scep: { url: "http://broken.test/scep", challenge: enrollsim-challenge } } }
  - { name: stalled, model: windows-11-laptop, count: 3, flow: scep, options: { scep: { url: "http://stalled.test/scep", challenge: enrollsim-challenge } } }
arrival: { concurrency: 4 }
limits: { stepTimeoutMs: 20000 }
`,
      {
        "http://good.test": good.handler,
        "http://broken.test": broken.handler,
        "http://stalled.test": () => new Promise(() => {}),
      },
    );
    expect(results).toHaveLength(13);
    const by = (g: string) => results.filter((r) => r.group === g);
    expect(by("good").every((r) => r.ok)).toBe(true);
    expect(by("broken").map((r) => r.failure)).toEqual(
      Array(4).fill(expect.objectContaining({ code: "asn1.malformed", blame: "server", step: "scep.pkioperation" })),
    );
    for (const r of by("broken")) expect(r.failure!.message).toContain(`device ${r.device}`);
    expect(by("stalled").map((r) => r.failure?.code)).toEqual(["transport.timeout", "transport.timeout", "transport.timeout"]);
    expect(clock.pendingTimers).toBe(0);
  });

  it("a protocol FAILURE is a value with its failInfo code, blamed on nobody", async () => {
    const { results } = await run(
      `name: bad-challenge
groups: [ { name: g, model: ipad-air-m2, count: 3, flow: scep, options: { scep: { url: "http://good.test/scep", challenge: wrong } } } ]
`,
      { "http://good.test": good.handler },
    );
    expect(results.map((r) => [r.ok, r.failure?.code, r.failure?.blame])).toEqual(Array(3).fill([false, "scep.failInfo.badRequest", "protocol-outcome"]));
  });

  it("rate pacing with a ramp starts devices on the arrival curve, without drift", async () => {
    const { starts } = await run(
      `name: paced
groups: [ { name: g, model: pixel-8, count: 10, flow: scep, options: { scep: { url: "http://good.test/scep" } } } ]
arrival: { rate: 2, rampFrom: 1, rampSeconds: 4 }
`,
      { "http://good.test": good.handler },
    );
    const expected = Array.from({ length: 10 }, (_, i) => Math.round(arrivalOffsetMs(i, { rate: 2, rampFrom: 1, rampSeconds: 4 })));
    expect(starts.map((s) => Math.round(s))).toEqual(expected);
    expect(expected[1]).toBeGreaterThan(expected[9]! - expected[8]!); // slower at the start of the ramp
  });

  it("the run deadline fails devices still waiting, with runner.deadline", async () => {
    const { results } = await run(
      `name: deadline
groups: [ { name: g, model: pixel-8, count: 6, flow: scep, options: { scep: { url: "http://stalled.test/scep" } } } ]
arrival: { concurrency: 2 }
limits: { durationSeconds: 30, stepTimeoutMs: 600000 }
`,
      { "http://stalled.test": () => new Promise(() => {}) },
    );
    expect(results).toHaveLength(6);
    expect(results.every((r) => r.failure?.code === "runner.deadline")).toBe(true);
    expect(results.filter((r) => r.failure!.message.includes("not started"))).toHaveLength(4);
  });

  it("the same seed gives the same fleet", async () => {
    const yaml = `name: det
seed: 99
groups: [ { name: g, model: iphone-15, count: 3, flow: scep, options: { scep: { url: "http://good.test/scep" } } } ]
arrival: { concurrency: 1 }
`;
    const a = await run(yaml, { "http://good.test": good.handler });
    const b = await run(yaml, { "http://good.test": good.handler });
    expect(a.results.map((r) => r.ok)).toEqual([true, true, true]);
    expect(a.subjects).toHaveLength(3);
    expect(new Set(a.subjects).size).toBe(3); // three distinct serials
    expect(a.subjects).toEqual(b.subjects); // … and the same ones on a rerun
    const c = await run(yaml.replace("seed: 99", "seed: 100"), { "http://good.test": good.handler });
    expect(c.subjects).not.toEqual(a.subjects);
  });
});

describe("arrival curve", () => {
  it("constant rate", () => expect([0, 1, 2].map((i) => arrivalOffsetMs(i, { rate: 4, rampFrom: 4, rampSeconds: 0 }))).toEqual([0, 250, 500]));
  it("ramp reaches full rate after rampSeconds", () => {
    const c = { rate: 10, rampFrom: 0.0001, rampSeconds: 10 };
    // ~50 arrivals during the ramp, then one every 100 ms
    expect(arrivalOffsetMs(50, c)).toBeCloseTo(10_000, -1);
    expect(arrivalOffsetMs(60, c) - arrivalOffsetMs(59, c)).toBeCloseTo(100, 3);
  });
});
