// SPDX-License-Identifier: MIT
/** `enrollsim run <scenario>`: run a fleet; the exit code says whether expectations held. */
import { keygenEstimateLine, keygenProgressLine } from "../../platform/node/keypool/index.js";
import type { Argv } from "yargs";
import { runScenario } from "../../api/run-scenario.js";
import { runScenarioWorkers } from "../../api/workers/run-workers.js";
import { parseWorkers } from "../../runner/workers.js";
import { formatSummary } from "../../report/table.js";
import { writePrivateFile } from "../../report/private-file.js";
import { extendedSummaryToJson } from "../../report/metrics.js";
import { readLoadModel, resolveShard, resolveStartAt } from "../../api/load-options.js";
import { printError, readTrustFiles, warnInsecure } from "../output.js";
import { junitXml } from "../../report/junit.js";
import { validateFiles } from "./validate.js";
import { loadCatalogWith } from "../../runner/catalog-files.js";
import { handleInterrupts, INTERRUPT_EXIT } from "../interrupt.js";
import { ScenarioError } from "../../errors/index.js";
import { pinoLogger } from "../../platform/node/log.js";
import { logObserver } from "../../report/log-observer.js";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { scheduleFor, startDashboard, type Dashboard } from "../../api/dashboard-server.js";
import type { Schedule } from "../../report/dashboard/schedule.js";
import { reportHtml } from "../../report/html/files.js";
import { reportModel } from "../../report/html/model.js";
import { startMetricsEndpoint, type MetricsEndpoint } from "../../api/metrics-server.js";
import { printHints } from "../hints.js";
import { FLEET_HEAP_GROWTH_PERCENT, parseHeapGrowth, setHeapGrowth } from "../../platform/node/heap.js";

/** `--dashboard` alone is any free port; otherwise a port number. */
function dashboardPort(v: string): number {
  if (v === "") return 0;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new ScenarioError(`--dashboard ${v}: expected a TCP port (0-65535), or nothing for any free port`);
  return n;
}

interface RunArgs {
  devices?: string;
  agents?: string;
  scenario: string;
  json: boolean;
  report?: string;
  junit?: string;
  html?: string;
  dashboard?: string;
  trace?: string;
  seed?: string;
  ca?: string[];
  insecure: boolean;
  "key-pool"?: string;
  "key-pool-size"?: number;
  "key-offset"?: number;
  progress: boolean;
  shard?: string;
  workers?: string;
  store?: string;
  resume: boolean;
  load?: string;
  "time-scale"?: number;
  "close-connections"?: boolean;
  "start-at"?: string;
  "apns-port"?: number;
  "metrics-port"?: number;
  linger?: number;
  "capacity-check": boolean;
  grace: number;
  "heap-growth": string;
  "dry-run": boolean;
  "log-level"?: string;
  "log-file"?: string;
}

export const runCommand = {
  command: "run <scenario>",
  describe: "Run a scenario file: a fleet of virtual devices against the embedded or a real server",
  builder: (y: Argv) =>
    y
      .example("$0 run scenarios/scep-fleet.yaml", "run a shipped scenario against the embedded server")
      .example("$0 run my.yaml --report run.json --junit junit.xml --trace run.ndjson", "keep the JSON summary, JUnit XML for CI and a redacted trace")
      .example("$0 run load.yaml --load phases.yaml --metrics-port 9464 --linger 30", "a load run with Prometheus /metrics kept up 30 s after it")
      .positional("scenario", { type: "string", demandOption: true, describe: "scenario YAML file" })
      .option("json", { type: "boolean", default: false, describe: "print the summary as JSON on stdout" })
      .option("report", { type: "string", describe: "write the JSON summary to FILE" })
      .option("html", { type: "string", describe: "write the HTML report to FILE (mode 0600): one self-contained page with charts, works offline" })
      .option("dashboard", { type: "string", describe: "serve a live dashboard on 127.0.0.1:PORT while running (no PORT: any free port; the URL is printed)" })
      .option("junit", { type: "string", describe: "write JUnit XML to FILE (mode 0600): a testcase per expectation and per group, for CI" })
      .option("trace", { type: "string", describe: "keep per-device NDJSON traces in DIR (secrets redacted)" })
      .option("seed", { type: "string", describe: "override the scenario's run seed" })
      .option("ca", { type: "string", array: true, describe: "PEM file(s) of extra roots every device trusts" })
      .option("insecure", { type: "boolean", default: false, describe: "TEST ONLY: do not verify server TLS certificates" })
      .option("key-pool", { type: "string", describe: "key pool directory (default $ENROLLSIM_KEY_POOL or ~/.cache/enrollsim/keys)" })
      .option("key-pool-size", { type: "number", describe: "distinct RSA keys for the run (default: one per device after --key-offset); fewer means devices share keys" })
      .option("key-offset", { type: "number", describe: "device i takes pool key i + N: repeated runs against one long-lived server draw different keys (default 0)" })
      .option("log-level", { choices: ["silent", "error", "warn", "info", "debug", "trace"], describe: "structured (pino JSON) log level (default: silent, or info with --log-file)" })
      .option("log-file", { type: "string", describe: "write the structured log to FILE instead of stderr" })
      .option("progress", { type: "boolean", default: true, describe: "show progress on stderr (--no-progress to hide)" })
      .option("shard", { type: "string", describe: "run shard i/N of the fleet (0-based; default $ENROLLSIM_SHARD, or $JOB_COMPLETION_INDEX/$ENROLLSIM_SHARDS)" })
      .option("workers", {
        type: "string",
        describe: "split the run over N worker threads of this process (N or auto: one per available core, at most one per device); more than the cores or devices is cut down with a warning; default $ENROLLSIM_WORKERS",
      })
      .option("store", { type: "string", describe: "persistent fleet store (SQLite FILE, created when missing, mode 0600)" })
      .option("resume", { type: "boolean", default: false, describe: "continue the run recorded in --store: enrolled devices are skipped" })
      .option("load", { type: "string", describe: "load-model FILE (YAML/JSON): phases, concurrency, maxInFlight, steady, timeScale, keepAlive; replaces the scenario's load: block" })
      .option("time-scale", { type: "number", describe: "compress device-side delays (check-in cadence) by this factor" })
      .option("close-connections", {
        type: "boolean",
        describe: "a new connection per request, closed after its response (load.keepAlive: false); by default a device keeps its connection within an enrolment or check-in, as NSURLSession and WinHTTP do",
      })
      .option("start-at", { type: "string", describe: "wait until this wall-clock time before the first arrival (ISO 8601 with zone, epoch seconds, or +SECONDS; default $ENROLLSIM_START_AT): a start barrier for shards" })
      .option("apns-port", { type: "number", describe: "URL servers: run a mock APNs on 127.0.0.1:PORT so the server under test can push to this run's Apple devices (0: any free port)" })
      .option("metrics-port", { type: "number", describe: "serve Prometheus /metrics on 127.0.0.1:PORT from the start of the run (key-pool generation included)" })
      .option("linger", { type: "number", describe: "with --metrics-port or --dashboard: keep /metrics and the dashboard up SECONDS after the run, so a scraper reads the final values (Ctrl-C ends it early)" })
      .option("devices", { type: "string", describe: "directory of device YAML files that add to or replace the shipped catalog's models (devices/README.md)" })
      .option("agents", { type: "string", describe: "directory of vendor agent YAML files that add to or replace the shipped agent catalog (agents/README.md)" })
      .option("dry-run", { type: "boolean", default: false, describe: "check the scenario (every problem at once, exit 2 if any) without running it" })
      .option("grace", { type: "number", default: 30, describe: "on SIGINT/SIGTERM: seconds in-flight devices get to finish before they are aborted (a second signal aborts at once)" })
      .option("heap-growth", {
        type: "string",
        default: String(FLEET_HEAP_GROWTH_PERCENT),
        describe: "V8 may grow its old generation to 1 + PERCENT/100 times what survived the last full GC (0: V8's own factor, up to 4x): bounds the RSS of big fleets for a little GC CPU (docs/performance.md)",
      })
      .option("capacity-check", { type: "boolean", default: true, describe: "refuse a run this machine cannot hold (--no-capacity-check to skip)" })
      .example("$0 run fleet.yaml --html r.html", "also write an offline HTML report")
      .example("$0 run fleet.yaml --dashboard 8089", "watch live at http://127.0.0.1:8089/"),
  handler: async (a: RunArgs) => {
    const workers = a.workers ?? process.env.ENROLLSIM_WORKERS;
    if (workers !== undefined && workers !== "") parseWorkers(workers); // a bad value is refused before anything runs, --dry-run included
    const heapGrowth = parseHeapGrowth(a["heap-growth"]);
    if (a["dry-run"]) {
      process.exitCode = (await validateFiles([a.scenario], (s) => process.stdout.write(s), loadCatalogWith(a.devices, a.agents))) ? 2 : 0;
      return;
    }
    setHeapGrowth(heapGrowth); // process-wide, so worker threads too; before the fleet's heap grows
    if (a.insecure) warnInsecure();
    if (!(a.grace >= 0)) throw new ScenarioError(`--grace ${a.grace}: expected a number of seconds >= 0`);
    if (a.linger !== undefined && (!(a.linger >= 0) || (a["metrics-port"] === undefined && a.dashboard === undefined))) {
      throw new ScenarioError(
        a["metrics-port"] === undefined && a.dashboard === undefined ? "--linger keeps /metrics or the dashboard up after the run: it needs --metrics-port PORT or --dashboard" : `--linger ${a.linger}: expected a number of seconds >= 0`,
      );
    }
    let schedule: Schedule | undefined;
    // Listening before the key pool and the server start, so a scraper sees the whole run; closed after --linger.
    const metrics = a["metrics-port"] !== undefined ? await startMetricsEndpoint(a["metrics-port"]) : undefined;
    if (metrics) process.stderr.write(`metrics: ${metrics.url}\n`);
    const dashboard: Dashboard | undefined = a.dashboard !== undefined ? await startDashboard({ port: dashboardPort(a.dashboard), title: `enrollsim: ${a.scenario}`, schedule: () => schedule }) : undefined;
    if (dashboard) process.stderr.write(`dashboard: ${dashboard.url}\n`);
    try {
      const completed = await runAndReport(a, dashboard, metrics, (s) => (schedule = s));
      if ((metrics || dashboard) && a.linger && completed) {
        if (metrics) process.stderr.write(`metrics: ${metrics.url} stays up ${a.linger} s for a final scrape (Ctrl-C ends it)\n`);
        if (dashboard) process.stderr.write(`dashboard: ${dashboard.url} stays up ${a.linger} s, the HTML report at ${dashboard.url}report.html if --html was given (Ctrl-C ends it)\n`);
        await lingerFor(a.linger * 1000);
      }
    } finally {
      await dashboard?.close();
      await metrics?.close();
    }
  },
};

/** Runs and reports; true when the run was not interrupted. */
async function runAndReport(a: RunArgs, dashboard: Dashboard | undefined, metrics: MetricsEndpoint | undefined, setSchedule: (s: Schedule) => void): Promise<boolean> {
  const stderr = process.stderr;
  let lastKeyLine = 0;
  let keygenStart: number | undefined;
  // --log-file alone means "write a log": a file that stays empty because the level defaulted to silent helps nobody.
  const level = a["log-level"] ?? (a["log-file"] ? "info" : "silent");
  const log = level === "silent" ? undefined : pinoLogger({ level: level as "info", destination: a["log-file"] });
  const shard = resolveShard(a.shard);
  const load = a.load ? readLoadModel(a.load) : undefined;
  const startAt = resolveStartAt(a["start-at"], Date.now());
  const interrupts = handleInterrupts(a.grace, (line) => stderr.write(`\n${line}\n`));
  const workers = a.workers ?? process.env.ENROLLSIM_WORKERS;
  const go = (file: string, o: Parameters<typeof runScenario>[1]) => (workers !== undefined && workers !== "" ? runScenarioWorkers(file, { ...o, workers }) : runScenario(file, o));
  let run: Awaited<ReturnType<typeof runScenario>>;
  try {
    run = await go(a.scenario, {
      signal: interrupts.abort,
      stopArrivals: interrupts.stopArrivals,
      shard,
      startAt,
      timeScale: a["time-scale"],
      ...(a["close-connections"] ? { keepAlive: false } : {}),
      apnsPort: a["apns-port"],
      onApnsUrl: (url) => stderr.write(`mock APNs: ${url} (point the server's APNs provider URL here)\n`),
      onWarning: (w) => stderr.write(`${w}\n`),
      onStartWait: (ms) => {
        const at = new Date(startAt ?? Date.now()).toISOString();
        if (ms > 0) stderr.write(`waiting ${(ms / 1000).toFixed(1)} s for --start-at ${at}\n`);
        else if (startAt !== undefined && Date.now() - startAt > 1000) stderr.write(`warning: --start-at ${at} passed ${((Date.now() - startAt) / 1000).toFixed(1)} s ago (setup took longer); starting now, this shard starts late\n`);
      },
      load,
      store: a.store,
      resume: a.resume,
      metricsEndpoint: metrics,
      ...(a["capacity-check"] ? {} : { capacity: false as const }),
      log,
      observers: [...(log ? [logObserver(log)] : []), ...(dashboard ? [dashboard.observer] : [])],
      onScenario: (s, l, sh) => setSchedule(scheduleFor(s, l, sh)),
      failureTranscripts: a.html !== undefined || dashboard !== undefined,
      seed: a.seed,
      trace: a.trace,
      devicesDir: a.devices,
      agentsDir: a.agents,
      trust: readTrustFiles(a.ca),
      insecure: a.insecure || undefined,
      keyPoolDir: a["key-pool"],
      keyPoolSize: a["key-pool-size"],
      keyOffset: a["key-offset"],
      onKeyEstimate: (e) => {
        keygenStart = Date.now();
        stderr.write(`${keygenEstimateLine(e)}\n`);
      },
      progress: a.progress ? { write: (s) => stderr.write(s), isTTY: stderr.isTTY, columns: stderr.columns } : false,
      onKeyProgress: (done, total) => {
        const now = Date.now();
        if (done === total || now - lastKeyLine > (stderr.isTTY ? 100 : 5000)) {
          lastKeyLine = now;
          const line = `${keygenProgressLine({ done, total, elapsedMs: now - (keygenStart ?? now), spec: "rsa2048" })} (one-time, kept for later runs)`;
          stderr.write(stderr.isTTY ? `\r${line}${done === total ? "\n" : ""}` : `${line}\n`);
        }
      },
    });
  } catch (err) {
    // Interrupted before the fleet ran (key pool, start barrier): nothing to summarise.
    if (!interrupts.received) throw err;
    printError(err);
    process.exitCode = INTERRUPT_EXIT[interrupts.received] ?? 130;
    return false;
  } finally {
    interrupts.dispose();
  }
  const { summary } = run;
  if (a.report) {
    writePrivateFile(a.report, extendedSummaryToJson(summary)); // 0600, atomic
  }
  if (a.junit) writePrivateFile(a.junit, junitXml([summary])); // 0600: failure examples can name devices and servers
  if (a.html !== undefined || dashboard) {
    let scenarioText: string | undefined;
    try {
      scenarioText = run.redact(readFileSync(a.scenario, "utf8"));
    } catch {
      /* the file went away during the run: the report goes without it */
    }
    const model = reportModel(summary, { scenarioText, transcripts: run.transcripts });
    const html = reportHtml(model);
    if (a.html !== undefined) writePrivateFile(a.html, html); // 0600: transcripts and server answers
    dashboard?.finish(model, a.html !== undefined ? { path: resolve(a.html), html } : undefined);
  }
  if (a.json) process.stdout.write(`${extendedSummaryToJson(summary)}\n`);
  else {
    process.stdout.write(`${formatSummary(summary, { unicode: !!process.stdout.isTTY })}\n`);
    const extra: string[] = [];
    if (summary.interrupted)
      extra.push(
        `INTERRUPTED by ${summary.interrupted.signal}: arrivals stopped, ${summary.interrupted.aborted ? "in-flight devices aborted" : "in-flight devices finished"}; the counts cover only what ran${summary.store ? ` (continue with --store ${summary.store} --resume)` : ""}`,
      );
    if (summary.workers) {
      const held = summary.workers.crashed.reduce((n, c) => n + c.held, 0);
      extra.push(`Workers: ${summary.workers.count}${summary.workers.crashed.length ? `; CRASHED: ${summary.workers.crashed.map((c) => `worker ${c.index} (${c.held} device(s))`).join(", ")}, ${held} device(s) counted as worker.crashed` : ""}`);
    }
    if (summary.shard) extra.push(`Shard ${summary.shard.index}/${summary.shard.count}: merge the shards' --report files with \`enrollsim report merge\``);
    if (summary.resumedSkipped) extra.push(`Resumed: ${summary.resumedSkipped} device(s) already enrolled in ${summary.store} were skipped`);
    if (summary.resumedFromCheckpoint || summary.resumedRestart) {
      const states = Object.entries(summary.resumedFromCheckpointByState ?? {}).map(([state, n]) => `${state} ${n}`);
      extra.push(
        `Resumed in flight: ${summary.resumedFromCheckpoint ?? 0} from their protocol checkpoint${states.length ? ` (${states.join(", ")})` : ""}, ${summary.resumedRestart ?? 0} resumed-restart (redone from the start: the server may hold a second record for each)`,
      );
    }
    const h = summary.resumeHistory;
    if (h?.devices) {
      const states = Object.entries(h.fromCheckpoint).map(([state, n]) => `${state} ${n}`);
      extra.push(`Resumes recorded in ${summary.store} (every run over it): ${h.devices} device(s), ${h.restart} resumed-restart, ${states.length ? states.join(", ") : "none"} from a checkpoint`);
    }
    if (summary.checkins?.total) extra.push(`Steady state: ${summary.checkins.total} check-in(s), ${summary.checkins.failed} failed`);
    for (const t of summary.actions ?? []) {
      const when = t.atMs < 0 ? "never" : `${(t.atMs / 1000).toFixed(1)} s`;
      extra.push(`Timeline[${t.entry}] ${t.action} (${t.trigger}) at ${when}: ${t.result}${t.deviceCount !== undefined ? ` [${t.deviceCount} device(s)]` : ""}`);
    }
    if (extra.length) process.stdout.write(`${extra.join("\n")}\n`);
  }
  // Hints for a real server only: against the embedded one, a TLS or DNS failure is the scenario's own fault injection.
  if (run.scenario.server.kind === "url") {
    for (const [code, e] of Object.entries(summary.errors)) await printHints({ code, message: e.example }, { server: run.scenario.server.url, windowsOption: "options.windows.", serverOption: "server: URL in the scenario" });
  }
  // A worker that died is a bug in enrollsim (internal, 70), after its devices were counted and the reports written.
  const crashed = (summary.workers?.crashed.length ?? 0) > 0;
  process.exitCode = summary.interrupted ? (INTERRUPT_EXIT[summary.interrupted.signal] ?? 130) : crashed ? 70 : summary.ok ? 0 : 1;
  return !summary.interrupted;
}

/** Waits `ms`, or until SIGINT/SIGTERM: lingering is for a scraper, never in the way of someone stopping it. */
function lingerFor(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      process.off("SIGINT", done);
      process.off("SIGTERM", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    process.once("SIGINT", done);
    process.once("SIGTERM", done);
  });
}
