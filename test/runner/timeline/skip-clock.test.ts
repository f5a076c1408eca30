// SPDX-License-Identifier: MIT
/** The skippable scenario clock over the virtual clock: skipped timers fire at once, in due order. */
import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../../src/platform/virtual/clock.js";
import { SkippableClock } from "../../../src/runner/timeline/skip-clock.js";
import { SteadyScheduler } from "../../../src/runner/steady.js";
import { SeededEntropySource } from "../../../src/platform/node/entropy.js";

describe("SkippableClock", () => {
  it("moves now() ahead and fires the timers due by then in order; later ones keep their remaining time", async () => {
    const base = new VirtualClock(0);
    const c = new SkippableClock(base);
    const fired: string[] = [];
    c.setTimer(3_600_000, () => fired.push(`1h@${c.now()}`));
    c.setTimer(60_000, () => fired.push(`1m@${c.now()}`));
    c.setTimer(3 * 3_600_000, () => fired.push(`3h@${c.now()}`));
    const cancelled = c.setTimer(30 * 60_000, () => fired.push("cancelled"));
    cancelled.cancel();
    await base.advance(1000);
    c.skip(2 * 3_600_000);
    await base.advance(0);
    expect(c.now()).toBe(2 * 3_600_000 + 1000);
    expect(c.skipped).toBe(2 * 3_600_000);
    expect(fired).toEqual([`1m@${2 * 3_600_000 + 1000}`, `1h@${2 * 3_600_000 + 1000}`]);
    // The 3 h timer has 1 h minus 1 s left on the base clock.
    await base.advance(3_600_000 - 1001);
    expect(fired).toHaveLength(2);
    await base.advance(1);
    expect(fired[2]).toBe(`3h@${3 * 3_600_000}`);
    expect(base.pendingTimers).toBe(0);
  });

  it("sleep resolves across a skip and rejects on abort", async () => {
    const base = new VirtualClock(0);
    const c = new SkippableClock(base);
    let woke = false;
    const p = c.sleep(5 * 3_600_000).then(() => (woke = true));
    c.skip(5 * 3_600_000);
    await base.advance(0);
    await p;
    expect(woke).toBe(true);
    const ac = new AbortController();
    const q = c.sleep(1000, ac.signal);
    ac.abort(new Error("stop"));
    await expect(q).rejects.toThrow("stop");
    expect(base.pendingTimers).toBe(0);
  });
});

describe("a skip before the steady phase opens is steady time", () => {
  const START = Date.UTC(2026, 11, 6);
  const scheduler = (clock: SkippableClock, seen: [number, number][]) =>
    new SteadyScheduler<number>({
      clock,
      spec: { durationSeconds: 300, intervalSeconds: 60, jitter: 0 },
      entropy: new SeededEntropySource("steady-skip").forDevice(0, -1),
      checkin: async (m) => void seen.push([m, clock.now() - START]),
    });

  it("devices enrolled before a 5 min skip check in at the open; the 5 min phase is used up, so it ends at once", async () => {
    const base = new VirtualClock(START);
    const clock = new SkippableClock(base);
    const seen: [number, number][] = [];
    const s = scheduler(clock, seen);
    s.add(0); // enrolled at t=0: first check-in due at 60 s
    clock.skip(300_000); // timeline: 5 min pass while the last device enrols
    s.add(1); // enrolled after the skip: its first check-in would fall after the phase's end
    s.start();
    await base.run(s.finished, 1_000); // no virtual time needs to pass
    expect(seen).toEqual([[0, 300_000]]);
    expect(base.now()).toBe(START);
    expect(base.pendingTimers).toBe(0);
  });

  it("without a skip the phase keeps its full length, cadence from the open", async () => {
    const base = new VirtualClock(START);
    const clock = new SkippableClock(base);
    const seen: [number, number][] = [];
    const s = scheduler(clock, seen);
    s.add(0);
    await base.advance(30_000);
    s.start();
    await base.run(s.finished);
    expect(seen.map(([, t]) => t)).toEqual([90_000, 150_000, 210_000, 270_000]);
    expect(base.now() - START).toBe(330_000);
  });
});
