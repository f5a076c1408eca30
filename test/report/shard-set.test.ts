// SPDX-License-Identifier: MIT
/** `report merge` knows the run's shard count (from the shard tags or --shards) and refuses or flags a missing or doubled shard. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { mergeExtended, type ExtendedSummary } from "../../src/report/metrics.js";
import { cli, ensureBuilt, MAIN } from "../runner/support/cli.js";

const shard = (index: number, count: number, extra: Partial<ExtendedSummary> = {}): ExtendedSummary => ({
  scenario: "s",
  seed: "1",
  startedAt: "2026-01-01T00:00:00.000Z",
  durationMs: 1000,
  devices: 10,
  enrolled: 10,
  failed: 0,
  steps: {},
  errors: {},
  outcomes: { "scep.issued": 10 },
  groups: { g: { devices: 10, enrolled: 10, failed: 0 } },
  histograms: {},
  expectations: [],
  ok: true,
  ...(count ? { shard: { index, count } } : {}),
  ...extra,
});

describe("merge: shard completeness", () => {
  it("a complete set merges; a missing shard is refused naming it; --allow-partial marks the merge incomplete and not ok", () => {
    expect(mergeExtended([shard(0, 3), shard(2, 3), shard(1, 3)]).devices).toBe(30);
    expect(() => mergeExtended([shard(0, 3), shard(2, 3)])).toThrow(/shard\(s\) 1\/3 missing: 2 of 3 shards given/);
    const partial = mergeExtended([shard(0, 3), shard(2, 3)], undefined, { allowPartial: true });
    expect(partial.incomplete).toEqual({ shards: 3, missing: [1] });
    expect(partial.ok).toBe(false);
    expect(partial.devices).toBe(20);
  });

  it("refuses a shard given twice, disagreeing counts, a count other than --shards, and a mix of shard and non-shard summaries", () => {
    expect(() => mergeExtended([shard(0, 2), shard(0, 2), shard(1, 2)])).toThrow(/shard 0\/2 appears twice \(summaries 1 and 2\)/);
    expect(() => mergeExtended([shard(0, 2), shard(1, 3)])).toThrow(/disagree on the shard count/);
    expect(() => mergeExtended([shard(0, 2), shard(1, 2)], undefined, { shards: 3 })).toThrow(/--shards 3, but the summaries say they are shards of 2/);
    expect(() => mergeExtended([shard(0, 2), shard(0, 0)])).toThrow(/summary 2 has no shard tag/);
  });

  it("untagged summaries are checked against --shards by the shards they hold", () => {
    expect(mergeExtended([shard(0, 0), shard(0, 0)], undefined, { shards: 2 }).devices).toBe(20);
    expect(() => mergeExtended([shard(0, 0)], undefined, { shards: 2 })).toThrow(/--shards 2, but the 1 summaries carry no shard tag and hold 1 shard/);
  });

  it("an interrupted shard makes the merge interrupted", () => {
    const m = mergeExtended([shard(0, 2), shard(1, 2, { interrupted: { signal: "SIGTERM", aborted: false } })]);
    expect(m.interrupted).toEqual({ signal: "SIGTERM", aborted: false });
  });
});

describe("enrollsim report merge (built CLI)", () => {
  ensureBuilt();
  const dir = mkdtempSync(join(tmpdir(), "enrollsim-merge-"));
  const file = (name: string, s: ExtendedSummary): string => {
    writeFileSync(join(dir, name), JSON.stringify(s));
    return join(dir, name);
  };
  const a = file("s0.json", shard(0, 3));
  const b = file("s2.json", shard(2, 3));
  const c = file("s1.json", shard(1, 3));

  it("exit 0 for the whole set, 2 for a missing or doubled shard (the file list is wrong), 1 for an allowed partial merge", async () => {
    const ok = await cli(MAIN, ["report", "merge", a, b, c]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout).devices).toBe(30);

    const missing = await cli(MAIN, ["report", "merge", a, b]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/shard\(s\) 1\/3 missing.*--allow-partial/);
    expect(missing.stdout).toBe("");

    const twice = await cli(MAIN, ["report", "merge", a, a, b, c]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/shard 0\/3 appears twice/);

    const partial = await cli(MAIN, ["report", "merge", a, b, "--allow-partial"]);
    expect(partial.code).toBe(1);
    expect(partial.stderr).toMatch(/INCOMPLETE: shard\(s\) 1\/3 missing/);
    expect(JSON.parse(partial.stdout).incomplete).toEqual({ shards: 3, missing: [1] });

    const count = await cli(MAIN, ["report", "merge", a, b, c, "--shards", "4"]);
    expect(count.code).toBe(2);
    expect(count.stderr).toMatch(/--shards 4, but the summaries say they are shards of 3/);
  }, 60_000);
});
