// SPDX-License-Identifier: MIT
/**
 * Device integrity as device state (state.integrity, state.securityPatch), read by servers (virtual time, in-memory
 * server): Google's stand-in puts AMAPI securityPosture on the device resource from the KeyDescription the device
 * sent, the tenant's Intune-like compliance reads the verdict, root detection and patch level, and the intune dialect's
 * status check shows Noncompliant / Not in Compliance with the published headings while the device stays enrolled.
 */
import { describe, expect, it } from "vitest";
import type { PolicyConfig } from "../../../src/server/policy/types.js";
import { failingRules } from "../../../src/server/policy/compliance.js";
import { encodeKnoxBlob } from "../../../src/wire/android/knox-attestation.js";
import { androidServer, runAndroidFlow } from "../../protocol/android/harness.js";

const profiles = { profiles: { "fully-managed": { mode: "fully-managed" } } };
const policy = (rules: Record<string, unknown>, graceHours = 0): PolicyConfig => ({ compliance: { policies: [{ name: "health", platform: "android", rules, graceHours }] } }) as PolicyConfig;
const intune = { dialect: "intune" };

async function enroll(rules: Record<string, unknown>, state?: object, options: object = intune, graceHours = 0) {
  const { server, half } = await androidServer(profiles, undefined, policy(rules, graceHours));
  const out = await runAndroidFlow("android-qr", options as Record<string, unknown>, server.handler, state ? { state: state as never } : {});
  const dev = [...half.amapi.devices.values()][0];
  const rec = [...server.policy.enrollments.values()][0];
  return { out, dev, rec, server };
}

describe("what the server makes of the device's integrity", () => {
  it("an unlocked bootloader: enrolled, securityPosture POTENTIALLY_COMPROMISED / UNKNOWN_OS, basic only; Noncompliant under basic & device", async () => {
    const { out, dev, rec } = await enroll({ playIntegrity: "basic-and-device" }, { integrity: { bootloader: "unlocked" } });
    expect(out.error).toBeUndefined();
    expect(out.result).toMatchObject({ ok: true, code: "android.enrolled" });
    expect(dev!.securityPosture).toMatchObject({ devicePosture: "POTENTIALLY_COMPROMISED", postureDetails: [{ securityRisk: "UNKNOWN_OS" }] });
    expect(rec!.integrity).toEqual({ verdict: ["MEETS_BASIC_INTEGRITY"], rootDetected: false });
    expect(out.result!.background).toEqual([
      expect.objectContaining({
        ok: false,
        code: "android.compliance.noncompliant",
        shown: expect.objectContaining({ code: "Noncompliant", text: "Play Integrity Verdict: Check basic integrity & device integrity (verdict MEETS_BASIC_INTEGRITY)" }),
      }),
    ]);
    expect(out.steps.filter((s) => s.step === "android.intune.compliance")).toHaveLength(1);
  });

  it("the same device under 'Check basic integrity' is compliant; a stock device passes basic & device", async () => {
    expect((await enroll({ playIntegrity: "basic" }, { integrity: { bootloader: "unlocked" } })).out.result!.background).toBeUndefined();
    const stock = await enroll({ playIntegrity: "basic-and-device" });
    expect(stock.out.result!.background).toBeUndefined();
    expect(stock.dev!.securityPosture?.devicePosture).toBe("SECURE");
  });

  it("rooted: Rooted devices Block shows the Company Portal heading 'Rooted device detected'", async () => {
    const { out } = await enroll({ rootedDevices: "block" }, { integrity: { rooted: true } });
    expect(out.result!.background![0]!.shown).toMatchObject({ name: "Rooted device detected", text: "Rooted device detected" });
  });

  it("a personally owned work profile shows the Company Portal's 'Not in Compliance'", async () => {
    const { server } = await androidServer({ profiles: { wp: { mode: "work-profile" } } }, undefined, policy({ rootedDevices: "block" }));
    const out = await runAndroidFlow("android-work-profile", { dialect: "intune", profile: "wp" }, server.handler, { state: { integrity: { rooted: true } } as never });
    expect(out.result!.background![0]!.shown).toMatchObject({ code: "Not in Compliance", name: "Rooted device detected" });
  });

  it("an old security patch (state.securityPatch) fails Minimum security patch level: 'Install Android security patch'", async () => {
    const { out, dev } = await enroll({ minSecurityPatch: "2025-01-01" }, { securityPatch: "2023-03-05" });
    expect(dev!.softwareInfo?.securityPatchLevel).toBe("2023-03-05");
    expect(out.result!.background![0]!.shown?.name).toBe("Install Android security patch");
  });

  it("in its grace period the device is not shown noncompliant; no verdict fails the Play Integrity setting, strong needs MEETS_STRONG_INTEGRITY", async () => {
    expect((await enroll({ rootedDevices: "block" }, { integrity: { rooted: true } }, intune, 24)).out.result!.background).toBeUndefined();
    // A device without Google Play services gets no verdict (it cannot run Android Device Policy either): the setting fails.
    const facts = { platform: "android" as const, ownership: "corporate" as const, integrity: { rootDetected: false } };
    expect(failingRules({ name: "p", platform: "android", rules: { playIntegrity: "basic" } }, facts)).toEqual(["Play Integrity Verdict: Check basic integrity (no verdict received)"]);
    expect(failingRules({ name: "p", platform: "android", rules: { playIntegrity: "basic", strongIntegrity: true } }, { ...facts, integrity: { verdict: ["MEETS_BASIC_INTEGRITY", "MEETS_DEVICE_INTEGRITY"], rootDetected: false } })).toEqual([
      "Check strong integrity using hardware-backed security features: Check strong integrity (verdict MEETS_BASIC_INTEGRITY, MEETS_DEVICE_INTEGRITY)",
    ]);
  });

  it("the plain amapi dialect reports integrity (securityPosture) but runs no Intune status check", async () => {
    const { out, dev } = await enroll({ rootedDevices: "block" }, { integrity: { rooted: true } }, {});
    expect(out.result!.background).toBeUndefined();
    expect(out.steps.some((s) => s.step === "android.intune.compliance")).toBe(false);
    expect(dev!.securityPosture?.postureDetails).toEqual([{ securityRisk: "COMPROMISED_OS" }]);
  });

  it("a malformed integrity envelope is refused with INVALID_ARGUMENT, nothing recorded", async () => {
    const { server } = await androidServer(profiles);
    const tok = await server.handler({ method: "GET", url: "/android/provisioning/fully-managed/token", headers: {} });
    const token = (JSON.parse(Buffer.from(tok.body).toString()) as { value: string }).value;
    const res = await server.handler({
      method: "POST",
      url: "/android/amapi/device/v1/enrollmentTokens:redeem",
      headers: { "content-type": "application/json" },
      body: new TextEncoder().encode(JSON.stringify({ enrollmentToken: token, managementMode: "DEVICE_OWNER", ownership: "COMPANY_OWNED", integrity: { keyDescription: "MAo=" } })),
    });
    expect(res.status).toBe(400);
    expect(Buffer.from(res.body).toString()).toContain("INVALID_ARGUMENT");
    expect(server.policy.enrollments.size).toBe(0);
  });
});

describe("Knox attestation behind a KME Advanced Profile", () => {
  const kme = { profiles: { adv: { mode: "fully-managed", advancedProfile: true }, std: { mode: "fully-managed" } } };
  const run = async (profile: string, state?: object) => {
    const { server } = await androidServer(kme);
    return runAndroidFlow("android-qr", { profile, trigger: "kme" }, server.handler, { model: "samsung-galaxy-s23", disk: new Map(), ...(state ? { state: state as never } : {}) });
  };

  it("a tripped warranty bit (0x1) is locked before setup: 'Locked due to attestation failure', nothing redeemed", async () => {
    const out = await run("adv", { integrity: { knoxWarrantyBit: "0x1" } });
    expect(out.result).toMatchObject({ ok: false, code: "android.portal.locked-attestation", step: "android.knox.attestation", shown: { text: "Locked due to attestation failure" } });
    expect(out.result!.message).toContain("warranty bit is set (0x1)");
    expect(out.steps.some((s) => s.step === "android.amapi.redeem")).toBe(false);
  });

  it("unofficial firmware (verified boot yellow) fails too; a stock phone passes; a standard profile does not attest", async () => {
    expect((await run("adv", { integrity: { verifiedBoot: "yellow" } })).result!.code).toBe("android.portal.locked-attestation");
    const stock = await run("adv");
    expect(stock.result).toMatchObject({ ok: true, code: "android.enrolled" });
    expect(stock.steps.filter((s) => s.step === "android.knox.attestation")).toHaveLength(1);
    const std = await run("std", { integrity: { knoxWarrantyBit: "0x1" } });
    expect(std.result!.ok).toBe(true);
    expect(std.steps.some((s) => s.step === "android.knox.attestation")).toBe(false);
  });

  it("an attestation server that answers 200 without a verdict (or with garbage) is its fault, named with the step; the device is not locked", async () => {
    const { server } = await androidServer(kme);
    for (const body of ["{}", '{"verdict":"Maybe"}', '{"verdict":7}', "<html>proxy</html>", '["Yes"]']) {
      const handler: typeof server.handler = async (req) =>
        /\/knox\/attestation\/blobs$/.test(new URL(req.url, "http://x").pathname) ? { status: 200, headers: { "content-type": "application/json" }, body: new TextEncoder().encode(body), url: "" } : server.handler(req);
      const out = await runAndroidFlow("android-qr", { profile: "adv", trigger: "kme" }, handler, { model: "samsung-galaxy-s23", disk: new Map() });
      const failed = out.result ?? (out.error as { code?: string; step?: string });
      expect(failed, body).toMatchObject({ code: "android.knox-attestation.malformed" });
      expect(out.result?.code, body).not.toBe("android.portal.locked-attestation");
      expect(
        out.steps.some((s) => s.step === "android.knox.attestation" && !s.ok),
        body,
      ).toBe(true);
    }
  });

  it("Samsung's stand-in refuses a replayed nonce and garbage with 400 'invalid nonce/blob'", async () => {
    const { server } = await androidServer(kme);
    const post = (path: string, body: Uint8Array) => server.handler({ method: "POST", url: `/android/knox/attestation/${path}`, headers: { "content-type": "application/octet-stream" }, body });
    const n = JSON.parse(Buffer.from((await post("nonces", new Uint8Array(0))).body).toString()) as { nonce: string };
    const blob = encodeKnoxBlob({ measurements: Array.from({ length: 7 }, () => new Uint8Array(32)), verdict: "Yes", nonce: new Uint8Array(Buffer.from(n.nonce, "base64")), serial: new Uint8Array(4), warrantyBit: 0 });
    const first = await post("blobs", blob);
    expect(JSON.parse(Buffer.from(first.body).toString())).toMatchObject({ verdict: "Yes", warrantyBit: "0x0" });
    const again = await post("blobs", blob);
    expect(again.status).toBe(400);
    expect(JSON.parse(Buffer.from(again.body).toString())).toEqual({ error: "invalid nonce/blob" });
    expect((await post("blobs", new TextEncoder().encode("garbage"))).status).toBe(400);
  });
});

describe("hostile answers end one device's flow with a typed error naming the step", () => {
  const tamper = (handler: (r: never) => Promise<{ status: number; headers: Record<string, string>; body: Uint8Array }>, path: string, body: string) => async (req: never) =>
    (req as { url: string }).url.includes(path) ? { status: 200, headers: { "content-type": "application/json" }, body: new TextEncoder().encode(body) } : handler(req);

  for (const [what, body] of [
    ["an HTML page", "<html>login</html>"],
    ["a JSON list", "[1,2]"],
    ["an unknown state", '{"state":"green"}'],
  ] as const) {
    it(`the Intune status check answered with ${what}`, async () => {
      const { server } = await androidServer(profiles, undefined, policy({ rootedDevices: "block" }));
      const out = await runAndroidFlow("android-qr", intune, tamper(server.handler as never, "/intune/compliance", body) as never);
      expect(out.result).toBeUndefined();
      expect(out.error).toMatchObject({ code: "android.intune.malformed", step: "android.intune.compliance", device: expect.stringContaining("pixel-8") });
      expect(String((out.error as Error).message)).toMatch(/compliance answer/);
    });
  }

  it("Samsung's attestation stand-in answered with garbage: a typed error at android.knox.attestation", async () => {
    const { server } = await androidServer({ profiles: { adv: { mode: "fully-managed", advancedProfile: true } } });
    const out = await runAndroidFlow("android-qr", { profile: "adv", trigger: "kme" }, tamper(server.handler as never, "/knox/attestation/nonces", "<html/>") as never, { model: "samsung-galaxy-s23", disk: new Map() });
    expect(out.result).toBeUndefined();
    expect(out.error).toMatchObject({ code: "android.knox-attestation.malformed", step: "android.knox.attestation" });
  });
});
