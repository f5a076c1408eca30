// SPDX-License-Identifier: MIT
/**
 * The timeline on virtual time: actions fire at their time on the scenario clock or after their
 * event; offline windows, idling and abandoning at a step, Try Again, clock skips, and server actions
 * reach real flows (SCEP devices against the reference server's handler, in memory).
 */
import { describe, expect, it } from "vitest";
import { START, runTimeline as run } from "./support.js";

const head = (count: number, arrival: string, duration = 3600) =>
  `name: t\nseed: 7\ngroups:\n  - { name: p, model: pixel-8, count: ${count}, flow: scep }\narrival: ${arrival}\nlimits: { durationSeconds: ${duration} }\ntimeline:\n`;

describe("timeline on virtual time", () => {
  it("offline devices fail as a device without network does; Try Again after the window enrols them", async () => {
    const r = await run(
      head(3, "{ rate: 1 }") +
        "  - { at: 0s, devices: [0, 1], offline: { for: 90s } }\n" +
        "  - { at: 0s, group: p, tryAgain: { wait: 2m } }\n",
    );
    expect(r.results.filter((x) => x.ok)).toHaveLength(3);
    // The first attempt of devices 0 and 1 failed at their first request: DNS, as with the network off.
    const failed = r.steps.filter((x) => !x.ok);
    expect(failed.map((x) => `${x.device} ${x.step}`).sort()).toEqual(["pixel-8#0 scep.getcacaps", "pixel-8#1 scep.getcacaps"]);
    const offlineNote = r.notes.find((n) => n.kind === "http" && n.device === "pixel-8#0");
    expect(String(offlineNote?.data.error)).toMatch(/name resolution timed out.*\[injected: device offline \(timeline\[0\]\)\]/);
    // Try Again 2 min after the failure: the device enrolled after 120 s, device 2 (not offline) at once.
    expect(r.byIndex(0).endedAt - START).toBeGreaterThanOrEqual(120_000);
    expect(r.byIndex(2).endedAt - START).toBeLessThan(10_000);
    expect(r.notes.filter((n) => n.data.action === "tryAgain" && n.data.after).map((n) => `${n.device} after ${n.data.after}`).sort()).toEqual(["pixel-8#0 after transport.dns", "pixel-8#1 after transport.dns"]);
    expect(r.actions[0]).toMatchObject({ entry: 0, action: "offline", atMs: 0, trigger: "at 0 ms", deviceCount: 2, devices: ["pixel-8#0", "pixel-8#1"] });
  });

  it("after: { outcome } fires while the failed device waits at its error: the fix and the Try Again it triggers reach it", async () => {
    const r = await run(
      head(2, "{ rate: 1 }") +
        "  - { at: 0s, devices: [1], offline: { as: connect.refused } }\n" +
        "  - { after: { outcome: transport.refused, wait: 5m }, devices: [1], online: {} }\n" +
        "  - { after: { outcome: transport.refused, wait: 6m }, devices: [1], tryAgain: {} }\n",
    );
    // Counted when device 1 showed the error, not when it ended (it never would, waiting for the Try Again).
    expect(r.actions.find((a) => a.entry === 1)).toMatchObject({ action: "online", atMs: expect.any(Number) as number });
    expect(r.byIndex(1).ok).toBe(true);
    expect(r.byIndex(1).endedAt - START).toBeGreaterThanOrEqual(360_000);
    expect(r.byIndex(1).endedAt - START).toBeLessThan(420_000);
  });

  it("without a Try Again an offline device ends with the transport error", async () => {
    const r = await run(head(2, "{ rate: 1 }") + "  - { at: 0s, devices: [1], offline: { as: connect.refused } }\n");
    expect(r.byIndex(0).ok).toBe(true);
    expect(r.byIndex(1).failure).toMatchObject({ code: "transport.refused", blame: "transport", step: "scep.getcacaps" });
  });

  it("idle at a step waits on the scenario clock; abandon ends the device with user.abandoned", async () => {
    const r = await run(
      head(3, "{ concurrency: 3 }") +
        "  - { at: 0s, devices: [0], idle: { for: 10m, step: scep.pkioperation } }\n" +
        "  - { at: 0s, devices: [1], abandon: { step: scep.getcacert } }\n" +
        "  - { at: 90s, devices: [2], note: the user is back, idle: { for: 1m } }\n",
    );
    const pki = r.steps.find((x) => x.device === "pixel-8#0" && x.step === "scep.pkioperation")!;
    expect(pki.at).toBeGreaterThanOrEqual(600_000);
    expect(r.byIndex(0).ok).toBe(true);
    expect(r.byIndex(1).failure).toMatchObject({ code: "user.abandoned", blame: "scenario" });
    expect(r.steps.some((x) => x.device === "pixel-8#1" && x.step === "scep.getcacert")).toBe(false);
    // Fired at exactly 90 s (device 2 had finished: the rule waits for a step it never reaches).
    expect(r.actions.find((a) => a.entry === 2)).toMatchObject({ atMs: 90_000, action: "idle", note: "the user is back" });
  });

  it("after: an event count fires the action then (enrolled, a step's samples)", async () => {
    const r = await run(
      head(4, "{ rate: 0.1 }") +
        "  - { after: { enrolled: 2 }, devices: [2], offline: {} }\n" +
        "  - { after: { step: scep.pkioperation, succeeded: 1, wait: 15s }, devices: [3], abandon: {} }\n",
    );
    expect(r.results.filter((x) => x.ok).map((x) => x.index).sort()).toEqual([0, 1]);
    expect(r.byIndex(2).failure?.code).toBe("transport.dns");
    expect(r.byIndex(3).failure?.code).toBe("user.abandoned");
    const fired = r.actions.find((a) => a.entry === 0)!;
    expect(fired.trigger).toBe("after 2 device(s) enrolled");
    expect(fired.atMs).toBeGreaterThanOrEqual(10_000);
    expect(fired.atMs).toBeLessThan(20_000);
    expect(r.actions.find((a) => a.entry === 1)!.trigger).toBe("after scep.pkioperation succeeded 1× + 15 s");
  });

  it("skip: hours pass in milliseconds of virtual time; timers due in between fire at once", async () => {
    const r = await run(head(1, "{ concurrency: 1 }", 86_400) + "  - { at: 0s, devices: [0], idle: { for: 5h } }\n  - { at: 1m, skip: 4h }\n");
    expect(r.byIndex(0).ok).toBe(true);
    // Scenario clock: 5 h passed; the base (virtual) clock moved only 1 h.
    expect(r.byIndex(0).endedAt - START).toBeGreaterThanOrEqual(5 * 3_600_000);
    expect(r.base.now() - START).toBeLessThan(3_600_000 + 60_000);
    expect(r.actions.find((a) => a.action === "skip")).toMatchObject({ atMs: 60_000, result: "the scenario clock jumped 4 h ahead" });
  });

  it("server actions: set a config path mid-run (the CA's answer changes), revoke a device's certificate", async () => {
    const r = await run(
      head(4, "{ rate: 0.1 }") +
        "  - { after: { enrolled: 1 }, set: { embedded.scep.failInfo: badRequest } }\n" +
        "  - { at: 15s, set: { embedded.scep.failInfo: badTime } }\n" +
        "  - { after: { enrolled: 1 }, devices: [0], revoke: device-certificate }\n",
    );
    expect(r.byIndex(0).ok).toBe(true);
    expect(r.byIndex(1).failure?.code).toBe("scep.failInfo.badRequest");
    expect(r.byIndex(2).failure?.code).toBe("scep.failInfo.badTime");
    expect(r.actions.find((a) => a.entry === 2)!.result).toBe("revoked 1 certificate(s)");
    expect(r.server.scep.revokedSerials).toHaveLength(1);
  });

  it("endpointDown answers 503 with Retry-After while down and the endpoint is back after its window", async () => {
    const r = await run(head(3, "{ rate: 0.05 }") + "  - { at: 0s, endpointDown: { path: /scep*, retryAfter: 60, for: 30s } }\n");
    // GetCACaps failing is tolerated (RFC 8894 §3.5.1: the client assumes a minimal set); GetCACert is not.
    for (const i of [0, 1]) expect(r.byIndex(i).failure).toMatchObject({ code: "transport.http-status", step: "scep.getcacert" });
    expect(r.byIndex(0).failure!.message).toContain("HTTP 503: Service Unavailable: /scep* is down (injected by the scenario timeline)");
    expect(r.byIndex(2).ok).toBe(true); // started at 40 s: the endpoint came back at 30 s
    expect(r.actions.map((a) => `${a.action} ${a.atMs} ${a.result}`)).toEqual(["endpointDown 0 /scep* answers 503 (Retry-After: 60)", "endpointUp 30000 /scep* is back"]);
  });

  it("reset: an enrolling device stops at its next step (device.reset); an enrolled one stops checking in; restore brings Apple devices back", async () => {
    const yaml =
      "name: t\nseed: 7\ngroups:\n  - { name: p, model: pixel-8, count: 2, flow: scep }\n  - { name: i, model: iphone-15, count: 1, flow: scep }\n" +
      "arrival: { concurrency: 3 }\nload: { steady: { durationSeconds: 600, intervalSeconds: 60, jitter: 0 } }\nlimits: { durationSeconds: 3600 }\ntimeline:\n" +
      "  - { at: 0s, devices: [0], idle: { for: 5m, step: scep.pkioperation } }\n" +
      "  - { at: 1m, devices: [0], reset: {} }\n" +
      "  - { at: 1m, devices: [1, 2], reset: {} }\n" +
      "  - { at: 10m, devices: [1, 2], restore: {} }\n";
    const r = await run(yaml);
    // Device 0 was idling before pkioperation when its user erased it.
    expect(r.byIndex(0).failure).toMatchObject({ code: "device.reset", blame: "scenario" });
    expect(r.steps.some((x) => x.device === "pixel-8#0" && x.step === "scep.pkioperation")).toBe(false);
    // Devices 1 and 2 enrolled, then were erased at 1 min: no check-in until the restore at 10 min,
    // after which only the iPhone (whose backup holds the enrollment) checks in again.
    const times = (d: string) => r.checkins.filter((c) => c.device === d).map((c) => c.at - START);
    expect(times("pixel-8#1")).toEqual([]);
    expect(times("iphone-15#2").length).toBeGreaterThan(0);
    expect(times("iphone-15#2").every((t) => t >= 600_000)).toBe(true);
    expect(r.actions.find((a) => a.entry === 3)!.result).toBe("restored from the backup taken while enrolled; 1 device(s) of a platform whose backups hold no MDM enrollment stay erased");
  });
});
