// SPDX-License-Identifier: MIT
/** Round-2 device behaviours: sign-in under conditional access (hostile answers), DA → WP migration, wipe vs delete, KLMS on Samsung. */
import { describe, expect, it } from "vitest";
import { SimError } from "../../../src/errors/index.js";
import type { HttpHandler, HttpResponse } from "../../../src/ports/http.js";
import { androidServer, BASE, runAndroidFlow } from "../../protocol/android/harness.js";

const res = (status: number, body: string | Uint8Array): HttpResponse => ({ status, headers: { "content-type": "application/json" }, body: typeof body === "string" ? new Uint8Array(Buffer.from(body)) : body, url: "" });

describe("enrollment sign-in (Chrome custom tab) under conditional access", () => {
  const signInProfile = { profiles: { "fully-managed": { userSignIn: true } } };

  it("passes when the enrollment app is excluded; blocked with AADSTS53000 when it is not", async () => {
    const ok = await androidServer(signInProfile, undefined, { conditionalAccess: { requireCompliantDevice: true, excludeApps: ["intune-enrollment"] } });
    expect((await runAndroidFlow("android-qr", {}, ok.server.handler)).result).toMatchObject({ ok: true });
    const blocked = await androidServer(signInProfile, undefined, { conditionalAccess: { requireCompliantDevice: true } });
    const out = await runAndroidFlow("android-qr", {}, blocked.server.handler);
    expect(out.result).toMatchObject({ ok: false, code: "android.signin.blocked", step: "android.signin.chrome-tab" });
    expect(out.result!.message).toContain("AADSTS53000: Device is not in required device state: compliant.");
    expect(blocked.half.amapi.devices.size).toBe(0);
  });

  it.each([
    ["403 not JSON", res(403, "<html>denied</html>"), { ok: false, code: "android.signin.blocked" }],
    ["403 JSON array", res(403, "[1,2,3]"), { ok: false, code: "android.signin.blocked" }],
    ["403 deeply nested", res(403, "[".repeat(5000) + "]".repeat(5000)), { ok: false, code: "android.signin.blocked" }],
    ["403 wrong types", res(403, JSON.stringify({ error: 7, error_description: { x: 1 } })), { ok: false, code: "android.signin.blocked" }],
  ] as const)("hostile identity-provider answer (%s) is a typed outcome", async (_n, answer, want) => {
    const { server } = await androidServer(signInProfile);
    const handler: HttpHandler = async (req) => (new URL(req.url).pathname === "/android/idp/authorize" ? answer : server.handler(req));
    const out = await runAndroidFlow("android-qr", {}, handler);
    expect(out.result, String(out.error)).toMatchObject(want);
  });

  it("an identity provider answering 500 or a huge body ends in a typed error naming device and step", async () => {
    for (const answer of [res(500, "{}"), res(200, new Uint8Array(2 << 20))]) {
      const { server } = await androidServer(signInProfile);
      const handler: HttpHandler = async (req) => (new URL(req.url).pathname === "/android/idp/authorize" ? answer : server.handler(req));
      const out = await runAndroidFlow("android-qr", {}, handler);
      expect(out.error).toBeInstanceOf(SimError);
      expect(String((out.error as SimError).step)).toBe("android.signin.chrome-tab");
    }
  });
});

describe("device administrator → work profile migration", () => {
  it("Resolve with work profiles set up: DA unenrolls (record removed), then a personally owned work profile enrolls", async () => {
    const { server, half } = await androidServer();
    const out = await runAndroidFlow("android-da", { migrateToWorkProfile: "resolve" }, server.handler);
    expect(out.result, String(out.error)).toMatchObject({ ok: true, code: "android.enrolled" });
    expect(half.headwind.devices.size).toBe(0);
    const dev = [...half.amapi.devices.values()][0]!;
    expect(dev).toMatchObject({ managementMode: "PROFILE_OWNER", ownership: "PERSONALLY_OWNED" });
    expect(out.steps.map((s) => s.step)).toEqual(expect.arrayContaining(["android.da.activate", "android.da.resolve", "android.da.unenroll", "android.amapi.redeem"]));
  });

  it("the update-settings link works with a current Company Portal and fails on Android 6 / without the app", async () => {
    const { server } = await androidServer();
    expect((await runAndroidFlow("android-da", { migrateToWorkProfile: "link" }, server.handler)).result).toMatchObject({ ok: true });
    const old = await runAndroidFlow("android-da", { migrateToWorkProfile: "link" }, server.handler, { index: 1, state: { apiLevel: 23 } });
    expect(old.result).toMatchObject({ ok: false, code: "android.da.link-error" });
    expect(old.result!.message).toContain("Android 6.0 or older");
    const none = await runAndroidFlow("android-da", { migrateToWorkProfile: "link" }, server.handler, { index: 2, state: { companyPortalVersion: "none" } });
    expect(none.result!.message).toContain("Company Portal is not installed");
  });

  it("Resolve on Android 4.4 is an error screen without asking the server", async () => {
    const { server } = await androidServer();
    const out = await runAndroidFlow("android-da", { migrateToWorkProfile: "resolve" }, server.handler, { state: { apiLevel: 19 } });
    expect(out.result).toMatchObject({ ok: false, code: "android.da.resolve-error" });
    expect(out.events.some((e) => e.step === "android.da.resolve" && e.kind === "http")).toBe(false);
  });
});

describe("AOSP admin wipe vs delete (server records, timeline admin actions)", () => {
  it("wipe keeps the record as wipe-pending and pushes factoryReset; delete removes it at once and the agent learns it at its next check-in", async () => {
    const { server, half } = await androidServer();
    const w = await runAndroidFlow("android-aosp", {}, server.handler);
    const d = await runAndroidFlow("android-aosp", {}, server.handler, { index: 1 });
    expect([w.result?.ok, d.result?.ok]).toEqual([true, true]);
    const serialOf = (i: number) => [...half.headwind.devices.values()].map((x) => String(x.info?.serial))[i]!;
    const [sw, sd] = [serialOf(0), serialOf(1)];
    // What the timeline's wipe / deleteRecords do (server/android/admin.ts).
    expect(half.admin!.wipe!([{ serialNumber: sw }])).toBe(1);
    expect(half.admin!.deleteDevices!([{ serialNumber: sd }])).toBe(1);
    expect([...half.headwind.devices.values()].map((x) => x.state)).toEqual(["wipe-pending"]);
    const id = [...half.headwind.devices.keys()][0]!;
    const poll = await server.handler({ method: "GET", url: `${BASE}/android/hmdm/rest/notification/polling/${encodeURIComponent(id)}`, headers: {} });
    expect(Buffer.from(poll.body).toString()).toContain("factoryReset");
  });
});

describe("Samsung", () => {
  it("device-admin enrollment on a Galaxy S23 shows the Knox (KLMS) license consent", async () => {
    const { server } = await androidServer();
    const out = await runAndroidFlow("android-da", {}, server.handler, { model: "samsung-galaxy-s23" });
    expect(out.result).toMatchObject({ ok: true });
    expect(out.steps.some((s) => s.step === "android.da.klms")).toBe(true);
  });
});

describe("device-admin policy support by API level", () => {
  it("deprecated policies: applied before Android 9, deprecated on 9 / old targets, SecurityException on 10+ for targetSdk 29+", async () => {
    const { daPolicySupport } = await import("../../../src/device/android/flows.js");
    expect(daPolicySupport(27, 29).policies.camera).toBe("applied");
    expect(daPolicySupport(28, 29).policies["password-quality"]).toBe("applied (deprecated)");
    expect(daPolicySupport(34, 28).policies["keyguard-features"]).toBe("applied (deprecated)");
    const p = daPolicySupport(34, 29).policies;
    expect(Object.entries(p).filter(([, v]) => v === "SecurityException").map(([k]) => k).sort()).toEqual(["camera", "keyguard-features", "password-expiry", "password-quality"]);
    expect(p["wipe-data"]).toBe("applied");
    const { server } = await androidServer();
    const out = await runAndroidFlow("android-da", { dpc: { targetSdk: 30 } }, server.handler);
    expect(out.events.find((e) => e.step === "android.da.policies" && e.kind === "decoded")!.data).toMatchObject({ apiLevel: 34, targetSdk: 30, policies: { camera: "SecurityException" } });
  });
});

describe("AOSP user-associated vs userless", () => {
  it("the aosp-user profile signs the user in before the agent enrolls; userless aosp does not", async () => {
    const { server, half } = await androidServer();
    const user = await runAndroidFlow("android-aosp", { profile: "aosp-user", user: "carol@example.com" }, server.handler);
    expect(user.result, String(user.error)).toMatchObject({ ok: true });
    expect(user.events.find((e) => e.step === "android.signin.chrome-tab" && e.kind === "decoded")!.data).toMatchObject({ status: 200, user: "carol@example.com" });
    const userless = await runAndroidFlow("android-aosp", {}, server.handler, { index: 1 });
    expect(userless.result).toMatchObject({ ok: true });
    expect(userless.steps.some((s) => s.step === "android.signin.chrome-tab")).toBe(false);
    expect([...half.headwind.devices.values()].map((d) => d.configuration).sort()).toEqual(["AOSP user-associated", "AOSP userless"]);
  });
});

describe("Company Portal routing (the tenant's androidWorkProfile / androidDeviceAdmin restrictions)", () => {
  it("in the work-profile range → work profile; outside it with DA allowed → the device-admin path; neither → blocked", async () => {
    const wp = await androidServer({}, undefined, { restrictions: { platform: { androidWorkProfile: { minOs: "11.0" } } } });
    const a = await runAndroidFlow("android-work-profile", {}, wp.server.handler);
    expect(a.result).toMatchObject({ ok: true });
    expect(a.events.find((e) => e.step === "android.trigger.route" && e.kind === "decoded")!.data).toMatchObject({ apiLevel: 34, path: "work-profile" });
    const da = await androidServer({}, undefined, { restrictions: { platform: { androidWorkProfile: { maxOs: "13.0" } } } });
    const b = await runAndroidFlow("android-work-profile", {}, da.server.handler);
    expect(b.result).toMatchObject({ ok: true });
    expect(b.steps.some((s) => s.step === "android.da.activate")).toBe(true);
    expect(da.half.amapi.devices.size).toBe(0);
    const none = await androidServer({}, undefined, { restrictions: { platform: { androidWorkProfile: { allowed: false }, androidDeviceAdmin: { allowed: false } } } });
    expect((await runAndroidFlow("android-work-profile", {}, none.server.handler)).result).toMatchObject({ ok: false, code: "android.enrollment.blocked", step: "android.trigger.route" });
  });
});
