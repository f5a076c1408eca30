// SPDX-License-Identifier: MIT
/** `enrollsim validate FILE…` and `run --dry-run` report every problem of every file at once, exit 2 when any file is bad. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, ensureBuilt, MAIN } from "../runner/support/cli.js";

const BAD = `name: bad
seed: 1
server: embedded
groups:
  - name: a
    modle: iphone-15
    count: 3
    flow: scep
  - name: b
    model: pixel-8
    count: -1
    flow: scep
arrival: { concurency: 3 }
`;
const BAD2 = `name: bad2
server: embedded
groups:
  - name: a
    model: iphone-99
    count: 3
    flow: scepp
`;
const GOOD = `name: good
server: embedded
embedded: { scep: { challenge: c-2026 } }
groups:
  - { name: a, model: pixel-8, count: 2, flow: scep, options: { scep: { challenge: c-2026 } } }
`;

describe("validate / run --dry-run", () => {
  ensureBuilt();
  const dir = mkdtempSync(join(tmpdir(), "enrollsim-validate-"));
  const bad = join(dir, "bad.yaml");
  const bad2 = join(dir, "bad2.yaml");
  const good = join(dir, "good.yaml");
  writeFileSync(bad, BAD);
  writeFileSync(bad2, BAD2);
  writeFileSync(good, GOOD);
  const badProblems = [`${bad}:6:5: unknown property "modle" in groups[0]`, `${bad}:11:12: groups[1].count must be an integer from 1 to 1000000 (got -1)`, `${bad}:13:12: unknown property "concurency" in arrival`];

  it("lists every problem of every file, one line each with file:line:column and did-you-mean; exit 2", async () => {
    const r = await cli(MAIN, ["validate", bad, bad2, good]);
    expect(r.code).toBe(2);
    for (const p of badProblems) expect(r.stderr).toContain(p);
    expect(r.stderr).toContain('did you mean "concurrency"?');
    expect(r.stderr).toContain(`${bad2}:5:12: unknown device model "iphone-99"`);
    expect(r.stderr).toContain(`${bad2}:7:11: unknown flow "scepp"`);
    // The consequences of a typo ("missing model" next to "modle") are not listed as problems of their own.
    expect(r.stderr).not.toContain('missing required property "model"');
    expect(r.stdout).toContain(`${bad}: 3 problem(s)`);
    expect(r.stdout).toContain(`${bad2}: 2 problem(s)`);
    expect(r.stdout).toContain(`${good}: ok (scenario good, 2 device(s) in 1 group(s)`);
  }, 60_000);

  it("exit 0 when every file is valid", async () => {
    const r = await cli(MAIN, ["validate", good]);
    expect(r.code, r.stderr).toBe(0);
  }, 60_000);

  it("run --dry-run checks without running: all problems and exit 2, or ok and exit 0; a plain run of a bad file lists them all too", async () => {
    const dry = await cli(MAIN, ["run", bad, "--dry-run"]);
    expect(dry.code).toBe(2);
    for (const p of badProblems) expect(dry.stderr).toContain(p);
    const ok = await cli(MAIN, ["run", good, "--dry-run"]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/ok \(scenario good/);
    expect(ok.stdout).not.toMatch(/enrolled/);
    const run = await cli(MAIN, ["run", bad, "--no-progress"]);
    expect(run.code).toBe(2);
    for (const p of badProblems) expect(run.stderr).toContain(p);
  }, 60_000);
});
