// SPDX-License-Identifier: MIT
// Enrolments per second end to end against the embedded server in a SEPARATE process, with the
// simulator's and the server's CPU measured separately, and the crypto floor measured in the
// same run. Used for scep-enroll now and apple-enroll / windows-enroll once their flows exist.
import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runScenario } from "../dist/api/run-scenario.js";
import { FileKeyPool } from "../dist/platform/node/keypool/index.js";
import { countingCrypto, countingHttp, floorMs, measureOps } from "./crypto-floor.mjs";
import { measureHandshakes, protocolFloorMs } from "./tls-floor.mjs";
import { NodeHttp } from "../dist/platform/node/http.js";
import { RealClock } from "../dist/platform/node/clock.js";
import { cpuMs, startServerChild } from "./lib.mjs";

function scenarioFile(o, url) {
  const dir = mkdtempSync(join(tmpdir(), "enrollsim-bench-"));
  const file = join(dir, `${o.bench}.yaml`);
  const options = JSON.stringify(typeof o.options === "function" ? o.options(url) : (o.options ?? { scep: { challenge: "bench-challenge" } }));
  writeFileSync(
    file,
    `name: ${o.bench}
seed: 1
server: ${url}
groups: [ { name: g, model: ${o.model}, count: ${o.devices}, flow: ${o.flow}, options: ${options} } ]
arrival: { concurrency: ${o.concurrency} }
limits: { durationSeconds: 600, stepTimeoutMs: 30000 }
`,
  );
  return file;
}

/**
 * o.external = {url, caPems, insecure}: measure the simulator alone against a server the user runs
 * (no server child; serverCpuMsPerEnroll is null since its CPU is not ours to read).
 */
export async function enrollBench(options) {
  let o = options;
  const server = o.external ? externalServer(o.external) : await startServerChild(o.platforms ?? {});
  try {
    const keys = await FileKeyPool.open({ spec: "rsa2048", ensure: Math.min(o.keyPoolSize ?? 100, o.devices) });
    const base = o.external ? server.url : o.flow === "scep" ? server.url : server.https;
    // --insecure is test-only: it is the user's explicit choice for a server whose CA they lack.
    const common = { keys, progress: false, trust: server.caPems ?? [server.caPem], capacity: false, ...(o.external?.insecure ? { insecure: true } : {}), ...(o.load ? { load: o.load } : {}) };
    // 1. calibration: count private-key operations per enrolment (also warms the JIT)
    const counting = countingCrypto();
    const tc = performance.now();
    const clock = new RealClock();
    const http = countingHttp(new NodeHttp({ clock }), counting.counts);
    const cal = await runScenario(scenarioFile({ ...o, devices: Math.min(40, o.devices) }, base), { ...common, adapters: { clock, http, crypto: counting.port } });
    const calHandshakes = http.settle();
    const calRate = cal.summary.enrolled / ((performance.now() - tc) / 1000);
    if (cal.summary.enrolled === 0) throw new Error(`calibration enrolled nobody: ${JSON.stringify(cal.summary.errors)}`);
    // Bounded: size the measured run to about o.budgetSeconds at the calibration rate (npm run bench < 10 min).
    o = { ...o, devices: Math.max(Math.min(200, o.devices), Math.min(o.devices, Math.round(calRate * (o.budgetSeconds ?? 60)))) };
    const perEnrol = Object.fromEntries(Object.entries(counting.counts).map(([k, v]) => [k, v / cal.summary.enrolled]));
    // 2. the measured run
    const file = scenarioFile(o, base);
    const s0 = await server.cpu?.();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    // The measured run uses the adapters a user gets (runScenario's own NodeHttp), except that
    // this port is passed in so its TLS handshake counters can be reported.
    const measuredHttp = new NodeHttp({ clock });
    const { summary } = await runScenario(file, { ...common, adapters: { clock, http: measuredHttp } });
    const wallMs = performance.now() - t0;
    const simCpu = cpuMs(process.cpuUsage(c0));
    const s1 = await server.cpu?.();
    const serverCpu = s1 ? cpuMs(s1) - cpuMs(s0) : null;
    // 3. the floor, measured now on a pool key
    const cost = await measureOps(await keys.rsa(0), Object.keys(perEnrol));
    const floor = floorMs(perEnrol, cost);
    const n = Math.max(1, summary.enrolled);
    const simCpuMsPerEnroll = simCpu / n;
    // 4. the protocol floor (issue 14 #4): those operations plus the native cost of the handshakes
    // counted in the measured run, from a minimal handshake pair measured now.
    const handshakes = { full: measuredHttp.tlsStats.full / n, resumed: measuredHttp.tlsStats.resumed / n, fullWithClientCert: measuredHttp.tlsStats.fullWithClientCert / n };
    const tlsCost = await measureHandshakes(await keys.rsa(0));
    const protocolFloor = protocolFloorMs(perEnrol, cost, handshakes, tlsCost);
    return {
      bench: o.bench,
      ...(o.external ? { server: server.shown } : {}),
      devices: o.devices,
      enrollPerSec: round(summary.enrolled / (wallMs / 1000)),
      simCpuMsPerEnroll: round(simCpuMsPerEnroll),
      serverCpuMsPerEnroll: serverCpu === null ? null : round(serverCpu / n),
      cryptoFloorMs: round(floor),
      ratio: round(simCpuMsPerEnroll / floor),
      protocolFloorMs: round(protocolFloor),
      protocolRatio: round(simCpuMsPerEnroll / protocolFloor),
      tlsHandshakeCostMs: tlsCost,
      enrolled: summary.enrolled,
      failed: summary.failed,
      concurrency: o.concurrency,
      wallMs: Math.round(wallMs),
      ...(o.load ? { load: o.load } : {}),
      privateKeyOpsPerEnroll: perEnrol,
      tlsHandshakesPerEnroll: {
        full: round(measuredHttp.tlsStats.full / n),
        resumed: round(measuredHttp.tlsStats.resumed / n),
        fullWithClientCert: round(measuredHttp.tlsStats.fullWithClientCert / n),
      },
      calibrationHandshakes: calHandshakes,
      nativeCostMs: Object.fromEntries(Object.entries(cost).map(([k, v]) => [k, round(v, 3)])),
      eventLoopDelayMs: summary.eventLoopDelayMs,
      steps: Object.fromEntries(Object.entries(summary.steps).map(([k, v]) => [k, { count: v.count, p50: v.p50, p99: v.p99 }])),
      ...(summary.failed ? { errors: Object.fromEntries(Object.entries(summary.errors).map(([k, v]) => [k, v.count])) } : {}),
    };
  } finally {
    await server.stop();
  }
}

function externalServer({ url, caPems = [] }) {
  const u = new URL(url);
  u.username = "";
  u.password = "";
  u.search = "";
  // the shown URL carries no credentials or query (a challenge or token could sit there)
  return { url: url.replace(/\/$/, ""), caPems, shown: u.toString(), stop: async () => {} };
}

const round = (x, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
