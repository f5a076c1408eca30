// SPDX-License-Identifier: MIT
/**
 * The device's persistent APNs connection is a network endpoint (device/apple/push.ts ApnsLink): faults and
 * a timeline `offline` reach it; without it, accepted pushes never wake the device and it acts on its poll.
 * Runs shipped/inline scenarios against the embedded server over loopback, on virtual time.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../../src/api/run-scenario.js";
import { VirtualClock } from "../../../src/platform/virtual/clock.js";

/** Runs a scenario on virtual time (the 30 s poll timers jump), the embedded server on real loopback sockets. */
async function run(file: string) {
  const clock = new VirtualClock(Date.now());
  return clock.run(runScenario(file, { keyPoolSize: 24, progress: false, adapters: { clock } }), 600_000);
}

describe("APNs connection", () => {
  it("apple-apns-5223-blocked: both ports blocked = enrolled but never woken; 5223 only = falls back to 443", async () => {
    const { summary } = await run(join(import.meta.dirname, "../../../scenarios/failures/apple-apns-5223-blocked.yaml"));
    expect(summary).toMatchObject({ devices: 4, enrolled: 4, ok: true });
    expect(summary.steps["push.woken"]!.count).toBe(2);
    expect(summary.steps["push.poll"]!.count).toBe(2);
    expect(summary.pushes).toMatchObject({ accepted: 4, delivered: 2 });
  }, 120_000);

  it("a device that is offline when it would connect is not woken; with no fault every device is", async () => {
    const dir = mkdtempSync(join(tmpdir(), "apns-"));
    const file = (offline: boolean) => {
      const f = join(dir, `${offline}.yaml`);
      writeFileSync(
        f,
        [
          "name: apns-offline",
          "seed: 7",
          "server: embedded",
          "embedded: { apple: { pushOnEnroll: { count: 1 } } }",
          "groups:",
          "  - { name: g, model: iphone-15, count: 2, flow: ios-profile, options: { apple: { push: { listen: 1, pollSeconds: 30 } } } }",
          ...(offline ? ["timeline:", "  - { at: 0s, group: g, offline: { step: push.connect, as: connect.timeout } }"] : []),
          "limits: { durationSeconds: 120 }",
        ].join("\n"),
      );
      return f;
    };
    const on = (await run(file(false))).summary;
    expect(on.steps["push.woken"]!.count).toBe(2);
    expect(on.steps["push.connect"]).toMatchObject({ count: 2, failed: 0 });
    const off = (await run(file(true))).summary;
    expect(off.steps["push.woken"]?.count ?? 0).toBe(0);
    expect(off.steps["push.poll"]!.count).toBe(2);
    expect(off.steps["push.connect"]!.failed).toBe(4);
  }, 120_000);
});
