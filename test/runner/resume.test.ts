// SPDX-License-Identifier: MIT
/**
 * A run SIGKILLed mid-way and resumed with --resume reaches exactly the expected enrolled
 * count, with no device enrolled twice; then `fleet ls|checkin|unenroll` work on the store.
 */
import { mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ChildProcess } from "node:child_process";
import { beforeAll, describe, expect, it } from "vitest";
import { SqliteFleetStore } from "../../src/api/store/sqlite.js";
import type { StoredDevice } from "../../src/runner/store/types.js";
import type { ExtendedSummary } from "../../src/report/metrics.js";
import { cli, ensureBuilt, MAIN } from "./support/cli.js";

const dir = mkdtempSync(join(tmpdir(), "enrollsim-resume-"));
const scenario = join(dir, "resume.yaml");
const TOTAL = 40;
writeFileSync(
  scenario,
  `name: resume-test
seed: 99
server: embedded
embedded: { scep: { challenge: resume-secret } }
groups:
  - { name: phones, model: iphone-15, count: 25, flow: scep, options: { scep: { challenge: resume-secret } } }
  - { name: laptops, model: windows-11-laptop, count: 15, flow: scep, options: { scep: { challenge: resume-secret } } }
arrival: { rate: 8 }
limits: { durationSeconds: 120 }
`,
);
const store = join(dir, "fleet.db");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Reads the store; `live` while the run writes it (read-only), otherwise read-write (WAL recovery after a kill). */
function snapshot(live = false): StoredDevice[] | undefined {
  try {
    const s = SqliteFleetStore.open(store, { readonly: live });
    try {
      return s.list();
    } finally {
      s.close();
    }
  } catch {
    return undefined; // not created yet
  }
}

describe("SIGKILL mid-run, then --resume", () => {
  beforeAll(() => ensureBuilt(), 300_000);

  it("resumes to exactly the expected enrolled count; devices enrolled before the kill are not enrolled again", async () => {
    let child: ChildProcess | undefined;
    const first = cli(MAIN, ["run", scenario, "--no-progress", "--key-pool-size", "24", "--store", store], { onSpawn: (p) => (child = p), timeoutMs: 60_000 });
    let before: StoredDevice[] = [];
    const t0 = Date.now();
    while (Date.now() - t0 < 30_000) {
      const rows = snapshot(true);
      if (rows && rows.filter((r) => r.state === "enrolled").length >= 12) break;
      await sleep(50);
    }
    child!.kill("SIGKILL");
    const r1 = await first;
    expect(r1.signal).toBe("SIGKILL");
    before = snapshot()!;
    const enrolledBefore = before.filter((r) => r.state === "enrolled");
    expect(enrolledBefore.length).toBeGreaterThanOrEqual(12);
    expect(enrolledBefore.length).toBeLessThan(TOTAL); // really killed mid-way
    expect(statSync(store).mode & 0o777).toBe(0o600);

    // a second plain run on the same store is refused: it would enrol devices twice
    const refused = await cli(MAIN, ["run", scenario, "--no-progress", "--key-pool-size", "24", "--store", store], { timeoutMs: 30_000 });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--resume/);
    // a resume with another seed is refused
    const other = await cli(MAIN, ["run", scenario, "--no-progress", "--store", store, "--resume", "--seed", "7"], { timeoutMs: 30_000 });
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/seed/);

    const report = join(dir, "resumed.json");
    const r2 = await cli(MAIN, ["run", scenario, "--no-progress", "--key-pool-size", "24", "--store", store, "--resume", "--report", report, "--json"], { timeoutMs: 90_000 });
    expect(r2.code, r2.stderr).toBe(0);
    const summary = JSON.parse(r2.stdout) as ExtendedSummary;
    expect(summary.resumedSkipped).toBe(enrolledBefore.length);
    expect(summary.devices).toBe(TOTAL - enrolledBefore.length);
    expect(summary.enrolled).toBe(TOTAL - enrolledBefore.length);

    const after = snapshot()!;
    expect(after).toHaveLength(TOTAL);
    expect(after.filter((r) => r.state === "enrolled")).toHaveLength(TOTAL);
    for (const b of enrolledBefore) {
      const a = after.find((x) => x.index === b.index)!;
      expect(a.attempts).toBe(1);
      expect(a.serverIds).toEqual(b.serverIds);
      expect(a.certificates).toEqual(b.certificates);
      expect(a.enrolledAt).toBe(b.enrolledAt);
    }
    // every device has its identity, key slot and certificate
    for (const a of after) {
      expect(JSON.parse(a.identity).id).toBe(a.device);
      expect(a.certificates?.[0]?.pem).toMatch(/BEGIN CERTIFICATE/);
      expect(a.keySpkiSha256).toMatch(/^[0-9a-f]{64}$/);
    }
  }, 180_000);

  it("fleet ls, checkin and unenroll work on the resumed store", async () => {
    const ls = await cli(MAIN, ["fleet", "ls", "--store", store, "--json"]);
    expect(ls.code, ls.stderr).toBe(0);
    expect(JSON.parse(ls.stdout)).toMatchObject({ scenario: "resume-test", seed: "99", counts: { enrolled: TOTAL } });
    const ci = await cli(MAIN, ["fleet", "checkin", "--store", store, "--scenario", scenario, "--json"], { timeoutMs: 60_000 });
    expect(ci.code, ci.stderr).toBe(0);
    expect(JSON.parse(ci.stdout)).toEqual({ devices: TOTAL, ok: TOTAL, failed: {} });
    const un = await cli(MAIN, ["fleet", "unenroll", "--store", store, "--device", "0", "5"]);
    expect(un.stdout).toMatch(/^2 device/);
    const rows = snapshot()!;
    expect(rows.every((r) => r.checkins === 1)).toBe(true);
    expect(rows.filter((r) => r.state === "unenrolled").map((r) => r.index)).toEqual([0, 5]);
    // re-enrol: a resumed run enrols exactly the unenrolled devices again
    const again = await cli(MAIN, ["run", scenario, "--no-progress", "--key-pool-size", "24", "--store", store, "--resume", "--json"], { timeoutMs: 60_000 });
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ devices: 2, enrolled: 2, resumedSkipped: TOTAL - 2 });
    const final = snapshot()!;
    expect(final.filter((r) => r.state === "enrolled")).toHaveLength(TOTAL);
    expect(final.filter((r) => r.index === 0 || r.index === 5).map((r) => r.attempts)).toEqual(
      rows.filter((r) => r.index === 0 || r.index === 5).map((r) => r.attempts + 1),
    );
  }, 120_000);

  it("a corrupted store is named and refused by run --resume and fleet ls", async () => {
    const bad = join(dir, "bad.db");
    writeFileSync(bad, "definitely not sqlite".repeat(100));
    const r = await cli(MAIN, ["run", scenario, "--no-progress", "--store", bad, "--resume"], { timeoutMs: 30_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`fleet store ${bad} is damaged`);
    const l = await cli(MAIN, ["fleet", "ls", "--store", bad]);
    expect(l.code).toBe(2);
    expect(l.stderr).toContain(bad);
  }, 60_000);
});
