// SPDX-License-Identifier: MIT
/** `--devices DIR`: a directory of device YAML files adds to or replaces the shipped catalog's models. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCatalogWith } from "../../src/runner/catalog-files.js";
import { cli, ensureBuilt, MAIN, ROOT } from "../runner/support/cli.js";

let dir: string;
const pixel = readFileSync(join(ROOT, "devices/pixel-8.yaml"), "utf8");

beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), "enrollsim-devices-"));
  mkdirSync(join(dir, "good"));
  writeFileSync(join(dir, "good/rugged-phone.yaml"), pixel.replace(/^id: pixel-8$/m, "id: rugged-phone").replace(/^marketingName: Pixel 8$/m, "marketingName: Rugged Phone X"));
  writeFileSync(join(dir, "good/pixel-8.yaml"), pixel.replace(/^marketingName: Pixel 8$/m, "marketingName: Pixel 8 (site build)"));
  mkdirSync(join(dir, "bad"));
  writeFileSync(join(dir, "bad/rugged-phone.yaml"), pixel.replace(/^id: pixel-8$/m, "id: rugged-phone").replace(/^manufacturer:/m, "manufacturr:"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("--devices DIR", () => {
  it("adds new models and replaces shipped ones by id", () => {
    const c = loadCatalogWith(join(dir, "good"));
    expect(c.get("rugged-phone").marketingName).toBe("Rugged Phone X");
    expect(c.get("pixel-8").marketingName).toBe("Pixel 8 (site build)");
    expect(c.has("iphone-15")).toBe(true);
  });

  it("a scenario runs a custom model; devices lists it", async () => {
    const scenario = join(dir, "s.yaml");
    writeFileSync(scenario, "name: custom\nseed: 1\nserver: embedded\nembedded: { scep: { challenge: c-secret } }\ngroups:\n  - { name: g, model: rugged-phone, count: 1, flow: scep, options: { scep: { challenge: c-secret } } }\n");
    const without = await cli(MAIN, ["validate", scenario]);
    expect(without.code).toBe(2);
    expect(without.stderr).toMatch(/rugged-phone/);
    const r = await cli(MAIN, ["run", scenario, "--devices", join(dir, "good"), "--no-progress", "--json", "--key-pool-size", "1"]);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { enrolled: number }).enrolled).toBe(1);
    // --workers: each worker thread reads the same directory.
    const workers = await cli(MAIN, ["run", scenario, "--devices", join(dir, "good"), "--workers", "2", "--no-progress", "--json", "--key-pool-size", "1"]);
    expect(workers.code, workers.stderr).toBe(0);
    expect((JSON.parse(workers.stdout) as { enrolled: number }).enrolled).toBe(1);
    const list = await cli(MAIN, ["devices", "--devices", join(dir, "good")]);
    expect(list.stdout).toMatch(/rugged-phone +android +Google +Rugged Phone X/);
  }, 60_000);

  it("a bad model file gets file:line:column, what was expected and a did-you-mean (exit 2)", async () => {
    const r = await cli(MAIN, ["devices", "--devices", join(dir, "bad")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/rugged-phone\.yaml:\d+:1: unknown field "manufacturr" in device model; did you mean "manufacturer"\?/);
    const e = await cli(MAIN, ["enroll", "scep", "--devices", join(dir, "nope")]);
    expect(e.code).toBe(2);
    expect(e.stderr).toMatch(/cannot read device catalog directory .*nope/);
  });
});
