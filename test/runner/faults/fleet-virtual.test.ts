// SPDX-License-Identifier: MIT
/**
 * Faults in a whole fleet on virtual time: a time window on the scenario clock, a request that is
 * never answered, a CertRep FAILURE from the CA; each fails its own devices at the aimed step with
 * the real error while the rest of the fleet enrols.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { loadCatalog } from "../../../src/runner/catalog-files.js";
import { runFleet } from "../../../src/runner/fleet.js";
import { parseScenario } from "../../../src/runner/scenario/load.js";
import type { DeviceResult, StepSample } from "../../../src/runner/observer.js";
import { VirtualClock } from "../../../src/platform/virtual/clock.js";
import { InMemoryHttp } from "../../../src/platform/virtual/http.js";
import { ReferenceServer } from "../../../src/server/reference-server.js";
import type { TranscriptEvent } from "../../../src/ports/index.js";
import type { FailInfo } from "../../../src/wire/scep/vocabulary.js";
import { testFleetEnv } from "../../support/fleet-env.js";
import { testKeys } from "../../support/scep-harness.js";

const catalog = loadCatalog();
const START = Date.UTC(2026, 10, 21);
let server: ReferenceServer;

beforeAll(async () => {
  const keys = await testKeys();
  server = await ReferenceServer.create({ keys: { ca: await keys.rsa(22) }, now: () => START });
});

async function run(yaml: string, load?: Parameters<typeof runFleet>[3]["load"]) {
  const clock = new VirtualClock(START);
  const s = parseScenario(yaml, "v.yaml", { modelIds: catalog.ids(), flows: ["scep"] });
  const results: DeviceResult[] = [];
  const checkins: { device: string; ok: boolean; code?: string }[] = [];
  const steps: (StepSample & { at: number })[] = [];
  const notes: TranscriptEvent[] = [];
  const env = await testFleetEnv({ clock, http: new InMemoryHttp({ clock, handler: server.handler }), seed: s.seed });
  const done = runFleet(
    s,
    catalog,
    {
      ...env,
      transcriptFor: () => ({ record: (e) => e.kind === "note" && e.data.injected && notes.push(e) }),
      scepFailure: (req, failInfo) => server.scep.failureFor(req, failInfo as FailInfo),
      observer: { onDeviceEnd: (r) => results.push(r), onStep: (x) => steps.push({ ...x, at: clock.now() - START }), onCheckin: (c) => checkins.push({ device: c.device, ok: c.ok, ...(c.code ? { code: c.code } : {}) }) },
    },
    { targets: { scepUrl: "http://ca.test/scep" }, ...(load ? { load } : {}) },
  );
  await clock.run(done, 24 * 3_600_000);
  results.sort((a, b) => a.index - b.index);
  return { results, steps, notes, checkins };
}

describe("faults in a fleet, on virtual time", () => {
  it("a window on the scenario clock fails exactly the devices that reach the step inside it", async () => {
    const { results, notes } = await run(`name: window
groups:
  - { name: a, model: iphone-15, count: 6, flow: scep }
arrival: { rate: 0.01 }
limits: { durationSeconds: 3600 }
faults:
  - match: { step: scep.getcacert, window: { from: 150, to: 350 } }
    status: { code: 503, headers: { Retry-After: "600" } }
`);
    // Devices start every 100 s: the ones at 200 s and 300 s meet the outage.
    expect(results.map((r) => r.ok)).toEqual([true, true, false, false, true, true]);
    expect(results.filter((r) => !r.ok).map((r) => [r.failure?.code, r.failure?.step])).toEqual([
      ["transport.http-status", "scep.getcacert"],
      ["transport.http-status", "scep.getcacert"],
    ]);
    expect(notes.map((n) => n.t - START)).toEqual([200_000, 300_000].map((t) => expect.closeTo(t, -3)));
  });

  it("noAnswer: the device waits its own exchange timeout (limits.stepTimeoutMs) on the virtual clock", async () => {
    const { results, steps } = await run(`name: hang
groups:
  - { name: a, model: iphone-15, count: 2, flow: scep }
limits: { stepTimeoutMs: 45000 }
faults:
  - match: { step: scep.pkioperation, nth: 1 }
    noAnswer: true
`);
    expect(results.map((r) => [r.ok, r.failure?.code, r.failure?.step])).toEqual([
      [false, "transport.timeout", "scep.pkioperation"],
      [false, "transport.timeout", "scep.pkioperation"],
    ]);
    expect(steps.filter((s) => s.step === "scep.pkioperation").map((s) => s.ms)).toEqual([45_000, 45_000]);
  });

  it("scepFailInfo: the CA's signed CertRep FAILURE reaches the device as the failInfo outcome; afterSuccesses spares the first", async () => {
    const { results, notes } = await run(`name: refuse
groups:
  - { name: a, model: iphone-15, count: 2, flow: scep, options: { scep: { renew: true } } }
faults:
  - match: { step: scep.pkioperation, afterSuccesses: 1 }
    scepFailInfo: badTime
`);
    expect(results.map((r) => [r.ok, r.failure?.code])).toEqual([
      [false, "scep.failInfo.badTime"],
      [false, "scep.failInfo.badTime"],
    ]);
    expect(notes).toHaveLength(2); // the enrolment went through; each renewal was refused
  });
});

describe("fault counters span a device's enrolment and its check-ins", () => {
  it("nth: 3 hits each device's second steady-state check-in (its third GetCACaps), not every check-in's third request", async () => {
    const { results, checkins } = await run(
      `name: steady
groups:
  - { name: a, model: iphone-15, count: 2, flow: scep }
limits: { durationSeconds: 3600 }
faults:
  - match: { step: scep.getcacaps, nth: 3 }
    reset: { when: before-response }
`,
      { steady: { durationSeconds: 600, intervalSeconds: 60, jitter: 0, maxCheckinsPerDevice: 3 } },
    );
    expect(results.every((r) => r.ok)).toBe(true);
    for (const device of ["iphone-15#0", "iphone-15#1"]) {
      expect(checkins.filter((c) => c.device === device).map((c) => [c.ok, c.code])).toEqual([
        [true, undefined],
        [false, "transport.reset"],
        [true, undefined],
      ]);
    }
  });
});
