// SPDX-License-Identifier: MIT
/** A device wait (protocol/common/device-wait.ts): ÷ load.timeScale on the scenario clock, on the device's board while it runs. */
import { describe, expect, it } from "vitest";
import type { PendingWait } from "../../src/protocol/common/context.js";
import { describeWaits, deviceWait } from "../../src/protocol/common/device-wait.js";
import { VirtualClock } from "../../src/platform/virtual/clock.js";

describe("deviceWait", () => {
  it("lasts ms ÷ timeScale, is on the board while it runs and leaves it when it ends", async () => {
    const clock = new VirtualClock(0);
    const waits = new Set<PendingWait>();
    const p = deviceWait({ clock, timeScale: 900, waits }, 900_000, "android.agent.cert-install", "next try");
    expect([...waits]).toEqual([{ step: "android.agent.cert-install", reason: "next try", since: 0, dueAt: 1000 }]);
    await clock.advance(999);
    expect(waits.size).toBe(1);
    await clock.advance(1);
    await p;
    expect(waits.size).toBe(0);
    expect(clock.pendingTimers).toBe(0);
  });

  it("without a time scale it is the full wait; aborted, it stays on the board (the device ended waiting) and no timer is left", async () => {
    const clock = new VirtualClock(0);
    const waits = new Set<PendingWait>();
    const ac = new AbortController();
    const p = deviceWait({ clock, waits, signal: ac.signal }, 60_000, "scep.certpoll", "the CA answered PENDING");
    await clock.advance(30_000);
    ac.abort(new Error("run deadline"));
    await expect(p).rejects.toThrow("run deadline");
    expect(clock.pendingTimers).toBe(0);
    expect(describeWaits(waits, clock.now())).toEqual(["waiting at scep.certpoll until 1970-01-01T00:01:00.000Z (in 30 s): the CA answered PENDING"]);
    expect(describeWaits([{ step: "s", reason: "r", since: 0, dueAt: 3 * 3_600_000 }], 0)).toEqual(["waiting at s until 1970-01-01T03:00:00.000Z (in 3.0 h): r"]);
  });
});
