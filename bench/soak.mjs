// SPDX-License-Identifier: MIT
// Soak benchmark (issue 13 #7; not in CI): a fleet enrols against the embedded server (its own
// process), then stays in a steady phase of 30 scenario minutes on compressed time with real MDM
// check-ins over mutual TLS (connections kept within a check-in, TLS resumed from each device's own
// session cache). Every scenario minute it samples the load generator: RSS, heap, open sockets and
// timers (process.getActiveResourcesInfo) and event-loop delay (monitorEventLoopDelay); and the
// server process: RSS, heap and open sockets.
// Pass: no upward RSS/heap trend after the first 5 minutes (least-squares slope stated), 0 lost
// devices (every enrolled device checked in), 0 sockets left open at the end.
// Bounded: SOAK_DEVICES (default 1000), SOAK_MINUTES (30), SOAK_TIME_SCALE (15), check-in every
// SOAK_INTERVAL_S scenario seconds (900); the whole run is capped by limits.durationSeconds.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import v8 from "node:v8";
import vm from "node:vm";
import { runScenario } from "../dist/api/run-scenario.js";
import { FileKeyPool } from "../dist/platform/node/keypool/index.js";
import { gitCommit, startServerChild } from "./lib.mjs";

const DEVICES = Number(process.env.SOAK_DEVICES ?? 1000);
const MINUTES = Number(process.env.SOAK_MINUTES ?? 30);
const SCALE = Number(process.env.SOAK_TIME_SCALE ?? 15);
const INTERVAL_S = Number(process.env.SOAK_INTERVAL_S ?? 900);

/** Least-squares slope of y over x. */
export function slope(xs, ys) {
  const n = xs.length;
  if (n < 2) return 0;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) ((num += (xs[i] - mx) * (ys[i] - my)), (den += (xs[i] - mx) ** 2));
  return den === 0 ? 0 : num / den;
}

// The heap is sampled after a full GC (live objects only): without it the heap series is GC's
// sawtooth, whose slope over a few minutes says nothing about a leak.
v8.setFlagsFromString("--expose-gc");
const gc = globalThis.gc ?? vm.runInNewContext("gc");

const resources = () => {
  const r = process.getActiveResourcesInfo();
  return { sockets: r.filter((x) => x === "TCPSocketWrap" || x === "TLSWrap" || x === "TCPWRAP").length, timers: r.filter((x) => x === "Timeout").length };
};

export async function soakBench() {
  const server = await startServerChild({ apple: {} });
  const dir = mkdtempSync(join(tmpdir(), "enrollsim-soak-"));
  const file = join(dir, "soak.yaml");
  writeFileSync(
    file,
    `name: soak
seed: 7
server: ${server.https}
groups: [ { name: phones, model: iphone-15, count: ${DEVICES}, flow: ios-profile } ]
arrival: { concurrency: 64 }
limits: { durationSeconds: 3600, stepTimeoutMs: 30000 }
`,
  );
  const samples = [];
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  let steadyAt;
  const checkedIn = new Set();
  let checkinFailed = 0;
  const t0 = Date.now();
  const sample = () => {
    gc();
    const m = process.memoryUsage();
    const minute = steadyAt === undefined ? null : ((Date.now() - steadyAt) * SCALE) / 60_000;
    const entry = {
      minute: minute === null ? null : Math.round(minute * 100) / 100,
      realS: Math.round((Date.now() - t0) / 100) / 10,
      rssMiB: Math.round(m.rss / 1048576),
      heapMiB: Math.round(m.heapUsed / 1048576),
      ...resources(),
      loopP99Ms: Math.round(loop.percentile(99) / 1e4) / 100,
      devicesCheckedIn: checkedIn.size,
    };
    samples.push(entry);
    void server.stats().then((s) => Object.assign(entry, { serverRssMiB: Math.round(s.mem.rss / 1048576), serverHeapMiB: Math.round(s.mem.heapUsed / 1048576), serverSockets: s.sockets }));
    loop.reset();
  };
  const timer = setInterval(sample, 60_000 / SCALE);
  let ended = 0;
  const observer = {
    // The steady phase opens when the last enrolment ends (runner/fleet.ts): scenario minute 0.
    onDeviceEnd: () => {
      if (++ended === DEVICES) steadyAt = Date.now();
    },
    onCheckin: (c) => {
      if (c.ok) checkedIn.add(c.index);
      else checkinFailed++;
    },
  };
  let summary;
  let serverEnd;
  try {
    const keys = await FileKeyPool.open({ spec: "rsa2048", ensure: Math.min(DEVICES, 1000) });
    ({ summary } = await runScenario(file, {
      keys,
      progress: false,
      capacity: false,
      trust: [server.caPem],
      observers: [observer],
      load: { steady: { durationSeconds: MINUTES * 60, intervalSeconds: INTERVAL_S, jitter: 0.2 }, timeScale: SCALE },
    }));
    serverEnd = await server.stats();
  } finally {
    clearInterval(timer);
    loop.disable();
    await server.stop();
  }
  await new Promise((r) => setTimeout(r, 1000)); // let closed sockets finish closing
  const end = resources();
  const steady = samples.filter((s) => s.minute !== null && s.minute >= 5);
  const xs = steady.map((s) => s.minute);
  const rssSlope = slope(
    xs,
    steady.map((s) => s.rssMiB),
  );
  const heapSlope = slope(
    xs,
    steady.map((s) => s.heapMiB),
  );
  const lost = summary.enrolled - checkedIn.size;
  const serverSteady = steady.filter((s) => s.serverRssMiB !== undefined);
  const serverRssSlope = slope(
    serverSteady.map((s) => s.minute),
    serverSteady.map((s) => s.serverRssMiB),
  );
  return {
    bench: "soak",
    commit: gitCommit(),
    devices: DEVICES,
    enrolled: summary.enrolled,
    scenarioMinutes: MINUTES,
    timeScale: SCALE,
    checkinIntervalS: INTERVAL_S,
    checkins: summary.checkins?.total ?? 0,
    checkinFailed,
    lostDevices: lost,
    rssSlopeMiBPerMin: Math.round(rssSlope * 1000) / 1000,
    heapSlopeMiBPerMin: Math.round(heapSlope * 1000) / 1000,
    serverRssSlopeMiBPerMin: Math.round(serverRssSlope * 1000) / 1000,
    socketsAtEnd: end.sockets,
    serverSocketsAtEnd: serverEnd?.sockets ?? null,
    timersAtEnd: end.timers,
    pass: lost === 0 && end.sockets === 0 && rssSlope <= 0.5 && heapSlope <= 0.5,
    realSeconds: Math.round((Date.now() - t0) / 1000),
    samples,
  };
}
