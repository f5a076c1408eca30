// SPDX-License-Identifier: MIT
import { describe, expect, it } from "vitest";
import { ProgressDisplay } from "../../src/report/progress.js";
import type { DeviceResult } from "../../src/runner/observer.js";

const done = (ok: boolean): DeviceResult => ({ ok }) as DeviceResult;

function sink(isTTY: boolean, columns?: number) {
  const writes: string[] = [];
  return { writes, stream: { write: (s: string) => void writes.push(s), isTTY, columns } };
}

describe("ProgressDisplay", () => {
  it("non-TTY: prints a plain line every interval and one at the end", () => {
    let now = 0;
    const { writes, stream } = sink(false);
    const p = new ProgressDisplay(stream, () => now, { intervalMs: 5000 });
    p.onRunStart({ scenario: "s", devices: 10, seed: "" });
    for (let i = 0; i < 10; i++) {
      now = i * 1000;
      p.onDeviceStart(`d${i}`, i);
      p.onDeviceEnd(done(i !== 3));
    }
    // events every second for 9 s: one periodic line at t=5 s
    expect(writes).toEqual(["progress: done 5/10 (enrolled 4, failed 1) | in flight 1 | arrivals 1.2/s | eta 5s\n"]);
    p.onRunEnd({ durationMs: 10_000 });
    expect(writes).toHaveLength(2);
    expect(writes[1]).toBe("progress: done 10/10 (enrolled 9, failed 1) | in flight 0 | arrivals 1.0/s | took 10s\n");
    for (const w of writes) expect(w).not.toContain("\r");
    // nothing more after the end
    p.onDeviceEnd(done(true));
    p.onRunEnd({ durationMs: 20_000 });
    expect(writes).toHaveLength(2);
  });

  it("TTY: redraws one line with \\r at most 10 times a second and ends with a newline", () => {
    let now = 0;
    const { writes, stream } = sink(true, 100);
    const p = new ProgressDisplay(stream, () => now);
    p.onRunStart({ scenario: "s", devices: 100, seed: "" });
    for (let i = 0; i < 100; i++) {
      now = i * 10; // 100 events per second for 1 s
      p.onDeviceStart(`d${i}`, i);
      p.onDeviceEnd(done(true));
    }
    p.onRunEnd({ durationMs: 1000 });
    const redraws = writes.length - 1;
    expect(redraws).toBeGreaterThan(0);
    expect(redraws).toBeLessThanOrEqual(11); // ≤ 10/s over 1 s, plus the one at t=0
    for (const w of writes) expect(w.startsWith("\r")).toBe(true);
    expect(writes.at(-1)!.endsWith("\n")).toBe(true);
    expect(writes.at(-1)).toContain("] done 100/100 (enrolled 100, failed 0) | in flight 0 | arrivals 100.0/s | took 1s");
    for (const w of writes) expect(w.replace(/^\r/, "").trimEnd().length).toBeLessThan(100);
  });

  it("shows a partially filled bar, in-flight devices and an ETA", () => {
    let now = 0;
    const { stream } = sink(true, 120);
    const p = new ProgressDisplay(stream, () => now);
    p.onRunStart({ scenario: "s", devices: 100, seed: "" });
    for (let i = 0; i < 68; i++) p.onDeviceStart(`d${i}`, i);
    for (let i = 0; i < 63; i++) p.onDeviceEnd(done(i >= 3));
    now = 5100;
    expect(p.line()).toMatch(/^\[#+\.+\] done 63\/100 \(enrolled 60, failed 3\) \| in flight 5 \| arrivals 0\.0\/s \| eta 3s$/);
  });

  it("with a load schedule: phase, target vs achieved arrival rate, and the ETA from the schedule", () => {
    let now = 0;
    const { stream } = sink(false);
    const schedule = {
      devices: 100,
      phases: [
        { name: "ramp", startS: 0, endS: 10, rate0: 5, rate1: 15 },
        { name: "arrivals", startS: 10, endS: 12, rate0: 15, rate1: 15 },
      ],
    };
    const p = new ProgressDisplay(stream, () => now, { schedule });
    p.onRunStart({ scenario: "s", devices: 100, seed: "" });
    for (let i = 0; i < 40; i++) {
      now = i * 125; // 8 arrivals per second for 5 s
      p.onDeviceStart(`d${i}`, i);
    }
    for (let i = 0; i < 30; i++) p.onDeviceEnd(done(i !== 0));
    now = 5000;
    // At 5 s the ramp aims at 10/s; 8/s arrived; the schedule ends at 12 s: eta 7s.
    expect(p.line()).toBe("progress: done 30/100 (enrolled 29, failed 1) | in flight 10 | arrivals 8.0/s (target 10.0/s) | phase ramp | eta 7s");
  });
});

describe("progress ETA that cannot be computed", () => {
  it("a closed model with a steady phase (which starts when the enrolments end: at Infinity) gives a number, never NaN", () => {
    const { stream } = sink(false);
    const schedule = {
      devices: 3,
      concurrency: 3,
      phases: [
        { name: "closed model, 3 at a time", startS: 0, endS: Infinity, rate0: null, rate1: null },
        { name: "steady check-ins", startS: Infinity, endS: Infinity, rate0: 0, rate1: 0, lengthS: 600 },
      ],
    };
    let now = 0;
    const p = new ProgressDisplay(stream, () => now, { schedule });
    p.onRunStart({ scenario: "s", devices: 3, seed: "" });
    now = 10_000;
    for (let i = 0; i < 3; i++) p.onDeviceStart(`d${i}`, i);
    for (let i = 0; i < 3; i++) p.onDeviceEnd(done(true));
    expect(p.line()).toMatch(/\| eta 10m00s$/);
  });
});
