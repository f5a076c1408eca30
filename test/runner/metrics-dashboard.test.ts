// SPDX-License-Identifier: MIT
/**
 * /metrics of a real run: names as deploy/grafana/enrollsim.json uses them (every metric name in
 * every expr is in the scrape), no doubled prefix, no empty label, the endpoint up from the start
 * (phase and key-pool gauges), and `run --linger` keeping it up after the run.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMetricsEndpoint } from "../../src/api/metrics-server.js";
import { runScenario } from "../../src/api/run-scenario.js";
import { cli, ensureBuilt, MAIN, ROOT } from "./support/cli.js";

let dir: string;
let scenario: string;
let scrape = "";
let duringKeygen: Promise<string> | undefined;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "enrollsim-metrics-"));
  scenario = join(dir, "s.yaml");
  writeFileSync(
    scenario,
    `name: metrics\nseed: 3\nserver: embedded\nembedded: { scep: { challenge: m-secret } }\ngroups:\n  - { name: ok, model: pixel-8, count: 2, flow: scep, options: { scep: { challenge: m-secret } } }\n  - { name: bad, model: iphone-15, count: 1, flow: scep, options: { scep: { challenge: wrong } } }\n`,
  );
  const ep = await startMetricsEndpoint(0);
  try {
    // A fresh key pool of 2: the endpoint answers while the second key is generated.
    await runScenario(scenario, {
      metricsEndpoint: ep,
      keyPoolSize: 2,
      keyPoolDir: join(dir, "keys"),
      onKeyProgress: (done, total) => void (done < total && (duringKeygen ??= fetch(ep.url).then((r) => r.text()))),
    });
    scrape = await (await fetch(ep.url)).text();
  } finally {
    await ep.close();
  }
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Metric names a scrape declares (# TYPE lines) or samples. */
function scrapedNames(text: string): Set<string> {
  const out = new Set<string>();
  for (const line of text.split("\n")) {
    const m = /^# TYPE (\S+) (\w+)/.exec(line) ?? /^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]/.exec(line);
    if (!m) continue;
    out.add(m[1]!);
    if (m[2] === "histogram") for (const s of ["_bucket", "_sum", "_count"]) out.add(`${m[1]}${s}`);
  }
  return out;
}

/** Every string under an `expr` or `query` key of the dashboard. */
function queries(v: unknown, out: string[] = []): string[] {
  if (Array.isArray(v)) v.forEach((x) => queries(x, out));
  else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) k === "expr" || (k === "query" && typeof x === "string" && x.includes("(")) ? out.push(String(x)) : queries(x, out);
  return out;
}

describe("/metrics of a real run", () => {
  it("every metric name in the Grafana dashboard's queries is in the scrape", () => {
    const dashboard = JSON.parse(readFileSync(join(ROOT, "deploy/grafana/enrollsim.json"), "utf8")) as unknown;
    const exprs = queries(dashboard);
    expect(exprs.length).toBeGreaterThan(8);
    const names = scrapedNames(scrape);
    const used = new Set(exprs.flatMap((e) => e.match(/\benrollsim_[a-zA-Z0-9_:]+/g) ?? []));
    expect(used.size).toBeGreaterThan(8);
    expect([...used].filter((n) => !names.has(n))).toEqual([]);
  });

  it("no doubled process_ prefix, no empty label, success labelled by its outcome code", () => {
    expect(scrape).not.toMatch(/process_process/);
    expect(scrape).toMatch(/^enrollsim_process_cpu_user_seconds_total /m);
    expect(scrape).not.toMatch(/="",|=""}/);
    expect(scrape).toMatch(/enrollsim_device_results_total\{platform="android",outcome="ok",code="scep.issued"\} 2/);
    expect(scrape).toMatch(/enrollsim_device_results_total\{platform="ios",outcome="failed",code="scep.failInfo.badRequest"\} 1/);
  });

  it("is up from the start: during key-pool generation it says keygen and counts keys", async () => {
    const text = await duringKeygen!;
    expect(text).toContain('enrollsim_run_phase{phase="keygen"} 1');
    expect(text).toContain("enrollsim_keypool_keys_needed 2");
    expect(scrape).toContain("enrollsim_keypool_keys_generated 2");
  });

  it("carries the run phase and the key-pool gauges", () => {
    expect(scrape).toContain('enrollsim_run_phase{phase="done"} 1');
    expect(scrape).toContain('enrollsim_run_phase{phase="running"} 0');
    expect(scrape).toMatch(/^enrollsim_keypool_keys_needed \d+/m);
  });
});

describe("run --metrics-port --linger", () => {
  it("keeps /metrics up after the run with the final values; Ctrl-C ends the linger", async () => {
    ensureBuilt();
    let scraped = "";
    const r = await cli(MAIN, ["run", scenario, "--no-progress", "--metrics-port", "0", "--linger", "60", "--key-pool-size", "3"], {
      timeoutMs: 90_000,
      onSpawn: (p) => {
        let err = "";
        p.stderr!.on("data", (d: Buffer) => {
          err += d.toString();
          const m = /metrics: (http:\/\/127\.0\.0\.1:\d+\/metrics) stays up 60 s/.exec(err);
          if (m && !scraped) {
            scraped = "…";
            void fetch(m[1]!)
              .then((res) => res.text())
              .then((t) => {
                scraped = t;
                p.kill("SIGINT");
              });
          }
        });
      },
    });
    expect(r.code, r.stderr).toBe(1); // one device has the wrong challenge
    expect(scraped).toContain('enrollsim_run_phase{phase="done"} 1');
    expect(scraped).toMatch(/enrollsim_device_results_total\{platform="android",outcome="ok",code="scep.issued"\} 2/);
    const usage = await cli(MAIN, ["run", scenario, "--linger", "5"]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("--linger keeps /metrics or the dashboard up after the run: it needs --metrics-port PORT or --dashboard");
  });
});
