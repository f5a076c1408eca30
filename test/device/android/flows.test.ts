// SPDX-License-Identifier: MIT
/** Android flows are registered under their names and each runs end to end on virtual time. */
import { describe, expect, it } from "vitest";
import { FLOWS } from "../../../src/device/flows/index.js";
import { androidFlows } from "../../../src/device/android/flows.js";
import { optionsKeyForFlow } from "../../../src/runner/scenario/platforms/index.js";
import { androidServer, runAndroidFlow } from "../../protocol/android/harness.js";

describe("android flows", () => {
  it("are registered with the android- prefix and map to options.android", () => {
    expect(Object.keys(androidFlows).sort()).toEqual(["android-aosp", "android-da", "android-qr", "android-token", "android-work-profile"]);
    for (const name of Object.keys(androidFlows)) {
      // The registry wraps each flow with the enrollment-method gate (device/methods.ts): same flow, gated run.
      expect(FLOWS[name]).toMatchObject({ name, description: androidFlows[name]!.description, platforms: androidFlows[name]!.platforms });
      expect(optionsKeyForFlow(name)).toBe("android");
    }
  });

  it.each([
    ["android-qr", {}, "DEVICE_OWNER"],
    ["android-qr", { profile: "dedicated", mode: "dedicated" }, "DEVICE_OWNER"],
    ["android-qr", { profile: "cope", mode: "cope", trigger: "zero-touch" }, "PROFILE_OWNER"],
    ["android-token", {}, "DEVICE_OWNER"],
    ["android-work-profile", {}, "PROFILE_OWNER"],
  ] as const)("%s %j enrolls as %s", async (flow, options, managementMode) => {
    const { server, half } = await androidServer();
    const out = await runAndroidFlow(flow, options, server.handler, { model: flow === "android-token" ? "zebra-tc52" : "pixel-8" });
    expect(out.result, String(out.error)).toMatchObject({ ok: true, code: "android.enrolled" });
    expect([...half.amapi.devices.values()][0]!.managementMode).toBe(managementMode);
  });

  it("android-aosp and android-da enroll through the Headwind dialect; DA records the activation intent", async () => {
    const { server, half } = await androidServer();
    expect((await runAndroidFlow("android-aosp", {}, server.handler)).result).toMatchObject({ ok: true });
    const da = await runAndroidFlow("android-da", {}, server.handler, { index: 1 });
    expect(da.result).toMatchObject({ ok: true });
    expect(da.events.find((e) => e.step === "android.da.activate")!.data).toMatchObject({ intent: "android.app.action.ADD_DEVICE_ADMIN", userAction: "Activate" });
    expect(half.headwind.devices.size).toBe(2);
    // A user who taps Cancel is the timeline abandon at android.da.activate (test/api/timeline-scenarios.test.ts).
  });

  it("nonCompliant status reports reach the device resource the EMM reads", async () => {
    const { server, half } = await androidServer();
    expect((await runAndroidFlow("android-qr", { nonCompliant: true }, server.handler)).result).toMatchObject({ ok: true });
    expect([...half.amapi.devices.values()][0]).toMatchObject({ policyCompliant: false, nonComplianceDetails: [{ settingName: "passwordPolicies", nonComplianceReason: "USER_ACTION" }] });
  });

  it("COPE from afw#setup on Android 11+ is refused", async () => {
    const { server } = await androidServer();
    const out = await runAndroidFlow("android-token", { profile: "cope", mode: "cope" }, server.handler);
    expect(out.result).toMatchObject({ ok: false, code: "android.provision.method-unsupported" });
  });
});
