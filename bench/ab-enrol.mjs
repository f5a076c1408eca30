// SPDX-License-Identifier: MIT
// A/B of simulator CPU per enrolment between two builds, for a loaded machine: each build runs in
// its own process, alternately (A B B A A B …), with the same scenario (seed 1), the same device
// count and the same concurrency, against its own reference server in a separate process. What
// is compared is process.cpuUsage() per enrolled device of the measured run only (a 40-device
// warm-up run goes first in every process), never wall time, which the other work on the machine
// decides.
//   node bench/ab-enrol.mjs --a ROOT_A --b ROOT_B [--bench apple|windows] [--devices 300] [--pairs 3]
//   node bench/ab-enrol.mjs --one ROOT [--bench apple] [--devices 300] [--profile FILE.cpuprofile]
// ROOT is a checkout with a built dist/ (e.g. `git archive main | tar -x -C /tmp/base` + a
// node_modules link + `npm run build`). --profile records a V8 CPU profile of the measured run
// alone (not the warm-up, scenario loading or floor measurements): summarise it with
// `node bench/profile.mjs --summarize FILE`. A FILE ending in .heapprofile records where the measured
// run allocates instead, garbage included (V8's sampling heap profiler, every 4 KiB; open it in DevTools' Memory tab).
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};

const BENCHES = {
  apple: { flow: "ios-profile", model: "iphone-15", platforms: { apple: {} }, options: () => ({}) },
  windows: {
    flow: "windows-byod",
    model: "windows-11-laptop",
    platforms: { windows: { password: "bench-Passw0rd" } },
    options: (base) => ({ windows: { upn: "user%INDEX%@contoso.com", password: "bench-Passw0rd", discoveryUrl: `${base}/EnrollmentServer/Discovery.svc` } }),
  },
};

function scenarioFile(o, url, devices, concurrency = 128) {
  const dir = mkdtempSync(join(tmpdir(), "enrollsim-ab-"));
  const file = join(dir, "ab.yaml");
  const g = `{ name: g, model: ${o.model}, count: ${devices}, flow: ${o.flow}, options: ${JSON.stringify(o.options(url))} }`;
  writeFileSync(file, `name: ab\nseed: 1\nserver: ${url}\ngroups: [ ${g} ]\narrival: { concurrency: ${concurrency} }\nlimits: { durationSeconds: 600, stepTimeoutMs: 30000 }\n`);
  return file;
}

async function one(root, which, devices, profileFile, concurrency) {
  const o = BENCHES[which];
  if (!o) throw new Error(`unknown benchmark ${which} (apple, windows)`);
  const at = (p) => import(pathToFileURL(join(root, p)).href);
  const { runScenario } = await at("dist/api/run-scenario.js");
  const { FileKeyPool } = await at("dist/platform/node/keypool/index.js");
  const { NodeHttp } = await at("dist/platform/node/http.js");
  const { RealClock } = await at("dist/platform/node/clock.js");
  const { startServerChild, cpuMs } = await at("bench/lib.mjs");
  const server = await startServerChild(o.platforms);
  try {
    const keys = await FileKeyPool.open({ spec: "rsa2048", ensure: Math.min(100, devices) });
    const common = { keys, progress: false, trust: [server.caPem], capacity: false };
    const clock = new RealClock();
    const warm = await runScenario(scenarioFile(o, server.https, 40), { ...common, adapters: { clock, http: new NodeHttp({ clock }) } });
    if (warm.summary.enrolled === 0) throw new Error(`warm-up enrolled nobody: ${JSON.stringify(warm.summary.errors)}`);
    const file = scenarioFile(o, server.https, devices, concurrency);
    let session;
    if (profileFile) {
      const { Session } = await import("node:inspector/promises");
      session = new Session();
      session.connect();
      if (profileFile.endsWith(".heapprofile")) await session.post("HeapProfiler.startSampling", { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
      else (await session.post("Profiler.enable"), await session.post("Profiler.start"));
    }
    const s0 = await server.cpu();
    const c0 = process.cpuUsage();
    const { summary } = await runScenario(file, { ...common, adapters: { clock, http: new NodeHttp({ clock }) } });
    const sim = cpuMs(process.cpuUsage(c0));
    const srv = cpuMs(await server.cpu()) - cpuMs(s0);
    if (session) {
      const { profile } = await session.post(profileFile.endsWith(".heapprofile") ? "HeapProfiler.stopSampling" : "Profiler.stop");
      writeFileSync(profileFile, JSON.stringify(profile));
    }
    const n = Math.max(1, summary.enrolled);
    return { root, bench: which, devices, enrolled: summary.enrolled, failed: summary.failed, simCpuMsPerEnroll: r2(sim / n), serverCpuMsPerEnroll: r2(srv / n) };
  } finally {
    await server.stop();
  }
}

const r2 = (x) => Math.round(x * 100) / 100;

const which = arg("bench", "apple");
const devices = Number(arg("devices", 300));
if (process.argv.includes("--one")) {
  const r = await one(resolve(arg("one")), which, devices, arg("profile"), Number(arg("concurrency", 128)));
  process.stdout.write(`${JSON.stringify(r)}\n`);
} else {
  const a = resolve(arg("a"));
  const b = resolve(arg("b"));
  const pairs = Number(arg("pairs", 3));
  const self = new URL(import.meta.url).pathname;
  const run = (root) =>
    JSON.parse(
      execFileSync(process.execPath, [self, "--one", root, "--bench", which, "--devices", String(devices)], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] })
        .trim()
        .split("\n")
        .pop(),
    );
  const rows = { a: [], b: [] };
  for (let i = 0; i < pairs; i++) {
    // ABBA order, so a drift in the machine's load weighs on both builds alike.
    const order = i % 2 === 0 ? ["a", "b"] : ["b", "a"];
    for (const k of order) {
      const r = run(k === "a" ? a : b);
      rows[k].push(r);
      process.stderr.write(`${k} ${JSON.stringify(r)}\n`);
    }
  }
  const mean = (xs, f) => r2(xs.reduce((s, x) => s + f(x), 0) / xs.length);
  const out = {
    bench: which,
    devices,
    pairs,
    a: { root: a, sim: rows.a.map((r) => r.simCpuMsPerEnroll), server: rows.a.map((r) => r.serverCpuMsPerEnroll), simMean: mean(rows.a, (r) => r.simCpuMsPerEnroll) },
    b: { root: b, sim: rows.b.map((r) => r.simCpuMsPerEnroll), server: rows.b.map((r) => r.serverCpuMsPerEnroll), simMean: mean(rows.b, (r) => r.simCpuMsPerEnroll) },
    loadAvg1m: (await import("node:os")).loadavg()[0],
  };
  out.change = `${r2(((out.b.simMean - out.a.simMean) / out.a.simMean) * 100)} %`;
  process.stdout.write(`${JSON.stringify(out)}\n`);
}
