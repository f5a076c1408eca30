// SPDX-License-Identifier: MIT
/**
 * A steady fleet whose device the timeline will reset and set up again (virtual time): the device checks
 * in from its enrolment on (its syncs fail while a fault says so) instead of holding the steady phase shut
 * until the reset fires; the reset stops its check-ins, it enrols again from scratch and checks in again
 * with the new enrollment, in the same steady phase ("fail first, then fix"). Nothing is left armed.
 */
import { describe, expect, it } from "vitest";
import { START, runTimeline as run } from "./support.js";

const MIN = 60_000;
const yaml = (timeline: string, steadySeconds = 7200, limit = 36_000) =>
  "name: t\nseed: 7\ngroups:\n  - { name: broken, model: pixel-8, count: 1, flow: scep }\n  - { name: fine, model: pixel-8, count: 1, flow: scep }\n" +
  `arrival: { concurrency: 2 }\nload: { steady: { durationSeconds: ${steadySeconds}, intervalSeconds: 600, jitter: 0 } }\nlimits: { durationSeconds: ${limit} }\n` +
  // The broken PC's syncs fail (the connection drops) for its first 56m40s.
  "faults:\n  - { match: { step: checkin.*, group: broken, window: { to: 3400 } }, reset: { when: before-response } }\n" +
  "timeline:\n" +
  timeline;

describe("timeline reset + setUpAgain in a steady run (virtual time)", () => {
  it("fail first, then fix: the device checks in until the reset fires, enrols again and checks in again", async () => {
    const r = await run(yaml("  - { at: 55m, group: broken, reset: {}, note: the fix }\n  - { at: 0s, group: broken, setUpAgain: { wait: 2m } }\n"));
    const at = (c: { at: number }) => c.at - START;
    const mine = r.checkins.filter((c) => c.device === "pixel-8#0");
    const before = mine.filter((c) => at(c) < 55 * MIN);
    // Before the reset: every 10 minutes, each failing (the old runner held the device, and the steady phase, until the reset).
    expect(before.map(at)).toHaveLength(5);
    expect(before.every((c) => !c.ok)).toBe(true);
    // Erased at 55 min, set up again 2 min later: a second enrolment, after which it syncs again.
    const enrolments = r.steps.filter((x) => x.device === "pixel-8#0" && x.step === "scep.pkioperation" && x.ok).map((x) => x.at);
    expect(enrolments).toHaveLength(2);
    expect(enrolments[1]!).toBeGreaterThanOrEqual(57 * MIN);
    expect(mine.filter((c) => at(c) >= 55 * MIN && at(c) < enrolments[1]!)).toEqual([]);
    const after = mine.filter((c) => at(c) > enrolments[1]!);
    expect(after.length).toBeGreaterThanOrEqual(5);
    expect(after.every((c) => c.ok)).toBe(true);
    // The other device synced throughout; one result per device (the last enrolment's), both at the steady phase's end at the latest.
    expect(r.checkins.filter((c) => c.device === "pixel-8#1").every((c) => c.ok)).toBe(true);
    expect(r.results.map((x) => [x.device, x.ok])).toEqual(
      expect.arrayContaining([
        ["pixel-8#0", true],
        ["pixel-8#1", true],
      ]),
    );
    expect(r.results).toHaveLength(2);
    expect(Math.max(...r.results.map((x) => x.endedAt)) - START).toBeLessThanOrEqual(2 * 3_600_000 + MIN);
    expect(r.base.pendingTimers).toBe(0);
  });

  it("a reset that never fires in the steady phase: the device checks in throughout and is released when the phase ends", async () => {
    const r = await run(yaml("  - { at: 9h, group: broken, reset: {} }\n  - { at: 0s, group: broken, setUpAgain: {} }\n", 3600));
    expect(r.checkins.filter((c) => c.device === "pixel-8#0")).toHaveLength(5); // at 10, 20, … 50 min (the sixth would fall at the phase's end)
    expect(r.byIndex(0).ok).toBe(true);
    expect(r.byIndex(0).endedAt - START).toBeLessThanOrEqual(3_600_000 + MIN); // not the run's 10-hour limit
    expect(r.actions.find((a) => a.action === "reset")!.result).toBe("not fired: the run ended first");
    expect(r.base.pendingTimers).toBe(0);
  });

  it("the run deadline ends a waiting device's wait and the steady phase together", async () => {
    const r = await run(yaml("  - { after: { enrolled: 5 }, group: broken, reset: {}, note: never fires (two devices) }\n  - { at: 0s, group: broken, setUpAgain: {} }\n", 7200, 1800));
    expect(r.checkins.filter((c) => c.device === "pixel-8#0").length).toBeGreaterThanOrEqual(2);
    expect(r.byIndex(0).endedAt - START).toBeLessThanOrEqual(1_800_000);
    expect(r.base.pendingTimers).toBe(0);
  });
});
