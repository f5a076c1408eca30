// SPDX-License-Identifier: MIT
/**
 * The Company Portal as an agent on Android (agents/company-portal.yaml, device/android/route.ts): Intune refuses a
 * user over the device limit at the app's route step, before any work profile or DPC exists, and the device shows the
 * Company Portal's "Device limit reached" (trial 9 ticket 08), not the setup wizard's "Can't set up device" after
 * ADMIN_POLICY_COMPLIANCE; an agent catalog without the row keeps the refusal as the app received it.
 */
import { describe, expect, it } from "vitest";
import { AgentCatalog } from "../../../src/device/agents.js";
import { loadCatalog } from "../../../src/runner/catalog-files.js";
import { androidServer, runAndroidFlow } from "../../protocol/android/harness.js";

describe("Company Portal device limit (Android work profile)", () => {
  it("the user over the limit sees the Company Portal's screen at the route; another user enrolls", async () => {
    const { server, half } = await androidServer({}, undefined, { restrictions: { deviceLimit: 1 } });
    const first = await runAndroidFlow("android-work-profile", { user: "ann@contoso.com" }, server.handler, { index: 0 });
    expect(first.result, String(first.error)).toMatchObject({ ok: true });
    const second = await runAndroidFlow("android-work-profile", { user: "ann@contoso.com" }, server.handler, { index: 1 });
    expect(second.result).toMatchObject({
      ok: false,
      code: "android.enrollment.device-limit",
      step: "android.trigger.route",
      shown: { code: "DeviceCapReached", name: "Device limit reached", text: "Device limit reached" },
    });
    // The device's text, not the server's reason: the message no longer carries Intune's words.
    expect(second.result!.message).not.toContain("already has");
    expect(second.result!.shown!.screen).toContain("Company Portal");
    expect(second.result!.shown!.text).not.toContain("already has");
    expect(second.result!.shown!.serverSaid).toMatch(/^Device limit reached: ann@contoso.com already has 1 enrolled devices/);
    // Refused before the work profile: no provisioning step ran, and AMAPI saw one device.
    expect(second.steps.some((s) => s.step.startsWith("android.provision."))).toBe(false);
    expect(half.amapi.devices.size).toBe(1);
    expect(half["policy"].refusals.map((r) => r.refusal)).toEqual(["device-limit"]);
    const other = await runAndroidFlow("android-work-profile", { user: "bob@contoso.com" }, server.handler, { index: 2 });
    expect(other.result, String(other.error)).toMatchObject({ ok: true });
  });

  it("on the device-administrator path (work profile not admitted) the same check refuses at the route", async () => {
    const { server, half } = await androidServer({}, undefined, { restrictions: { deviceLimit: 1, platform: { androidWorkProfile: { allowed: false } } } });
    const first = await runAndroidFlow("android-work-profile", { user: "ann@contoso.com" }, server.handler, { index: 0 });
    expect(first.result, String(first.error)).toMatchObject({ ok: true });
    expect(first.steps.some((s) => s.step === "android.da.activate")).toBe(true);
    const second = await runAndroidFlow("android-work-profile", { user: "ann@contoso.com" }, server.handler, { index: 1 });
    expect(second.result).toMatchObject({ ok: false, code: "android.enrollment.device-limit", step: "android.trigger.route", shown: { name: "Device limit reached" } });
    expect(second.steps.some((s) => s.step.startsWith("android.da."))).toBe(false);
    expect(half["policy"].refusals.map((r) => r.refusal)).toEqual(["device-limit"]);
  });

  it("a catalog without the Company Portal's row keeps Intune's refusal as the app received it", async () => {
    const { server } = await androidServer({}, undefined, { restrictions: { deviceLimit: 0 } });
    const bare = new AgentCatalog(
      loadCatalog()
        .agents.list()
        .filter((a) => a.id !== "company-portal"),
    );
    const out = await runAndroidFlow("android-work-profile", { user: "ann@contoso.com" }, server.handler, { agents: bare });
    expect(out.result).toMatchObject({ ok: false, code: "android.enrollment.device-limit", step: "android.trigger.route" });
    expect(out.result!.shown).toBeUndefined();
    expect(out.result!.message).toContain("already has 0 enrolled devices");
  });
});
