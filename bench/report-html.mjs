// SPDX-License-Identifier: MIT
// HTML report benchmark (issue 11; not a timed test, not in CI): the report of a synthetic
// 50,000-device, one-hour run. The run JSON is made by the real collectors (SummaryCollector,
// MetricsCollector: per-second timeline, HDR histograms, 5-second latency windows) fed a fleet of
// Windows-like enrolments (6 steps each, log-normal latencies, 2% failures over 5 codes, a 15-minute
// check-in cadence), plus the redacted transcripts of 20 failing devices (10 exchanges each, 2 KiB
// bodies). Measured: the file size (target < 5 MB), the time to build it from the JSON, and the time
// headless chromium takes from navigation to a drawn page (target < 3 s; median of 3 loads).
// Bounded: REPORT_BENCH_DEVICES (default 50000) over REPORT_BENCH_SECONDS (3600).
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { readSummaryFile, reportHtml } from "../dist/report/html/files.js";
import { reportModel } from "../dist/report/html/model.js";
import { MetricsCollector, extendedSummaryToJson } from "../dist/report/metrics.js";
import { SummaryCollector } from "../dist/report/summary.js";
import { gitCommit } from "./lib.mjs";

const DEVICES = Number(process.env.REPORT_BENCH_DEVICES ?? 50_000);
const SECONDS = Number(process.env.REPORT_BENCH_SECONDS ?? 3600);
const CHROMIUM = process.env.ENROLLSIM_CHROMIUM ?? "/usr/bin/chromium";
const STEPS = [
  ["windows.discovery", 40],
  ["windows.policy", 60],
  ["windows.enroll", 180],
  ["windows.omadm.session1", 120],
  ["windows.omadm.session2", 90],
  ["windows.esp", 900],
];
const CODES = ["windows.enroll.fault.DeviceCapReached", "transport.timeout", "windows.omadm.status-500", "transport.tls", "windows.esp.timeout"];

/** Deterministic pseudo-random numbers (mulberry32), so every run of the bench draws the same fleet. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The run JSON of the synthetic fleet. */
function syntheticRun() {
  const rand = rng(11);
  const logNormal = (median) => median * Math.exp(0.6 * Math.sqrt(-2 * Math.log(rand() || 1e-9)) * Math.cos(2 * Math.PI * rand()));
  const t0 = Date.UTC(2026, 11, 6, 12, 0, 0);
  let now = t0;
  const clock = () => now;
  const summary = new SummaryCollector({ now: clock });
  const metrics = new MetricsCollector(clock);
  const obs = [summary, metrics];
  obs.forEach((o) => o.onRunStart?.({ scenario: "synthetic-50k-windows-hour", devices: DEVICES, seed: "bench" }));
  const events = [];
  for (let i = 0; i < DEVICES; i++) {
    const start = t0 + (i / DEVICES) * SECONDS * 1000;
    const device = `windows-11-laptop#${i}`;
    now = start;
    obs.forEach((o) => o.onDeviceStart?.(device, i));
    const fails = rand() < 0.02;
    const failAt = fails ? Math.floor(rand() * STEPS.length) : -1;
    let t = start;
    let failure;
    for (const [k, [step, median]] of STEPS.entries()) {
      const ms = logNormal(median);
      t += ms;
      now = t;
      const ok = k !== failAt;
      events.push({ at: t, f: () => obs.forEach((o) => o.onStep?.({ device, step, ms, ok, platform: "windows" })) });
      if (!ok) {
        const code = CODES[Math.floor(rand() * CODES.length)];
        failure = { code, blame: code.startsWith("transport") ? "transport" : "server", step, message: `[device ${device}, step ${step}] ${code}: synthetic failure`, stepSample: "failed" };
        break;
      }
    }
    const end = t;
    const r = { device, index: i, group: i % 2 ? "laptops" : "desktops", model: "windows-11-laptop", platform: "windows", flow: "windows-byod", ok: !failure, ...(failure ? { failure } : {}), startedAt: start, endedAt: end };
    events.push({ at: end, f: () => obs.forEach((o) => o.onDeviceEnd?.(r)) });
    if (!failure) for (let c = end + 900_000; c < t0 + SECONDS * 1000; c += 900_000) events.push({ at: c, f: () => metrics.onCheckin({ device, index: i, platform: "windows", flow: "windows-byod", ok: rand() > 0.001, at: c, ms: 80 }) });
  }
  events.sort((a, b) => a.at - b.at);
  for (const e of events) {
    now = e.at;
    e.f();
  }
  now = t0 + SECONDS * 1000;
  obs.forEach((o) => o.onRunEnd?.({ durationMs: SECONDS * 1000 }));
  return { ...summary.summary(), ...metrics.metrics() };
}

/** Redacted-looking transcripts of the run's example devices: 10 exchanges with 2 KiB bodies each. */
function transcriptsOf(run) {
  const out = {};
  for (const e of run.examples ?? []) {
    const list = [];
    for (let k = 0; k < 10; k++) {
      const text = `<SyncML><SyncHdr><MsgID>${k}</MsgID></SyncHdr><SyncBody>${"<Status><CmdID>1</CmdID><Data>200</Data></Status>".repeat(40)}</SyncBody></SyncML>`;
      list.push({
        t: Date.parse(run.startedAt) + k * 100,
        device: e.device,
        step: e.step,
        kind: "http",
        data: {
          request: { method: "POST", url: "https://mdm.example.test/ManagementServer/MDM.svc", headers: { "content-type": "text/plain" }, body: { text } },
          response: { status: 200, headers: { "content-type": "text/plain" }, body: { text } },
          ms: 80,
        },
      });
    }
    out[e.device] = list;
  }
  return out;
}

export async function reportHtmlBench() {
  const dir = mkdtempSync(join(tmpdir(), "enrollsim-report-bench-"));
  try {
    const t0 = performance.now();
    const run = syntheticRun();
    const jsonFile = join(dir, "run.json");
    writeFileSync(jsonFile, extendedSummaryToJson(run));
    const synthMs = performance.now() - t0;
    const t1 = performance.now();
    const model = reportModel(readSummaryFile(jsonFile), { transcripts: transcriptsOf(run) });
    const html = reportHtml(model);
    const buildMs = performance.now() - t1;
    const withoutTranscripts = Buffer.byteLength(reportHtml(reportModel(run)));
    const htmlFile = join(dir, "report.html");
    writeFileSync(htmlFile, html);
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] }); // test-only: headless measurement as root
    const opens = [];
    try {
      for (let k = 0; k < 3; k++) {
        const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
        const start = performance.now();
        await page.goto(`file://${htmlFile}`, { waitUntil: "load" });
        await page.waitForSelector('body[data-rendered="1"]', { timeout: 60_000 });
        opens.push(Math.round(performance.now() - start));
        await page.close();
      }
    } finally {
      await browser.close();
    }
    const openMs = [...opens].sort((a, b) => a - b)[1];
    const sizeBytes = statSync(htmlFile).size;
    return {
      bench: "report-html",
      commit: gitCommit(),
      devices: DEVICES,
      runSeconds: SECONDS,
      runJsonBytes: statSync(jsonFile).size,
      timelineSeconds: run.timeline.length,
      latencyWindows: run.latency.windows.length,
      transcriptDevices: Object.keys(model.transcripts ?? {}).length,
      transcriptsOmitted: (model.transcriptsOmitted ?? []).length,
      sizeBytes,
      sizeMB: Math.round((sizeBytes / 1e6) * 100) / 100,
      sizeTargetMB: 5,
      sizeWithoutTranscriptsMB: Math.round((withoutTranscripts / 1e6) * 100) / 100,
      buildMs: Math.round(buildMs),
      openMs,
      openRunsMs: opens,
      openTargetMs: 3000,
      synthMs: Math.round(synthMs),
      pass: sizeBytes < 5e6 && openMs < 3000,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
