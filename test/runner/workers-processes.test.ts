// SPDX-License-Identifier: MIT
/**
 * `run --workers` end to end with the built CLI (worker threads load dist/): the same seed gives
 * the same fleet and outcomes with 1 and 2 workers against one embedded server (expect.server
 * sees every device once); the merged histograms equal `report merge` of the workers' parts; a
 * worker that dies is reported by index with the devices it held, counted worker.crashed, while the
 * other finishes (exit 70); bad --workers values; SIGINT; a shared store resumed.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { ExtendedSummary } from "../../src/report/metrics.js";
import type { runScenarioWorkers as RunWorkers } from "../../src/api/workers/run-workers.js";
import type { mergeExtended as Merge } from "../../src/report/metrics.js";
import { cli, ensureBuilt, MAIN, ROOT } from "./support/cli.js";

const dir = mkdtempSync(join(tmpdir(), "enrollsim-workers-"));
const scenario = join(dir, "workers.yaml");
writeFileSync(
  scenario,
  `name: workers
seed: 4242
server: embedded
embedded: { scep: { challenge: w-secret } }
groups:
  - { name: phones, model: iphone-15, count: 7, flow: scep, options: { scep: { challenge: w-secret } } }
  - { name: laptops, model: windows-11-laptop, count: 4, flow: scep, options: { scep: { challenge: w-secret } } }
  - { name: bad, model: pixel-8, count: 3, flow: scep, options: { scep: { challenge: wrong-one } } }
arrival: { concurrency: 4 }
expect:
  successRatio: 0.7
  failures: [ { code: scep.failInfo.badRequest, count: 3 } ]
  server: { duplicates: 0, certificates: { count: 11 } }
`,
);
const read = (f: string) => JSON.parse(readFileSync(f, "utf8")) as ExtendedSummary;
const common = [scenario, "--no-progress", "--key-pool-size", "14"];

describe("run --workers", () => {
  beforeAll(() => ensureBuilt(), 300_000);

  it("2 workers run the same devices to the same outcomes as 1, against one embedded server", async () => {
    const runs = await Promise.all([1, 2].map((w) => cli(MAIN, ["run", ...common, "--workers", String(w), "--report", join(dir, `w${w}.json`), "--trace", join(dir, `trace${w}`), "--html", join(dir, `w${w}.html`)])));
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    const [one, two] = [read(join(dir, "w1.json")), read(join(dir, "w2.json"))];
    expect(two.workers).toEqual({ count: 2, crashed: [] });
    for (const k of ["devices", "enrolled", "failed", "ok", "outcomes", "groups"] as const) expect(two[k], k).toEqual(one[k]);
    expect(Object.fromEntries(Object.entries(two.platforms!).map(([p, m]) => [p, [m.devices, m.enrolled, m.failed]]))).toEqual(Object.fromEntries(Object.entries(one.platforms!).map(([p, m]) => [p, [m.devices, m.enrolled, m.failed]])));
    for (const [step, s] of Object.entries(one.steps)) expect([two.steps[step]?.count, two.steps[step]?.failed], step).toEqual([s.count, s.failed]);
    // the server checks ran once over the whole fleet: 11 certificates, none twice
    expect(two.expectations.filter((e) => e.name.startsWith("server")).map((e) => e.ok)).toEqual([true, true]);
    // the same device names (identity = seed + index), each traced by exactly one worker
    const devices = (d: string) => readdirSync(join(dir, d)).sort();
    expect(devices("trace2")).toEqual(devices("trace1"));
    expect(devices("trace2")).toHaveLength(14);
    // the HTML report embeds the failing devices' transcripts, kept by the workers that ran them
    const pkiRequests = (f: string) => readFileSync(join(dir, f), "utf8").split("operation=PKIOperation").length - 1;
    expect(pkiRequests("w2.html")).toBeGreaterThan(0);
    expect(pkiRequests("w2.html")).toBe(pkiRequests("w1.html"));
  });

  it("shards × workers (the Kubernetes Job's --shard i/N --workers auto): report merge of the shards equals the single run", async () => {
    const runs = await Promise.all([0, 1].map((i) => cli(MAIN, ["run", ...common, "--shard", `${i}/2`, "--workers", "2", "--report", join(dir, `s${i}.json`)])));
    // expect.server needs one server for the fleet: a shard runs its own, so the shard run refuses it
    for (const r of runs) expect(r.stderr).toContain("expect.server checks one embedded server's records");
    // fleet-wide counts hold only on the merge: each shard checks a ratio, the merge the scenario's count
    const whole = join(dir, "no-server.yaml");
    writeFileSync(whole, readFileSync(scenario, "utf8").replace(/ {2}server: \{ duplicates[^\n]*\n/, ""));
    const part = join(dir, "shard-part.yaml");
    writeFileSync(part, readFileSync(whole, "utf8").replace("count: 3 }", "ratio: 0.1 }"));
    const ok = await Promise.all([0, 1].map((i) => cli(MAIN, ["run", part, "--no-progress", "--key-pool-size", "14", "--shard", `${i}/2`, "--workers", "2", "--report", join(dir, `s${i}.json`)])));
    for (const r of ok) expect(r.code, r.stderr).toBe(0);
    const merge = await cli(MAIN, ["report", "merge", join(dir, "s0.json"), join(dir, "s1.json"), "--scenario", whole]);
    expect(merge.code, merge.stderr).toBe(0);
    const merged = JSON.parse(merge.stdout) as ExtendedSummary;
    const one = read(join(dir, "w1.json"));
    for (const k of ["devices", "enrolled", "failed", "outcomes", "groups"] as const) expect(merged[k], k).toEqual(one[k]);
    expect(merged.workers).toEqual({ count: 4, crashed: [] });
  });

  it("one /metrics for every worker: after the run it counts each device once", async () => {
    let scraped = "";
    const r = await cli(MAIN, ["run", ...common, "--workers", "2", "--metrics-port", "0", "--linger", "20"], {
      onSpawn: (p) => {
        let seen = "";
        const onData = (d: Buffer) => {
          seen += d.toString();
          const url = /metrics: (http:\/\/127\.0\.0\.1:\d+\/metrics) stays up/.exec(seen)?.[1];
          if (!url) return;
          p.stderr!.off("data", onData);
          void fetch(url)
            .then((res) => res.text())
            .then((text) => (scraped = text))
            .finally(() => p.kill("SIGINT")); // ends the linger
        };
        p.stderr!.on("data", onData);
      },
    });
    expect(r.code, r.stderr).toBe(0);
    const count = (re: RegExp) => [...scraped.matchAll(re)].reduce((n, m) => n + Number(m[1]), 0);
    expect(count(/^enrollsim_device_results_total\{[^}]*outcome="ok"[^}]*\} (\d+)$/gm)).toBe(11);
    expect(count(/^enrollsim_device_results_total\{[^}]*outcome="failed"[^}]*\} (\d+)$/gm)).toBe(3);
    expect(count(/^enrollsim_step_duration_seconds_count\{[^}]*step="scep\.getcacaps"[^}]*\} (\d+)$/gm)).toBe(14);
  });

  it("scepFailInfo faults in a worker are CertReps signed by the parent's embedded CA (the shipped scep-renewal-refused scenario holds)", async () => {
    const r = await cli(MAIN, ["run", join(ROOT, "scenarios/faults/scep-renewal-refused.yaml"), "--no-progress", "--key-pool-size", "3", "--workers", "2", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as ExtendedSummary;
    expect(s.outcomes).toEqual({ "scep.failInfo.badRequest": 3 });
    expect(s.workers?.count).toBe(2);
  });

  it("APNs pushes cross threads: the parent's mock APNs wakes devices in the workers (the shipped ios-push scenario holds, same push counts)", async () => {
    const r = await cli(MAIN, ["run", join(ROOT, "scenarios/ios-push.yaml"), "--no-progress", "--key-pool-size", "4", "--workers", "2", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as ExtendedSummary;
    expect(s.steps["push.woken"]?.count).toBe(4);
    expect(s.steps["push.poll"]).toBeUndefined();
    expect(s.pushes).toMatchObject({ sent: 8, accepted: 8, delivered: 4, coalesced: 4 });
  });

  it("the merged histograms are report merge of the workers' parts", async () => {
    const { runScenarioWorkers } = (await import(join(ROOT, "dist/api/workers/run-workers.js"))) as { runScenarioWorkers: typeof RunWorkers };
    const { mergeExtended } = (await import(join(ROOT, "dist/report/metrics.js"))) as { mergeExtended: typeof Merge };
    let parts: readonly ExtendedSummary[] = [];
    const { summary } = await runScenarioWorkers(scenario, { workers: "2", keyPoolSize: 14, onParts: (p) => (parts = p) });
    expect(parts).toHaveLength(2);
    expect(parts.map((p) => p.devices)).toEqual([7, 7]);
    const merged = mergeExtended(parts);
    expect(summary.histograms).toEqual(merged.histograms);
    expect(summary.steps).toEqual(merged.steps);
    expect(summary.platforms).toEqual(merged.platforms);
    expect(summary.devices).toBe(14);
  });

  it("a note about the scenario (a loader warning) is said once, not once per worker", async () => {
    const { runScenarioWorkers } = (await import(join(ROOT, "dist/api/workers/run-workers.js"))) as { runScenarioWorkers: typeof RunWorkers };
    const warned = join(dir, "warned.yaml");
    writeFileSync(warned, `name: warned\nseed: 7\nserver: embedded\ngroups:\n  - { name: phones, model: iphone-15, count: 4, flow: scep }\nfaults:\n  - { match: { group: nobody }, status: { code: 503 } }\n`);
    const warnings: string[] = [];
    await runScenarioWorkers(warned, { workers: "2", keyPoolSize: 14, onWarning: (w) => warnings.push(w) });
    const never = warnings.filter((w) => w.includes("can never fire"));
    expect(never).toHaveLength(1);
  });

  it("a worker that dies is reported by index with the devices it held, counted worker.crashed; the other finishes (exit 70)", async () => {
    // test-only hook: worker 1 throws an uncaught exception after its first device ends
    const r = await cli(MAIN, ["run", ...common, "--workers", "2", "--report", join(dir, "crash.json")], { env: { ENROLLSIM_TEST_CRASH_WORKER: "1:1" } });
    expect(r.code, r.stderr).toBe(70);
    const s = read(join(dir, "crash.json"));
    const crashed = s.workers!.crashed;
    expect(crashed.map((c) => c.index)).toEqual([1]);
    expect(r.stderr).toMatch(/worker 1 died \(Error: test-only crash of worker 1 after 1 device\(s\)/);
    const held = crashed[0]!.held;
    expect(held).toBeGreaterThanOrEqual(1);
    expect(held).toBeLessThanOrEqual(6); // worker 1's slice is the 7 odd indices; at least one ended before the crash
    expect(crashed[0]!.devices.every((d) => Number(d.split("#")[1]) % 2 === 1)).toBe(true);
    expect(s.devices).toBe(14); // nobody dropped
    expect(s.outcomes["worker.crashed"]).toBe(held);
    expect(s.errors["worker.crashed"]).toMatchObject({ count: held, blame: "internal" });
    expect(s.enrolled + s.failed).toBe(14);
    // worker 0 (even indices) finished all 7 of its devices
    expect((s.outcomes["scep.issued"] ?? 0) + (s.outcomes["scep.failInfo.badRequest"] ?? 0)).toBe(14 - held);
    expect(r.stdout).toContain("CRASHED: worker 1");
  });

  it("bad --workers values: usage error 2 naming the value; more than the devices is cut down with a warning", async () => {
    for (const bad of ["0", "many"]) {
      const r = await cli(MAIN, ["run", ...common, "--workers", bad]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`--workers "${bad}": expected a whole number ≥ 1 or "auto"`);
    }
    // a timeline acts on one thread's devices and server together: refused by name, not run wrong
    const tl = await cli(MAIN, ["run", join(ROOT, "scenarios/timeline/apple-records-deleted-certificate-revoked.yaml"), "--no-progress", "--workers", "2"]);
    expect(tl.code).toBe(2);
    expect(tl.stderr).toContain("--workers: the scenario's timeline acts on one thread's devices and server at once");
    const two = join(dir, "two.yaml");
    writeFileSync(
      two,
      readFileSync(scenario, "utf8")
        .replace(/groups:[\s\S]*arrival/, "groups:\n  - { name: phones, model: iphone-15, count: 2, flow: scep, options: { scep: { challenge: w-secret } } }\narrival")
        .replace(/expect:[\s\S]*/, ""),
    );
    const r = await cli(MAIN, ["run", two, "--no-progress", "--key-pool-size", "2", "--workers", "64", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/warning: --workers (64|\d+) is more than the (\d+ available core\(s\)|2 device\(s\))/);
    expect((JSON.parse(r.stdout) as ExtendedSummary).workers!.count).toBeLessThanOrEqual(2);
  });

  it("a shared store: a second run with --resume skips every device enrolled by the workers", async () => {
    const store = join(dir, "fleet.db");
    const first = await cli(MAIN, ["run", ...common, "--workers", "2", "--store", store, "--json"]);
    expect(first.code, first.stderr).toBe(0);
    const again = await cli(MAIN, ["run", ...common, "--workers", "2", "--store", store, "--resume", "--json"]);
    const s = JSON.parse(again.stdout) as ExtendedSummary;
    expect(s.resumedSkipped).toBe(11);
    expect(s.devices).toBe(3); // only the 3 that failed run again
  });

  it("SIGINT stops arrivals in every worker; the summary is marked interrupted (exit 130)", async () => {
    const slow = join(dir, "slow.yaml");
    writeFileSync(
      slow,
      readFileSync(scenario, "utf8")
        .replace("arrival: { concurrency: 4 }", "arrival: { rate: 1 }")
        .replace(/expect:[\s\S]*/, ""),
    );
    // SIGINT once the (non-TTY, every 5 s) progress line shows a device done: the workers are running by then
    const r = await cli(MAIN, ["run", slow, "--key-pool-size", "14", "--workers", "2", "--json", "--grace", "30"], {
      onSpawn: (p) => {
        let seen = "";
        const onData = (d: Buffer) => {
          seen += d.toString();
          if (!/progress: done [1-9]/.test(seen)) return;
          p.stderr!.off("data", onData);
          p.kill("SIGINT");
        };
        p.stderr!.on("data", onData);
      },
    });
    expect(r.code, r.stderr).toBe(130);
    const s = JSON.parse(r.stdout) as ExtendedSummary;
    expect(s.interrupted).toEqual({ signal: "SIGINT", aborted: false });
    expect(s.devices).toBe(14);
    expect(s.outcomes["runner.interrupted"]).toBeGreaterThan(0); // not started after the signal
    expect(s.devices - s.outcomes["runner.interrupted"]!).toBeGreaterThan(0); // started before it, and finished in the grace period
  });
});
