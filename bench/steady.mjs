// SPDX-License-Identifier: MIT
// `bench steady` (issue 14 #1): N devices enrol into a store against the embedded server in its
// OWN process (bench/server-child.mjs), then every device checks in on its cadence over real
// mutual TLS with its identity — the steady phase of `enrollsim run` (runner/steady.ts), with
// compressed time. Apple: an Idle check-in (the command loop runs when the server queued
// commands); Windows: an OMA-DM session (Alert 1201 + 1224, the server's Gets/Replaces);
// Android: a status report. Measured over the steady phase only: check-ins/s, simulator and
// server CPU per check-in, RSS of each process (and per device), open sockets, TLS sessions
// cached by the devices, TLS handshakes full/resumed, event-loop delay.
//
// Run as a child (one process per size, so sizes do not share a heap):
//   node --expose-gc bench/steady.mjs DEVICES [apple|windows|android]
// Offered load: STEADY_RATE check-ins/s (default 1000) = DEVICES x timeScale / interval (900 s);
// the phase lasts STEADY_SECONDS of real time (default 30), at most STEADY_IN_FLIGHT check-ins in
// flight (default 512). Enrolment: concurrency 128. V8's heap growth as `enrollsim run` sets it
// (--heap-growth, src/platform/node/heap.ts); STEADY_HEAP_GROWTH=PERCENT, or 0 for V8's own factor.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { writeHeapSnapshot } from "node:v8";
import { runScenario } from "../dist/api/run-scenario.js";
import { RealClock } from "../dist/platform/node/clock.js";
import { NodeHttp } from "../dist/platform/node/http.js";
import { contextStats } from "../dist/platform/node/http/tls.js";
import { FileKeyPool } from "../dist/platform/node/keypool/index.js";
import { FLEET_HEAP_GROWTH_PERCENT, setHeapGrowth } from "../dist/platform/node/heap.js";
import { cpuMs, gitCommit, startServerChild } from "./lib.mjs";

const PASSWORD = "bench-Passw0rd";
export const PLATFORMS = {
  apple: { model: "iphone-15", flow: "ios-profile", server: { apple: {} }, options: () => ({}) },
  windows: {
    model: "windows-11-laptop",
    flow: "windows-byod",
    server: { windows: { password: PASSWORD } },
    options: (base) => ({ windows: { upn: "user%INDEX%@contoso.com", password: PASSWORD, discoveryUrl: `${base}/EnrollmentServer/Discovery.svc` } }),
  },
  android: { model: "pixel-8", flow: "android-work-profile", server: {}, options: () => ({ android: { profile: "work-profile" } }) },
};

const sockets = () => process.getActiveResourcesInfo().filter((x) => x === "TCPSocketWrap" || x === "TLSWrap" || x === "TCPWRAP").length;
const mib = (b) => Math.round((b / 1048576) * 10) / 10;
const round = (x, d = 3) => Math.round(x * 10 ** d) / 10 ** d;
/** Anonymous (heap, malloc) and file-backed resident memory, MiB, from /proc (Linux; else undefined). */
function rssParts() {
  try {
    const st = readFileSync("/proc/self/status", "utf8");
    const kib = (k) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, "m").exec(st)?.[1] ?? NaN);
    return { anonMiB: round(kib("RssAnon") / 1024, 1), fileMiB: round(kib("RssFile") / 1024, 1) };
  } catch {
    return undefined;
  }
}

/**
 * The device's HTTP port, wrapped to see every device's TLS session cache (count and bytes at the
 * end). It adds one Set entry per device and nothing else: wrapping each cache's methods in
 * closures, as it did before, added ≈ 0.5 KB of heap per device to what the run measured.
 */
function sessionCounting(inner) {
  const caches = new Set();
  return {
    caches,
    bytes: () => [...caches].reduce((n, c) => n + (c.bytes ?? 0), 0),
    port: {
      client(o = {}) {
        if (o.sessions) caches.add(o.sessions);
        return inner.client(o);
      },
    },
  };
}

export async function steadyBench(devices, platform = "apple") {
  const p = PLATFORMS[platform];
  if (!p) throw new Error(`unknown platform "${platform}" (apple, windows, android)`);
  // as `enrollsim run` does (its --heap-growth): STEADY_HEAP_GROWTH=0 measures V8's own growing factor
  const heapGrowth = Number(process.env.STEADY_HEAP_GROWTH ?? FLEET_HEAP_GROWTH_PERCENT);
  setHeapGrowth(heapGrowth);
  const RATE = Number(process.env.STEADY_RATE ?? 1000);
  const SECONDS = Number(process.env.STEADY_SECONDS ?? 30);
  const INTERVAL_S = 900;
  const scale = (RATE * INTERVAL_S) / devices;
  const server = await startServerChild(p.server);
  const dir = mkdtempSync(join(tmpdir(), "enrollsim-steady-"));
  const file = join(dir, "steady.yaml");
  writeFileSync(
    file,
    `name: steady-${platform}
seed: 14
server: ${server.https}
groups: [ { name: g, model: ${p.model}, count: ${devices}, flow: ${p.flow}, options: ${JSON.stringify(p.options(server.https))} } ]
arrival: { concurrency: 128 }
limits: { durationSeconds: 7200, stepTimeoutMs: 60000 }
`,
  );
  const clock = new RealClock();
  const node = new NodeHttp({ clock });
  const counting = sessionCounting(node);
  const loop = monitorEventLoopDelay({ resolution: 10 });
  let ended = 0;
  let enrolledAt;
  let at0; // steady-phase start: CPU, handshakes, server stats
  let checkins = 0;
  let failed = 0;
  let peak = { simRssMiB: 0, sockets: 0 };
  const codes = {};
  const start = Date.now();
  const server0 = await server.stats();
  const sim0 = process.memoryUsage();
  const observer = {
    onDeviceEnd: () => {
      if (++ended !== devices) return;
      enrolledAt = Date.now();
      void server.stats().then((s) => {
        at0 = { t: performance.now(), cpu: process.cpuUsage(), server: s, tls: { ...node.tlsStats }, contexts: { ...contextStats }, checkins };
        loop.enable();
        // STEADY_HEAPSNAPSHOT_MID=FILE: the heap halfway through the phase (what every enrolled device holds while it checks in; the write stalls the run)
        if (process.env.STEADY_HEAPSNAPSHOT_MID) setTimeout(() => writeHeapSnapshot(process.env.STEADY_HEAPSNAPSHOT_MID), SECONDS * 500).unref();
      });
    },
    onCheckin: (c) => {
      checkins++;
      if (!c.ok) (failed++, (codes[c.code] = (codes[c.code] ?? 0) + 1));
    },
  };
  const sampler = setInterval(() => {
    peak = { simRssMiB: Math.max(peak.simRssMiB, mib(process.memoryUsage().rss)), sockets: Math.max(peak.sockets, sockets()) };
  }, 1000);
  let summary;
  let at1;
  try {
    const keys = await FileKeyPool.open({ spec: "rsa2048", ensure: Math.min(devices, 1000) });
    ({ summary } = await runScenario(file, {
      keys,
      progress: false,
      capacity: false,
      trust: [server.caPem],
      store: join(dir, "fleet.store"),
      observers: [observer],
      adapters: { clock, http: counting.port },
      load: { timeScale: scale, steady: { durationSeconds: SECONDS * scale, intervalSeconds: INTERVAL_S, jitter: 0.2, maxInFlight: Number(process.env.STEADY_IN_FLIGHT ?? 512) } },
    }));
    at1 = { t: performance.now(), cpu: process.cpuUsage(), server: await server.stats(), tls: { ...node.tlsStats }, contexts: { ...contextStats }, checkins, mem: process.memoryUsage(), rssParts: rssParts() };
  } finally {
    clearInterval(sampler);
    loop.disable();
  }
  globalThis.gc?.();
  const simAfterGc = process.memoryUsage();
  // STEADY_HEAPSNAPSHOT=FILE: the simulator's heap after the phase (what each enrolled device holds)
  if (process.env.STEADY_HEAPSNAPSHOT) writeHeapSnapshot(process.env.STEADY_HEAPSNAPSHOT);
  const cachedSessions = [...counting.caches].reduce((n, c) => n + c.size, 0);
  await server.stop();
  await new Promise((r) => setTimeout(r, 500)); // closed sockets finish closing
  const socketsAtEnd = sockets();
  rmSync(dir, { recursive: true, force: true });
  if (!at0) throw new Error(`the steady phase never started: ${summary.enrolled}/${devices} enrolled`);
  const n = at1.checkins - at0.checkins;
  const wallS = (at1.t - at0.t) / 1000;
  const simCpu = cpuMs(process.cpuUsage(at0.cpu));
  const serverCpu = cpuMs(at1.server.cpu) - cpuMs(at0.server.cpu);
  return {
    bench: "steady",
    commit: gitCommit(),
    ...(process.env.MALLOC_ARENA_MAX ? { mallocArenaMax: Number(process.env.MALLOC_ARENA_MAX) } : {}),
    platform,
    heapGrowthPercent: heapGrowth,
    devices,
    enrolled: summary.enrolled,
    enrolSeconds: Math.round((enrolledAt - start) / 1000),
    offeredPerSec: RATE,
    timeScale: round(scale),
    steadySeconds: round(wallS, 1),
    checkins: n,
    checkinFailed: failed,
    ...(failed ? { failedCodes: codes } : {}),
    checkinsPerSec: round(n / wallS, 1),
    simCpuMsPerCheckin: round(simCpu / Math.max(1, n)),
    serverCpuMsPerCheckin: round(serverCpu / Math.max(1, n)),
    cpuCoresUsed: round((simCpu + serverCpu) / (wallS * 1000), 2),
    tlsHandshakes: { full: at1.tls.full - at0.tls.full, resumed: at1.tls.resumed - at0.tls.resumed, resumptionRefused: (at1.tls.resumptionRefused ?? 0) - (at0.tls.resumptionRefused ?? 0) },
    // TLS contexts built during the phase: identity ones are ≈ 1.2 ms each (platform/node/http/tls.ts)
    tlsContextsBuilt: { identity: at1.contexts.identityBuilt - at0.contexts.identityBuilt, trust: at1.contexts.trustBuilt - at0.contexts.trustBuilt },
    tlsSessionsCached: cachedSessions,
    tlsSessionBytes: counting.bytes(),
    sim: {
      rssMiB: mib(at1.mem.rss),
      peakRssMiB: Math.max(peak.simRssMiB, mib(at1.mem.rss)),
      heapMiB: mib(simAfterGc.heapUsed),
      // V8's committed heap before the GC (what RSS holds of it), and RSS split by kind
      heapTotalMiB: mib(at1.mem.heapTotal),
      rssParts: at1.rssParts,
      // outside the V8 heap: Buffers (TLS sessions, bodies) and native memory Node accounts for
      externalMiB: mib(simAfterGc.external),
      arrayBuffersMiB: mib(simAfterGc.arrayBuffers),
      rssBytesPerDevice: Math.round((at1.mem.rss - sim0.rss) / devices),
      heapBytesPerDeviceAfterGc: Math.round((simAfterGc.heapUsed - sim0.heapUsed) / devices),
      peakSockets: peak.sockets,
      socketsAtEnd,
    },
    server: {
      rssMiB: mib(at1.server.mem.rss),
      heapMiB: mib(at1.server.mem.heapUsed),
      externalMiB: mib(at1.server.mem.external),
      rssBytesPerDevice: Math.round((at1.server.mem.rss - server0.mem.rss) / devices),
      heapBytesPerDevice: Math.round((at1.server.mem.heapUsed - server0.mem.heapUsed) / devices),
      socketsAtEnd: at1.server.sockets,
    },
    eventLoopDelayMs: { p50: round(loop.percentile(50) / 1e6, 2), p99: round(loop.percentile(99) / 1e6, 2), max: round(loop.max / 1e6, 2) },
  };
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  const r = await steadyBench(Number(process.argv[2] ?? 1000), process.argv[3] ?? "apple");
  process.stdout.write(`${JSON.stringify(r)}\n`);
  process.exit(0);
}
