// SPDX-License-Identifier: MIT
// The live dashboard's server over real loopback sockets (no browser: test/browser/ has that):
// several viewers, a late viewer gets the history, the final state reaches everyone, cross-origin
// and foreign-Host requests are refused, and close() leaves no timer, socket or listener behind.
// The schedule arithmetic (phase, target rate, ETA) is checked on its own.
import { request } from "node:http";
import { describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { startDashboard } from "../../src/api/dashboard-server.js";
import { LiveCollector, type DashboardMessage } from "../../src/report/dashboard/live.js";
import { scheduleAt, scheduleOf } from "../../src/report/dashboard/schedule.js";
import { reportModel } from "../../src/report/html/model.js";
import { SummaryCollector } from "../../src/report/summary.js";

function viewer(url: string, origin = url.replace(/\/$/, "")): { ws: WebSocket; messages: DashboardMessage[]; next: (type: string) => Promise<DashboardMessage> } {
  const ws = new WebSocket(`${url.replace("http:", "ws:")}ws`, { origin });
  const messages: DashboardMessage[] = [];
  const waiters: { type: string; resolve: (m: DashboardMessage) => void }[] = [];
  ws.on("message", (d) => {
    const m = JSON.parse(String(d)) as DashboardMessage;
    messages.push(m);
    for (const w of [...waiters]) if (w.type === m.type) (waiters.splice(waiters.indexOf(w), 1), w.resolve(m));
  });
  return { ws, messages, next: (type) => new Promise((resolve) => waiters.push({ type, resolve })) };
}

const get = (url: string, host?: string) =>
  new Promise<number>((resolve, reject) => {
    const req = request(url, { agent: false, headers: host ? { host } : {} }, (res) => (res.resume(), resolve(res.statusCode ?? 0)));
    req.on("error", reject);
    req.end();
  });

const device = (i: number, ok: boolean) => ({
  device: `d#${i}`,
  index: i,
  group: "g",
  model: "pixel-8",
  platform: "android",
  flow: "scep",
  ok,
  startedAt: 0,
  endedAt: 0,
  ...(ok ? {} : { failure: { code: "scep.failInfo.badRequest", blame: "protocol-outcome" as const, message: "no" } }),
});

describe("live dashboard server", () => {
  it("feeds several viewers, gives a late one the history, sends the final state, then closes everything", async () => {
    const timersBefore = process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
    const d = await startDashboard({ port: 0, tickMs: 40 });
    expect(d.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(await get(d.url)).toBe(200);
    expect(await get(d.url, "evil.example:80")).toBe(421); // DNS rebinding: a foreign Host is refused
    const a = viewer(d.url);
    const b = viewer(d.url);
    await Promise.all([a.next("hello"), b.next("hello")]);
    expect(d.viewers()).toBe(2);

    const o = d.observer;
    o.onRunStart?.({ scenario: "s", devices: 3, seed: "1" });
    o.onDeviceStart?.("d#0", 0);
    o.onStep?.({ device: "d#0", step: "scep.pkioperation", ms: 12, ok: true, platform: "android" });
    o.onDeviceEnd?.(device(0, true));
    o.onDeviceStart?.("d#1", 1);
    const tick = (await a.next("tick")) as Extract<DashboardMessage, { type: "tick" }>;
    await b.next("tick");
    expect(tick.second.starts + tick.status.started).toBeGreaterThanOrEqual(2);
    expect(tick.status).toMatchObject({ enrolled: 1, inFlight: 1, devices: 3 });
    expect(tick.latency.steps["scep.pkioperation"]![0]).toBeCloseTo(12, 0);
    await a.next("tick");

    // A late viewer gets every second so far in its hello.
    const late = viewer(d.url);
    const hello = (await late.next("hello")) as Extract<DashboardMessage, { type: "hello" }>;
    expect(hello.model.series.t.length).toBeGreaterThanOrEqual(2);
    expect(hello.model.series.starts.reduce((x, y) => x + y, 0)).toBe(2);
    expect(hello.status.enrolled).toBe(1);

    o.onDeviceEnd?.(device(1, false));
    o.onRunEnd?.({ durationMs: 100 });
    const sc = new SummaryCollector({ now: () => 0 });
    sc.onRunStart({ scenario: "s", devices: 2, seed: "1" });
    const model = reportModel({ ...sc.summary(), enrolled: 1, failed: 1 });
    d.finish(model, { path: "/tmp/r.html", html: "<html>report</html>" });
    const finals = (await Promise.all([a.next("final"), b.next("final"), late.next("final")])) as Extract<DashboardMessage, { type: "final" }>[];
    for (const f of finals) expect(f).toMatchObject({ model: { summary: { enrolled: 1, failed: 1 } }, status: { phase: "finished", enrolled: 1, failed: 1 }, report: { path: "/tmp/r.html" } });
    expect(await get(`${d.url}report.html`)).toBe(200);
    // A viewer after the end gets the final state at once.
    const after = viewer(d.url);
    expect((await after.next("final")).type).toBe("final");

    const closed = Promise.all([a, b, late, after].map((v) => new Promise((r) => v.ws.once("close", r))));
    await d.close();
    await closed;
    await expect(get(d.url)).rejects.toThrow(/ECONNREFUSED/);
    expect(process.getActiveResourcesInfo().filter((r) => r === "Timeout").length).toBeLessThanOrEqual(timersBefore);
  });

  it("a port already in use is the command line's error, naming the option and the port", async () => {
    const d = await startDashboard({ port: 0 });
    try {
      const port = Number(new URL(d.url).port);
      await expect(startDashboard({ port })).rejects.toMatchObject({ name: "ScenarioError", message: expect.stringMatching(new RegExp(`--dashboard ${port}: cannot listen on 127\\.0\\.0\\.1:${port} \\(EADDRINUSE\\)`)) });
    } finally {
      await d.close();
    }
  });

  it("refuses a WebSocket from another origin (a web page elsewhere cannot read the run)", async () => {
    const d = await startDashboard({ port: 0 });
    try {
      const v = viewer(d.url, "https://evil.example");
      const err = await new Promise<Error>((resolve) => v.ws.once("error", resolve));
      expect(err.message).toMatch(/403/);
      expect(d.viewers()).toBe(0);
    } finally {
      await d.close();
    }
  });
});

describe("load schedule", () => {
  it("open model: ramp then flat, target rate interpolated, ETA to the last arrival", () => {
    const s = scheduleOf({ kind: "rate", rate: 10, rampFrom: 2, rampSeconds: 4 }, undefined, 100);
    expect(s.phases.map((p) => p.name)).toEqual(["ramp", "arrivals"]);
    const at2 = scheduleAt(s, 2, 0);
    expect(at2.phase).toBe("ramp");
    expect(at2.targetRate).toBeCloseTo(6, 5);
    // 24 arrivals in the 4-s ramp, then 76 more at 10/s: the last (index 99) at 4 + 75/10 s.
    expect(s.phases[1]!.endS).toBeCloseTo(11.5, 5);
    expect(scheduleAt(s, 6, 40).etaS).toBeCloseTo(5.5, 5);
    expect(scheduleAt(s, 20, 100)).toMatchObject({ phase: "draining", etaS: 0 });
  });

  it("load phases divided by the shard count, then the steady phase on compressed time", () => {
    const s = scheduleOf(
      { kind: "rate", rate: 1, rampFrom: 1, rampSeconds: 0 },
      {
        phases: [
          { durationSeconds: 10, rate: 20 },
          { durationSeconds: 10, rate: 40 },
        ],
        steady: { durationSeconds: 600, intervalSeconds: 60, jitter: 0 },
        timeScale: 10,
      },
      300,
      2,
    );
    expect(s.phases.map((p) => [p.name, p.startS, p.endS, p.rate0])).toEqual([
      ["phase 1", 0, 10, 10],
      ["phase 2", 10, 20, 20],
      ["steady check-ins", 20, 80, 0],
    ]);
    expect(scheduleAt(s, 15, 0)).toMatchObject({ phase: "phase 2", targetRate: 20, etaS: 65 });
  });

  it("the live status follows the schedule on the run's clock: arrivals, then steady check-ins once every device ended, then finished", () => {
    let now = 1_000_000;
    const schedule = scheduleOf({ kind: "rate", rate: 1, rampFrom: 1, rampSeconds: 0 }, { steady: { durationSeconds: 60, intervalSeconds: 10, jitter: 0 } }, 2);
    const live = new LiveCollector(
      () => now,
      () => schedule,
    );
    expect(live.status().phase).toBe("setting up");
    live.onRunStart({ scenario: "s", devices: 2, seed: "1" });
    live.onDeviceStart("d#0", 0);
    now += 500;
    expect(live.status()).toMatchObject({ phase: "arrivals", targetRate: 1, inFlight: 1, etaS: 61 - 0.5 });
    live.onDeviceEnd(device(0, true));
    live.onDeviceStart("d#1", 1);
    now += 1000;
    live.onDeviceEnd(device(1, false));
    expect(live.status()).toMatchObject({ phase: "steady check-ins", enrolled: 1, failed: 1, inFlight: 0 });
    const tick = live.tick();
    expect(tick.second).toMatchObject({ starts: 2, ok: 1, failed: { "scep.failInfo.badRequest": 1 }, inFlight: 0 });
    live.onRunEnd({ durationMs: 1500 });
    expect(live.status()).toMatchObject({ phase: "finished", etaS: 0 });
  });

  it("closed model: no target rate; the ETA comes from the achieved completion rate", () => {
    const s = scheduleOf({ kind: "concurrency", concurrency: 8 }, undefined, 100);
    expect(scheduleAt(s, 0, 0)).toMatchObject({ targetRate: null, etaS: null });
    expect(scheduleAt(s, 10, 25).etaS).toBeCloseTo(30, 5);
  });
});
