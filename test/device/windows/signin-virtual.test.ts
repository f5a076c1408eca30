// SPDX-License-Identifier: MIT
/**
 * The work-account sign-in on virtual time, device against the reference server in memory: an identity
 * provider that never answers costs the device its exchange deadline on the virtual clock (not real
 * seconds) and shows the timeout's CAA code per channel; tenants and directory conditions decide the rest.
 */
import { describe, expect, it } from "vitest";
import { windowsHarness, START } from "./harness.js";
import type { HttpHandler } from "../../../src/ports/http.js";
import { FLOWS } from "../../../src/device/flows/index.js";

/** The identity provider's sign-in POST never answers (a silent middlebox). */
const hangSignIn =
  (inner: HttpHandler): HttpHandler =>
  async (req) =>
    req.method === "POST" && new URL(req.url).pathname === "/EnrollmentServer/Auth" ? new Promise(() => {}) : inner(req);

describe("sign-in at the identity provider (virtual time)", () => {
  it("no answer to the credentials: OOBE waits out its 30 s deadline on the virtual clock, then caa7000a", async () => {
    const h = await windowsHarness({}, hangSignIn);
    try {
      const realStart = Date.now();
      const { result } = await h.run("windows-autopilot", { minuteMs: 20, tokenSource: "idp" });
      expect(result.code).toBe("windows.oobe.idp-blocked");
      expect(result.shown).toMatchObject({ code: "0xCAA7000A", name: "ERROR_INET_CONNECTION_TIMEOUT", text: "Something went wrong. Error code: caa7000a" });
      expect(h.clock.now() - START).toBeGreaterThanOrEqual(30_000);
      expect(Date.now() - realStart).toBeLessThan(20_000);
    } finally {
      await h.close();
    }
  }, 60_000);

  it("the same silence on the auto-enroll task's WinHTTP request: Event 76 with 0xcaa82ee2", async () => {
    const h = await windowsHarness({}, hangSignIn);
    try {
      const { result } = await h.run("windows-gpo", { tokenSource: "idp" });
      expect(result.code).toBe("windows.gpo.token-unavailable");
      expect(result.shown).toMatchObject({ code: "0xCAA82EE2", text: "Auto MDM Enroll: User Credential (0x0), Failed (Unknown Win32 Error code: 0xcaa82ee2)" });
      expect(h.clock.now() - START).toBeGreaterThanOrEqual(30_000);
    } finally {
      await h.close();
    }
  }, 60_000);

  it("a UPN domain outside directory.domains and every other tenant: AADSTS50034 (invalid_grant → caa20003)", async () => {
    const h = await windowsHarness({}, undefined, { directory: { domains: ["corp.example.net"] } });
    try {
      const { result } = await h.run("windows-autopilot", { minuteMs: 20, tokenSource: "idp", upn: "user0@contoso.example.com" });
      expect(result.code).toBe("windows.auth.federated-refused");
      expect(result.shown).toMatchObject({ code: "0xCAA20003", cause: { code: "AADSTS50034" } });
      const ok = await h.run("windows-autopilot", { minuteMs: 20, tokenSource: "idp", upn: "user1@corp.example.net" }, 1);
      expect(ok.result.ok).toBe(true);
    } finally {
      await h.close();
    }
  }, 60_000);

  it("a user of another tenant on a device this tenant registered is refused too; the tenant's own user and a file profile compare the same way", async () => {
    const h = await windowsHarness({}, undefined, { otherTenants: [{ domain: "fabrikam.example.com" }] });
    try {
      const service = { minuteMs: 20, autopilot: { profileSource: "service" } };
      const other = await h.run("windows-autopilot", { ...service, upn: "guest@fabrikam.example.com" });
      expect(other.result.code).toBe("windows.autopilot.other-organization");
      expect(other.result.shown?.text).toBe("That username looks like it belongs to another organization. Try signing in again or start over with a different account.");
      // No sign-in and no join were attempted: OOBE stopped at the comparison.
      expect(other.events.some((e) => e.step === "join.register")).toBe(false);
      const own = await h.run("windows-autopilot", { ...service, upn: "user1@contoso.example.com" }, 1);
      expect(own.result.ok).toBe(true);
      const profileJson = JSON.stringify({ CloudAssignedTenantId: "00000000-0000-0000-0000-00000000e501", CloudAssignedTenantDomain: "contoso.onmicrosoft.com", ZtdCorrelationId: "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0" });
      const file = await h.run("windows-autopilot", { minuteMs: 20, upn: "guest@fabrikam.example.com", autopilot: { profileSource: "file", profileJson } }, 2);
      expect(file.result.code).toBe("windows.autopilot.other-organization");
    } finally {
      await h.close();
    }
  }, 60_000);

  it("Settings › Access work or school (workAccount entra) signs in at the IdP first: a disabled account is caa20003 in Settings, a refused connection is caa70003 without OOBE's page", async () => {
    const h = await windowsHarness({}, undefined, { directory: { users: [{ upn: "user0@contoso.example.com", accountEnabled: false }] } });
    try {
      const settings = { tokenSource: "idp", workAccount: "entra" };
      const { result, events } = await h.run("windows-byod", settings);
      expect(result.code).toBe("windows.auth.federated-refused");
      expect(result.shown).toMatchObject({ code: "0xCAA20003", cause: { code: "AADSTS50057" }, screen: "Settings › Accounts › Access work or school" });
      expect(events.some((e) => e.step === "join.register")).toBe(false);
      const blocked = await h.run("windows-byod", { ...settings, firewall: ["/EnrollmentServer/Auth"] }, 1);
      expect(blocked.result.code).toBe("windows.byod.idp-unreachable");
      expect(blocked.result.shown).toMatchObject({ code: "0xCAA70003", text: "Something went wrong. Error code: caa70003" });
      const ok = await h.run("windows-byod", settings, 2);
      expect(ok.result.ok).toBe(true);
    } finally {
      await h.close();
    }
  }, 60_000);

  it("against a URL server (not embedded) OOBE asks no identity provider it was not given: no auth.realm request", async () => {
    const h = await windowsHarness();
    try {
      const { ctx, events } = h.context(3);
      const server = { ...ctx.targets.server!, embedded: false };
      const profileJson = JSON.stringify({ CloudAssignedTenantId: "11111111-2222-3333-4444-555555555555", CloudAssignedTenantDomain: "elsewhere.example.com", ZtdCorrelationId: "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0" });
      await h.clock.run(FLOWS["windows-autopilot"]!.run({ ...ctx, targets: { ...ctx.targets, server } }, { minuteMs: 20, autopilot: { profileSource: "file", profileJson } } as never), 3_600_000);
      expect(events.some((e) => e.step === "oobe.signin")).toBe(true);
      expect(events.some((e) => e.step === "auth.realm")).toBe(false);
    } finally {
      await h.close();
    }
  }, 60_000);

  it("integrated auth: no user realm answer is 0xcaa90018; outside windows-gpo it is a scenario error", async () => {
    const h = await windowsHarness({}, (inner) => async (req) => (new URL(req.url).pathname.toLowerCase().includes("/userrealm/") ? { status: 404, headers: { "content-type": "text/plain" }, body: new Uint8Array(), url: req.url } : inner(req)));
    try {
      const { result } = await h.run("windows-gpo", { tokenSource: "integrated" });
      expect(result.code).toBe("windows.gpo.token-unavailable");
      expect(result.shown).toMatchObject({ code: "0xCAA90018", name: "ERROR_ADAL_COULDNOT_DISCOVER_USERREALM" });
      await expect(h.run("windows-autopilot", { minuteMs: 20, tokenSource: "integrated" }, 1)).rejects.toThrow(/windows-gpo only/);
    } finally {
      await h.close();
    }
  }, 60_000);
});
