// SPDX-License-Identifier: MIT
/**
 * Apple devices on an explicit-proxy network end to end over loopback (runner/network + device/apple/proxy.ts
 * against the embedded server): the shipped pair fails where and how its comments say, and its fixed variant
 * (Manual, and Auto by WPAD) enrols every device.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/api/run-scenario.js";

const file = (p: string) => join(import.meta.dirname, "../../scenarios", p);
const opts = { keyPoolSize: 24, progress: false as const, capacity: false as const };

describe("shipped Apple proxy scenarios", () => {
  it("ADE iPads with Configure Proxy Off: the cloud configuration goes direct and is refused (-1004); Manual or Auto (WPAD) enrols", async () => {
    const failing = (await runScenario(file("failures/ios-ade-proxy-not-configured-failing.yaml"), opts)).summary;
    expect(failing.ok).toBe(true);
    expect(failing.outcomes).toEqual({ "transport.refused": 2 });
    expect(failing.errors["transport.refused"]).toMatchObject({ step: "ade.cloudconfig", shown: { code: "NSURLErrorDomain -1004", screen: "Setup Assistant › Remote Management" } });
    expect(failing.errors["transport.refused"]!.example).toMatch(/only through its proxy proxy\.school\.example:8080; a direct connection to iprofiles\.apple\.com/);
    const fixed = (await runScenario(file("failures/ios-ade-proxy-not-configured-fixed.yaml"), opts)).summary;
    expect(fixed).toMatchObject({ ok: true, devices: 2, enrolled: 2 });
    expect(fixed.steps["ade.cloudconfig"]).toMatchObject({ count: 2, failed: 0 });
  }, 240_000);

  it("Macs with their proxy set enrol, but APNs goes direct and is refused on 5223 and 443 (poll only); bypass *.push.apple.com wakes them", async () => {
    const failing = (await runScenario(file("failures/mac-apns-behind-proxy-failing.yaml"), opts)).summary;
    expect(failing).toMatchObject({ ok: true, devices: 2, enrolled: 2 });
    expect(failing.steps["push.connect"]).toMatchObject({ count: 4, failed: 4 });
    expect(failing.steps["push.poll"]).toMatchObject({ count: 2 });
    expect(failing.steps["push.woken"]).toBeUndefined();
    const fixed = (await runScenario(file("failures/mac-apns-behind-proxy-fixed.yaml"), opts)).summary;
    expect(fixed).toMatchObject({ ok: true, devices: 2, enrolled: 2 });
    expect(fixed.steps["push.connect"]).toMatchObject({ count: 2, failed: 0 });
    expect(fixed.steps["push.woken"]).toMatchObject({ count: 2 });
  }, 240_000);
});
