// SPDX-License-Identifier: MIT
/**
 * Exactly-once resume under SIGKILL (issue 13 #5): a 1,000-device SCEP run is killed three times
 * (early, middle, late) and resumed each time with --resume. The reference server runs in this
 * process (a URL server with --ca), so its own records survive every kill: no device subject may
 * have sent two PKCSReqs, or hold two certificates, unless the report counted it resumed-restart.
 * The CA answers PENDING once and devices poll after 1 s, so many devices are in flight between
 * their PKCSReq and their certificate at each kill: those must resume by CertPoll.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ChildProcess } from "node:child_process";
import { beforeAll, describe, expect, it } from "vitest";
import { SqliteFleetStore } from "../../src/api/store/sqlite.js";
import { FileKeyPool } from "../../src/platform/node/keypool/index.js";
import type { ExtendedSummary } from "../../src/report/metrics.js";
import { ReferenceServer } from "../../src/server/reference-server.js";
import { cli, ensureBuilt, MAIN } from "./support/cli.js";

const TOTAL = 1000;
const dir = mkdtempSync(join(tmpdir(), "enrollsim-resume-kill-"));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("SIGKILL at three moments of a 1,000-device run, resumed each time", () => {
  // One key per device (slot = index): devices sharing a pool key would share a SCEP transaction id
  // (RFC 8894 derives it from the key), and a server may answer one device's poll with the other's transaction.
  beforeAll(async () => {
    ensureBuilt();
    await FileKeyPool.open({ ensure: TOTAL }); // the test pool (ENROLLSIM_KEY_POOL): generated once, ~1 min on an idle 2-core machine
  }, 600_000);

  it("every device in flight resumes from its checkpoint or is counted resumed-restart; the server holds no uncounted duplicate", async () => {
    const server = await ReferenceServer.start({ scep: { challenge: "kill-secret", pending: 1 } });
    try {
      const scenario = join(dir, "kill.yaml");
      const ca = join(dir, "ca.pem");
      writeFileSync(ca, server.caPem);
      writeFileSync(
        scenario,
        `name: resume-kill
seed: 13
server: ${server.urls.https}
groups:
  - name: fleet
    model: iphone-15
    count: ${TOTAL}
    flow: scep
    options: { scep: { challenge: kill-secret, subject: "CN=%SERIAL%,O=resume-kill", poll: { maxAttempts: 5, delayMs: 1000 } } }
arrival: { concurrency: 40 }
limits: { durationSeconds: 600 }
`,
      );
      const store = join(dir, "fleet.db");
      const args = ["run", scenario, "--no-progress", "--key-pool-size", String(TOTAL), "--ca", ca, "--store", store];
      // Devices the store holds as enrolled (the server's issue count cannot say: devices that share a pool key share a transaction).
      const enrolled = () => {
        try {
          const live = SqliteFleetStore.open(store, { readonly: true });
          try {
            return live.counts().enrolled;
          } finally {
            live.close();
          }
        } catch {
          return 0; // not created yet
        }
      };
      const kills: { at: number; issued: number; inFlight: number; withCheckpoint: number; enrolled: number }[] = [];
      const reports: ExtendedSummary[] = [];
      // Serial numbers of devices in flight at some kill: with a checkpoint (must never be duplicated), without (resumed-restart).
      const fromCheckpoint = new Set<string>();
      const restarted = new Set<string>();
      // Kill when about 10 %, 50 % and 90 % of the fleet is enrolled.
      for (const [k, at] of [0.1, 0.5, 0.9].entries()) {
        let child: ChildProcess | undefined;
        const run = cli(MAIN, k === 0 ? args : [...args, "--resume"], { onSpawn: (p) => (child = p), timeoutMs: 120_000 });
        const t0 = Date.now();
        while (enrolled() < at * TOTAL && Date.now() - t0 < 100_000) await sleep(50);
        child!.kill("SIGKILL");
        const r = await run;
        expect(r.signal, r.stderr).toBe("SIGKILL");
        const s = SqliteFleetStore.open(store); // read-write: recovers the WAL the killed run left
        const rows = s.list();
        s.close();
        const inFlight = rows.filter((d) => d.state === "enrolling");
        for (const d of inFlight) (d.checkpoint ? fromCheckpoint : restarted).add((JSON.parse(d.identity) as { serialNumber: string }).serialNumber);
        kills.push({ at, issued: server.scep.stats.issued, inFlight: inFlight.length, withCheckpoint: inFlight.filter((d) => d.checkpoint).length, enrolled: rows.filter((d) => d.state === "enrolled").length });
        expect(inFlight.length, `in flight at the ${at} kill`).toBeGreaterThan(0);
      }
      const last = await cli(MAIN, [...args, "--resume", "--json"], { timeoutMs: 150_000 });
      expect(last.code, last.stderr).toBe(0);
      reports.push(JSON.parse(last.stdout) as ExtendedSummary);

      // Every run after a kill counted its in-flight devices; the last one is in the JSON.
      const final = reports[0]!;
      const lastKill = kills[2]!;
      expect(final.resumedFromCheckpoint).toBe(lastKill.withCheckpoint);
      expect(final.resumedRestart).toBe(lastKill.inFlight - lastKill.withCheckpoint);

      const s = SqliteFleetStore.open(store);
      const rows = s.list();
      s.close();
      expect(rows.filter((d) => d.state === "enrolled")).toHaveLength(TOTAL);
      expect(rows.filter((d) => d.checkpoint)).toHaveLength(0);

      // The server's own records: PKCSReqs per device subject, certificates per subject.
      const rec = server.records();
      const pkcsReqs = new Map<string, number>();
      for (const r of rec.scepRequests) pkcsReqs.set(r.subject, (pkcsReqs.get(r.subject) ?? 0) + r.pkcsReqs);
      const certs = new Map<string, number>();
      for (const c of rec.certificates) certs.set(c.subject, (certs.get(c.subject) ?? 0) + 1);
      const serialOf = (subject: string) => /CN=([^,]+)/.exec(subject)?.[1] ?? subject;
      const duplicated = [...new Set([...[...pkcsReqs].filter(([, n]) => n > 1), ...[...certs].filter(([, n]) => n > 1)].map(([subject]) => serialOf(subject)))];
      const polls = rec.scepRequests.reduce((n, r) => n + r.certPolls, 0);
      // Exactly once: a device the server saw enrol twice must be one that restarted after a kill, never one resumed from its checkpoint.
      expect(duplicated.filter((serial) => !restarted.has(serial) || fromCheckpoint.has(serial))).toEqual([]);
      expect(pkcsReqs.size).toBe(TOTAL);
      expect(certs.size).toBe(TOTAL);
      expect(polls).toBeGreaterThanOrEqual(TOTAL); // PENDING once: every device polled at least once
      console.log(
        JSON.stringify({
          kills,
          final: { resumedFromCheckpoint: final.resumedFromCheckpoint, resumedRestart: final.resumedRestart, enrolled: final.enrolled },
          server: { subjects: pkcsReqs.size, certificates: rec.certificates.length, polls, duplicated: duplicated.length },
        }),
      );
    } finally {
      await server.close();
    }
  }, 420_000);
});
