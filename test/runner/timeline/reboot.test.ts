// SPDX-License-Identifier: MIT
/**
 * The timeline's `reboot` on virtual time: a device that loses power stops at its next step boundary
 * (or loses the request in flight), is off for its boot time on the scenario clock, then starts its
 * flow again from its disk; an enrolled device is off for its boot time and does not check in.
 */
import { describe, expect, it } from "vitest";
import { parseScenario } from "../../../src/runner/scenario/load.js";
import { START, ctx, runTimeline as run } from "./support.js";

const at = (r: Awaited<ReturnType<typeof run>>, device: string, step: string) => r.steps.filter((x) => x.device === device && x.step === step);

describe("reboot on virtual time", () => {
  it("a device left idle at a step reboots meanwhile: it stops at that step boundary, is off for bootTime, then enrols from the start", async () => {
    const yaml =
      "name: t\nseed: 7\ngroups:\n  - { name: p, model: pixel-8, count: 2, flow: scep }\n" +
      "arrival: { concurrency: 2 }\nlimits: { durationSeconds: 3600 }\ntimeline:\n  - { at: 0s, idle: { for: 60s, step: scep.pkioperation } }\n  - { at: 30s, devices: [0], reboot: { bootTime: 5m } }\n";
    const r = await run(yaml);
    expect(r.results.every((x) => x.ok)).toBe(true);
    // Device 0 was left at PKIOperation (until 60 s) when the power went at 30 s: it stopped before the
    // request, was off 5 min, then asked for the CA's capabilities again.
    const caps = at(r, "pixel-8#0", "scep.getcacaps");
    expect(caps).toHaveLength(2);
    expect(caps[1]!.at).toBeGreaterThanOrEqual(60_000 + 300_000);
    expect(caps[1]!.at).toBeLessThan(60_000 + 300_000 + 5_000);
    expect(at(r, "pixel-8#0", "scep.pkioperation")).toHaveLength(1);
    expect(at(r, "pixel-8#1", "scep.getcacaps")).toHaveLength(1);
    const off = r.notes.find((n) => n.device === "pixel-8#0" && (n.data as { power?: string } | undefined)?.power === "off");
    const on = r.notes.find((n) => n.device === "pixel-8#0" && (n.data as { power?: string } | undefined)?.power === "on");
    expect(off?.step).toBe("scep.pkioperation");
    expect(on!.t - off!.t).toBe(300_000);
    expect(r.actions.find((x) => x.action === "reboot")!.result).toMatch(/^1 enrolling device/);
  });

  it("the default boot time is the platform's; a request in flight is lost and the server's answer never reaches the device", async () => {
    const yaml =
      "name: t\nseed: 7\ngroups:\n  - { name: p, model: windows-11-laptop, count: 1, flow: scep }\n" +
      "faults:\n  - { match: { step: scep.pkioperation, nth: 1 }, delay: { ms: 20000 } }\n" +
      "arrival: { concurrency: 1 }\nlimits: { durationSeconds: 3600, stepTimeoutMs: 60000 }\ntimeline:\n  - { after: { step: scep.getcacert, wait: 5s }, reboot: {} }\n";
    const r = await run(yaml);
    expect(r.results[0]!.ok).toBe(true);
    const pki = at(r, "windows-11-laptop#0", "scep.pkioperation");
    expect(pki.map((x) => x.ok)).toEqual([false, true]);
    const off = r.notes.find((n) => (n.data as { power?: string } | undefined)?.power === "off")!;
    const on = r.notes.find((n) => (n.data as { power?: string } | undefined)?.power === "on")!;
    expect(on.t - off.t).toBe(120_000); // Windows' default boot time
    // The PKIOperation delayed 20 s ended when the power went, 5 s after GetCACert, without its answer.
    const cacert = at(r, "windows-11-laptop#0", "scep.getcacert")[0]!;
    expect(off.t - START - cacert.at).toBe(5_000);
    expect(pki[0]!.at).toBe(off.t - START);
  });

  it("reboot at a named step stops the device there; an enrolled device is off for its boot time and skips check-ins meanwhile", async () => {
    const yaml =
      "name: t\nseed: 7\ngroups:\n  - { name: p, model: pixel-8, count: 2, flow: scep }\narrival: { concurrency: 2 }\n" +
      "load: { steady: { durationSeconds: 600, intervalSeconds: 60, jitter: 0 } }\nlimits: { durationSeconds: 3600 }\ntimeline:\n" +
      "  - { at: 0s, devices: [0], reboot: { step: scep.pkioperation, bootTime: 90s } }\n  - { after: { enrolled: 2 }, devices: [1], reboot: { bootTime: 5m } }\n";
    const r = await run(yaml);
    expect(r.results.every((x) => x.ok)).toBe(true);
    expect(at(r, "pixel-8#0", "scep.getcacaps")).toHaveLength(2);
    expect(at(r, "pixel-8#0", "scep.pkioperation")).toHaveLength(1); // stopped before it, done once after boot
    const c0 = r.checkins.filter((c) => c.device === "pixel-8#0").length;
    const c1 = r.checkins.filter((c) => c.device === "pixel-8#1").length;
    expect(c1).toBeLessThan(c0); // device 1 was off for 5 minutes of the phase
    expect(c1).toBeGreaterThan(0); // and checked in again after booting
  });

  it("refuses a reboot at an unknown step with a did-you-mean, and an unknown key of reboot", () => {
    const base = "name: t\ngroups:\n  - { name: p, model: pixel-8, count: 1, flow: scep }\ntimeline:\n";
    expect(() => parseScenario(base + "  - { at: 0s, reboot: { step: scep.pkioperaton } }\n", "x.yaml", ctx)).toThrow(/x\.yaml:5:\d+: unknown step "scep\.pkioperaton".*did you mean "scep\.pkioperation"/);
    expect(() => parseScenario(base + "  - { at: 0s, reboot: { boottime: 1m } }\n", "x.yaml", ctx)).toThrow(/unknown property "boottime".*did you mean "bootTime"/);
    expect(() => parseScenario(base + "  - { at: 0s, rebot: {} }\n", "x.yaml", ctx)).toThrow(/did you mean "reboot"/);
  });
});
