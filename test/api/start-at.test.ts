// SPDX-License-Identifier: MIT
/** `--start-at`: parsing the barrier, and a run on virtual time that starts its first arrival at it. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MAX_START_WAIT_MS, resolveStartAt } from "../../src/api/load-options.js";
import { runScenario } from "../../src/api/run-scenario.js";
import { ScenarioError } from "../../src/errors/index.js";
import { VirtualClock } from "../../src/platform/virtual/clock.js";
import { InMemoryHttp } from "../../src/platform/virtual/http.js";
import { ReferenceServer } from "../../src/server/reference-server.js";
import { testKeys } from "../support/scep-harness.js";

const NOW = Date.UTC(2026, 10, 22, 9, 0, 0);

describe("resolveStartAt", () => {
  it("accepts ISO 8601 with a zone, epoch seconds and +SECONDS; the flag wins over ENROLLSIM_START_AT", () => {
    expect(resolveStartAt("2026-11-22T09:05:00Z", NOW)).toBe(NOW + 300_000);
    expect(resolveStartAt("2026-11-22T10:05:00+01:00", NOW)).toBe(NOW + 300_000);
    expect(resolveStartAt(String(NOW / 1000 + 60), NOW)).toBe(NOW + 60_000);
    expect(resolveStartAt("+30", NOW)).toBe(NOW + 30_000);
    expect(resolveStartAt(undefined, NOW, { ENROLLSIM_START_AT: "+5" })).toBe(NOW + 5_000);
    expect(resolveStartAt("+1", NOW, { ENROLLSIM_START_AT: "+5" })).toBe(NOW + 1_000);
    expect(resolveStartAt(undefined, NOW, {})).toBeUndefined();
    // A past instant is accepted (the run starts at once and the CLI warns).
    expect(resolveStartAt("2026-11-22T08:00:00Z", NOW)).toBe(NOW - 3_600_000);
  });

  it.each(["tomorrow", "2026-11-22 09:00", "2026-11-22T09:00:00", "-5", "+", "12", "2026-13-40T99:00:00Z"])("refuses %j naming the accepted forms", (v) => {
    expect(() => resolveStartAt(v, NOW)).toThrow(ScenarioError);
    expect(() => resolveStartAt(v, NOW)).toThrow(/--start-at .*ISO 8601 time with a zone/);
  });

  it("refuses a barrier more than 24 h ahead, naming the source", () => {
    expect(() => resolveStartAt(undefined, NOW, { ENROLLSIM_START_AT: String((NOW + MAX_START_WAIT_MS + 60_000) / 1000) })).toThrow(/ENROLLSIM_START_AT .* 24\.0 h ahead/);
  });
});

describe("runScenario startAt (virtual time)", () => {
  it("does its setup, then waits for the barrier before the first arrival", async () => {
    const dir = mkdtempSync(join(tmpdir(), "enrollsim-startat-"));
    const file = join(dir, "s.yaml");
    writeFileSync(file, `name: barrier\nseed: 3\nserver: http://ca.test\ngroups:\n  - { name: p, model: pixel-8, count: 3, flow: scep, options: { scep: { challenge: enrollsim-challenge } } }\narrival: { rate: 10 }\n`);
    const clock = new VirtualClock(NOW);
    const ca = await ReferenceServer.create({ now: () => clock.now() });
    const http = new InMemoryHttp({ clock, handler: { "http://ca.test": ca.handler } });
    const starts: number[] = [];
    const waits: number[] = [];
    const done = runScenario(file, {
      adapters: { clock, http },
      keys: await testKeys(),
      progress: false,
      capacity: false,
      startAt: NOW + 45_000,
      onStartWait: (ms) => waits.push(ms),
      observers: [{ onDeviceStart: () => starts.push(clock.now()) }],
    });
    const { summary } = await clock.run(done, 600_000);
    expect(waits).toEqual([45_000]);
    expect(summary.enrolled).toBe(3);
    expect(starts).toHaveLength(3);
    expect(Math.min(...starts)).toBe(NOW + 45_000);
    // Arrivals keep their spacing after the barrier (rate 10/s → 100 ms apart).
    expect(starts.map((t) => t - NOW - 45_000)).toEqual([0, 100, 200]);
  });
});
