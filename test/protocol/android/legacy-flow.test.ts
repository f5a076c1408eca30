// SPDX-License-Identifier: MIT
/**
 * The release gate of the setup wizard's end (protocol/android/setup-wizard.ts ADMIN_INTEGRATED_FROM): GET_PROVISIONING_MODE
 * and ADMIN_POLICY_COMPLIANCE exist from Android 10 (API 29). Before it every device-owner path (QR, NFC, afw#setup token)
 * finishes ManagedProvisioning on its own, sends PROFILE_PROVISIONING_COMPLETE (plus PROVISIONING_SUCCESSFUL from API 26)
 * and the DPC's own enrolment runs from that broadcast (android.provision.dpc-setup). In-memory server, virtual clock.
 */
import { describe, expect, it } from "vitest";
import { androidServer, runAndroidFlow } from "./harness.js";

type Out = Awaited<ReturnType<typeof runAndroidFlow>>;
const order = (out: Out) => [...new Set(out.steps.map((s) => s.step))];
const completeIntents = (out: Out) => out.events.find((e) => e.step === "android.provision.complete" && e.kind === "decoded")!.data.intents as string[];

// Lollipop reads the DPC's package name and only a SHA-1 package checksum (DevicePolicyManager, API 21).
const lollipopProfile = { mode: "fully-managed", checksum: "package", checksumFormat: { algorithm: "sha1" }, extras: { "android.app.extra.PROVISIONING_DEVICE_ADMIN_PACKAGE_NAME": "com.google.android.apps.work.clouddpc" } };

describe("setup wizard before Android 10: the legacy end", () => {
  it("a Nexus 5 on API 22 (QR and NFC): no provisioning-mode or compliance step; complete, then the DPC enrols from PROFILE_PROVISIONING_COMPLETE", async () => {
    const { server } = await androidServer({ profiles: { lollipop: lollipopProfile } });
    for (const trigger of ["qr", "nfc"]) {
      const out = await runAndroidFlow("android-qr", { profile: "lollipop", trigger }, server.handler, { model: "nexus-5", state: { apiLevel: 22 } });
      expect(out.result, String(out.error)).toMatchObject({ ok: true });
      const steps = order(out);
      expect(steps).not.toContain("android.provision.mode");
      expect(steps).not.toContain("android.provision.compliance");
      expect(steps.indexOf("android.provision.complete")).toBeLessThan(steps.indexOf("android.provision.dpc-setup"));
      // The DPC's enrolment (Android Device Policy talking to AMAPI) runs inside dpc-setup: its first record comes before any AMAPI step's.
      const seen = [...new Set(out.events.map((e) => e.step))];
      expect(seen.indexOf("android.provision.dpc-setup")).toBeGreaterThanOrEqual(0);
      expect(seen.indexOf("android.provision.dpc-setup")).toBeLessThan(seen.findIndex((s) => s?.startsWith("android.amapi.")));
      expect(completeIntents(out)).toEqual(["android.app.action.DEVICE_ADMIN_ENABLED", "android.app.action.PROFILE_PROVISIONING_COMPLETE"]);
      const raw = JSON.stringify(out.events);
      expect(raw).not.toContain("android.app.action.GET_PROVISIONING_MODE");
      expect(raw).not.toContain("android.app.action.ADMIN_POLICY_COMPLIANCE");
      const owner = out.events.find((e) => e.step === "android.provision.owner" && e.kind === "decoded")!.data;
      expect(owner).toMatchObject({ managementMode: "DEVICE_OWNER", flow: "legacy", apiLevel: 22, mode: "FULLY_MANAGED_DEVICE" });
      expect(String(owner.modeFrom)).toContain("API 22 has no GET_PROVISIONING_MODE");
    }
  });

  it("Android 9 (API 28) via afw#setup: the same legacy end, with PROVISIONING_SUCCESSFUL (API 26+)", async () => {
    const { server } = await androidServer();
    const out = await runAndroidFlow("android-token", { profile: "fully-managed" }, server.handler, { model: "samsung-galaxy-s9", state: { apiLevel: 28 } });
    expect(out.result, String(out.error)).toMatchObject({ ok: true });
    expect(order(out)).not.toContain("android.provision.mode");
    expect(order(out)).toContain("android.provision.dpc-setup");
    expect(completeIntents(out)).toEqual(["android.app.action.DEVICE_ADMIN_ENABLED", "android.app.action.PROFILE_PROVISIONING_COMPLETE", "android.app.action.PROVISIONING_SUCCESSFUL"]);
  });

  it("Android 10 (API 29) on the same model takes the admin-integrated flow: mode, owner, compliance, complete", async () => {
    const { server } = await androidServer();
    const out = await runAndroidFlow("android-token", { profile: "fully-managed" }, server.handler, { model: "samsung-galaxy-s9", state: { apiLevel: 29 } });
    expect(out.result, String(out.error)).toMatchObject({ ok: true });
    const steps = order(out);
    expect(steps).not.toContain("android.provision.dpc-setup");
    expect(steps.indexOf("android.provision.mode")).toBeLessThan(steps.indexOf("android.provision.compliance"));
    expect(completeIntents(out)).toEqual([
      "android.app.action.GET_PROVISIONING_MODE",
      "android.app.action.DEVICE_ADMIN_ENABLED",
      "android.app.action.ADMIN_POLICY_COMPLIANCE",
      "android.app.action.PROFILE_PROVISIONING_COMPLETE",
      "android.app.action.PROVISIONING_SUCCESSFUL",
    ]);
  });

  it("a DPC enrolment failure before Android 10 names the dpc-setup step (or the dialect's own step), not compliance", async () => {
    const { server } = await androidServer({ profiles: { lollipop: lollipopProfile } });
    const out = await runAndroidFlow(
      "android-qr",
      { profile: "lollipop" },
      (req) => (new URL(req.url).pathname.includes("/amapi/") || new URL(req.url).pathname.includes("/v1/") ? { status: 500, headers: {}, body: new Uint8Array(), url: "" } : server.handler(req)),
      { model: "nexus-5", state: { apiLevel: 22 } },
    );
    const failedAt = out.result?.ok === false ? out.result.step : (out.error as { step?: string } | undefined)?.step;
    expect(failedAt, JSON.stringify(out.result ?? String(out.error))).toBeDefined();
    expect(failedAt).not.toBe("android.provision.compliance");
    expect(order(out)).not.toContain("android.provision.compliance");
  });
});
