// SPDX-License-Identifier: MIT
/** The skippable scenario clock over the virtual clock: skipped timers fire at once, in due order. */
import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../../src/platform/virtual/clock.js";
import { SkippableClock } from "../../../src/runner/timeline/skip-clock.js";

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
