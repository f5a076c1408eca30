// SPDX-License-Identifier: MIT
// Simulator CPU per request of the HTTP port alone (platform/node/http.ts), without any protocol:
// each "device" is one keep-alive client with the reference server's CA that sends R requests over
// one TLS connection (GET and POST with a 1,500-byte body, alternating; the server answers 404)
// and closes. What it resolves that a whole-enrolment A/B cannot on a loaded machine: the transport's
// own cost per request (a full handshake per R requests included, as in an enrolment), ≈ 1 ms of
// the ≈ 20 ms of a loaded enrolment, so a 15 % change of it is a 1 % change there.
//   node bench/http-port.mjs --one ROOT [--devices 400] [--requests 3]
//   node bench/http-port.mjs --a ROOT_A --b ROOT_B [--pairs 5] [--devices 400] [--requests 3]
// ROOT is a checkout with a built dist/ (see bench/ab-enrol.mjs). Each run is its own process with
// its own server child, alternately A B B A …; a 100-device warm-up goes first in every process.
import { execFileSync } from "node:child_process";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const r4 = (x) => Math.round(x * 10_000) / 10_000;

async function one(root, devices, requests) {
  const at = (p) => import(pathToFileURL(join(root, p)).href);
  const { NodeHttp } = await at("dist/platform/node/http.js");
  const { RealClock } = await at("dist/platform/node/clock.js");
  const { startServerChild, cpuMs } = await at("bench/lib.mjs");
  const server = await startServerChild({ apple: {} });
  try {
    const clock = new RealClock();
    const http = new NodeHttp({ clock });
    const body = new Uint8Array(1500).fill(65);
    const device = async () => {
      const c = http.client({ keepAlive: true, tls: { ca: [server.caPem] } });
      for (let i = 0; i < requests; i++) {
        const post = i % 2 === 1;
        const r = await c.request({ method: post ? "POST" : "GET", url: `${server.https}/bench/none?i=${i}`, headers: { "content-type": "application/octet-stream" }, ...(post ? { body } : {}) });
        if (!r.status) throw new Error("a response without a status");
      }
      await c.close();
    };
    const batch = async (n, concurrency = 32) => {
      let next = 0;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < n) {
            next++;
            await device();
          }
        }),
      );
    };
    await batch(100);
    const s0 = await server.cpu();
    const c0 = process.cpuUsage();
    await batch(devices);
    const sim = cpuMs(process.cpuUsage(c0));
    const srv = cpuMs(await server.cpu()) - cpuMs(s0);
    const n = devices * requests;
    return { root, devices, requests, simCpuMsPerRequest: r4(sim / n), serverCpuMsPerRequest: r4(srv / n), tls: http.tlsStats };
  } finally {
    await server.stop();
  }
}

const devices = Number(arg("devices", 400));
const requests = Number(arg("requests", 3));
if (process.argv.includes("--one")) {
  process.stdout.write(`${JSON.stringify(await one(resolve(arg("one")), devices, requests))}\n`);
} else {
  const roots = { a: resolve(arg("a")), b: resolve(arg("b")) };
  const pairs = Number(arg("pairs", 5));
  const self = new URL(import.meta.url).pathname;
  const run = (root) =>
    JSON.parse(
      execFileSync(process.execPath, [self, "--one", root, "--devices", String(devices), "--requests", String(requests)], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] })
        .trim()
        .split("\n")
        .pop(),
    );
  const rows = { a: [], b: [] };
  for (let i = 0; i < pairs; i++) {
    for (const k of i % 2 === 0 ? ["a", "b"] : ["b", "a"]) {
      const r = run(roots[k]);
      rows[k].push(r.simCpuMsPerRequest);
      process.stderr.write(`${k} ${JSON.stringify(r)}\n`);
    }
  }
  const mean = (xs) => r4(xs.reduce((s, x) => s + x, 0) / xs.length);
  const out = { tool: "bench/http-port.mjs", devices, requests, pairs, a: { root: roots.a, sim: rows.a, simMean: mean(rows.a) }, b: { root: roots.b, sim: rows.b, simMean: mean(rows.b) }, loadAvg1m: (await import("node:os")).loadavg()[0] };
  out.change = `${Math.round(((out.b.simMean - out.a.simMean) / out.a.simMean) * 1000) / 10} %`;
  out.bLowerInPairs = rows.a.filter((x, i) => rows.b[i] < x).length;
  process.stdout.write(`${JSON.stringify(out)}\n`);
}
