// SPDX-License-Identifier: MIT
/**
 * Timeline `reset` reads the device (virtual time): a Windows PC whose recovery environment is disabled (device state
 * `recovery.winre`) cannot reset itself, so it is not erased and a `setUpAgain` leaves it alone; the fired action says
 * why with what the PC shows. A PC with WinRE, and a device of another platform, are erased and set up again.
 */
import { describe, expect, it } from "vitest";
import { runTimeline as run } from "./support.js";

const yaml = (winre: string) =>
  "name: t\nseed: 7\ngroups:\n" +
  `  - { name: pcs, model: windows-11-laptop, count: 2, flow: scep, state: { recovery: { winre: ${winre} } } }\n` +
  "  - { name: phone, model: pixel-8, count: 1, flow: scep }\n" +
  "arrival: { concurrency: 3 }\nlimits: { durationSeconds: 3600 }\ntimeline:\n" +
  "  - { after: { enrolled: 3 }, reset: {}, note: the technician resets every device }\n" +
  "  - { after: { enrolled: 3 }, setUpAgain: { wait: 5m } }\n";
const enrolments = (r: Awaited<ReturnType<typeof run>>, device: string) => r.steps.filter((x) => x.device === device && x.step === "scep.pkioperation" && x.ok).length;

describe("timeline reset and the recovery environment (virtual time)", () => {
  it("PCs without WinRE are not erased and not set up again; the phone is; the fired reset names why", async () => {
    const r = await run(yaml("disabled"));
    expect(r.results.every((x) => x.ok)).toBe(true);
    expect([enrolments(r, "windows-11-laptop#0"), enrolments(r, "windows-11-laptop#1"), enrolments(r, "pixel-8#2")]).toEqual([1, 1, 2]);
    const fired = r.actions.find((a) => a.action === "reset")!;
    expect(fired.result).toMatch(/erased 1 device\(s\).*; 2 could not reset: Reset this PC: "Could not find the recovery environment\."/);
  });

  it("with WinRE enabled every device is erased and set up again 5 minutes later", async () => {
    const r = await run(yaml("enabled"));
    expect([enrolments(r, "windows-11-laptop#0"), enrolments(r, "windows-11-laptop#1"), enrolments(r, "pixel-8#2")]).toEqual([2, 2, 2]);
    expect(r.actions.find((a) => a.action === "reset")!.result).not.toContain("could not reset");
  });
});
