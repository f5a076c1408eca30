// SPDX-License-Identifier: MIT
/** The scenario's `load:` block: parsed with positions, used by runScenario, replaced by --load. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/api/run-scenario.js";
import { ScenarioError } from "../../src/errors/index.js";
import { VirtualClock } from "../../src/platform/virtual/clock.js";
import { InMemoryHttp } from "../../src/platform/virtual/http.js";
import { loadCatalog } from "../../src/runner/catalog-files.js";
import { parseScenario } from "../../src/runner/scenario/load.js";
import { ReferenceServer } from "../../src/server/reference-server.js";
import { testKeys } from "../support/scep-harness.js";

const catalog = loadCatalog();
const NOW = Date.UTC(2026, 10, 22, 9, 0, 0);
const HEAD = `name: load-block\nseed: 5\nserver: http://ca.test\ngroups:\n  - { name: p, model: pixel-8, count: 6, flow: scep, options: { scep: { challenge: enrollsim-challenge } } }\n`;
const parse = (text: string) => parseScenario(text, "s.yaml", { modelIds: catalog.ids(), flows: ["scep"] });
const failure = (text: string): ScenarioError => {
  try {
    parse(text);
  } catch (e) {
    if (e instanceof ScenarioError) return e;
    throw e;
  }
  throw new Error("expected a ScenarioError");
};

describe("scenario load: block (parsing)", () => {
  it("keeps the block in the resolved scenario", () => {
    const s = parse(`${HEAD}load:\n  phases:\n    - { durationSeconds: 10, rate: 0, rampTo: 5 }\n  steady: { durationSeconds: 60, intervalSeconds: 10, jitter: 0.1 }\n  keepAlive: true\n`);
    expect(s.load).toEqual({
      phases: [{ durationSeconds: 10, rate: 0, rampTo: 5 }],
      steady: { durationSeconds: 60, intervalSeconds: 10, jitter: 0.1 },
      keepAlive: true,
    });
  });

  it.each([
    ["phases and concurrency together", `load:\n  phases: [{ durationSeconds: 1, rate: 1 }]\n  concurrency: 4\n`, /phases \(open model\) or concurrency \(closed model\), not both/],
    ["a phase without rate", `load:\n  phases: [{ durationSeconds: 1 }]\n`, /rate/],
    ["steady without jitter", `load:\n  steady: { durationSeconds: 60, intervalSeconds: 10 }\n`, /jitter/],
    ["a typo", `load:\n  keepalive: true\n`, /keepAlive/],
    ["arrival and load.phases", `arrival: { rate: 5 }\nload:\n  phases: [{ durationSeconds: 1, rate: 1 }]\n`, /load\.phases replaces arrival/],
  ])("refuses %s with a position", (_name, tail, message) => {
    const e = failure(`${HEAD}${tail}`);
    expect(e.message).toMatch(message);
    expect(e.message).toMatch(/s\.yaml:\d+:\d+/);
  });
});

describe("scenario load: block (runScenario, virtual time)", () => {
  async function run(tail: string, options: { load?: object; timeScale?: number } = {}) {
    const dir = mkdtempSync(join(tmpdir(), "enrollsim-loadblock-"));
    const file = join(dir, "s.yaml");
    writeFileSync(file, `${HEAD}${tail}`);
    const clock = new VirtualClock(NOW);
    const ca = await ReferenceServer.create({ now: () => clock.now() });
    const starts: number[] = [];
    const done = runScenario(file, {
      adapters: { clock, http: new InMemoryHttp({ clock, handler: { "http://ca.test": ca.handler } }) },
      keys: await testKeys(),
      progress: false,
      capacity: false,
      observers: [{ onDeviceStart: () => starts.push(clock.now() - NOW) }],
      ...options,
    });
    const { summary } = await clock.run(done, 600_000);
    return { summary, starts };
  }

  it("uses the block's phases in place of arrival: devices not due by the end of the last phase are not started", async () => {
    const { summary, starts } = await run(`load:\n  phases: [{ durationSeconds: 2, rate: 2 }]\nexpect:\n  failures: [{ code: runner.deadline, count: 2 }]\n`);
    // Four arrivals in 2 s at 2/s; the other two are reported as runner.deadline when the phases end.
    expect(starts.slice(0, 4)).toEqual([0, 500, 1000, 1500]);
    expect(summary).toMatchObject({ enrolled: 4, failed: 2, ok: true });
    expect(summary.errors["runner.deadline"]?.count).toBe(2);
  });

  it("is replaced by options.load (--load FILE)", async () => {
    const { summary, starts } = await run(`load:\n  phases: [{ durationSeconds: 2, rate: 2 }]\n`, { load: { phases: [{ durationSeconds: 10, rate: 1 }] } });
    expect(starts).toEqual([0, 1000, 2000, 3000, 4000, 5000]);
    expect(summary).toMatchObject({ enrolled: 6, failed: 0, ok: true });
  });
});
