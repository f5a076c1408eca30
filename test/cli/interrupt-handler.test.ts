// SPDX-License-Identifier: MIT
/** The CLI's interrupt handler: first signal stops arrivals, the grace period (fake timers) or a second signal aborts. */
import { afterEach, describe, expect, it, vi } from "vitest";
import { handleInterrupts } from "../../src/cli/interrupt.js";
import { RunInterrupted, interruptOf } from "../../src/runner/interrupt.js";

describe("handleInterrupts", () => {
  afterEach(() => vi.useRealTimers());

  it("stops arrivals on the first signal and aborts in-flight devices when the grace period ends", () => {
    vi.useFakeTimers();
    const said: string[] = [];
    const h = handleInterrupts(5, (l) => said.push(l));
    try {
      process.emit("SIGTERM", "SIGTERM");
      expect(h.received).toBe("SIGTERM");
      expect(h.stopArrivals.aborted).toBe(true);
      expect(h.stopArrivals.reason).toBeInstanceOf(RunInterrupted);
      expect(h.abort.aborted).toBe(false);
      vi.advanceTimersByTime(4999);
      expect(h.abort.aborted).toBe(false);
      vi.advanceTimersByTime(1);
      expect(interruptOf(h.abort)).toBe("SIGTERM");
      expect(said.join("\n")).toMatch(/grace period of 5 s over/);
    } finally {
      h.dispose();
    }
  });

  it("a second signal aborts at once; dispose removes the handlers", () => {
    vi.useFakeTimers();
    const before = process.listenerCount("SIGINT");
    const h = handleInterrupts(600, () => {});
    expect(process.listenerCount("SIGINT")).toBe(before + 1);
    process.emit("SIGINT", "SIGINT");
    expect(h.abort.aborted).toBe(false);
    process.emit("SIGINT", "SIGINT");
    expect(interruptOf(h.abort)).toBe("SIGINT");
    h.dispose();
    expect(process.listenerCount("SIGINT")).toBe(before);
  });
});
