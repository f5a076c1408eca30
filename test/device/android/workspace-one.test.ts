// SPDX-License-Identifier: MIT
/**
 * The Workspace ONE Intelligent Hub dialect (protocol/android/dialects/workspace-one.ts) and UEM's staging enrollment
 * (server/android/ws1.ts): Group ID, credentials counted by the tenant's lockout (virtual time for its expiry, the admin's
 * unlock), the Hub's published texts (CREATE_MDM_ERROR, Invalid User Credentials.), the shipped pairs over loopback, and a
 * misspelt dpc refused with file:line:column and a did-you-mean.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario, scenarioContext } from "../../../src/api/run-scenario.js";
import { agentRefusal } from "../../../src/device/android/agent-shown.js";
import { VirtualClock } from "../../../src/platform/virtual/clock.js";
import type { HttpRequest } from "../../../src/ports/http.js";
import { dialectForPackage } from "../../../src/protocol/android/dialects/index.js";
import { Redactor } from "../../../src/report/redact.js";
import { loadCatalog } from "../../../src/runner/catalog-files.js";
import { scenarioLoadError } from "../../support/scenario-load-error.js";

const AGENTS = loadCatalog().agents;
import { androidServer, BASE, runAndroidFlow, START } from "../../protocol/android/harness.js";

const WS1 = { groupIds: ["WAREHOUSE"], stagingUsers: [{ user: "staging.warehouse", password: "Rugged-Stage-26" }] };
const LOCKOUT = { directory: { lockout: { threshold: 3, durationSeconds: 600 } } };

type Handler = (r: HttpRequest) => Promise<{ status: number; body: Uint8Array }>;
const enroll = async (h: Handler, body: Record<string, unknown>) => {
  const r = await h({ method: "POST", url: `${BASE}/android/ws1/enroll`, headers: { "content-type": "application/json" }, body: new Uint8Array(Buffer.from(JSON.stringify(body))) });
  return { status: r.status, json: JSON.parse(Buffer.from(r.body).toString("utf8")) as Record<string, unknown> };
};
const staging = (over: Record<string, unknown> = {}) => ({ groupId: "WAREHOUSE", username: "staging.warehouse", password: "Rugged-Stage-26", serialNumber: "21345B0001", model: "TC52", ...over });

describe("Workspace ONE agent messages", () => {
  it("the Hub's published texts per cause; a code-only text is shown once", () => {
    const base = { ok: false, code: "android.ws1.account-locked", step: "android.ws1.enroll", message: "Can't set up device.", keychain: { identities: [] } };
    const locked = agentRefusal(AGENTS, "workspace-one", "account-locked", base);
    expect(locked.message).toBe("CREATE_MDM_ERROR");
    expect(locked.shown).toMatchObject({ code: "CREATE_MDM_ERROR", screen: "Workspace ONE Intelligent Hub, barcode / sideload staging" });
    expect(agentRefusal(AGENTS, "workspace-one", "invalid-credentials", base).message).toBe("Invalid User Credentials.");
    expect(agentRefusal(AGENTS, "workspace-one", "device-not-approved", base).message).toBe("Enrollment Denied: Device Not Approved");
    // No published Hub text for an unknown Group ID: the platform's result stays.
    expect(agentRefusal(AGENTS, "workspace-one", "invalid-group-id", base)).toBe(base);
    // Knox Manage keeps its code, title and text.
    expect(agentRefusal(AGENTS, "knox-manage", "licence-expired", base).message).toBe("KMA_F230 Expired license: The license associated with your business account has expired. Please contact your administrator.");
    expect(dialectForPackage("com.airwatch.androidagent")?.name).toBe("workspace-one");
  });

  it("the Hub's staging password extra pw is redacted by name", () => {
    const r = new Redactor().redactEvent({ t: 0, device: "d", kind: "decoded", step: "s", data: { adminExtras: { un: "staging", pw: "Rugged-Stage-25", upwards: "kept" } } } as never) as unknown as { data: { adminExtras: Record<string, string> } };
    expect(r.data.adminExtras).toEqual({ un: "staging", pw: "[REDACTED]", upwards: "kept" });
  });
});

describe("UEM staging enrollment (server, virtual clock)", () => {
  it("Group ID first (not a failed login), then credentials counted by the lockout; locked whatever the password until the lockout's time has passed", async () => {
    const clock = new VirtualClock(START);
    const { server, half } = await androidServer({ workspaceOne: WS1 }, clock, LOCKOUT);
    const h = server.handler as unknown as Handler;
    expect(await enroll(h, staging({ groupId: "WAREHOSUE" }))).toMatchObject({ status: 400, json: { status: "ERROR", reason: "INVALID_GROUP_ID" } });
    expect(server.policy.lockout.records()).toEqual([]);
    for (let i = 1; i <= 3; i++) {
      const r = await enroll(h, staging({ password: "Rugged-Stage-25" }));
      expect(r).toMatchObject({ status: 401, json: { reason: "INVALID_CREDENTIALS" } });
      expect(String(r.json.message)).toContain(`failed login ${i} of 3`);
    }
    const locked = await enroll(h, staging());
    expect(locked).toMatchObject({ status: 403, json: { reason: "ACCOUNT_LOCKED" } });
    expect(String(locked.json.message)).toContain("staging.warehouse is locked out");
    await clock.advance(599_000);
    expect((await enroll(h, staging())).json.reason).toBe("ACCOUNT_LOCKED");
    await clock.advance(1_000);
    expect(await enroll(h, staging())).toMatchObject({ status: 200, json: { status: "OK", deviceId: "ws1:21345B0001" } });
    expect(half.records()).toContainEqual({ platform: "android", kind: "workspace-one", key: "ws1:21345B0001", ids: { serial: "21345B0001" } });
    expect(server.policy.records().enrollments.map((r) => r.deviceKey)).toContain("ws1:21345B0001");
  });

  it("until an admin resets the count (durationSeconds 0): the admin's unlock lets the right password in; an unknown user is a failed login too", async () => {
    const { server } = await androidServer({ workspaceOne: WS1 }, new VirtualClock(START), { directory: { lockout: { threshold: 3, durationSeconds: 0 } } });
    const h = server.handler as unknown as Handler;
    for (let i = 0; i < 3; i++) await enroll(h, staging({ password: "x" }));
    expect((await enroll(h, staging())).json.reason).toBe("ACCOUNT_LOCKED");
    server.policy.lockout.unlock(["staging.warehouse"]);
    expect((await enroll(h, staging())).status).toBe(200);
    expect(await enroll(h, staging({ username: "nobody", serialNumber: "S2" }))).toMatchObject({ status: 401, json: { reason: "INVALID_CREDENTIALS" } });
    expect(await enroll(h, { groupId: "WAREHOUSE" })).toMatchObject({ status: 400, json: { reason: "BAD_REQUEST" } });
  });

  it("the tenant's rules after the sign-in: a denylisted device is DEVICE_NOT_APPROVED, an expired licence LICENSE_EXPIRED", async () => {
    const { server } = await androidServer({ workspaceOne: WS1 }, new VirtualClock(START), { deviceLists: [{ name: "lost", mode: "deny", serials: ["LOST1"] }], licences: [{ name: "uem", endsAt: "2020-01-01T00:00:00Z" }] } as never);
    const h = server.handler as unknown as Handler;
    expect(await enroll(h, staging({ serialNumber: "LOST1" }))).toMatchObject({ status: 403, json: { reason: "DEVICE_NOT_APPROVED" } });
    expect(await enroll(h, staging())).toMatchObject({ status: 403, json: { reason: "LICENSE_EXPIRED" } });
  });
});

describe("the Hub staging a device (in-memory, virtual time)", () => {
  it("a payload for dpc workspace-one enrolls through the Hub; a stale password shows Invalid User Credentials., the locked user CREATE_MDM_ERROR", async () => {
    const profiles = {
      staging: { mode: "fully-managed", dpc: "workspace-one" },
      stale: { mode: "fully-managed", dpc: "workspace-one", adminExtras: { pw: "Rugged-Stage-25" } },
      typo: { mode: "fully-managed", dpc: "workspace-one", adminExtras: { gid: "WAREHOSUE" } },
    };
    const { server } = await androidServer({ workspaceOne: WS1, profiles }, undefined, { directory: { lockout: { threshold: 2, durationSeconds: 0 } } });
    const ok = await runAndroidFlow("android-qr", { profile: "staging" }, server.handler, { model: "zebra-tc52" });
    expect(ok.result).toMatchObject({ ok: true, code: "android.enrolled" });
    expect(ok.steps.some((s) => s.step === "android.ws1.enroll" && s.ok)).toBe(true);
    const typo = await runAndroidFlow("android-qr", { profile: "typo" }, server.handler, { model: "zebra-tc52", index: 1 });
    expect(typo.result).toMatchObject({ ok: false, code: "android.ws1.invalid-group-id" });
    expect(typo.result?.message).toContain("Can't set up device");
    expect(typo.result?.message).toContain('Group ID "WAREHOSUE"');
    const stale = await runAndroidFlow("android-qr", { profile: "stale" }, server.handler, { model: "zebra-tc52", index: 2 });
    expect(stale.result).toMatchObject({ ok: false, code: "android.ws1.invalid-credentials", message: "Invalid User Credentials.", shown: { code: "Invalid User Credentials." } });
    expect(JSON.stringify(stale.events)).not.toContain("Rugged-Stage-25");
    await runAndroidFlow("android-qr", { profile: "stale" }, server.handler, { model: "zebra-tc52", index: 3 });
    const locked = await runAndroidFlow("android-qr", { profile: "staging" }, server.handler, { model: "zebra-tc52", index: 4 });
    expect(locked.result).toMatchObject({ ok: false, code: "android.ws1.account-locked", shown: { code: "CREATE_MDM_ERROR" } });
  });

  it("a broken UEM answer (garbage, an HTML page, a JSON list, a megabyte) never enrolls the Hub: the device fails at android.ws1.enroll, no crash", async () => {
    const profiles = { staging: { mode: "fully-managed", dpc: "workspace-one" } };
    const { server } = await androidServer({ workspaceOne: WS1, profiles });
    const bodies = ["\u0000\u0001garbage", "<html>maintenance</html>", '["OK"]', `{"status":"OK"${" ".repeat(1 << 20)}}`];
    for (const [i, body] of bodies.entries()) {
      const broken: typeof server.handler = async (req) =>
        req.method === "POST" && req.url.endsWith("/enroll") ? { status: 200, headers: { "content-type": "application/json" }, body: new Uint8Array(Buffer.from(body)), url: req.url } : server.handler(req);
      const r = await runAndroidFlow("android-qr", { profile: "staging" }, broken, { model: "zebra-tc52", index: 20 + i });
      // Either the Hub's refusal as a value, or (the megabyte, over the device's response limit) a typed error naming the step.
      if (r.error) expect(r.error).toMatchObject({ code: "transport.too-large", step: "android.ws1.enroll" });
      else expect(r.result).toMatchObject({ ok: false, step: "android.ws1.enroll" });
    }
  });

  it("a misspelt dpc is refused at its key with a did-you-mean", () => {
    const text = "name: t\nserver: embedded\nembedded:\n  android:\n    profiles:\n      s: { mode: fully-managed, dpc: workspace-on }\ngroups:\n  - { name: g, model: zebra-tc52, count: 1, flow: android-qr, options: { android: { profile: s } } }\n";
    const e = scenarioLoadError(text, "ticket.yaml", scenarioContext(loadCatalog()));
    expect(e.location).toMatch(/^ticket\.yaml:6:\d+$/);
    expect(e.message).toContain("workspace-one");
  });
});

describe("shipped pairs over loopback", () => {
  const dir = join(import.meta.dirname, "../../../scenarios/failures");
  const opts = { keyPoolSize: 24, progress: false as const, capacity: false as const };
  it("android-ws1-staging-login-lockout-failing / -fixed", async () => {
    const failing = (await runScenario(join(dir, "android-ws1-staging-login-lockout-failing.yaml"), opts)).summary;
    expect(failing).toMatchObject({ ok: true, devices: 3, enrolled: 0 });
    expect(failing.outcomes).toEqual({ "android.ws1.account-locked": 3 });
    expect(failing.steps["android.ws1.enroll"]).toMatchObject({ count: 6, failed: 6 });
    const fixed = (await runScenario(join(dir, "android-ws1-staging-login-lockout-fixed.yaml"), opts)).summary;
    expect(fixed).toMatchObject({ ok: true, devices: 3, enrolled: 3 });
  }, 120_000);

  it("android-ws1-wrong-group-id-failing / -fixed", async () => {
    const failing = (await runScenario(join(dir, "android-ws1-wrong-group-id-failing.yaml"), opts)).summary;
    expect(failing).toMatchObject({ ok: true, devices: 3, enrolled: 1 });
    expect(failing.outcomes).toMatchObject({ "android.ws1.invalid-group-id": 2 });
    const fixed = (await runScenario(join(dir, "android-ws1-wrong-group-id-fixed.yaml"), opts)).summary;
    expect(fixed).toMatchObject({ ok: true, devices: 3, enrolled: 3 });
  }, 120_000);
});
