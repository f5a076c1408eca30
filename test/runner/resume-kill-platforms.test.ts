// SPDX-License-Identifier: MIT
/**
 * Exactly-once resume under SIGKILL for Apple and Windows fleets (issue 13 #5), beside the SCEP one
 * (resume-kill.test.ts). Each fleet runs against a reference server in this process (a URL server
 * with --ca), so the server's own records survive every kill; the run is SIGKILLed when about 10 %,
 * 50 % and 90 % of the fleet is enrolled and resumed with --resume each time.
 *
 * A slow server keeps devices in each durable state long enough for a kill to catch them there: a
 * front (support/slow-front.ts) answers the request that leaves each state late, after the server has
 * handled it (the SCEP PKIOperation, Apple check-ins; WSTEP and the OMA-DM session), so a kill also
 * catches devices whose request the server holds but whose answer never came. Apple devices poll a
 * second command session. Devices arrive at a steady rate so that a kill finds them in every phase.
 *
 * Checked against the server's records: enrollments per device (Apple: identities that sent
 * Authenticate per UDID; Windows: WSTEP issues per DeviceID), certificates per device, PKCSReqs
 * per SCEP transaction. A device with more than one must have a resumed-restart in the store's
 * resume history (and so in the report's resumeHistory); a device that continued from a checkpoint
 * every time it was resumed must have exactly one of each.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ChildProcess } from "node:child_process";
import { beforeAll, describe, expect, it } from "vitest";
import { SqliteFleetStore } from "../../src/api/store/sqlite.js";
import { FileKeyPool } from "../../src/platform/node/keypool/index.js";
import type { ExtendedSummary } from "../../src/report/metrics.js";
import type { StoredDevice } from "../../src/runner/store/types.js";
import { ReferenceServer } from "../../src/server/reference-server.js";
import { cli, ensureBuilt, MAIN } from "./support/cli.js";
import { slowFront } from "./support/slow-front.js";

const dir = mkdtempSync(join(tmpdir(), "enrollsim-resume-kill-platforms-"));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const DELAY = 700;
/** Path and query of a request URL (the listener passes the request line's target). */
const pathOf = (url: string): string => {
  const u = new URL(url, "http://front");
  return u.pathname + u.search;
};

interface Fleet {
  name: string;
  model: string;
  flow: string;
  count: number;
  options: string;
  /** Request paths answered late (each request leaves one durable state). */
  slow: RegExp;
  /** The durable states a kill should catch devices in ("none": in flight without a checkpoint). */
  states: string[];
}

const FLEETS: Fleet[] = [
  {
    name: "apple",
    model: "iphone-15",
    flow: "ios-profile",
    count: 120,
    options: "{ apple: { sessions: { min: 2, pollSeconds: 1 } } }",
    slow: /^\/(scep\?operation=PKIOperation|apple\/checkin)/,
    states: ["scep.pkioperation", "apple.authenticate", "apple.tokenupdate", "apple.commands"],
  },
  {
    name: "windows",
    model: "windows-11-laptop",
    flow: "windows-byod",
    count: 120,
    options: "{ windows: { polls: 1, minuteMs: 1000 } }",
    slow: /^\/(EnrollmentServer\/Enrollment\.svc|ManagementServer\/)/i,
    states: ["none", "windows.omadm"],
  },
];

function readStore(file: string, readonly: boolean): StoredDevice[] | undefined {
  try {
    const s = SqliteFleetStore.open(file, { readonly });
    try {
      return s.list();
    } finally {
      s.close();
    }
  } catch {
    return undefined; // not created yet
  }
}

const tally = (keys: string[]): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const k of keys) out[k] = (out[k] ?? 0) + 1;
  return out;
};

describe("SIGKILL at three moments of Apple and Windows runs, resumed each time", () => {
  beforeAll(async () => {
    ensureBuilt();
    await FileKeyPool.open({ ensure: Math.max(...FLEETS.map((f) => f.count)) });
  }, 600_000);

  for (const fleet of FLEETS) {
    it(`${fleet.name} (${fleet.count} × ${fleet.flow}): every device in flight continues from its checkpoint or is counted resumed-restart; the server holds no uncounted duplicate`, async () => {
      const server = await ReferenceServer.start({});
      const front = await slowFront(server, (req) => fleet.slow.test(pathOf(req.url)), DELAY);
      try {
        const scenario = join(dir, `${fleet.name}.yaml`);
        const ca = join(dir, `${fleet.name}-ca.pem`);
        writeFileSync(ca, server.caPem);
        writeFileSync(
          scenario,
          `name: resume-kill-${fleet.name}
seed: 13
server: ${front.urls.https}
groups:
  - name: fleet
    model: ${fleet.model}
    count: ${fleet.count}
    flow: ${fleet.flow}
    options: ${fleet.options}
arrival: { rate: 8 }
limits: { durationSeconds: 600 }
`,
        );
        const store = join(dir, `${fleet.name}.db`);
        const args = ["run", scenario, "--no-progress", "--key-pool-size", String(fleet.count), "--ca", ca, "--store", store];
        const kills: { at: number; inFlight: Record<string, number>; enrolled: number; resumed?: { checkpoint: Record<string, number>; restart: number }; duplicates?: number; restarted?: number[] }[] = [];
        const runs: { from: number; to: number }[] = [];
        for (const [k, at] of [0.1, 0.5, 0.9].entries()) {
          let child: ChildProcess | undefined;
          const from = Date.now();
          const run = cli(MAIN, k === 0 ? args : [...args, "--resume"], { onSpawn: (p) => (child = p), timeoutMs: 150_000 });
          while ((readStore(store, true)?.filter((d) => d.state === "enrolled").length ?? 0) < at * fleet.count && Date.now() - from < 120_000) await sleep(50);
          child!.kill("SIGKILL");
          const r = await run;
          expect(r.signal, r.stderr).toBe("SIGKILL");
          runs.push({ from, to: Date.now() });
          const rows = readStore(store, false)!; // read-write: recovers the WAL the killed run left
          const inFlight = rows.filter((d) => d.state === "enrolling");
          kills.push({ at, inFlight: tally(inFlight.map((d) => d.checkpoint?.step ?? "none")), enrolled: rows.filter((d) => d.state === "enrolled").length });
          expect(inFlight.length, `in flight at the ${at} kill`).toBeGreaterThan(0);
        }
        const last = await cli(MAIN, [...args, "--resume", "--json"], { timeoutMs: 150_000 });
        expect(last.code, last.stderr).toBe(0);
        const report = JSON.parse(last.stdout) as ExtendedSummary;
        runs.push({ from: runs[2]!.to, to: Date.now() });

        const rows = readStore(store, false)!;
        expect(rows.filter((d) => d.state === "enrolled")).toHaveLength(fleet.count);
        expect(rows.filter((d) => d.checkpoint)).toHaveLength(0);
        // How the run after each kill continued the devices that kill caught (from the store's resume history, by when it was written).
        const entries = rows.flatMap((d) => (d.resumes ?? []).map((e) => ({ ...e, device: d.index })));
        for (const [k, kill] of kills.entries()) {
          const next = runs[k + 1]!;
          const mine = entries.filter((e) => e.at >= runs[k]!.to && e.at <= next.to);
          kill.resumed = { checkpoint: tally(mine.filter((e) => e.mode === "checkpoint").map((e) => e.state ?? "?")), restart: mine.filter((e) => e.mode === "restart").length };
          kill.restarted = mine.filter((e) => e.mode === "restart").map((e) => e.device);
          const caught = Object.values(kill.inFlight).reduce((a, b) => a + b, 0);
          // Every device a kill caught was resumed once by the next run (it starts them first), from its checkpoint or restarted.
          expect(Object.values(kill.resumed.checkpoint).reduce((a, b) => a + b, 0) + kill.resumed.restart, `resumes after the ${kill.at} kill`).toBe(caught);
        }
        // The report counts every resume over the store, and this run's own.
        const restarts = entries.filter((e) => e.mode === "restart");
        expect(report.resumeHistory).toEqual({
          devices: new Set(entries.map((e) => e.device)).size,
          restart: restarts.length,
          fromCheckpoint: tally(entries.filter((e) => e.mode === "checkpoint").map((e) => e.state!)),
        });
        expect(report.resumedRestart! + report.resumedFromCheckpoint!).toBe(Object.values(kills[2]!.inFlight).reduce((a, b) => a + b, 0));

        // The server's own records, mapped to devices by the identifiers they carry.
        const ids = new Map<string, number>();
        for (const d of rows) {
          const id = JSON.parse(d.identity) as { udid?: string; serialNumber: string; windows?: { deviceId: string } };
          for (const v of [id.udid, id.serialNumber, id.windows?.deviceId]) if (v) ids.set(v.toUpperCase(), d.index);
        }
        const deviceOf = (text: string): number | undefined => [...ids].find(([v]) => text.toUpperCase().includes(v))?.[1];
        const rec = server.records();
        const enrollments = new Map<number, number>();
        for (const e of rec.enrollments) {
          const d = deviceOf(Object.values(e.ids).join(" "));
          if (d !== undefined) enrollments.set(d, (enrollments.get(d) ?? 0) + (e.enrollments ?? 1));
        }
        const certificates = new Map<number, number>();
        for (const c of rec.certificates) {
          const d = deviceOf(c.subject);
          if (d !== undefined) certificates.set(d, (certificates.get(d) ?? 0) + 1);
        }
        const pkcsReqs = new Map<number, number>();
        for (const s of rec.scepRequests) {
          const d = deviceOf(s.subject);
          if (d !== undefined) pkcsReqs.set(d, (pkcsReqs.get(d) ?? 0) + s.pkcsReqs);
        }
        expect(enrollments.size).toBe(fleet.count);
        expect(certificates.size).toBe(fleet.count);
        const duplicated = [...new Set([...enrollments, ...certificates, ...pkcsReqs].filter(([, n]) => n > 1).map(([d]) => d))].sort((a, b) => a - b);
        const restarted = new Set(restarts.map((e) => e.device));
        const uncounted = duplicated.filter((d) => !restarted.has(d));
        // Per kill: the devices its next run restarted that the server now holds twice (all counted, by the check above).
        for (const kill of kills) {
          kill.duplicates = kill.restarted!.filter((d) => duplicated.includes(d)).length;
          delete kill.restarted;
        }
        expect(uncounted, "devices the server holds twice without a resumed-restart").toEqual([]);
        // Devices only ever continued from checkpoints hold exactly one enrollment and one certificate.
        for (const e of entries.filter((x) => !restarted.has(x.device))) {
          expect([enrollments.get(e.device), certificates.get(e.device)], `device ${e.device}`).toEqual([1, 1]);
        }
        const caughtStates = new Set(kills.flatMap((k) => Object.keys(k.inFlight)));
        for (const state of fleet.states) expect(caughtStates.has(state), `a kill caught a device in ${state}: ${JSON.stringify(kills)}`).toBe(true);
        console.log(
          JSON.stringify({
            fleet: fleet.name,
            kills,
            report: { resumedFromCheckpointByState: report.resumedFromCheckpointByState, resumedRestart: report.resumedRestart, resumeHistory: report.resumeHistory },
            server: { duplicated: duplicated.length, uncounted: uncounted.length },
          }),
        );
      } finally {
        await front.close();
        await server.close();
      }
    }, 420_000);
  }
});
