// SPDX-License-Identifier: MIT
// Profiles the simulator side of one enrol benchmark and prints where its CPU goes:
//   node --cpu-prof --cpu-prof-dir=/tmp/enrollsim-prof bench/profile.mjs scep|apple|windows [devices] [--close]
//   node bench/profile.mjs --summarize /tmp/enrollsim-prof/CPU.*.cpuprofile [--last-seconds S]
// --last-seconds keeps only the profile's last S seconds (e.g. the steady phase of bench/steady.mjs:
//   STEADY_SECONDS=40 node --cpu-prof --cpu-prof-dir=DIR bench/steady.mjs 200 apple).
import { readFileSync } from "node:fs";

if (process.argv[2] === "--summarize") {
  const p = JSON.parse(readFileSync(process.argv[3], "utf8"));
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const fn = new Map();
  const area = new Map();
  let total = 0;
  const last = process.argv.indexOf("--last-seconds");
  const from = last > 0 ? p.endTime - Number(process.argv[last + 1]) * 1e6 : -Infinity;
  let at = p.startTime;
  p.samples.forEach((id, i) => {
    const n = byId.get(id);
    const dt = p.timeDeltas[i] ?? 0;
    at += dt;
    if (at < from) return;
    const url = n.callFrame.url || "";
    if (n.callFrame.functionName === "(idle)") return;
    total += dt;
    const k = `${n.callFrame.functionName || "(anonymous)"} ${url.replace(/.*\/(dist|node_modules)\//, "$1/")}:${n.callFrame.lineNumber}`;
    fn.set(k, (fn.get(k) ?? 0) + dt);
    const m = url.match(/node_modules\/([^/]+)/);
    const a = m ? m[1] : url.includes("/dist/") ? url.replace(/.*\/dist\//, "dist/").split("/").slice(0, 3).join("/") : url.startsWith("node:") ? url : n.callFrame.functionName;
    area.set(a, (area.get(a) ?? 0) + dt);
  });
  const show = (m, k) => [...m].sort((x, y) => y[1] - x[1]).slice(0, k).forEach(([n, v]) => console.log(`${((v / total) * 100).toFixed(1).padStart(5)}%  ${n}`));
  console.log(`busy samples: ${(total / 1000).toFixed(0)} ms`);
  show(fn, 25);
  console.log("--- by area");
  show(area, 20);
} else {
  const { enrollBench } = await import("./enroll.mjs");
  const args = process.argv.slice(2).filter((a) => !a.startsWith("--"));
  // Devices keep a connection within an enrolment by default; --close opens one per request.
  const keepAlive = !process.argv.includes("--close");
  const which = args[0] ?? "scep";
  const devices = Number(args[1] ?? 600);
  const o = {
    scep: { bench: "scep-enroll", flow: "scep", model: "pixel-8" },
    apple: { bench: "apple-enroll", flow: "ios-profile", model: "iphone-15", platforms: { apple: {} }, options: {} },
    windows: {
      bench: "windows-enroll", flow: "windows-byod", model: "windows-11-laptop", platforms: { windows: { password: "bench-Passw0rd" } },
      options: (base) => ({ windows: { upn: "user%INDEX%@contoso.com", password: "bench-Passw0rd", discoveryUrl: `${base}/EnrollmentServer/Discovery.svc` } }),
    },
  }[which];
  const r = await enrollBench({ ...o, devices, concurrency: 128, budgetSeconds: Number(process.env.BENCH_BUDGET ?? 30), ...(keepAlive ? {} : { load: { keepAlive: false } }) });
  console.log(JSON.stringify({ keepAlive, enrollPerSec: r.enrollPerSec, simCpuMsPerEnroll: r.simCpuMsPerEnroll, serverCpuMsPerEnroll: r.serverCpuMsPerEnroll, cryptoFloorMs: r.cryptoFloorMs, ratio: r.ratio, devices: r.enrolled, failed: r.failed, tls: r.tlsHandshakesPerEnroll, ops: r.privateKeyOpsPerEnroll, pid: process.pid }));
}
