// SPDX-License-Identifier: MIT
/**
 * Steady-state check-ins of enrolled Android devices (issue 6 `checkin` hook) on virtual time:
 * AMAPI status reports pick up commands the EMM issued, Headwind syncs follow configUpdated pushes,
 * deleted / unknown devices are typed outcomes.
 */
import { describe, expect, it } from "vitest";
import { FLOWS } from "../../../src/device/flows/index.js";
import { VirtualClock } from "../../../src/platform/virtual/clock.js";
import { InMemoryHttp } from "../../../src/platform/virtual/http.js";
import { loadCatalog } from "../../../src/runner/catalog-files.js";
import { runFleet } from "../../../src/runner/fleet.js";
import type { CheckinSample, DeviceResult, StepSample } from "../../../src/runner/observer.js";
import { parseScenario } from "../../../src/runner/scenario/load.js";
import { androidServer, START } from "./harness.js";
import { testFleetEnv } from "../../support/fleet-env.js";

async function steadyFleet(yaml: string, android: unknown, between?: (at: number, half: Awaited<ReturnType<typeof androidServer>>["half"]) => void) {
  const catalog = loadCatalog();
  const clock = new VirtualClock(START);
  const { server, half } = await androidServer(android, clock);
  const s = parseScenario(yaml, "android-steady.yaml", { modelIds: catalog.ids(), flows: Object.keys(FLOWS) } as never);
  const results: DeviceResult[] = [];
  const checkins: CheckinSample[] = [];
  const steps: StepSample[] = [];
  const done = runFleet(
    s,
    catalog,
    {
      ...(await testFleetEnv({ clock, http: new InMemoryHttp({ clock, handler: { "https://mdm.test": server.handler } }), seed: s.seed })),
      observer: {
        onDeviceEnd: (r) => results.push(r),
        onCheckin: (c) => {
          checkins.push(c);
          between?.(checkins.length, half);
        },
        onStep: (x) => steps.push(x),
      },
    },
    { targets: { server: { https: "https://mdm.test", embedded: true } }, load: { concurrency: 4, steady: { durationSeconds: 600, intervalSeconds: 60, jitter: 0, maxCheckinsPerDevice: 3 } } },
  );
  const out = await clock.run(done, 24 * 3_600_000);
  await server.close?.();
  return { out, results, checkins, steps, half, clock };
}

describe("android steady-state check-ins on virtual time", () => {
  it("AMAPI: each enrolled device reports status on its cadence and acks the commands the EMM queued", async () => {
    let issued = false;
    const { results, checkins, steps, half, clock } = await steadyFleet(
      "name: amapi-steady\nseed: 7\ngroups:\n  - { name: fm, model: pixel-8, count: 3, flow: android-qr }\n",
      {},
      (n, h) => {
        if (n !== 1 || issued) return;
        issued = true;
        // The EMM issues a LOCK to every device through the EMM-facing REST.
        for (const name of h.amapi.devices.keys()) void h.handler({ method: "POST", url: `https://mdm.test/android/amapi/v1/${name}:issueCommand`, headers: { "content-type": "application/json" }, body: new Uint8Array(Buffer.from(JSON.stringify({ type: "LOCK" }))) });
      },
    );
    expect(results.every((r) => r.ok)).toBe(true);
    expect(checkins).toHaveLength(9);
    expect(checkins.every((c) => c.ok)).toBe(true);
    // one ack per device for the LOCK (the device that checked in first got it on its next check-in)
    expect(steps.filter((x) => x.step === "checkin.android.amapi.command").length).toBe(3);
    const commands = half.amapi.notifications.filter((n) => n.message.attributes.notificationType === "COMMAND");
    expect(commands).toHaveLength(3);
    // 60 s cadence on the virtual clock
    const first = checkins.filter((c) => c.device === checkins[0]!.device).map((c) => c.at);
    expect(first[1]! - first[0]!).toBeGreaterThanOrEqual(59_000);
    expect(clock.pendingTimers).toBe(0);
  });

  it("Headwind: configuration sync + long-poll; a configUpdated push re-reads; a deleted device resets", async () => {
    let acted = false;
    const { results, checkins, steps } = await steadyFleet(
      "name: hw-steady\nseed: 8\ngroups:\n  - { name: aosp, model: zebra-tc52, count: 2, flow: android-aosp }\n",
      {},
      (n, h) => {
        if (n !== 2 || acted) return;
        acted = true;
        const [a, b] = [...h.headwind.devices.keys()];
        h.headwind.push(a!, { messageType: "configUpdated", payload: null });
        h.headwind.devices.delete(b!);
      },
    );
    expect(results.every((r) => r.ok)).toBe(true);
    const ok = checkins.filter((c) => c.ok);
    const bad = checkins.filter((c) => !c.ok);
    expect(ok.length).toBeGreaterThanOrEqual(3);
    expect(bad.length).toBeGreaterThanOrEqual(1);
    expect(bad.every((c) => c.code === "android.device.deleted")).toBe(true);
    expect(steps.filter((x) => x.step === "checkin.android.headwind.push").length).toBeGreaterThanOrEqual(ok.length);
  });

  it("an AMAPI device the server does not know gets android.amapi.device-unknown", async () => {
    const { results, checkins } = await steadyFleet(
      "name: amapi-gone\nseed: 9\ngroups:\n  - { name: fm, model: pixel-8, count: 2, flow: android-qr }\n",
      {},
      (n, h) => {
        if (n === 1) h.amapi.devices.clear();
      },
    );
    expect(results.every((r) => r.ok)).toBe(true);
    expect(checkins.filter((c) => !c.ok).every((c) => c.code === "android.amapi.device-unknown")).toBe(true);
    expect(checkins.filter((c) => !c.ok).length).toBeGreaterThanOrEqual(4);
  });
});

describe("FCM push wakes an enrolled device (virtual time)", () => {
  it("the device waits on its FCM connection; an EMM command 2 minutes later wakes it and it syncs + acks", async () => {
    const { VirtualClock: VC } = await import("../../../src/platform/virtual/clock.js");
    const { runAndroidFlow } = await import("./harness.js");
    const clock = new VC(START);
    const { server, half } = await androidServer({}, clock);
    const issueAt = 120_000;
    clock.setTimer(issueAt, () => {
      const name = [...half.amapi.devices.keys()][0]!;
      void server.handler({ method: "POST", url: `https://mdm.test/android/amapi/v1/${name}:issueCommand`, headers: { "content-type": "application/json" }, body: new Uint8Array(Buffer.from(JSON.stringify({ type: "REBOOT" }))) });
    });
    const out = await runAndroidFlow("android-qr", { awaitPushSeconds: 600, pushPollSeconds: 10 }, server.handler, { clock });
    expect(out.result, String(out.error)).toMatchObject({ ok: true, code: "android.enrolled" });
    const waited = out.events.filter((e) => e.step === "android.fcm.wait" && e.kind === "decoded").map((e) => e.data as Record<string, unknown>);
    expect(waited.at(-1)).toMatchObject({ woke: true });
    // woke within one FCM read interval of the command, long before the 10-minute wait ended
    expect(clock.now() - START).toBeGreaterThanOrEqual(issueAt);
    expect(clock.now() - START).toBeLessThan(issueAt + 10_000 + 1_000);
    expect(out.steps.filter((s) => s.step === "android.amapi.command")).toHaveLength(1);
    expect(half.amapi.notifications.filter((n) => n.message.attributes.notificationType === "COMMAND")).toHaveLength(1);
  });

  it("without a push the device gives up waiting at the deadline and stays enrolled", async () => {
    const { runAndroidFlow } = await import("./harness.js");
    const clock = new VirtualClock(START);
    const { server } = await androidServer({}, clock);
    const out = await runAndroidFlow("android-qr", { awaitPushSeconds: 60, pushPollSeconds: 15 }, server.handler, { clock });
    expect(out.result).toMatchObject({ ok: true });
    expect(out.events.filter((e) => e.step === "android.fcm.wait" && e.kind === "decoded").at(-1)!.data).toMatchObject({ woke: false, reads: 5 });
    expect(clock.now() - START).toBeLessThanOrEqual(61_000);
  });
});

describe("hostile mock-FCM answers", () => {
  it("a non-JSON FCM answer is a typed protocol violation naming the step", async () => {
    const { runAndroidFlow } = await import("./harness.js");
    const clock = new VirtualClock(START);
    const { server } = await androidServer({}, clock);
    const handler = async (req: { url: string }) =>
      new URL(req.url).pathname.startsWith("/android/fcm/poll/") ? { status: 200, headers: { "content-type": "application/json" }, body: new Uint8Array(Buffer.from("{\"messages\":")), url: "" } : server.handler(req as never);
    const out = await runAndroidFlow("android-qr", { awaitPushSeconds: 30 }, handler as never, { clock });
    expect(out.error).toMatchObject({ code: "android.fcm.malformed", step: "android.fcm.wait" });
  });
});
