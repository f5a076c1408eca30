// SPDX-License-Identifier: MIT
/**
 * Runs one hostile case: a reference server behind a {@link HostileServer}, a scenario file that
 * points real devices at the hostile server's URL (as a user would point enrollsim at a server
 * under test), and a run through the public `runScenario` with the reference CA trusted.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runScenario } from "../../src/api/run-scenario.js";
import type { DeviceResult, RunObserver, StepSample } from "../../src/runner/observer.js";
import { ReferenceServer, type ReferenceServerOptions } from "../../src/server/reference-server.js";
import { HostileServer, type Rule, type TlsMode } from "./server.js";

/**
 * limits.stepTimeoutMs of every case unless it says otherwise: short so timeout cases stay fast,
 * long enough that the healthy steps before the hostile one never time out on a loaded machine.
 */
export const DEFAULT_STEP_TIMEOUT_MS = 3000;

const dir = mkdtempSync(join(tmpdir(), "enrollsim-hostile-"));
let seq = 0;

export interface Group {
  model: string;
  flow: string;
  count?: number;
  /** The group's `options` block; gets the hostile server's base URLs. */
  options?: (base: { http: string; https: string }) => Record<string, unknown>;
}

export interface RunSpec {
  groups: Group[];
  rules?: Rule[];
  tls?: TlsMode;
  /** Which listener is the scenario's `server:` (default https). */
  base?: "http" | "https";
  limits?: Record<string, number>;
  reference?: ReferenceServerOptions;
}

export interface RunOutcome {
  results: DeviceResult[];
  samples: StepSample[];
  fired: number[];
  forwarded: number;
  log: string[];
  wallMs: number;
}

export async function runHostile(spec: RunSpec): Promise<RunOutcome> {
  const reference = await ReferenceServer.create(spec.reference ?? {});
  const hostile = await HostileServer.start({ reference, rules: spec.rules ?? [], tls: spec.tls ?? "ok" });
  const results: DeviceResult[] = [];
  const samples: StepSample[] = [];
  const observer: RunObserver = { onDeviceEnd: (r) => void results.push(r), onStep: (s) => void samples.push(s) };
  const base = hostile.urls;
  const scenario = {
    name: `hostile-${++seq}`,
    seed: 7,
    server: base[spec.base ?? "https"],
    groups: spec.groups.map((g, i) => ({ name: `g${i}`, model: g.model, flow: g.flow, count: g.count ?? 1, ...(g.options ? { options: g.options(base) } : {}) })),
    arrival: { concurrency: 8 },
    limits: { durationSeconds: 60, stepTimeoutMs: DEFAULT_STEP_TIMEOUT_MS, ...(spec.limits ?? {}) },
    expect: { successRatio: 0 },
  };
  const file = join(dir, `${scenario.name}.yaml`);
  writeFileSync(file, JSON.stringify(scenario, null, 1)); // JSON is YAML
  const started = Date.now();
  try {
    await runScenario(file, { keyPoolSize: 8, progress: false, trust: [reference.caPem], observers: [observer], capacity: false });
  } finally {
    await hostile.close();
    await reference.close();
  }
  return { results, samples, fired: hostile.fired, forwarded: hostile.forwarded, log: hostile.log, wallMs: Date.now() - started };
}
