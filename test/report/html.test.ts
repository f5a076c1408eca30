// SPDX-License-Identifier: MIT
// The HTML report as text: hostile server text stays inside its JSON element, secrets never reach
// the file, the CSP allows exactly the inline scripts and no network, the file is 0600, the model's
// series and latency windows are what the run recorded, and merged latency windows add up.
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { reportHtml, writeHtmlReport } from "../../src/report/html/files.js";
import { decodedTranscripts, MAX_SERIES_CODES, MAX_SERIES_POINTS, OTHER_CODES, reportModel, seriesOf } from "../../src/report/html/model.js";
import { scriptJson } from "../../src/report/html/page.js";
import { FailureTranscripts } from "../../src/report/html/transcripts.js";
import { MetricsCollector, mergeExtended, type ExtendedSummary } from "../../src/report/metrics.js";
import { Redactor } from "../../src/report/redact.js";
import { SummaryCollector } from "../../src/report/summary.js";
import type { DeviceResult } from "../../src/runner/observer.js";

const dir = mkdtempSync(join(tmpdir(), "enrollsim-html-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HOSTILE = "</script><script>alert(1)</script><!-- <img src=x onerror=alert(2)> \u2028";
const SECRET = "s3cret-challenge-7Qx9";

/** A small run: 4 devices over 3 seconds, one failing with server text that tries to break out. */
function run(t0 = 1_700_000_000_000): { summary: ExtendedSummary; transcripts: FailureTranscripts } {
  let now = t0;
  const clock = () => now;
  const summary = new SummaryCollector({ now: clock });
  const metrics = new MetricsCollector(clock);
  const redactor = new Redactor();
  redactor.addSecret(SECRET);
  const tx = new FailureTranscripts({ redactor });
  const obs = [summary, metrics, tx];
  obs.forEach((o) => o.onRunStart?.({ scenario: "html-test", devices: 4, seed: "1" }));
  for (let i = 0; i < 4; i++) {
    const device = `pixel-8#${i}`;
    obs.forEach((o) => o.onDeviceStart?.(device, i));
    tx.record({
      t: now,
      device,
      step: "scep.pkioperation",
      kind: "http",
      data: {
        request: { method: "POST", url: "http://127.0.0.1/scep", headers: { "content-type": "text/plain" }, body: { text: `challengePassword=${SECRET}` } },
        response: { status: 200, headers: {} },
        ms: 3,
      },
    });
    now += 1000;
    obs.forEach((o) => o.onStep?.({ device, step: "scep.pkioperation", ms: 10 + i * 100, ok: true, platform: "android" }));
    const failed = i === 3;
    const r: DeviceResult = {
      device,
      index: i,
      group: "g",
      model: "pixel-8",
      platform: "android",
      flow: "scep",
      ok: !failed,
      startedAt: now - 1000,
      endedAt: now,
      ...(failed ? { failure: { code: "scep.failInfo.badRequest", blame: "protocol-outcome" as const, step: "scep.pkioperation", message: HOSTILE } } : {}),
    };
    obs.forEach((o) => o.onDeviceEnd?.(r));
  }
  obs.forEach((o) => o.onRunEnd?.({ durationMs: 4000 }));
  return { summary: { ...summary.summary(), ...metrics.metrics() }, transcripts: tx };
}

const dataOf = (html: string) => JSON.parse(/<script type="application\/json" id="enrollsim-data">([^<]*)<\/script>/.exec(html)![1]!) as { model: ReturnType<typeof reportModel> };

describe("HTML report", () => {
  const { summary, transcripts } = run();
  const model = reportModel(summary, { scenarioText: `challenge: ${new Redactor().redactString("x")}`, transcripts: transcripts.transcripts() });
  const html = reportHtml(model);

  it("keeps hostile server text inside its JSON element and gives it back intact", () => {
    expect(html.match(/<\/script>/g)).toHaveLength(3); // the data element, uPlot, the page script
    expect(html).not.toContain("<script>alert");
    expect(html).not.toContain("<img src=x");
    const data = dataOf(html);
    expect(data.model.summary.errors["scep.failInfo.badRequest"]!.example).toBe(HOSTILE);
    expect(scriptJson("a</b>&\u2029")).toBe('"a\\u003c/b>&\\u2029"');
  });

  it("has a column for what the failing device logged (Shown.logged), beside what it shows and what the server said", () => {
    // The page's script draws the failures table from the model; its header names the device's log lines.
    expect(html).toContain('"the device shows", "the device logged", "the server said"');
    expect(html).toContain("s.logged.map(");
  });

  it("embeds the failing device's decoded transcript, redacted: the secret is nowhere in the file", () => {
    expect(Object.keys(model.transcripts!)).toEqual(["pixel-8#3"]);
    const [entry] = model.transcripts!["pixel-8#3"]!.entries;
    expect(entry).toMatchObject({ n: 1, kind: "exchange", method: "POST", status: 200 });
    expect(entry!.request!.body!.text).toBe("challengePassword=[REDACTED]");
    expect(html).not.toContain(SECRET);
  });

  it("allows exactly its inline scripts by hash and no network", () => {
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)![1]!.replace(/&#39;/g, "'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("connect-src 'none'");
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => createHash("sha256").update(m[1]!).digest("base64"));
    expect(scripts).toHaveLength(2);
    for (const h of scripts) expect(csp).toContain(`'sha256-${h}'`);
    expect(html).not.toMatch(/(?:src|href)="https?:/);
  });

  it("draws what the run recorded: per-second series with in flight, latency windows, distributions", () => {
    const s = model.series;
    expect(s.t).toEqual([1_700_000_000, 1_700_000_001, 1_700_000_002, 1_700_000_003, 1_700_000_004]);
    expect(s.starts).toEqual([1, 1, 1, 1, 0]);
    expect(s.ok).toEqual([0, 1, 1, 1, 0]);
    expect(s.failed["scep.failInfo.badRequest"]).toEqual([0, 0, 0, 0, 1]);
    expect(s.inFlight).toEqual([1, 1, 1, 1, 0]);
    // 5-second windows: the samples at seconds 1..4 share the window starting at 1_700_000_000.
    expect(model.latency.t).toEqual([1_700_000_000]);
    expect(model.latency.steps["scep.pkioperation"]!.p99[0]).toBeCloseTo(310, -1);
    expect(model.distributions[0]!.step).toBe("scep.pkioperation");
    expect(model.distributions[0]!.ms.at(-1)).toBeCloseTo(310, -1);
  });

  it("merges latency windows of shards that ran at the same time", () => {
    const a = run().summary;
    const b = run().summary;
    const merged = mergeExtended([a, b], undefined, { allowPartial: true });
    const m = reportModel(merged);
    expect(m.latency.t).toEqual([1_700_000_000]);
    expect(merged.steps["scep.pkioperation"]!.count).toBe(8);
  });

  it("draws a timeline of any span in bounded points and codes: buckets past 20,000 seconds, the rarest codes summed", () => {
    const row = (t: number, failed: Record<string, number> = {}) => ({ t, starts: 4, ok: 2, failed, checkins: 0, checkinFailed: {} });
    // Unsorted, a billion seconds apart (a hand-made or hostile file): no billion-entry arrays.
    const far = seriesOf([row(1_000_000_000), row(0, { a: 2 })]);
    expect(far.t.length).toBeLessThanOrEqual(MAX_SERIES_POINTS);
    expect(far.bucketSeconds).toBe(Math.ceil((1_000_000_000 + 1) / MAX_SERIES_POINTS));
    const per = far.bucketSeconds!;
    expect(far.starts.reduce((x, y) => x + y, 0) * per).toBeCloseTo(8, 0);
    expect(far.inFlight.at(-1)).toBe(2); // 8 started, 4 enrolled, 2 failed
    const codes = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`code.${String(i).padStart(2, "0")}`, i + 1]));
    const many = seriesOf([row(10, codes), row(11)]);
    expect(many.bucketSeconds).toBeUndefined();
    expect(Object.keys(many.failed)).toHaveLength(MAX_SERIES_CODES);
    expect(many.failed[OTHER_CODES]![0]).toBe(1 + 2 + 3 + 4 + 5 + 6 + 7 + 8 + 9); // the 9 rarest
    expect(many.failed["code.19"]).toEqual([20, 0]);
  });

  it("keeps transcripts within the page budget and names the devices left out", () => {
    const events = transcripts.transcripts();
    const many = Object.fromEntries(["a#1", "a#2", "a#3"].map((d) => [d, events["pixel-8#3"]!.map((e) => ({ ...e, device: d }))]));
    const one = JSON.stringify(reportModel(summary, { transcripts: { "a#1": many["a#1"]! } }).transcripts!["a#1"]).length;
    const m = decodedTranscripts(many, one * 2 + 1);
    expect(Object.keys(m.transcripts)).toEqual(["a#1", "a#2"]);
    expect(m.omitted).toEqual(["a#3"]);
  });

  it("is written 0600", () => {
    const path = join(dir, "report.html");
    writeHtmlReport(path, summary);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, "utf8")).toContain('id="enrollsim-data"');
  });
});
