// SPDX-License-Identifier: MIT
/** Timeline and per-platform metrics, Prometheus /metrics while running, and the capacity check. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/api/run-scenario.js";
import { startMetricsEndpoint } from "../../src/api/metrics-server.js";
import { openFilesLimit, processLimits } from "../../src/api/capacity.js";
import { MetricsCollector, mergeExtended, extendedSummaryToJson, type ExtendedSummary } from "../../src/report/metrics.js";
import { parseSummary } from "../../src/report/json.js";
import { SummaryCollector } from "../../src/report/summary.js";
import { BASE_BYTES, BYTES_PER_ENROLLED_DEVICE, capacityNeed, checkCapacity, SERVER_BYTES_PER_ENROLLED_DEVICE } from "../../src/runner/capacity.js";
import { ScenarioError } from "../../src/errors/index.js";

const T = Date.UTC(2026, 10, 21, 12);
const dir = mkdtempSync(join(tmpdir(), "enrollsim-metrics-"));

describe("run metrics", () => {
  it("the timeline counts starts, successes, failures by code and check-ins per epoch second; shards merge by second", () => {
    let now = T;
    const m = new MetricsCollector(() => now);
    m.onDeviceStart();
    now += 1500;
    m.onDeviceStart();
    m.onStep({ device: "a#0", step: "scep.pkioperation", ms: 12, ok: true, platform: "ios" });
    m.onStep({ device: "a#1", step: "scep.pkioperation", ms: 30, ok: false, platform: "windows" });
    m.onDeviceEnd({ device: "a#0", index: 0, group: "g", model: "iphone-15", platform: "ios", flow: "scep", ok: true, startedAt: T, endedAt: T + 1600 });
    m.onDeviceEnd({ device: "a#1", index: 1, group: "g", model: "w", platform: "windows", flow: "scep", ok: false, startedAt: T, endedAt: T + 2100, failure: { code: "transport.timeout", blame: "transport", message: "x" } });
    m.onCheckin({ device: "a#0", index: 0, platform: "ios", flow: "scep", ok: false, code: "transport.refused", at: T + 2200, ms: 3 });
    const x = m.metrics();
    const s0 = Math.floor(T / 1000);
    expect(x.timeline).toEqual([
      { t: s0, starts: 1, ok: 0, failed: {}, checkins: 0, checkinFailed: {} },
      { t: s0 + 1, starts: 1, ok: 1, failed: {}, checkins: 0, checkinFailed: {} },
      { t: s0 + 2, starts: 0, ok: 0, failed: { "transport.timeout": 1 }, checkins: 1, checkinFailed: { "transport.refused": 1 } },
    ]);
    expect(x.platforms.ios).toMatchObject({ devices: 1, enrolled: 1, checkins: 1, checkinFailed: 1, steps: { "scep.pkioperation": { count: 1, failed: 0, p50: 12 } } });
    expect(x.platforms.windows).toMatchObject({ devices: 1, failed: 1, steps: { "scep.pkioperation": { count: 1, failed: 1 } } });
    expect(x.checkins).toEqual({ total: 1, failed: 1, codes: { "transport.refused": 1 } });

    // Two shards with overlapping seconds merge second by second; JSON round trip keeps everything.
    const sum = new SummaryCollector({ now: () => now });
    sum.onRunStart({ scenario: "s", devices: 2, seed: "1" });
    const a: ExtendedSummary = { ...sum.summary(), ...x, shard: { index: 0, count: 2 } };
    const b: ExtendedSummary = parseSummary(extendedSummaryToJson({ ...a, shard: { index: 1, count: 2 } })) as ExtendedSummary;
    const merged = mergeExtended([a, b]);
    expect(merged.timeline!.map((t) => [t.starts, t.ok, t.failed, t.checkins])).toEqual([
      [2, 0, {}, 0],
      [2, 2, {}, 0],
      [0, 0, { "transport.timeout": 2 }, 2],
    ]);
    expect(merged.platforms!.ios!.steps["scep.pkioperation"]!.count).toBe(2);
    expect(merged.checkins).toEqual({ total: 2, failed: 2 });
  });

  it("a scenario run carries the timeline and per-platform histograms in its summary", async () => {
    const { summary } = await runScenario(join(import.meta.dirname, "../../scenarios/scep-pending.yaml"), { keyPoolSize: 24, progress: false });
    const starts = summary.timeline!.reduce((n, t) => n + t.starts, 0);
    expect(starts).toBe(summary.devices);
    const platformDevices = Object.values(summary.platforms!).reduce((n, p) => n + p.devices, 0);
    expect(platformDevices).toBe(summary.devices);
    for (const p of Object.values(summary.platforms!)) for (const h of Object.values(p.histograms)) expect(h).toMatch(/^[A-Za-z0-9+/=]+$/);
  });
});

describe("Prometheus /metrics", () => {
  it("serves text format on 127.0.0.1 while running, 404 elsewhere, and closes", async () => {
    const ep = await startMetricsEndpoint(0);
    expect(ep.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    ep.observer.onDeviceStart?.("a#0", 0);
    ep.observer.onStep?.({ device: "a#0", step: "scep.getcacaps", ms: 4, ok: true, platform: "ios" });
    ep.observer.onDeviceEnd?.({ device: "a#0", index: 0, group: "g", model: "m", platform: "ios", flow: "scep", ok: false, startedAt: 0, endedAt: 1, failure: { code: "scep.failInfo.badRequest", blame: "protocol-outcome", message: "" } });
    const res = await fetch(ep.url);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/plain");
    const text = await res.text();
    expect(text).toContain("enrollsim_device_starts_total 1");
    expect(text).toContain('enrollsim_device_results_total{platform="ios",outcome="failed",code="scep.failInfo.badRequest"} 1');
    expect(text).toContain('enrollsim_step_duration_seconds_count{platform="ios",step="scep.getcacaps"} 1');
    expect(text).toContain("enrollsim_devices_in_flight 0");
    expect((await fetch(ep.url.replace("/metrics", "/other"))).status).toBe(404);
    await ep.close();
    await expect(fetch(ep.url)).rejects.toThrow();
  });

  it("runScenario with metricsPort serves /metrics during the run", async () => {
    let url = "";
    let scraped: Promise<string> | undefined;
    const file = join(dir, "paced.yaml");
    writeFileSync(
      file,
      `name: paced
server: embedded
embedded: { scep: { challenge: metrics-secret } }
groups: [ { name: g, model: pixel-8, count: 6, flow: scep, options: { scep: { challenge: metrics-secret } } } ]
arrival: { rate: 5 }
`,
    );
    const { summary } = await runScenario(file, {
      keyPoolSize: 24,
      progress: false,
      metricsPort: 0,
      onMetricsUrl: (u) => (url = u),
      observers: [{ onDeviceEnd: () => void (scraped ??= fetch(url).then((r) => r.text())) }],
    });
    expect(summary.enrolled).toBe(6);
    const text = await scraped!;
    expect(text).toMatch(/enrollsim_device_results_total\{platform="android",outcome="ok",code="scep.issued"\} [1-6]/);
  });
});

describe("capacity check", () => {
  it("computes the need and refuses what the limits cannot hold, naming both", () => {
    const need = capacityNeed({ devices: 50_000, inFlight: 100, resident: 50_000, embeddedServer: true });
    expect(need.fds).toBe(64 + 200);
    expect(need.bytes).toBeGreaterThan(50_000 * BYTES_PER_ENROLLED_DEVICE);
    expect(() => checkCapacity({ devices: 10, inFlight: 5000, resident: 0, embeddedServer: true }, { maxFds: 1024, maxBytes: 8e9, source: "test" })).toThrow(
      /file descriptors: needs 10064 .* the limit is 1024/,
    );
    expect(() => checkCapacity({ devices: 1e7, inFlight: 10, resident: 1e7, embeddedServer: false }, { maxFds: 1e6, maxBytes: 1e9, source: "test" })).toThrow(/memory: needs \d+ MiB .*the limit is 954 MiB/);
    expect(checkCapacity({ devices: 10, inFlight: 10, resident: 10, embeddedServer: true }, { maxFds: 1024, maxBytes: 8e9, source: "test" }).fds).toBe(84);
  });

  it("sizes an enrolled device at the measured steady-state RSS (bench steady, 50,000 Apple devices), not the idle lower bound", () => {
    // docs/performance.md "Steady state over real TLS": 30,559 B per device in the simulator, 15,965 B in the server.
    expect(BYTES_PER_ENROLLED_DEVICE).toBeGreaterThanOrEqual(30_559);
    expect(SERVER_BYTES_PER_ENROLLED_DEVICE).toBeGreaterThanOrEqual(15_965);
    const alone = capacityNeed({ devices: 50_000, inFlight: 0, resident: 50_000, embeddedServer: false });
    const shared = capacityNeed({ devices: 50_000, inFlight: 0, resident: 50_000, embeddedServer: true });
    expect(alone.bytes - BASE_BYTES).toBeGreaterThanOrEqual(50_000 * 30_559); // 1.46 GiB measured: 1.5 GiB of RSS is refused
    expect(shared.bytes - alone.bytes).toBeGreaterThanOrEqual(50_000 * 15_965);
    // 50,000 devices on 1.5 GiB: the old 12 KiB figure (780 MiB) let it start; the measured one refuses it, saying why.
    expect(() => checkCapacity({ devices: 50_000, inFlight: 0, resident: 50_000, embeddedServer: false }, { maxBytes: 1.5 * 2 ** 30, source: "test" })).toThrow(
      /memory: needs \d+ MiB \(192 MiB base \+ 50000 resident devices × 30720 B \+ 0 in flight/,
    );
    expect(() => checkCapacity({ devices: 50_000, inFlight: 0, resident: 50_000, embeddedServer: true }, { maxBytes: 2 * 2 ** 30, source: "test" })).toThrow(/× 47104 B \(simulator \+ embedded server\)/);
  });

  it("reads this process's limits", () => {
    const l = processLimits();
    expect(l.maxBytes).toBeGreaterThan(256 * 1048576);
    if (process.platform === "linux") expect(openFilesLimit()).toBeGreaterThan(0);
  });

  it("runScenario refuses a scenario this machine cannot hold before starting anything", async () => {
    const file = join(dir, "huge.yaml");
    writeFileSync(
      file,
      `name: huge
server: embedded
groups: [ { name: g, model: pixel-8, count: 100000, flow: scep } ]
arrival: { concurrency: 50000 }
`,
    );
    const err = await runScenario(file, { keyPoolSize: 24, progress: false, capacity: { maxFds: 4096, maxBytes: 2 ** 31, source: "ulimit -n 4096" } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ScenarioError);
    expect((err as Error).message).toMatch(/needs more than this machine can hold \(ulimit -n 4096\): file descriptors: needs 100064/);
    expect((err as Error).message).toMatch(/memory: needs \d+ MiB/);
  });
});
