// SPDX-License-Identifier: MIT
/** Corrupt or truncated run JSON handed to `report merge`: exit 2 with the file and line:column, never a crash. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { summaryToJson } from "../../src/report/json.js";
import { SummaryCollector } from "../../src/report/summary.js";
import { cli, ensureBuilt, MAIN } from "../runner/support/cli.js";

let dir: string;
beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), "enrollsim-corrupt-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function summaryText(): string {
  const c = new SummaryCollector({ now: () => 0 });
  c.onRunStart({ scenario: "s", devices: 1, seed: "x" });
  c.onStep({ device: "d", step: "scep.getcacaps", ms: 3, ok: true });
  c.onRunEnd({ durationMs: 5 });
  return summaryToJson(c.summary());
}

describe("report merge with a corrupt or truncated run JSON", () => {
  it("names the file and the line:column, exit 2", async () => {
    const good = join(dir, "s0.json");
    const cut = join(dir, "s1.json");
    const text = summaryText();
    writeFileSync(good, text);
    const kept = text.slice(0, Math.floor(text.length / 2));
    writeFileSync(cut, kept);
    const r = await cli(MAIN, ["report", "merge", good, cut]);
    expect(r.code).toBe(2);
    const lines = kept.split("\n");
    expect(r.stderr).toContain(`${cut}:${lines.length}:`);
    expect(r.stderr).toMatch(/not valid JSON: expected .*truncated/);
    expect(r.stderr).not.toMatch(/internal error|at .*\.js:\d+/);
  });

  it("report html names the file and line:column of a truncated summary too", async () => {
    const cut = join(dir, "html-in.json");
    const text = summaryText();
    writeFileSync(cut, text.slice(0, 40));
    const r = await cli(MAIN, ["report", "html", cut, "-o", join(dir, "r.html")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`${cut.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}:\\d+:\\d+: not valid JSON`));
  });
});

describe("inspect with a path it cannot read", () => {
  it("a missing file: exit 2 naming the file and the reason, not an internal error", async () => {
    const missing = join(dir, "no-such.pem");
    const r = await cli(MAIN, ["inspect", missing]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${missing}: cannot read it (no such file)`);
    expect(r.stderr).not.toMatch(/internal error|at .*\.js:\d+/);
  });

  it("a directory: exit 2 saying it is a directory", async () => {
    const r = await cli(MAIN, ["inspect", dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${dir}: cannot read it (it is a directory)`);
    expect(r.stderr).not.toMatch(/internal error/);
  });
});
