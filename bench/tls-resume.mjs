// SPDX-License-Identifier: MIT
// The client's CPU per resumed mTLS connection (issue 14, steady check-ins), against a build:
//   node bench/tls-resume.mjs [DIST=./dist] [CONNECTIONS=600]
// Each connection is a new client with the device's identity and its session cache, and one POST,
// as a steady check-in is; every one resumes the device's TLS 1.3 session. Two cases:
// - "context-hit": the same identity PEMs every time (the device's identity context is cached);
// - "context-miss": the same certificate and key with a distinct trailing line each time, so the
//   identity-context cache never has it (what most steady check-ins met at 50,000 devices, beyond
//   the cache's 2,048 entries). Trailing text outside the PEM block changes nothing OpenSSL reads.
// A build whose devices resume without loading their identity (http/tls.ts `resumptionContext`)
// builds no identity context in either case. The server (an https server that requests client
// certificates, as the reference server does) runs in its own process; only this process's CPU
// is counted. RSA-2048 identity, as enrolled devices have.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { cpuMs } from "./lib.mjs";

const DIST = resolve(process.argv[2] ?? new URL("../dist", import.meta.url).pathname);
const N = Number(process.argv[3] ?? 600);
const load = async (p) => import(pathToFileURL(join(DIST, p)).href);
const { RealClock } = await load("platform/node/clock.js");
const { NodeHttp } = await load("platform/node/http.js");
const { contextStats } = await load("platform/node/http/tls.js");
const { tlsSessionCache } = await load("ports/http.js");

const dir = mkdtempSync(join(tmpdir(), "enrollsim-tls-resume-"));
const ossl = (...a) => execFileSync("openssl", a, { stdio: "ignore" });
ossl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", join(dir, "s.key"), "-out", join(dir, "s.pem"));
ossl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=device", "-keyout", join(dir, "d.key"), "-out", join(dir, "d.pem"));
const read = (f) => readFileSync(join(dir, f), "utf8");
const [serverPem, serverKey, devPem, devKey] = [read("s.pem"), read("s.key"), read("d.pem"), read("d.key")];
rmSync(dir, { recursive: true, force: true });

const serverSrc = `const https=require("node:https");const s=https.createServer({cert:process.env.C,key:process.env.K,requestCert:true,rejectUnauthorized:false},(q,r)=>{q.resume();q.on("end",()=>r.end("ok"))});s.listen(0,"127.0.0.1",()=>console.log(s.address().port));`;
const child = spawn(process.execPath, ["-e", serverSrc], { env: { ...process.env, C: serverPem, K: serverKey }, stdio: ["ignore", "pipe", "inherit"] });
const port = await new Promise((r) => child.stdout.once("data", (d) => r(Number(String(d).trim()))));
const url = `https://127.0.0.1:${port}/checkin`;
const http = new NodeHttp({ clock: new RealClock() });

/** One device's session cache in which every identity variant finds the device's one session. */
function oneSlotCache() {
  const inner = tlsSessionCache();
  const slot = (k) => k.replace(/\|.*$/, "|device");
  return {
    get: (k) => inner.get(slot(k)),
    set: (k, s) => inner.set(slot(k), s),
    sweep: () => inner.sweep(),
    get size() {
      return inner.size;
    },
  };
}

let variant = 0;
async function measure(mode) {
  const sessions = oneSlotCache();
  const tls = () => ({ ca: [serverPem], identity: { certPem: mode === "context-miss" ? `${devPem}variant ${variant++}\n` : devPem, keyPem: devKey } });
  const warm = http.client({ tls: tls(), sessions });
  await warm.request({ method: "POST", url, body: new Uint8Array(200) });
  await warm.close();
  const built0 = contextStats.identityBuilt;
  const stats0 = { ...http.tlsStats };
  const cpu0 = process.cpuUsage();
  let next = 0;
  const worker = async () => {
    while (next++ < N) {
      const c = http.client({ tls: tls(), sessions, keepAlive: true });
      await c.request({ method: "POST", url, body: new Uint8Array(200) });
      await c.close();
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  const ms = cpuMs(process.cpuUsage(cpu0));
  return { mode, cpuMsPerConnection: Math.round((ms / N) * 1000) / 1000, identityContextsBuilt: contextStats.identityBuilt - built0, resumed: http.tlsStats.resumed - stats0.resumed, full: http.tlsStats.full - stats0.full };
}

const out = [];
for (let round = 0; round < 3; round++) for (const mode of ["context-hit", "context-miss"]) out.push(await measure(mode));
child.kill();
const best = (mode) => out.filter((r) => r.mode === mode).sort((a, b) => a.cpuMsPerConnection - b.cpuMsPerConnection)[0];
process.stdout.write(`${JSON.stringify({ bench: "tls-resume", dist: DIST, connections: N, loadAvg1m: Math.round(loadavg()[0] * 100) / 100, best: ["context-hit", "context-miss"].map(best), all: out.map((r) => r.cpuMsPerConnection) })}\n`);
process.exit(0);
