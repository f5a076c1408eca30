// SPDX-License-Identifier: MIT
/**
 * The identity provider's account lockout (embedded.policy.directory.lockout) against users who mistype their password
 * (options.<platform>.mistypedPasswords), over loopback against the embedded server: the shipped Windows and iOS pairs
 * (locked, then unlocked by the admin or by time passing), the Apple enrollment portal of a tenant whose failed logins
 * count until an admin resets them, and Android's enrollment sign-in of a user locked elsewhere.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/api/run-scenario.js";
import type { HttpRequest } from "../../src/ports/http.js";
import { androidServer, BASE } from "../protocol/android/harness.js";

const opts = { keyPoolSize: 24, progress: false as const, capacity: false as const };
const file = (name: string) => join(import.meta.dirname, "../../scenarios/failures", `${name}.yaml`);
const inline = (yaml: string) => {
  const p = join(mkdtempSync(join(tmpdir(), "enrollsim-lockout-")), "s.yaml");
  writeFileSync(p, yaml);
  return p;
};

describe("account lockout after mistyped passwords (loopback)", () => {
  it("Windows Autopilot: three AADSTS50126 lock the users, the right password then gets AADSTS50053 (caa20003); unlocked by the admin, all provision", async () => {
    const failing = (await runScenario(file("win-oobe-account-locked-failing"), opts)).summary;
    expect(failing).toMatchObject({ ok: true, devices: 3, enrolled: 1 });
    expect(failing.outcomes).toEqual({ "windows.auth.federated-refused": 2, "windows.autopilot.user-driven.provisioned": 1 });
    expect(failing.errors["windows.auth.federated-refused"]!.shown).toMatchObject({ code: "0xCAA20003", cause: { code: "AADSTS50053" } });
    // Four sign-ins per mistyping user (three wrong, one right but locked), one for the colleague.
    expect(failing.steps["auth.federated"]).toMatchObject({ count: 9, failed: 8 });
    const fixed = (await runScenario(file("win-oobe-account-locked-fixed"), opts)).summary;
    expect(fixed).toMatchObject({ ok: true, devices: 3, enrolled: 3 });
    expect(fixed.steps["auth.federated"]!.failed).toBeGreaterThanOrEqual(6);
  }, 180_000);

  it("iOS account-driven enrollment: the locked users end at apple.account.auth-failed with AADSTS50053; after the 15-minute lockout (skip) they enroll", async () => {
    const failing = (await runScenario(file("ios-account-locked-failing"), opts)).summary;
    expect(failing).toMatchObject({ ok: true, devices: 3, enrolled: 1 });
    expect(failing.errors["apple.account.auth-failed"]!.example).toContain("AADSTS50053: The account is locked");
    const fixed = (await runScenario(file("ios-account-locked-fixed"), opts)).summary;
    expect(fixed).toMatchObject({ ok: true, devices: 3, enrolled: 3 });
  }, 180_000);

  it("without a lockout policy the same mistyping users enroll at their fourth sign-in (the lockout, not the typos, refuses them)", async () => {
    const open = inline(`
name: no-lockout
server: embedded
embedded: { policy: { directory: { users: [{ upn: amy@example.org }] } } }
groups:
  - { name: mistyping, model: iphone-15, count: 1, flow: ios-user-enrollment, options: { apple: { account: { user: amy@example.org }, mistypedPasswords: 3 } } }
timeline:
  - { at: 0s, tryAgain: { times: 3 } }
limits: { durationSeconds: 120 }
expect: { successRatio: 1.0 }
`);
    const s = (await runScenario(open, opts)).summary;
    expect(s).toMatchObject({ ok: true, enrolled: 1 });
    expect(s.steps["account.auth"]).toMatchObject({ count: 4, failed: 3 });
  }, 120_000);

  it("Apple enrollment portal: failed logins count until an admin resets them (durationSeconds 0): 403 AccountLocked, then the admin's unlockUsers lets the user in", async () => {
    const scenario = (timeline: string) =>
      inline(`
name: portal-lockout
server: embedded
embedded:
  policy: { directory: { users: [{ upn: stager@contoso.example }], lockout: { threshold: 3, durationSeconds: 0 } } }
  apple: { portal: { login: true } }
groups:
  - { name: staging, model: iphone-15, count: 1, flow: ios-profile, options: { apple: { portal: { user: stager@contoso.example }, mistypedPasswords: 3 } } }
timeline:
${timeline}
limits: { durationSeconds: 120 }
expect: { successRatio: 0 }
`);
    const locked = (await runScenario(scenario("  - { at: 0s, tryAgain: { times: 3 } }"), opts)).summary;
    expect(locked.outcomes).toEqual({ "apple.profile.refused.AccountLocked": 1 });
    expect(locked.errors["apple.profile.refused.AccountLocked"]!.example).toContain("until an admin unlocks the account");
    expect(locked.steps["portal.login"]).toMatchObject({ count: 4, failed: 4 });
    const unlocked = (await runScenario(scenario("  - { at: 0s, tryAgain: { times: 4, wait: 2s } }\n  - { after: { step: portal.login, failed: 3 }, unlockUsers: { users: [stager@contoso.example] } }"), opts)).summary;
    expect(unlocked).toMatchObject({ enrolled: 1 });
  }, 180_000);
});

describe("the Setup Assistant's legacy sign-in (ADE basic authentication) and the lockout", () => {
  it("three mistyped passwords lock the typed user: the right one is 401 again (DEP enrollment stuck at user login); the admin's unlock lets the next try enroll", async () => {
    const scenario = (timeline: string) =>
      inline(`
name: ade-lockout
server: embedded
embedded:
  apple: { basicAuth: { username: ade-user@enrollsim.test, password: ade-password-2026 } }
  policy: { directory: { lockout: { threshold: 3, durationSeconds: 600 } } }
groups:
  - { name: iphones, model: iphone-15, count: 1, flow: ios-ade, options: { apple: { mistypedPasswords: 3, ade: { basicAuth: { username: ade-user@enrollsim.test, password: ade-password-2026 } } } } }
timeline:
${timeline}
limits: { durationSeconds: 120 }
expect: { successRatio: 0 }
`);
    const locked = (await runScenario(scenario("  - { at: 0s, tryAgain: { times: 3 } }"), opts)).summary;
    expect(locked.outcomes).toEqual({ "apple.ade.auth-failed": 1 });
    expect(locked.errors["apple.ade.auth-failed"]!.example).toContain("DEP enrollment stuck at user login");
    const unlocked = (await runScenario(scenario("  - { at: 0s, tryAgain: { times: 4, wait: 2s } }\n  - { after: { step: ade.enroll, failed: 3 }, unlockUsers: {} }"), opts)).summary;
    expect(unlocked).toMatchObject({ enrolled: 1 });
  }, 180_000);
});

describe("Android enrollment sign-in and the lockout", () => {
  const get = async (h: (r: HttpRequest) => Promise<{ status: number; body: Uint8Array }>, path: string) => {
    const r = await h({ method: "GET", url: BASE + path, headers: {} });
    return { status: r.status, json: JSON.parse(Buffer.from(r.body).toString("utf8")) as Record<string, unknown> };
  };
  it("a user the tenant's lockout holds (failed sign-ins elsewhere) is refused AADSTS50053 in the setup tab; others and the unlocked user pass", async () => {
    const { server } = await androidServer({}, undefined, { directory: { lockout: { threshold: 2, durationSeconds: 0 } } });
    server.policy.lockout.passwordSignIn("ann@contoso.com", false);
    server.policy.lockout.passwordSignIn("ann@contoso.com", false);
    const r = await get(server.handler, "/android/idp/authorize?login_hint=ann%40contoso.com");
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ error: "invalid_grant", error_codes: [50053] });
    expect(String(r.json.error_description)).toBe("AADSTS50053: The account is locked, you've tried to sign in too many times with an incorrect user ID or password.");
    expect((await get(server.handler, "/android/idp/authorize?login_hint=bob%40contoso.com")).status).toBe(200);
    server.policy.lockout.unlock();
    expect((await get(server.handler, "/android/idp/authorize?login_hint=ann%40contoso.com")).status).toBe(200);
  });
});
