// SPDX-License-Identifier: MIT
/**
 * Explicit proxies end to end over loopback (runner/network + device/windows/proxy.ts against the embedded server):
 * the shipped pairs fail where and how their comments say, and their fixed variants enrol every device.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/api/run-scenario.js";

const file = (p: string) => join(import.meta.dirname, "../../scenarios", p);
const opts = { keyPoolSize: 24, progress: false as const, capacity: false as const };

describe("shipped explicit-proxy scenarios", () => {
  it("Autopilot behind a proxy without WPAD: the profile request and the sign-in go direct and time out; WPAD by DHCP 252 provisions all", async () => {
    const failing = (await runScenario(file("failures/win-autopilot-proxy-no-wpad-failing.yaml"), opts)).summary;
    expect(failing.ok).toBe(true);
    expect(failing.outcomes).toEqual({ "windows.oobe.idp-blocked": 2, "windows.autopilot.user-driven.provisioned": 1 });
    expect(failing.errors["windows.oobe.idp-blocked"]).toMatchObject({ step: "auth.federated", shown: { text: "Something went wrong. OOBEIDPS.", cause: { code: "0xCAA7000A" } } });
    expect(failing.errors["windows.oobe.idp-blocked"]!.example).toMatch(/only through its proxy proxy\.corp\.example:8080; a direct connection to login\.microsoftonline\.com/);
    const fixed = (await runScenario(file("failures/win-autopilot-proxy-no-wpad-fixed.yaml"), opts)).summary;
    expect(fixed).toMatchObject({ ok: true, devices: 3, enrolled: 3 });
  }, 240_000);

  it("a user proxy without a WinHTTP one: Settings enrollment fails with MENROLL_E_CONNECTIVITY / 0x80072EE2; netsh winhttp proxy enrols", async () => {
    const failing = (await runScenario(file("failures/win-byod-user-proxy-only-failing.yaml"), opts)).summary;
    expect(failing.ok).toBe(true);
    expect(failing.outcomes).toEqual({ "transport.timeout": 2 });
    expect(failing.errors["transport.timeout"]).toMatchObject({ shown: { name: "MENROLL_E_CONNECTIVITY", cause: { code: "0x80072EE2" } } });
    const fixed = (await runScenario(file("failures/win-byod-user-proxy-only-fixed.yaml"), opts)).summary;
    expect(fixed).toMatchObject({ ok: true, devices: 2, enrolled: 2 });
  }, 240_000);

  it("Android QR onto a proxy-only Wi-Fi: without the payload's proxy the wizard waits at network.probe; PROVISIONING_WIFI_PROXY_HOST/PORT enrols", async () => {
    const failing = (await runScenario(file("failures/android-qr-wifi-without-proxy-failing.yaml"), opts)).summary;
    expect(failing.ok).toBe(true);
    expect(failing.outcomes).toEqual({ "runner.deadline": 2 });
    expect(failing.errors["runner.deadline"]).toMatchObject({ step: "network.probe" });
    expect(failing.steps["android.provision.download"]).toBeUndefined();
    const fixed = (await runScenario(file("failures/android-qr-wifi-without-proxy-fixed.yaml"), opts)).summary;
    expect(fixed).toMatchObject({ ok: true, devices: 2, enrolled: 2 });
    expect(fixed.steps["android.provision.download"]).toMatchObject({ count: 2, failed: 0 });
  }, 240_000);
});
