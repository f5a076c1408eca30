// SPDX-License-Identifier: MIT
// Issue 14 #4: simulator and server CPU per enrolment for apple-enroll and windows-enroll, with
// both floors (crypto only; crypto + the TLS handshakes counted, measured in the same run).
// Appends one JSON line per benchmark to bench/results/cpu-per-enrol.jsonl with the machine, the
// load average before and after, and the commit (BENCH_COMMIT overrides it, for a build outside git).
//   node bench/cpu-per-enrol.mjs [apple] [windows]     (BENCH_BUDGET seconds per measured run, default 20)
import { execFileSync } from "node:child_process";
import { appendFileSync, mkdirSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { enrollBench } from "./enroll.mjs";
import { RESULTS, machine } from "./lib.mjs";

const BENCHES = {
  apple: { bench: "apple-enroll", flow: "ios-profile", model: "iphone-15", platforms: { apple: {} }, options: {} },
  windows: {
    bench: "windows-enroll",
    flow: "windows-byod",
    model: "windows-11-laptop",
    platforms: { windows: { password: "bench-Passw0rd" } },
    options: (base) => ({ windows: { upn: "user%INDEX%@contoso.com", password: "bench-Passw0rd", discoveryUrl: `${base}/EnrollmentServer/Discovery.svc` } }),
  },
};

function commit() {
  if (process.env.BENCH_COMMIT) return process.env.BENCH_COMMIT;
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: new URL(".", import.meta.url).pathname, encoding: "utf8" }).trim();
  } catch {
    return "unknown";
  }
}

const names = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(BENCHES);
for (const name of names) {
  const o = BENCHES[name];
  if (!o) throw new Error(`unknown benchmark ${name} (apple, windows)`);
  const loadBefore = loadavg()[0];
  const r = await enrollBench({ ...o, devices: 3000, concurrency: 128, budgetSeconds: Number(process.env.BENCH_BUDGET ?? 20) });
  const line = { ...r, steps: undefined, commit: commit(), at: new Date().toISOString(), machine: machine(), loadAvg1mBefore: Math.round(loadBefore * 100) / 100 };
  delete line.steps;
  process.stdout.write(`${JSON.stringify(line)}\n`);
  mkdirSync(RESULTS, { recursive: true });
  appendFileSync(join(RESULTS, "cpu-per-enrol.jsonl"), `${JSON.stringify(line)}\n`);
}
