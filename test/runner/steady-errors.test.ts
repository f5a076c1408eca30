// SPDX-License-Identifier: MIT
/**
 * A steady-state check-in that fails inside the simulator (not at the server) is counted and
 * reported with device, step and cause, never dropped: the scheduler counts a rejected check-in and
 * hands it on, and the fleet reports its own failures (here: building the device's HTTP client) as
 * failed check-ins with code `internal`. Virtual time.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { loadCatalog } from "../../src/runner/catalog-files.js";
import { runFleet } from "../../src/runner/fleet.js";
import { SteadyScheduler } from "../../src/runner/steady.js";
import { parseScenario } from "../../src/runner/scenario/load.js";
import type { CheckinSample, DeviceResult } from "../../src/runner/observer.js";
import { SeededEntropySource } from "../../src/platform/node/entropy.js";
import { VirtualClock } from "../../src/platform/virtual/clock.js";
import { InMemoryHttp } from "../../src/platform/virtual/http.js";
import { ReferenceServer } from "../../src/server/reference-server.js";
import type { HttpPort } from "../../src/ports/http.js";
import { testKeys } from "../support/scep-harness.js";
import { testFleetEnv } from "../support/fleet-env.js";

const START = Date.UTC(2026, 10, 21);

describe("steady scheduler: a rejected check-in", () => {
  it("is counted and handed to onError with its device, the device keeps its cadence, and a throwing onError stops nothing", async () => {
    const clock = new VirtualClock(START);
    const seen: [number, number][] = [];
    const errors: [number, string][] = [];
    let first = true;
    const s = new SteadyScheduler<number>({
      clock,
      spec: { durationSeconds: 100, intervalSeconds: 10, jitter: 0 },
      entropy: new SeededEntropySource("x").forDevice(0, -1),
      checkin: async (m) => {
        seen.push([m, clock.now() - START]);
        if (m === 1 && first) {
          first = false;
          throw new Error("store handle closed");
        }
        if (m === 2) throw new Error("always");
      },
      onError: (m, err) => {
        errors.push([m, (err as Error).message]);
        if (m === 2) throw new Error("a broken reporter");
      },
    });
    for (const m of [0, 1, 2]) s.add(m);
    s.start();
    await clock.advance(35_000);
    s.stop();
    await s.finished;
    // every device checked in at 10, 20 and 30 s, the failing ones included
    for (const m of [0, 1, 2]) expect(seen.filter(([x]) => x === m).map(([, t]) => t)).toEqual([10_000, 20_000, 30_000]);
    expect(errors).toEqual([
      [1, "store handle closed"],
      [2, "always"],
      [2, "always"],
      [2, "always"],
    ]);
    expect(s.errors).toBe(4);
    expect(clock.pendingTimers).toBe(0);
  });
});

describe("fleet steady phase: the simulator's own failure in a check-in", () => {
  let ca: ReferenceServer;
  beforeAll(async () => {
    const keys = await testKeys();
    ca = await ReferenceServer.create({ keys: { ca: await keys.rsa(20) }, now: () => START });
  });

  it("is a failed check-in with code internal naming device, step and cause, not a lost one", async () => {
    const clock = new VirtualClock(START);
    const scenario = parseScenario(
      `name: steady-errors
seed: 3
groups: [ { name: g, model: pixel-8, count: 3, flow: scep, options: { scep: { url: "http://ca.test/scep" } } } ]
limits: { durationSeconds: 7200, stepTimeoutMs: 20000 }
`,
      "steady-errors.yaml",
      { modelIds: loadCatalog().ids(), flows: ["scep"] },
    );
    const inner = new InMemoryHttp({ clock, handler: { "http://ca.test": ca.handler } });
    let enrolled = 0;
    // After enrolment the simulator cannot build a device's HTTP client: a defect on the simulator's side.
    const http: HttpPort = {
      client: (opts) => {
        if (enrolled === 3) throw new Error("socket pool already destroyed");
        return inner.client(opts);
      },
    };
    const checkins: CheckinSample[] = [];
    const results: DeviceResult[] = [];
    const done = runFleet(
      scenario,
      loadCatalog(),
      {
        ...(await testFleetEnv({ clock, http, seed: scenario.seed })),
        observer: { onDeviceEnd: (r) => (enrolled++, results.push(r)), onCheckin: (c) => checkins.push(c) },
      },
      { targets: {}, load: { concurrency: 3, steady: { durationSeconds: 300, intervalSeconds: 60, jitter: 0, maxCheckinsPerDevice: 2 } } },
    );
    await clock.run(done, 3_600_000);
    expect(results.filter((r) => r.ok)).toHaveLength(3);
    expect(checkins).toHaveLength(6); // 3 devices × 2 check-ins, none lost
    for (const c of checkins) {
      expect(c).toMatchObject({ ok: false, code: "internal" });
      expect(c.message).toContain(`[device ${c.device}, step checkin] internal: unexpected Error: socket pool already destroyed (fault: internal)`);
    }
    expect(new Set(checkins.map((c) => c.device)).size).toBe(3);
  });
});
