// SPDX-License-Identifier: MIT
// `npm run bench`: (a) apple-enroll, (b) windows-enroll (each also with every connection closed: -close),
// (c) memory at 1k/10k/50k devices on cadence, (d) the crypto floor inside scep-enroll,
// (e) hostile-memory: peak RSS of 100 devices against the worst-case OMA-DM server (9,000 commands per message),
// (f) report-html (only when named): size and open time of the HTML report of a 50,000-device hour.
// (g) workers: `run --workers` 1, 2 and auto against a server in its own process, enrolments/s and scaling.
// (h) steady: N enrolled devices checking in over mutual TLS on compressed time (bench/steady.mjs), Apple
//     at STEADY_SIZES (default 1000,10000,50000; STEADY_SIZES=1000 for a quick look), Windows and
//     Android at 1000; results in bench/results/steady-<platform>-<N>.json.
// Each prints one JSON line; results go to bench/results/*.json. Bounded: < 10 minutes on 2 cores
// without steady; steady adds its enrolments (61,000 devices: ≈ 11 minutes at 95/s on an idle 2-core
// machine, far more on a loaded one) plus 30 s of check-ins per size.
//
// Against the server you test (the simulator alone; no embedded server is started):
//   node bench/run.mjs apple-enroll --server https://mdm.example.test --ca ca.pem
// --ca PEM (repeatable) adds trusted roots, --insecure (test only) skips TLS verification,
// --challenge sets the SCEP challenge (scep-enroll), --windows-upn/--windows-password the Windows
// credentials. Same JSON fields, with `server` added and serverCpuMsPerEnroll null; results go to
// bench/results/<name>-external.json so the committed embedded-server figures are not overwritten.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { enrollBench } from "./enroll.mjs";
import { emit } from "./lib.mjs";

if (!existsSync(new URL("../dist/cli/main.js", import.meta.url))) {
  process.stderr.write("bench: dist/ is missing; run `npm run build` first (npm run bench does)\n");
  process.exit(2);
}
const { FLOWS } = await import("../dist/device/flows/index.js");
const ENROLL_BENCHES = ["scep-enroll", "apple-enroll", "apple-enroll-close", "windows-enroll", "windows-enroll-close"];
const ALL_BENCHES = [...ENROLL_BENCHES, "memory", "hostile-memory", "soak", "report-html", "workers", "steady"];
function usage(message) {
  process.stderr.write(`bench: ${message}\nusage: node bench/run.mjs [${ALL_BENCHES.join("|")} ...] [--server URL [--ca PEM]... [--insecure] [--challenge S] [--windows-upn U] [--windows-password P]]\n`);
  process.exit(2);
}
let args;
try {
  args = parseArgs({
    allowPositionals: true,
    options: {
      server: { type: "string" },
      ca: { type: "string", multiple: true },
      insecure: { type: "boolean" },
      challenge: { type: "string" },
      "windows-upn": { type: "string" },
      "windows-password": { type: "string" },
    },
  });
} catch (err) {
  usage(err.message);
}
const only = args.positionals;
for (const name of only) if (!ALL_BENCHES.includes(name)) usage(`unknown benchmark "${name}"`);
let external;
if (args.values.server !== undefined) {
  let url;
  try {
    url = new URL(args.values.server);
  } catch {
    usage(`--server "${args.values.server}" is not a URL (expected e.g. https://mdm.example.test)`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") usage(`--server "${args.values.server}": expected an http(s) URL`);
  const noServer = only.filter((n) => !ENROLL_BENCHES.includes(n));
  if (noServer.length) usage(`--server applies to the enrol benchmarks (${ENROLL_BENCHES.join(", ")}); ${noServer.join(", ")} run no server`);
  const caPems = (args.values.ca ?? []).map((file) => {
    try {
      return readFileSync(file, "utf8");
    } catch (err) {
      usage(`--ca ${file}: ${err.code === "ENOENT" ? "no such file" : err.message}`);
    }
  });
  for (const [i, pem] of caPems.entries()) if (!pem.includes("-----BEGIN CERTIFICATE-----")) usage(`--ca ${args.values.ca[i]}: no PEM certificate in the file`);
  external = { url: args.values.server, caPems, insecure: args.values.insecure === true };
} else {
  for (const flag of ["ca", "insecure", "challenge", "windows-upn", "windows-password"]) if (args.values[flag] !== undefined) usage(`--${flag} needs --server URL`);
}
// With --server, running no name means the enrol benchmarks only (memory runs no server).
// The soak runs only when named (`npm run bench -- soak`): it takes minutes of real time. So does
// report-html (`npm run bench -- report-html`): it needs Debian's chromium.
const want = (name) => (only.length === 0 ? (!external || ENROLL_BENCHES.includes(name)) && name !== "soak" && name !== "report-html" : only.includes(name));
const resultName = (name) => (external ? `${name}-external` : name);
const CHALLENGE = args.values.challenge ?? "bench-challenge";
const started = Date.now();
const ENROLL_DEVICES = Number(process.env.BENCH_ENROLL_DEVICES ?? 3000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 128);

if (want("scep-enroll")) {
  // A run that enrols nobody (wrong challenge or CA) is a result line with `error`, as for the others.
  try {
    emit(resultName("scep-enroll"), await enrollBench({ bench: "scep-enroll", flow: "scep", model: "pixel-8", options: { scep: { challenge: CHALLENGE } }, devices: ENROLL_DEVICES, concurrency: CONCURRENCY, budgetSeconds: 60, external }));
  } catch (err) {
    emit(resultName("scep-enroll"), { bench: "scep-enroll", error: String(err?.message ?? err) });
  }
}

const WIN_PASSWORD = args.values["windows-password"] ?? "bench-Passw0rd";
const WIN_UPN = args.values["windows-upn"] ?? "user%INDEX%@contoso.com";
for (const [bench, flow, model, platforms, options] of [
  ["apple-enroll", "ios-profile", "iphone-15", { apple: {} }, {}],
  [
    "windows-enroll",
    "windows-byod",
    "windows-11-laptop",
    { windows: { password: WIN_PASSWORD } },
    (base) => ({ windows: { upn: WIN_UPN, password: WIN_PASSWORD, discoveryUrl: `${base}/EnrollmentServer/Discovery.svc` } }),
  ],
]) {
  if (!want(bench) && !want(`${bench}-close`)) continue;
  if (!FLOWS[flow]) {
    emit(bench, { bench, pending: true, reason: `flow "${flow}" is not in the flow registry yet; this entry runs automatically once it is` });
    continue;
  }
  if (want(bench)) {
    try {
      emit(resultName(bench), await enrollBench({ bench, flow, model, platforms, options, devices: ENROLL_DEVICES, concurrency: CONCURRENCY, budgetSeconds: 90, external }));
    } catch (err) {
      emit(resultName(bench), { bench, error: String(err?.message ?? err) });
    }
  }
  // The same with every connection closed after its request (load.keepAlive: false, run
  // --close-connections; devices keep theirs within an enrolment by default). Reported beside.
  const cl = `${bench}-close`;
  if (!want(cl)) continue;
  try {
    emit(resultName(cl), { ...(await enrollBench({ bench, flow, model, platforms, options, devices: ENROLL_DEVICES, concurrency: CONCURRENCY, budgetSeconds: 45, load: { keepAlive: false }, external })), mode: "closeConnections" });
  } catch (err) {
    emit(resultName(cl), { bench: cl, error: String(err?.message ?? err) });
  }
}

if (want("memory")) {
  for (const n of [1000, 10000, 50000]) {
    const out = execFileSync(process.execPath, ["--expose-gc", new URL("./memory-child.mjs", import.meta.url).pathname, String(n)], { encoding: "utf8", timeout: 240_000 });
    const r = JSON.parse(out.trim().split("\n").pop());
    emit(`memory-${n}`, { bench: "memory", devices: n, rssMiB: r.rssMiB, bytesPerDevice: r.bytesPerDevice, heapBytesPerDevice: r.heapBytesPerDevice, baselineRssMiB: r.baselineRssMiB, idleEventLoopDelayMs: r.idleEventLoopDelayMs, buildMs: r.buildMs });
  }
}
if (want("hostile-memory")) {
  // Bound stated in docs/performance.md: the run fails this entry when the peak goes over it.
  const BOUND_MIB = 512;
  const out = execFileSync(process.execPath, ["--expose-gc", new URL("./hostile-memory-child.mjs", import.meta.url).pathname, "100"], { encoding: "utf8", timeout: 300_000 });
  const r = JSON.parse(out.trim().split("\n").pop());
  emit("hostile-memory", { bench: "hostile-memory", ...r, boundMiB: BOUND_MIB, withinBound: r.peakRssMiB <= BOUND_MIB });
}
if (want("workers")) {
  // run --workers 1, 2, auto against a server in its own process (bench/workers.mjs)
  const { workersBench } = await import("./workers.mjs");
  emit("workers", await workersBench());
}
if (want("steady")) {
  // One child process per size, so sizes do not share a heap (RSS per device is meaningful).
  const sizes = (process.env.STEADY_SIZES ?? "1000,10000,50000").split(",").map(Number);
  const runs = [...sizes.map((n) => ["apple", n]), ["windows", 1000], ["android", 1000]];
  for (const [platform, n] of runs) {
    const name = `steady-${platform}-${n}`;
    try {
      const out = execFileSync(process.execPath, ["--expose-gc", new URL("./steady.mjs", import.meta.url).pathname, String(n), platform], { encoding: "utf8", timeout: 3_600_000, stdio: ["ignore", "pipe", "inherit"] });
      emit(name, JSON.parse(out.trim().split("\n").pop()));
    } catch (err) {
      emit(name, { bench: "steady", platform, devices: n, error: String(err?.message ?? err).slice(0, 500) });
    }
  }
}
if (want("soak")) {
  const { soakBench } = await import("./soak.mjs");
  emit("soak", await soakBench());
}
if (want("report-html")) {
  const { reportHtmlBench } = await import("./report-html.mjs");
  emit("report-html", await reportHtmlBench());
}
process.stderr.write(`bench: done in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
