// SPDX-License-Identifier: MIT
/**
 * The steady state on the real clock and real loopback sockets: devices check in on a
 * compressed cadence, and when the run ends no timer, socket or handle it created is left
 * (process.getActiveResourcesInfo before/after). Also the CLI wiring of --load/--time-scale.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runScenario } from "../../src/api/run-scenario.js";
import type { ExtendedSummary } from "../../src/report/metrics.js";
import { cli, ensureBuilt, MAIN } from "./support/cli.js";

const dir = mkdtempSync(join(tmpdir(), "enrollsim-steady-"));
const scenario = join(dir, "steady.yaml");
writeFileSync(
  scenario,
  `name: steady
seed: 5
server: embedded
embedded: { scep: { challenge: steady-secret } }
groups:
  - { name: phones, model: iphone-15, count: 6, flow: scep, options: { scep: { challenge: steady-secret } } }
  - { name: pixels, model: pixel-8, count: 4, flow: scep, options: { scep: { challenge: steady-secret } } }
arrival: { concurrency: 5 }
limits: { durationSeconds: 60 }
`,
);
const count = (kinds: string[]) => {
  const c: Record<string, number> = {};
  for (const k of kinds) c[k] = (c[k] ?? 0) + 1;
  return c;
};

describe("steady state on the real clock", () => {
  beforeAll(() => ensureBuilt(), 300_000);

  it("checks in on a time-scaled cadence and leaves no timer or socket behind", async () => {
    // warm-up run so lazily created process-wide resources (key pool, DNS) exist before counting
    await runScenario(scenario, { keyPoolSize: 24, progress: false });
    const before = count(process.getActiveResourcesInfo());
    const t0 = Date.now();
    // 600 s of device time at timeScale 300 = 2 s; cadence 60 s → every 0.2 s ± 20 %
    const { summary } = await runScenario(scenario, {
      keyPoolSize: 24,
      progress: false,
      load: { timeScale: 300, steady: { durationSeconds: 600, intervalSeconds: 60, jitter: 0.2 } },
    });
    const elapsed = Date.now() - t0;
    expect(summary.enrolled).toBe(10);
    expect(summary.checkins!.failed).toBe(0);
    expect(summary.checkins!.total).toBeGreaterThanOrEqual(10 * 5);
    expect(summary.checkins!.total).toBeLessThanOrEqual(10 * 13);
    expect(summary.steps["checkin.scep.getcacaps"]!.count).toBe(summary.checkins!.total);
    expect(summary.platforms!.ios!.checkins + summary.platforms!.android!.checkins).toBe(summary.checkins!.total);
    expect(elapsed).toBeLessThan(20_000);
    await new Promise((r) => setTimeout(r, 200)); // let closed sockets finish closing
    const after = count(process.getActiveResourcesInfo());
    for (const kind of ["Timeout", "TCPSocketWrap", "TCPServerWrap", "TLSWrap"]) expect(after[kind] ?? 0, kind).toBeLessThanOrEqual(before[kind] ?? 0);
  }, 60_000);

  it("enrollsim run --load FILE --time-scale N runs the steady phase; a bad load file is refused", async () => {
    const load = join(dir, "load.yaml");
    writeFileSync(load, "concurrency: 4\nsteady: { durationSeconds: 300, intervalSeconds: 60, jitter: 0.1, maxCheckinsPerDevice: 2 }\n");
    const r = await cli(MAIN, ["run", scenario, "--no-progress", "--key-pool-size", "24", "--load", load, "--time-scale", "100", "--json"], { timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as ExtendedSummary;
    expect(s.checkins).toEqual({ total: 20, failed: 0 });
    const bad = join(dir, "bad.yaml");
    writeFileSync(bad, "steady: { durationSeconds: 300, intervalSeconds: 60, jiter: 0.1 }\n");
    const b = await cli(MAIN, ["run", scenario, "--no-progress", "--load", bad], { timeoutMs: 30_000 });
    expect(b.code).toBe(2);
    expect(b.stderr).toContain('unknown key "jiter"');
  }, 90_000);
});
