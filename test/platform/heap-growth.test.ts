// SPDX-License-Identifier: MIT
/**
 * `enrollsim run --heap-growth`: the value is checked before anything runs, and the setting
 * really bounds how far V8's old generation grows past its live objects (measured in a child
 * process, since V8 flags are process-wide).
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { ScenarioError } from "../../src/errors/index.js";
import { FLEET_HEAP_GROWTH_PERCENT, parseHeapGrowth } from "../../src/platform/node/heap.js";
import { cli, ensureBuilt, MAIN, ROOT } from "../runner/support/cli.js";

const run = promisify(execFile);

beforeAll(() => ensureBuilt(), 300_000);

describe("parseHeapGrowth", () => {
  it("accepts 0 (V8's own factor) and whole percentages from 10 to 300", () => {
    expect(parseHeapGrowth("0")).toBe(0);
    expect(parseHeapGrowth("10")).toBe(10);
    expect(parseHeapGrowth(300)).toBe(300);
    expect(FLEET_HEAP_GROWTH_PERCENT).toBeGreaterThanOrEqual(10);
  });

  it("refuses anything else with the option, the value and the range", () => {
    for (const bad of ["", "abc", "5", "301", "1.5", "-20", 9]) {
      expect(() => parseHeapGrowth(bad)).toThrow(ScenarioError);
      expect(() => parseHeapGrowth(bad)).toThrow(/--heap-growth .*expected 0 .* from 10 to 300/);
    }
  });
});

/** Child: a live set of ≈ 40 MiB, then a fixed count of short-lived allocations; prints the old space's largest committed size in MiB. */
const CHURN = `
import { getHeapSpaceStatistics } from "node:v8";
const { setHeapGrowth } = await import(process.argv[1]);
setHeapGrowth(Number(process.argv[2]));
const live = [];
for (let i = 0; i < 200000; i++) live.push({ s: "x".repeat(150) + i, a: [i, i + 1] });
let kept = [];
let max = 0;
for (let round = 0; round < 800; round++) {
  for (let k = 0; k < 1000; k++) kept.push({ s: "y".repeat(200) + k, a: new Array(20).fill(k) });
  if (kept.length > 40000) kept = kept.slice(20000);
  max = Math.max(max, getHeapSpaceStatistics().find((x) => x.space_name === "old_space").space_size);
}
process.stdout.write(String(Math.round(max / 1048576) + live.length * 0));
`;

async function oldSpaceMax(percent: number): Promise<number> {
  const { stdout } = await run(process.execPath, ["--input-type=module", "-e", CHURN, join(ROOT, "dist/platform/node/heap.js"), String(percent)], { timeout: 60_000 });
  return Number(stdout);
}

describe("setHeapGrowth in a process", () => {
  it("bounds the old generation: growth 20 % keeps it well under growth 300 % for the same allocations", async () => {
    const tight = await oldSpaceMax(20);
    const loose = await oldSpaceMax(300);
    expect(tight).toBeGreaterThan(40); // the live set is there in both
    expect(tight).toBeLessThan(loose * 0.6);
  }, 120_000);

  it("enrollsim run refuses a bad --heap-growth before anything runs", async () => {
    const r = await cli(MAIN, ["run", "scenarios/scep-fleet.yaml", "--heap-growth", "5000", "--no-progress"], { timeoutMs: 60_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--heap-growth 5000: expected 0 .* from 10 to 300/);
  }, 90_000);
});
