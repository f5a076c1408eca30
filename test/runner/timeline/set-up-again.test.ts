// SPDX-License-Identifier: MIT
/**
 * Timeline `setUpAgain` on virtual time: an erased device (a `reset` after it enrolled, or an
 * enrolment a reset cut short) runs its flow again from scratch, `wait` after it was erased; a device
 * waits for a set-up still to fire; without a reset nothing is set up again; `after: { enrolled }`
 * counts each enrolment when it ends, so a trigger does not wait for the device's last set-up.
 */
import { describe, expect, it } from "vitest";
import { START, runTimeline as run } from "./support.js";

const head = (count: number, duration = 3600) => `name: t\nseed: 7\ngroups:\n  - { name: p, model: pixel-8, count: ${count}, flow: scep }\narrival: { concurrency: ${count} }\nlimits: { durationSeconds: ${duration} }\ntimeline:\n`;
const enrolments = (r: Awaited<ReturnType<typeof run>>, device: string) => r.steps.filter((x) => x.device === device && x.step === "scep.pkioperation" && x.ok).length;

describe("timeline setUpAgain (virtual time)", () => {
  it("enrolled devices that are reset are set up again from scratch after the wait; the others are left alone", async () => {
    const r = await run(head(3) + "  - { after: { enrolled: 3 }, devices: [0, 1], reset: {}, note: handed to new users }\n" + "  - { after: { enrolled: 3 }, devices: [0, 1, 2], setUpAgain: { wait: 10m } }\n");
    expect(r.results.every((x) => x.ok)).toBe(true);
    expect(r.results).toHaveLength(3); // one result per device: the last set-up's
    expect(enrolments(r, "pixel-8#0")).toBe(2);
    expect(enrolments(r, "pixel-8#1")).toBe(2);
    expect(enrolments(r, "pixel-8#2")).toBe(1); // not erased: nothing to set up again
    // The second enrolment started 10 min (scenario clock) after the reset.
    const second = r.steps.filter((x) => x.device === "pixel-8#0" && x.step === "scep.getcacaps")[1]!;
    expect(second.at).toBeGreaterThanOrEqual(600_000);
    expect(r.byIndex(2).endedAt - START).toBeLessThan(60_000);
    expect(
      r.notes
        .filter((n) => n.data.action === "setUpAgain" && n.data.setUp === 1)
        .map((n) => n.device)
        .sort(),
    ).toEqual(["pixel-8#0", "pixel-8#1"]);
    expect(r.actions.find((a) => a.entry === 1)).toMatchObject({ action: "setUpAgain", deviceCount: 3 });
  });

  it("a set-up fired before the reset applies once the device is erased (a standing rule), up to times", async () => {
    const r = await run(
      head(1) +
        "  - { at: 0s, setUpAgain: { times: 2, wait: 1m } }\n" +
        "  - { after: { enrolled: 1 }, reset: {} }\n" +
        "  - { after: { enrolled: 2 }, reset: {} }\n" +
        "  - { after: { enrolled: 3 }, reset: {}, note: a third reset with no set-up left }\n",
    );
    expect(enrolments(r, "pixel-8#0")).toBe(3);
    expect(r.byIndex(0).ok).toBe(true);
    expect(r.actions.filter((a) => a.action === "reset")).toHaveLength(3);
  });

  it("an enrolment a reset cut short is set up again by setUpAgain (no Try Again needed)", async () => {
    const r = await run(head(1) + "  - { after: { step: scep.getcacert, succeeded: 1 }, reset: {} }\n  - { at: 0s, setUpAgain: {} }\n");
    expect(r.byIndex(0).ok).toBe(true);
    expect(r.notes.some((n) => n.data.action === "reset" && n.step !== "timeline")).toBe(true);
    expect(enrolments(r, "pixel-8#0")).toBe(1);
    expect(r.steps.filter((x) => x.device === "pixel-8#0" && x.step === "scep.getcacaps")).toHaveLength(2);
  });

  it("without a reset a setUpAgain changes nothing and the run does not wait for it", async () => {
    const r = await run(head(2, 600) + "  - { at: 0s, setUpAgain: {} }\n");
    expect(r.results.every((x) => x.ok)).toBe(true);
    expect(enrolments(r, "pixel-8#0")).toBe(1);
    expect(Math.max(...r.results.map((x) => x.endedAt)) - START).toBeLessThan(60_000);
  });

  it("a device whose reset never fires is released when the run ends (reported with its enrolment)", async () => {
    const r = await run(head(1, 600) + "  - { at: 5m, reset: {} }\n  - { after: { enrolled: 5 }, setUpAgain: {} }\n");
    expect(r.byIndex(0).ok).toBe(true);
    expect(enrolments(r, "pixel-8#0")).toBe(1);
    expect(r.byIndex(0).endedAt - START).toBeGreaterThanOrEqual(300_000); // it waited for the reset, then for a set-up that never came
  });

  it("closed model: a device waiting to be set up again gives its place to the next device, and takes one again to go on", async () => {
    // One place (concurrency 1): device 0 enrolls, is reset, and is set up again 10 min later; device 1 must not wait for that.
    const r = await run(
      `name: t\nseed: 7\ngroups:\n  - { name: p, model: pixel-8, count: 3, flow: scep }\narrival: { concurrency: 1 }\nlimits: { durationSeconds: 3600 }\ntimeline:\n` +
        "  - { after: { enrolled: 1 }, devices: [0], reset: {} }\n  - { at: 0s, devices: [0], setUpAgain: { wait: 10m } }\n",
    );
    expect(r.results.every((x) => x.ok)).toBe(true);
    expect(enrolments(r, "pixel-8#0")).toBe(2);
    const starts = (d: string) => r.steps.filter((x) => x.device === d && x.step === "scep.getcacaps").map((x) => x.at);
    // Devices 1 and 2 enrolled during device 0's 10-minute wait, one at a time.
    expect(r.byIndex(1).endedAt - START).toBeLessThan(60_000);
    expect(r.byIndex(2).endedAt - START).toBeLessThan(60_000);
    expect(starts("pixel-8#2")[0]!).toBeGreaterThanOrEqual(r.byIndex(1).endedAt - START);
    expect(starts("pixel-8#0")[1]!).toBeGreaterThanOrEqual(600_000);
  });
});
