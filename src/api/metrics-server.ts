// SPDX-License-Identifier: MIT
/**
 * Prometheus text-format `/metrics` while a run is going (`--metrics-port`), bound to 127.0.0.1.
 * A private prom-client Registry per run (never the global one), fed by the run's observers.
 * It listens from the start of the run (key-pool generation included: `enrollsim_run_phase`,
 * `enrollsim_keypool_keys_*`), and the CLI can keep it up after the run (`--linger`) so a scraper
 * reads the final values. Every label has a value: a successful device's `code` is its outcome
 * code (`scep.issued`), a successful check-in's is `ok`. Node's default metrics carry the
 * `enrollsim_` prefix once (`enrollsim_process_cpu_user_seconds_total`).
 * deploy/grafana/enrollsim.json charts these names; test/runner/metrics-dashboard.test.ts checks
 * that every name it uses is in a real scrape.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import client from "prom-client";
import { ScenarioError } from "../errors/index.js";
import type { MetricsCollector } from "../report/metrics.js";
import type { CheckinSample, DeviceResult, RunObserver, StepSample } from "../runner/observer.js";

export interface MetricsEndpoint {
  observer: RunObserver;
  /** The run's phase (`setup`, `keygen`, `running`, `done`): `enrollsim_run_phase{phase}` is 1 for it, 0 for the others. */
  setPhase(phase: RunPhase): void;
  /** Key-pool generation before the run: keys ready of keys needed. */
  keyProgress(done: number, total: number): void;
  /** http://127.0.0.1:PORT/metrics */
  url: string;
  registry: client.Registry;
  close(): Promise<void>;
}

export const RUN_PHASES = ["setup", "keygen", "running", "done"] as const;
export type RunPhase = (typeof RUN_PHASES)[number];

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** Starts the endpoint; `port` 0 picks a free port. */
export async function startMetricsEndpoint(port: number, metrics?: MetricsCollector): Promise<MetricsEndpoint> {
  const registry = new client.Registry();
  const starts = new client.Counter({ name: "enrollsim_device_starts_total", help: "Devices started", registers: [registry] });
  const ends = new client.Counter({ name: "enrollsim_device_results_total", help: "Devices ended, by outcome and failure code", labelNames: ["platform", "outcome", "code"], registers: [registry] });
  const steps = new client.Histogram({ name: "enrollsim_step_duration_seconds", help: "Step latency (successful samples)", labelNames: ["platform", "step"], buckets: BUCKETS, registers: [registry] });
  const stepFailures = new client.Counter({ name: "enrollsim_step_failures_total", help: "Failed steps", labelNames: ["platform", "step"], registers: [registry] });
  const checkins = new client.Counter({ name: "enrollsim_checkins_total", help: "Steady-state check-ins, by outcome", labelNames: ["platform", "outcome", "code"], registers: [registry] });
  const inFlight = new client.Gauge({ name: "enrollsim_devices_in_flight", help: "Devices started and not yet ended", registers: [registry] });
  const phase = new client.Gauge({ name: "enrollsim_run_phase", help: "1 for the run's current phase (setup, keygen, running, done)", labelNames: ["phase"], registers: [registry] });
  const keysNeeded = new client.Gauge({ name: "enrollsim_keypool_keys_needed", help: "RSA keys the run generates before it starts (0: the pool had them)", registers: [registry] });
  const keysReady = new client.Gauge({ name: "enrollsim_keypool_keys_generated", help: "RSA keys generated so far for this run", registers: [registry] });
  // prom-client's default metrics are already named process_* and nodejs_*: the prefix is the project's only.
  client.collectDefaultMetrics({ register: registry, prefix: "enrollsim_" });
  void metrics;
  const setPhase = (p: RunPhase): void => {
    for (const q of RUN_PHASES) phase.set({ phase: q }, q === p ? 1 : 0);
  };
  setPhase("setup");
  keysNeeded.set(0);
  keysReady.set(0);
  const observer: RunObserver = {
    onDeviceStart: () => {
      starts.inc();
      inFlight.inc();
    },
    onDeviceEnd: (r: DeviceResult) => {
      inFlight.dec();
      ends.inc({ platform: r.platform, outcome: r.ok ? "ok" : "failed", code: (r.ok ? r.code : r.failure?.code) ?? r.code ?? "unknown" });
      // The step that ended the flow failed, whatever the blame (a protocol outcome's sample said ok).
      const f = r.failure;
      if (f?.step && f.stepSample !== undefined && f.stepSample !== "failed") stepFailures.inc({ platform: r.platform, step: f.step });
    },
    onStep: (x: StepSample) => {
      const labels = { platform: x.platform ?? "unknown", step: x.step };
      if (x.ok) steps.observe(labels, x.ms / 1000);
      else stepFailures.inc(labels);
    },
    onCheckin: (x: CheckinSample) => checkins.inc({ platform: x.platform, outcome: x.ok ? "ok" : "failed", code: x.ok ? "ok" : (x.code ?? "unknown") }),
  };
  const server: Server = createServer((req, res) => {
    if (req.method !== "GET" || (req.url ?? "").split("?")[0] !== "/metrics") {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found; try /metrics\n");
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { "content-type": registry.contentType }).end(text),
      (err: Error) => res.writeHead(500, { "content-type": "text/plain" }).end(`${err.message}\n`),
    );
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    // The port is the command line's choice: in use or forbidden is the user's to change (exit 2).
    server.once("error", (err: NodeJS.ErrnoException) => reject(new ScenarioError(`--metrics-port ${port}: cannot listen on 127.0.0.1:${port} (${err.code ?? err.message})`)));
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const addr = server.address() as AddressInfo;
  return {
    observer,
    setPhase,
    keyProgress: (done, total) => {
      keysNeeded.set(total);
      keysReady.set(done);
    },
    registry,
    url: `http://127.0.0.1:${addr.port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
        registry.clear();
      }),
  };
}
