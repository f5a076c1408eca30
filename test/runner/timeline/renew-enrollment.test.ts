// SPDX-License-Identifier: MIT
/**
 * The timeline's retry rules after a failed attempt (runner/timeline/retries.ts) on virtual time: a `renewEnrollment`
 * rule answers with its own kind (the flow is told it runs again from the running OS), after its wait on the scenario
 * clock, at most `times` per device; a device waits at its error for a rule not yet fired; `tryAgain` keeps its kind.
 */
import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../../src/platform/virtual/clock.js";
import { UserRetries } from "../../../src/runner/timeline/retries.js";
import type { TimelineEntry } from "../../../src/runner/timeline/types.js";
import type { TranscriptEvent } from "../../../src/ports/transcript.js";

function world(entries: TimelineEntry[]) {
  const clock = new VirtualClock(0);
  const applied = new Set<number>();
  const notes: TranscriptEvent[] = [];
  const retries = new UserRetries({
    clock,
    entries,
    applied: (i) => applied.has(i),
    targetSet: () => "all",
    stopped: () => false,
    transcriptFor: () => ({ record: (e: TranscriptEvent) => void notes.push(e) }) as never,
  });
  return { clock, applied, notes, retries };
}

const entry = (index: number, action: TimelineEntry["action"]): TimelineEntry => ({ index, action }) as unknown as TimelineEntry;

describe("renewEnrollment retry rule", () => {
  it("answers renewEnrollment after its wait on the scenario clock, once per device by default", async () => {
    const w = world([entry(0, { kind: "renewEnrollment", waitMs: 600_000, times: 1 })]);
    w.retries.add("renewEnrollment", 0, "all", 600_000, 1);
    w.applied.add(0);
    const first = w.clock.run(w.retries.tryAgainAfterFailure(0, "d0", "apple.ade.skipped-offline"), 3_600_000);
    expect(await first).toBe("renewEnrollment");
    expect(w.clock.now()).toBe(600_000);
    expect(w.notes.at(-1)?.data).toMatchObject({ action: "renewEnrollment", after: "apple.ade.skipped-offline", attempt: 1, injected: true });
    // times: 1 used up: the next failure ends the device.
    expect(await w.clock.run(w.retries.tryAgainAfterFailure(0, "d0", "apple.ade.skipped-offline"), 3_600_000)).toBe(false);
  });

  it("a failed device waits at its error for a renewal not yet fired; tryAgain keeps its own kind", async () => {
    const w = world([entry(0, { kind: "renewEnrollment", waitMs: 0, times: 1 }), entry(1, { kind: "tryAgain", waitMs: 0, times: 1 })]);
    const waiting = w.retries.tryAgainAfterFailure(0, "d0", "apple.ade.device-not-assigned");
    let settled: unknown = "pending";
    void waiting.then((v) => (settled = v));
    await Promise.resolve();
    expect(settled).toBe("pending");
    w.retries.add("renewEnrollment", 0, "all", 0, 1);
    w.applied.add(0);
    expect(await waiting).toBe("renewEnrollment");
    w.retries.add("tryAgain", 1, "all", 0, 1);
    w.applied.add(1);
    expect(await w.retries.tryAgainAfterFailure(1, "d1", "x")).toBe("renewEnrollment");
    expect(await w.retries.tryAgainAfterFailure(0, "d0", "x")).toBe("tryAgain");
  });
});
