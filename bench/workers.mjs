// SPDX-License-Identifier: MIT
// `bench workers` (issue 14 item 2): the simulator alone, `run --workers` with 1, 2 and auto worker
// threads, against the embedded reference server in a SEPARATE process (so its CPU is its own).
// Enrolments per second, simulator CPU (the whole process: parent and worker threads) and server CPU
// per enrolment; the in-process run without --workers is the baseline. Scaling target: the rate with
// W workers within 15 % of W × the 1-worker rate where the server is not the limit; the line says
// whether it was, and the cores the simulator and the server used, so the reader can tell why not.
// Bounded: BENCH_WORKERS_DEVICES (default 1500) devices per configuration, a few minutes in all.
import { mkdtempSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { runScenario } from "../dist/api/run-scenario.js";
import { runScenarioWorkers } from "../dist/api/workers/run-workers.js";
import { FileKeyPool } from "../dist/platform/node/keypool/index.js";
import { cpuMs, gitCommit, startServerChild } from "./lib.mjs";

const DEVICES = Number(process.env.BENCH_WORKERS_DEVICES ?? 1500);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 128);
const KEYS = 100; // devices share 100 pool keys: the bench measures enrolment, not key generation

function scenarioFile(url, devices) {
  const file = join(mkdtempSync(join(tmpdir(), "enrollsim-bench-workers-")), "workers.yaml");
  writeFileSync(
    file,
    `name: bench-workers
seed: 1
server: ${url}
groups: [ { name: g, model: pixel-8, count: ${devices}, flow: scep, options: { scep: { challenge: bench-challenge } } } ]
arrival: { concurrency: ${CONCURRENCY} }
limits: { durationSeconds: 600, stepTimeoutMs: 30000 }
`,
  );
  return file;
}

export async function workersBench() {
  const server = await startServerChild({});
  try {
    await FileKeyPool.open({ spec: "rsa2048", ensure: KEYS });
    const common = { progress: false, trust: [server.caPem], capacity: false, keyPoolSize: KEYS };
    // warm-up (JIT, server caches), not measured
    await runScenario(scenarioFile(server.url, 60), common);
    const runs = [];
    for (const workers of [0, 1, 2, "auto"]) {
      const file = scenarioFile(server.url, DEVICES);
      const load0 = loadavg()[0];
      const s0 = await server.cpu();
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      let count = 0;
      const { summary } = workers === 0 ? await runScenario(file, common) : await runScenarioWorkers(file, { ...common, workers: String(workers), onWorkers: (n) => (count = n) });
      const wallMs = performance.now() - t0;
      const sim = cpuMs(process.cpuUsage(c0));
      const s1 = await server.cpu();
      const srv = cpuMs({ user: s1.user - s0.user, system: s1.system - s0.system });
      const n = Math.max(1, summary.enrolled);
      runs.push({
        workers: workers === 0 ? "none (in-process)" : workers,
        threads: workers === 0 ? 0 : count,
        enrolled: summary.enrolled,
        failed: summary.failed,
        enrollPerSec: Math.round((summary.enrolled / (wallMs / 1000)) * 100) / 100,
        simCpuMsPerEnroll: Math.round((sim / n) * 100) / 100,
        serverCpuMsPerEnroll: Math.round((srv / n) * 100) / 100,
        // cores busy on average during the run: > cores available means the two compete
        simCores: Math.round((sim / wallMs) * 100) / 100,
        serverCores: Math.round((srv / wallMs) * 100) / 100,
        wallMs: Math.round(wallMs),
        loadAvg1mBefore: Math.round(load0 * 100) / 100,
      });
    }
    const rate = (w) => runs.find((r) => r.workers === w)?.enrollPerSec ?? 0;
    const scaling = Math.round((rate(2) / rate(1)) * 100) / 100;
    const cores = availableParallelism();
    const two = runs.find((r) => r.workers === 2);
    return {
      bench: "workers",
      flow: "scep",
      devices: DEVICES,
      concurrency: CONCURRENCY,
      cores,
      runs,
      scaling2vs1: scaling,
      linearTarget: 2,
      withinFifteenPercentOfLinear: scaling >= 2 * 0.85,
      // simulator + server CPU against the machine: at ≥ ~90 % of the cores the run is CPU-bound as a whole
      machineBusyAt2: two ? Math.round(((two.simCores + two.serverCores) / cores) * 100) / 100 : null,
      // What the CPU per enrolment allows on an idle machine of this many cores: one worker is bounded by
      // one core of simulator work, W workers by all cores shared with the server (same-process parent
      // thread and server ignored as separate limits). The ratio is the scaling this machine can show at best.
      cpuBound: (() => {
        const one = runs.find((r) => r.workers === 1);
        if (!one || !two) return null;
        const r1 = Math.min(1000 / one.simCpuMsPerEnroll, (cores * 1000) / (one.simCpuMsPerEnroll + one.serverCpuMsPerEnroll));
        const r2 = Math.min((2 * 1000) / two.simCpuMsPerEnroll, (cores * 1000) / (two.simCpuMsPerEnroll + two.serverCpuMsPerEnroll));
        return { rate1: Math.round(r1), rate2: Math.round(r2), scaling2vs1: Math.round((r2 / r1) * 100) / 100 };
      })(),
      commit: gitCommit(),
      loadAvg: loadavg().map((x) => Math.round(x * 100) / 100),
    };
  } finally {
    await server.stop();
  }
}
