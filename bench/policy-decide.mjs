// SPDX-License-Identifier: MIT
// The reference server's policy decision per enrolment (PolicyEngine.decide + enrolled, no network,
// no crypto) with N records already held, so its growth with the fleet can be seen: every enrolment
// of the apple-enroll, windows-enroll and steady benchmarks passes through it. CPU µs per enrolment,
// mean over enrolling N devices one after another (so the k-th decision sees k − 1 records).
//   node bench/policy-decide.mjs [N=3000] [DIST]     (DIST: another build's dist/, e.g. a baseline)
// Prints one JSON line with the machine, the load average and the commit (BENCH_COMMIT names a DIST built elsewhere).
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { gitCommit, machine } from "./lib.mjs";

const n = Number(process.argv[2] ?? 3000);
const dist = resolve(process.argv[3] ?? new URL("../dist", import.meta.url).pathname);
const { PolicyEngine } = await import(pathToFileURL(resolve(dist, "server/policy/engine.js")).href);
const p = new PolicyEngine({});
const t0 = process.cpuUsage();
for (let i = 0; i < n; i++) {
  const r = { platform: i % 2 ? "ios" : "windows", deviceKey: `dev-${i}`, serial: `SER${i}`, upn: `user${i}@contoso.com`, methodOwnership: "personal", countsTowardLimit: true, osVersion: "17.0" };
  const d = p.decide(r);
  if (!d.ok) throw new Error(`device ${i} refused: ${JSON.stringify(d)}`);
  p.enrolled(r, d);
}
const u = process.cpuUsage(t0);
process.stdout.write(
  `${JSON.stringify({ bench: "policy-decide", devices: n, usPerEnrolment: Math.round(((u.user + u.system) / n) * 10) / 10, dist, commit: process.env.BENCH_COMMIT ?? gitCommit(), at: new Date().toISOString(), machine: machine() })}\n`,
);
