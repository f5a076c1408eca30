// SPDX-License-Identifier: MIT
/**
 * Prometheus text-format `/metrics` while a run is going (`--metrics-port`), bound to 127.0.0.1.
 * A private prom-client Registry per run (never the global one), fed by the run's observers.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import client from "prom-client";
import type { MetricsCollector } from "../report/metrics.js";
import type { CheckinSample, DeviceResult, RunObserver, StepSample } from "../runner/observer.js";

export interface MetricsEndpoint {
  observer: RunObserver;
  /** http://127.0.0.1:PORT/metrics */
  url: string;
  registry: client.Registry;
  close(): Promise<void>;
}

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
  client.collectDefaultMetrics({ register: registry, prefix: "enrollsim_process_" });
  void metrics;
  const observer: RunObserver = {
    onDeviceStart: () => {
      starts.inc();
      inFlight.inc();
    },
    onDeviceEnd: (r: DeviceResult) => {
      inFlight.dec();
      ends.inc({ platform: r.platform, outcome: r.ok ? "ok" : "failed", code: r.ok ? "" : (r.failure?.code ?? "unknown") });
      // The step that ended the flow failed, whatever the blame (a protocol outcome's sample said ok).
      const f = r.failure;
      if (f?.step && f.stepSample !== undefined && f.stepSample !== "failed") stepFailures.inc({ platform: r.platform, step: f.step });
    },
    onStep: (x: StepSample) => {
      const labels = { platform: x.platform ?? "unknown", step: x.step };
      if (x.ok) steps.observe(labels, x.ms / 1000);
      else stepFailures.inc(labels);
    },
    onCheckin: (x: CheckinSample) => checkins.inc({ platform: x.platform, outcome: x.ok ? "ok" : "failed", code: x.ok ? "" : (x.code ?? "") }),
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
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const addr = server.address() as AddressInfo;
  return {
    observer,
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
