// SPDX-License-Identifier: MIT
/**
 * The setup-wizard state machine and both dialects on virtual time against the in-memory
 * reference server: happy paths, download faults (cookie, off-host redirect, truncated, huge),
 * hostile and stalled dialect responses — each a typed outcome or error naming device and step.
 */
import { describe, expect, it } from "vitest";
import { ProtocolViolationError, SimError, TransportError } from "../../../src/errors/index.js";
import type { HttpHandler, HttpResponse } from "../../../src/ports/http.js";
import { ProvisioningPayloadError } from "../../../src/wire/android/errors.js";
import { UserAbandonedError } from "../../../src/runner/timeline/user-errors.js";
import { androidServer, runAndroidFlow } from "./harness.js";
import { headwindCode } from "../../../src/protocol/android/dialects/headwind.js";

const res = (status: number, body: string | Uint8Array, headers: Record<string, string> = {}): HttpResponse => ({
  status,
  headers: { "content-type": "application/json", ...headers },
  body: typeof body === "string" ? new Uint8Array(Buffer.from(body)) : body,
  url: "",
});

/** Wraps the server: requests whose path matches `re` get `fn` instead. */
const override = (h: HttpHandler, re: RegExp, fn: HttpHandler): HttpHandler => (req) => (re.test(new URL(req.url).pathname) ? fn(req) : h(req));

describe("setup wizard: happy paths", () => {
  it("fully managed QR: the intent sequence, status reports spaced on the virtual clock, no secrets in the transcript", async () => {
    const { server, half } = await androidServer();
    const out = await runAndroidFlow("android-qr", { profile: "fully-managed", statusReports: 3, statusIntervalSeconds: 600 }, server.handler);
    expect(out.error).toBeUndefined();
    expect(out.result).toMatchObject({ ok: true, code: "android.enrolled" });
    const complete = out.events.find((e) => e.step === "android.provision.complete" && e.kind === "decoded")!;
    expect(complete.data.intents).toEqual([
      "android.app.action.GET_PROVISIONING_MODE",
      "android.app.action.DEVICE_ADMIN_ENABLED",
      "android.app.action.ADMIN_POLICY_COMPLIANCE",
      "android.app.action.PROFILE_PROVISIONING_COMPLETE",
      "android.app.action.PROVISIONING_SUCCESSFUL",
    ]);
    expect(out.clock.now() - Date.UTC(2026, 10, 21, 12)).toBeGreaterThanOrEqual(1_200_000);
    expect(out.steps.filter((s) => s.step === "android.amapi.status")).toHaveLength(3);
    const token = [...half.tokens["byValue"].keys()][0] as string;
    const raw = JSON.stringify(out.events);
    expect(raw).not.toContain(token);
    expect(half.amapi.devices.size).toBe(1);
    expect(half.amapi.notifications.map((n) => n.message.attributes.notificationType)).toEqual(["ENROLLMENT", "STATUS_REPORT", "STATUS_REPORT", "STATUS_REPORT"]);
  });

  it("NFC and KME triggers reach the same end", async () => {
    const { server } = await androidServer();
    for (const trigger of ["nfc", "kme"]) {
      const out = await runAndroidFlow("android-qr", { profile: "fully-managed", trigger }, server.handler);
      expect(out.result, String(out.error)).toMatchObject({ ok: true });
    }
  });

  it("AOSP with Wi-Fi + Headwind dialect; the Wi-Fi password never reaches the transcript", async () => {
    const { server, half } = await androidServer({ profiles: { aosp: { mode: "aosp", wifi: { ssid: "s1", securityType: "WPA", password: "psk-very-secret" } } } });
    const out = await runAndroidFlow("android-aosp", { pushPolls: 2 }, server.handler, { state: { wifiInRange: { ssid: "s1", securityType: "WPA", password: "psk-very-secret" } } });
    expect(out.result, String(out.error)).toMatchObject({ ok: true });
    expect(JSON.stringify(out.events)).not.toContain("psk-very-secret");
    expect(half.headwind.devices.size).toBe(1);
    expect(out.steps.filter((s) => s.step === "android.headwind.configuration").length).toBe(2); // enroll + re-read after configUpdated
  });

  it("the cookie header is sent on the APK download; without it the server refuses and the wizard ends with the wizard text", async () => {
    const { server } = await androidServer({ profiles: { c: { mode: "fully-managed", cookie: "session=abc123" } } });
    let seen: string | undefined;
    const spy: HttpHandler = (req) => {
      if (req.url.includes("/android/apk/")) seen = req.headers?.cookie;
      return server.handler(req);
    };
    const ok = await runAndroidFlow("android-qr", { profile: "c" }, spy);
    expect(ok.result).toMatchObject({ ok: true });
    expect(seen).toBe("session=abc123");
    expect(JSON.stringify(ok.events)).not.toContain("abc123");
    const noCookie = override(server.handler, /\/android\/apk\//, async (req) => server.handler({ ...req, headers: { ...req.headers, cookie: "" } }));
    const bad = await runAndroidFlow("android-qr", { profile: "c" }, noCookie);
    expect(bad.result).toMatchObject({ ok: false, code: "android.provision.download-failed", step: "android.provision.download" });
    expect(bad.result!.message).toMatch(/^Can't set up device\. Contact your IT admin for help\./);
  });
});

describe("setup wizard: a work profile already on the device (Android 10; from Android 12 it is refused, preconditions.test.ts)", () => {
  const state = { existingWorkProfile: { managedBy: "com.example.olddpc" }, apiLevel: 29 };
  const model = "samsung-galaxy-s9";
  const dialogs = (out: Awaited<ReturnType<typeof runAndroidFlow>>) => out.events.filter((e) => e.step === "android.provision.delete-profile" && e.kind === "decoded").map((e) => e.data);

  it("ManagedProvisioning asks \"Delete existing profile?\" before the work profile; Delete (the default) removes it and setup goes on", async () => {
    const { server } = await androidServer();
    const out = await runAndroidFlow("android-work-profile", {}, server.handler, { state, model });
    expect(out.result, String(out.error)).toMatchObject({ ok: true, code: "android.enrolled" });
    expect(dialogs(out)).toEqual([expect.objectContaining({ dialog: "Delete existing profile?", userAction: "Delete", removed: "com.example.olddpc" })]);
    expect(String(dialogs(out)[0]!.text)).toContain("You already have a work profile. It's managed using the following app: com.example.olddpc.");
    const order = out.steps.map((s) => s.step);
    expect(order.indexOf("android.provision.delete-profile")).toBeLessThan(order.indexOf("android.provision.mode"));
  });

  it("Cancel (the user abandons at the dialog): no new work profile, the old one is kept, nothing after the dialog runs", async () => {
    const { server } = await androidServer();
    const gate = async (step: string) => {
      if (step === "android.provision.delete-profile") throw new UserAbandonedError("the user abandoned enrollment at android.provision.delete-profile");
    };
    const out = await runAndroidFlow("android-work-profile", {}, server.handler, { state, gate, model });
    expect(out.result).toMatchObject({ ok: false, code: "android.provision.existing-profile-kept", step: "android.provision.delete-profile" });
    expect(out.result!.message).toContain("com.example.olddpc stays");
    expect(dialogs(out)).toEqual([expect.objectContaining({ userAction: "Cancel" })]);
    expect(out.steps.map((s) => s.step)).not.toContain("android.provision.mode");
  });

  it("no work profile on the device, or an organisation-owned trigger: no dialog", async () => {
    const { server } = await androidServer();
    const clean = await runAndroidFlow("android-work-profile", {}, server.handler);
    expect(clean.result).toMatchObject({ ok: true });
    expect(dialogs(clean)).toEqual([]);
    const qr = await runAndroidFlow("android-qr", { profile: "fully-managed" }, server.handler, { state, model });
    expect(dialogs(qr)).toEqual([]);
  });
});

describe("setup wizard: cleartext DPC downloads (ManagedProvisioning's policy by API level)", () => {
  const httpProfile = { profiles: { plain: { mode: "fully-managed", extras: { "android.app.extra.PROVISIONING_DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION": "http://mdm.test/android/apk/clouddpc.apk?profile=plain" } } } };

  it("API 28+: an http:// location is refused before any request (COLUMN_REASON 400, Can't set up device); the server sees no download", async () => {
    const { server } = await androidServer(httpProfile);
    const seen: string[] = [];
    const watch: HttpHandler = (req) => (seen.push(req.url), server.handler(req));
    for (const apiLevel of [28, 34]) {
      const out = await runAndroidFlow("android-qr", { profile: "plain" }, watch, { state: { apiLevel } });
      expect(out.result).toMatchObject({ ok: false, code: "android.provision.download-failed", step: "android.provision.download" });
      expect(out.result!.message).toContain("Cleartext traffic not permitted for package com.android.managedprovisioning: http://mdm.test/");
      expect(out.result!.shown).toMatchObject({ code: "ERROR_DOWNLOAD_FAILED", text: "Can't set up device. Couldn't download the admin app", cause: { code: "400" } });
      expect(out.events.find((e) => e.step === "android.provision.download" && e.kind === "decoded")?.data).toMatchObject({ refused: "cleartext", requester: "com.android.managedprovisioning" });
    }
    expect(seen.filter((u) => u.includes("/android/apk/"))).toEqual([]);
  });

  it("API 28+: an https download redirected to http:// is refused at that hop (DownloadProvider checks every hop), before connecting", async () => {
    const { server } = await androidServer();
    const seen: string[] = [];
    const toHttp = override(server.handler, /\/android\/apk\//, async (req) => (seen.push(req.url), req.url.startsWith("https:") ? res(302, "", { location: req.url.replace(/^https:/, "http:") }) : server.handler(req)));
    const out = await runAndroidFlow("android-qr", {}, toHttp, { state: { apiLevel: 34 } });
    expect(out.result).toMatchObject({ ok: false, code: "android.provision.download-failed" });
    expect(out.result!.message).toContain("Cleartext traffic not permitted for package com.android.managedprovisioning: http://mdm.test/");
    expect(seen.every((u) => u.startsWith("https:"))).toBe(true);
  });

  it("API 27 and below: the same http:// download is sent and the device enrolls; https is unaffected on any release", async () => {
    const { server } = await androidServer(httpProfile);
    const seen: string[] = [];
    const watch: HttpHandler = (req) => (seen.push(req.url), server.handler(req));
    const old = await runAndroidFlow("android-qr", { profile: "plain" }, watch, { model: "samsung-galaxy-s9", state: { apiLevel: 27 } });
    expect(old.result, String(old.error)).toMatchObject({ ok: true });
    expect(seen.some((u) => u.startsWith("http://mdm.test/android/apk/"))).toBe(true);
    expect((await runAndroidFlow("android-qr", { profile: "fully-managed" }, server.handler, { state: { apiLevel: 34 } })).result).toMatchObject({ ok: true });
  });
});

describe("setup wizard: bad downloads", () => {
  it("an off-host redirect is refused; a same-host redirect is followed", async () => {
    const { server } = await androidServer();
    const off = override(server.handler, /\/android\/apk\//, async () => res(302, "", { location: "https://evil.example/dpc.apk" }));
    const a = await runAndroidFlow("android-qr", {}, off);
    expect(a.result).toMatchObject({ ok: false, code: "android.provision.download-failed" });
    expect(a.result!.message).toContain("redirect-off-host");
    let hops = 0;
    const same = override(server.handler, /\/android\/apk\//, async (req) => (hops++ === 0 ? res(302, "", { location: "/android/apk/clouddpc.apk?profile=fully-managed&x=1" }) : server.handler(req)));
    const b = await runAndroidFlow("android-qr", {}, same);
    expect(b.result).toMatchObject({ ok: true });
  });

  it("a truncated body (Content-Length larger than the body) and a huge APK end in download-failed", async () => {
    const { server } = await androidServer();
    const trunc = override(server.handler, /\/android\/apk\//, async (req) => {
      const r = await server.handler(req);
      return { ...r, headers: { ...r.headers, "content-length": String(r.body.length + 100) } };
    });
    expect((await runAndroidFlow("android-qr", {}, trunc)).result).toMatchObject({ ok: false, code: "android.provision.download-failed" });
    const huge = override(server.handler, /\/android\/apk\//, async () => res(200, new Uint8Array(3 << 20)));
    const h = await runAndroidFlow("android-qr", { maxApkBytes: 1 << 20 }, huge);
    expect(h.result).toMatchObject({ ok: false, code: "android.provision.download-failed" });
    expect(h.result!.message).toContain("too-large");
  });

  it("a corrupt APK is 'missing components or corrupted'", async () => {
    const { server } = await androidServer({ profiles: { x: { fault: "apk-corrupt" } } });
    const out = await runAndroidFlow("android-qr", { profile: "x" }, server.handler);
    expect(out.result).toMatchObject({ ok: false, code: "android.provision.admin-missing" });
    expect(out.result!.message).toMatch(/^Can't use the admin app\. It's missing components or corrupted/);
  });
});

describe("setup wizard: hostile payloads and dialect responses", () => {
  it("hostile literal payloads throw typed errors naming device and step", async () => {
    const { server } = await androidServer();
    for (const payload of ["not json", "[1,2]", '{"android.app.extra.PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME": 5}', "{".repeat(50000)]) {
      const out = await runAndroidFlow("android-qr", { payload }, server.handler);
      expect(out.error).toBeInstanceOf(ProvisioningPayloadError);
      expect((out.error as SimError).step).toBe("android.provision.parse");
      expect((out.error as SimError).device).toBe("pixel-8#0");
    }
  });

  it("a stalled AMAPI times out on the virtual clock with transport.timeout at android.amapi.redeem", async () => {
    const { server } = await androidServer();
    const stalled = override(server.handler, /enrollmentTokens:redeem/, () => new Promise<HttpResponse>(() => {}));
    const out = await runAndroidFlow("android-qr", {}, stalled, { timeoutMs: 20_000 });
    expect(out.error).toBeInstanceOf(TransportError);
    expect((out.error as TransportError).kind).toBe("timeout");
    expect((out.error as SimError).step).toBe("android.amapi.redeem");
  });

  it("malformed AMAPI and Headwind answers are protocol violations blamed on the server", async () => {
    const { server } = await androidServer();
    for (const body of ["<html>", "{}", '{"name":"enterprises/e/devices/d","managementMode":"X","ownership":"COMPANY_OWNED","state":"ACTIVE"}', "[".repeat(10000)]) {
      const bad = override(server.handler, /enrollmentTokens:redeem/, async () => res(200, body));
      const out = await runAndroidFlow("android-qr", {}, bad);
      expect(out.error).toBeInstanceOf(ProtocolViolationError);
      expect((out.error as SimError).code).toBe("android.amapi.malformed");
    }
    const badStatus = override(server.handler, /reportStatus/, async () => res(200, '{"policyVersion":1}'));
    expect(((await runAndroidFlow("android-qr", {}, badStatus)).error as SimError).code).toBe("android.amapi.malformed");
    for (const body of ["nope", '{"status":"MAYBE"}', '{"status":"OK","data":{"applications":"x"}}']) {
      const bad = override(server.handler, /\/android\/hmdm\//, async () => res(200, body));
      const out = await runAndroidFlow("android-aosp", {}, bad);
      expect((out.error as SimError).code).toBe("android.headwind.malformed");
      expect((out.error as SimError).blame).toBe("server");
    }
  });

  it("the DPC choosing an illegal mode (state dpc.provisioningMode) ends with 'Invalid provisioning mode chosen by the DPC'", async () => {
    const { server } = await androidServer();
    const out = await runAndroidFlow("android-qr", {}, server.handler, { state: { dpc: { provisioningMode: "personal-work-profile" } } });
    expect(out.result).toMatchObject({ ok: false, code: "android.provision.invalid-mode", step: "android.provision.mode" });
    expect(out.result!.message).toMatch(/^Invalid provisioning mode chosen by the DPC/);
  });

  it("a transient 404 on a configuration re-read: the careful agent retries after 30 s on the virtual clock; the careless one unenrolls", async () => {
    const { server } = await androidServer();
    // Each device's first configuration re-read (a GET) answered 404 once: what the faults: entry behind
    // embedded.android.headwind.fault: transient-404 does under the device's HTTP port.
    const flapped = new Set<string>();
    const flapping = override(server.handler, /\/hmdm\/rest\/public\/sync\/configuration\//, async (req) => {
      const id = new URL(req.url).pathname.split("/").pop()!;
      if (req.method !== "GET" || flapped.has(id)) return server.handler(req);
      flapped.add(id);
      return { status: 404, headers: { "content-type": "application/json" }, body: new Uint8Array(Buffer.from('{"status":"ERROR","message":"error.notfound"}')) };
    });
    const careful = await runAndroidFlow("android-aosp", {}, flapping);
    expect(careful.result, String(careful.error)).toMatchObject({ ok: true });
    expect(careful.clock.now() - Date.UTC(2026, 10, 21, 12)).toBeGreaterThanOrEqual(30_000);
    const careless = await runAndroidFlow("android-aosp", { unenrollOnAuthError: true }, flapping, { index: 1 });
    expect(careless.result).toMatchObject({ ok: false, code: "android.headwind.unenrolled", step: "android.headwind.configuration" });
  });

  it("Headwind response signatures verify when checked", async () => {
    const { server } = await androidServer();
    expect((await runAndroidFlow("android-aosp", { checkSignature: true }, server.handler)).result).toMatchObject({ ok: true });
    const forged = override(server.handler, /sync\/configuration/, async (req) => {
      const r = await server.handler(req);
      return { ...r, headers: { ...r.headers, "x-response-signature": "00" } };
    });
    expect((await runAndroidFlow("android-aosp", { checkSignature: true }, forged)).result).toMatchObject({ ok: false, code: "android.headwind.error.signature.mismatch" });
  });

  it("an ERROR envelope whose message is prose, not a key, ends android.headwind.unknown with the raw text in the message", async () => {
    const { server } = await androidServer();
    const prose = "KMA_F230 Expired license: The license has expired. Contact your administrator.";
    const refusing = override(server.handler, /sync\/configuration/, async () => ({ status: 200, headers: { "content-type": "application/json" }, body: new TextEncoder().encode(JSON.stringify({ status: "ERROR", message: prose })) }));
    const r = (await runAndroidFlow("android-aosp", {}, refusing)).result;
    expect(r).toMatchObject({ ok: false, code: "android.headwind.unknown", step: "android.headwind.configuration" });
    expect(r.message).toContain(prose);
    expect(headwindCode("error.notfound.device")).toBe("android.headwind.error.notfound.device");
  });
});
