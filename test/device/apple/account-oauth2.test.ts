// SPDX-License-Identifier: MIT
/**
 * Account-driven enrollment beyond the first sign-in, on virtual time: the apple-oauth2 Bearer
 * method (device: authorization code + PKCE S256, refresh; server: the stand-in authorization
 * server in src/server/apple/oauth2.ts), mid-session re-authentication after a token expires on
 * the server clock, the failing re-authentication (account disabled → unenroll), and hostile
 * authorization / token endpoints (typed errors naming device and step).
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { oauth2Challenge, readTokenResponse } from "../../../src/device/apple/account-auth.js";
import type { HttpHandler, HttpResponse } from "../../../src/ports/http.js";
import { OAUTH2_CLIENT_ID, OAUTH2_REDIRECT } from "../../../src/server/apple/oauth2.js";
import { URLS, appleWorld } from "./harness.js";

const res = (status: number, type: string, body: string | Uint8Array, headers: Record<string, string> = {}): HttpResponse => ({
  status,
  headers: { "content-type": type, ...headers },
  body: typeof body === "string" ? new Uint8Array(Buffer.from(body)) : body,
  url: "",
});
const override = (path: string, fn: (req: Parameters<HttpHandler>[0], inner: HttpHandler) => Promise<HttpResponse>) => (h: HttpHandler): HttpHandler => (req) =>
  new URL(req.url).pathname === path ? fn(req, h) : h(req);
const OAUTH = { authMethod: "apple-oauth2" as const, password: "oa-pw-1" };
const devOpts = (extra: Record<string, unknown> = {}) => ({ apple: { account: { password: "oa-pw-1" }, ...extra } });
const decodedSteps = (dev: { transcript(): { step: string; kind: string; data: unknown }[] }, name: string) => dev.transcript().filter((e) => e.step === name && e.kind === "decoded");
const b64url = (b: Buffer) => b.toString("base64").replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

describe("apple-oauth2 parsing", () => {
  it("reads the challenge parameters and refuses missing or non-https endpoints", () => {
    const ch = oauth2Challenge({ method: "apple-oauth2", "authorization-url": "/a", "token-url": "https://x.test/t", "redirect-url": OAUTH2_REDIRECT, "client-id": "c", scope: "s" }, "https://x.test/base");
    expect(ch).toEqual({ authorizationUrl: "https://x.test/a", tokenUrl: "https://x.test/t", redirectUrl: OAUTH2_REDIRECT, clientId: "c", scope: "s" });
    expect(() => oauth2Challenge({ "authorization-url": "https://x.test/a" }, "https://x.test")).toThrow(/no token-url/);
    expect(() => oauth2Challenge({ "authorization-url": "http://x.test/a", "token-url": "https://x.test/t", "redirect-url": "x:y", "client-id": "c" }, "https://x.test")).toThrow(/must be https/);
  });
  it("token responses: tokens, OAuth errors as values, malformed ones as typed errors", () => {
    expect(readTokenResponse(res(200, "application/json", JSON.stringify({ access_token: "a1", token_type: "bearer", refresh_token: "r1", expires_in: 60 })))).toEqual({ accessToken: "a1", refreshToken: "r1", expiresIn: 60 });
    expect(readTokenResponse(res(400, "application/json", JSON.stringify({ error: "invalid_grant" })))).toMatchObject({ code: "apple.account.auth-failed", message: expect.stringContaining("invalid_grant") });
    for (const [why, r] of [
      ["not json", res(200, "application/json", "{nope")],
      ["html", res(200, "text/html", "<html/>")],
      ["array", res(200, "application/json", "[1]")],
      ["no access_token", res(200, "application/json", JSON.stringify({ token_type: "Bearer" }))],
      ["token with spaces", res(200, "application/json", JSON.stringify({ access_token: "a b" }))],
      ["token not a string", res(200, "application/json", JSON.stringify({ access_token: { x: 1 } }))],
      ["wrong token_type", res(200, "application/json", JSON.stringify({ access_token: "a", token_type: "mac" }))],
      ["bad expires_in", res(200, "application/json", JSON.stringify({ access_token: "a", expires_in: "soon" }))],
      ["huge", res(200, "application/json", new Uint8Array(300_000).fill(0x20))],
      ["deep", res(200, "application/json", "[".repeat(100_000))],
    ] as const) expect(() => readTokenResponse(r), why).toThrow(expect.objectContaining({ code: "apple.account.oauth2-token" }));
  });
});

describe("apple-oauth2 User Enrollment (virtual time)", () => {
  it("authorization code + PKCE: enrolls, Bearer on every MDM request, no secret in the transcript", async () => {
    const w = await appleWorld({ account: OAUTH, commands: [{ requestType: "ProfileList" }] });
    const dev = await w.device("iphone-15", 1);
    const r = await w.run(dev, "ios-user-enrollment", devOpts());
    expect(r).toMatchObject({ ok: true, code: "apple.enrolled" });
    expect([...w.apple.devices.values()][0]!.accountUser).toBe("user2@enrollsim.test");
    expect(w.apple.accountAuthority.stats).toMatchObject({ codes: 1, issued: 1 });
    const auth = decodedSteps(dev, "account.auth");
    expect(auth.map((e) => (e.data as { driver: string }).driver)).toEqual(["oauth2"]);
    const t = dev.formatTranscript();
    expect(t).toContain("pkce: S256");
    expect(t).not.toContain("oa-pw-1");
    // No access token, refresh token, authorization code or verifier in clear.
    const json = JSON.stringify(dev.transcript());
    expect(json).not.toMatch(/"(accessToken|refreshToken)":"(?!\[REDACTED\])/);
    expect(json).not.toMatch(/[?&]code=[A-Za-z0-9_-]{20,}/);
    expect(json).not.toMatch(/code_verifier=[A-Za-z0-9_-]{20,}/);
  });

  it("the stand-in authorization server checks client_id, redirect_uri, state, PKCE, and codes are single-use and expire", async () => {
    const w = await appleWorld({ account: OAUTH });
    const h = w.apple.handler;
    const verifier = b64url(Buffer.alloc(32, 7));
    const challenge = b64url(createHash("sha256").update(verifier).digest());
    const q = (o: Record<string, string>) => new URLSearchParams({ response_type: "code", client_id: OAUTH2_CLIENT_ID, redirect_uri: OAUTH2_REDIRECT, state: "st1", code_challenge: challenge, code_challenge_method: "S256", ...o }).toString();
    const get = (o: Record<string, string> = {}) => h({ method: "GET", url: `${URLS.https}/apple/account/oauth2/authorize?${q(o)}` });
    expect((await get()).status).toBe(200);
    expect((await get({ client_id: "evil" })).status).toBe(400);
    expect((await get({ redirect_uri: "https://evil.test/cb" })).status).toBe(400);
    expect((await get({ state: "" })).status).toBe(400);
    expect((await get({ code_challenge_method: "plain" })).status).toBe(400);
    const post = (o: Record<string, string>) => h({ method: "POST", url: `${URLS.https}/apple/account/oauth2/authorize`, headers: { "content-type": "application/x-www-form-urlencoded" }, body: new Uint8Array(Buffer.from(q(o))) });
    expect((await post({ username: "a@b.test", password: "wrong" })).status).toBe(401);
    const codeOf = async () => new URL((await post({ username: "a@b.test", password: "oa-pw-1" })).headers.location!).searchParams.get("code")!;
    const token = (o: Record<string, string>) =>
      h({ method: "POST", url: `${URLS.https}/apple/account/oauth2/token`, headers: { "content-type": "application/x-www-form-urlencoded" }, body: new Uint8Array(Buffer.from(new URLSearchParams({ grant_type: "authorization_code", client_id: OAUTH2_CLIENT_ID, redirect_uri: OAUTH2_REDIRECT, code_verifier: verifier, ...o }).toString())) });
    const err = async (r: Promise<HttpResponse>) => JSON.parse(Buffer.from((await r).body).toString()).error;
    expect(await err(token({ code: await codeOf(), code_verifier: b64url(Buffer.alloc(32, 8)) }))).toBe("invalid_grant");
    expect(await err(token({ code: await codeOf(), redirect_uri: "https://evil.test/cb" }))).toBe("invalid_grant");
    expect(await err(token({ code: await codeOf(), client_id: "evil" }))).toBe("invalid_client");
    const code = await codeOf();
    const ok = JSON.parse(Buffer.from((await token({ code })).body).toString());
    expect(ok).toMatchObject({ token_type: "Bearer", access_token: expect.any(String), refresh_token: expect.any(String) });
    expect(await err(token({ code }))).toBe("invalid_grant"); // single use
    const late = await codeOf();
    await w.clock.advance(61_000);
    expect(await err(token({ code: late }))).toBe("invalid_grant"); // expired
    const refresh = (rt: string) => token({ grant_type: "refresh_token", refresh_token: rt });
    const again = JSON.parse(Buffer.from((await refresh(ok.refresh_token)).body).toString());
    expect(again.access_token).not.toBe(ok.access_token);
    expect(await err(refresh(ok.refresh_token))).toBe("invalid_grant"); // rotated
    expect(await err(token({ grant_type: "password" }))).toBe("unsupported_grant_type");
  });

  const hostile: [name: string, path: string, answer: (req: Parameters<HttpHandler>[0], inner: HttpHandler) => Promise<HttpResponse>, code: string][] = [
    ["a token endpoint answering HTML", "/apple/account/oauth2/token", async () => res(200, "text/html", "<html>hi</html>"), "apple.account.oauth2-token"],
    ["a token endpoint answering malformed JSON", "/apple/account/oauth2/token", async () => res(200, "application/json", '{"access_token":'), "apple.account.oauth2-token"],
    ["a token endpoint answering without access_token", "/apple/account/oauth2/token", async () => res(200, "application/json", '{"token_type":"Bearer"}'), "apple.account.oauth2-token"],
    ["a huge token response", "/apple/account/oauth2/token", async () => res(200, "application/json", new Uint8Array(2_000_000).fill(0x20)), "transport.too-large"],
    ["a redirect with the wrong state", "/apple/account/oauth2/authorize", async (req, inner) => {
      const r = await inner(req);
      if (req.method !== "POST" || !r.headers.location) return r;
      const u = new URL(r.headers.location);
      u.searchParams.set("state", "forged");
      return { ...r, headers: { ...r.headers, location: u.toString() } };
    }, "apple.account.oauth2-state"],
    ["a redirect without a code", "/apple/account/oauth2/authorize", async (req, inner) => (req.method === "POST" ? res(302, "text/plain", "", { location: `${OAUTH2_REDIRECT}?state=${new URLSearchParams(Buffer.from(req.body!).toString()).get("state")}` }) : inner(req)), "apple.account.oauth2-redirect"],
    ["a redirect to another site", "/apple/account/oauth2/authorize", async (req, inner) => (req.method === "POST" ? res(302, "text/plain", "", { location: "https://evil.test/cb?code=x" }) : inner(req)), "apple.account.oauth2-redirect"],
    ["an authorization page without a form", "/apple/account/oauth2/authorize", async () => res(200, "text/html", "<html>no form</html>"), "apple.account.auth-page"],
  ];
  for (const [name, path, answer, code] of hostile) {
    it(`hostile: ${name} → ${code}`, async () => {
      const w = await appleWorld({ account: OAUTH }, {}, override(path, answer));
      const dev = await w.device("iphone-15");
      await expect(w.run(dev, "ios-user-enrollment", devOpts())).rejects.toMatchObject({ code, step: "account.auth", device: dev.id });
    });
  }

  it("an OAuth error redirect or a refused grant is the sign-in failure symptom", async () => {
    const w = await appleWorld({ account: OAUTH }, {}, override("/apple/account/oauth2/token", async () => res(400, "application/json", '{"error":"invalid_grant"}')));
    expect(await w.run(await w.device("iphone-15"), "ios-user-enrollment", devOpts())).toMatchObject({ ok: false, code: "apple.account.auth-failed", step: "account.auth" });
    const w2 = await appleWorld({ account: OAUTH });
    expect(await w2.run(await w2.device("iphone-15"), "ios-user-enrollment", devOpts({ account: { password: "nope" } }))).toMatchObject({ ok: false, code: "apple.account.auth-failed", step: "account.auth" });
  });
});

describe("mid-session re-authentication (virtual time)", () => {
  const stayOn = { push: { listen: 2, pollSeconds: 900 } };

  it("apple-as-web: an expired token gets 401 + Bearer challenge; the device signs in again, resends, stays enrolled", async () => {
    const w = await appleWorld({ account: { password: "oa-pw-1", tokenLifetimeSeconds: 600 } });
    const dev = await w.device("iphone-15");
    const r = await w.run(dev, "ios-user-enrollment", devOpts(stayOn));
    expect(r).toMatchObject({ ok: true, code: "apple.enrolled" });
    const re = decodedSteps(dev, "account.reauth");
    expect(re.length).toBe(2); // one per poll (each 900 s after a token that lives 600 s)
    expect(re.every((e) => (e.data as { ok: boolean }).ok)).toBe(true);
    expect(w.apple.stats.rejected["mdm.bearer"]).toBe(2);
    expect(w.apple.accountAuthority.stats.issued).toBe(3);
    expect(dev.formatTranscript()).not.toMatch(/Bearer [A-Za-z0-9_-]{8,}/);
  });

  it("apple-oauth2: the refresh token comes first", async () => {
    const w = await appleWorld({ account: { ...OAUTH, tokenLifetimeSeconds: 600 } });
    const dev = await w.device("iphone-15");
    expect(await w.run(dev, "ios-user-enrollment", devOpts(stayOn))).toMatchObject({ ok: true, code: "apple.enrolled" });
    expect(decodedSteps(dev, "account.reauth").length).toBe(2);
    expect(decodedSteps(dev, "account.refresh").length).toBe(2);
    expect(w.apple.accountAuthority.stats).toMatchObject({ codes: 1, refreshed: 2 });
    const json = JSON.stringify(dev.transcript());
    expect(json).not.toMatch(/refresh_token=[A-Za-z0-9_-]{20,}/);
    expect(json).not.toMatch(/"(accessToken|refreshToken)":"(?!\[REDACTED\])/);
  });

  it("a failing re-authentication (account disabled after enrollment) keeps the unenrollment behaviour", async () => {
    for (const account of [{ password: "oa-pw-1" }, OAUTH]) {
      const w = await appleWorld({ account: { ...account, tokenLifetimeSeconds: 600, disableUsersAfterEnrollment: true } });
      const dev = await w.device("iphone-15");
      const r = await w.run(dev, "ios-user-enrollment", devOpts(stayOn));
      expect(r, account.password).toMatchObject({ ok: false, code: "apple.checkin.unenrolled", step: "command.idle" });
      const re = decodedSteps(dev, "account.reauth");
      expect(re.length).toBe(1);
      expect(re[0]!.data).toMatchObject({ ok: false, failure: "apple.account.auth-failed" });
    }
  });

  it("a token that expires before Authenticate: the check-in's 401 carries the challenge, the device signs in again and enrolls", async () => {
    let clock: { sleep(ms: number): Promise<void> } | undefined;
    let first = true;
    const w = await appleWorld({ account: { password: "oa-pw-1", tokenLifetimeSeconds: 1 } }, {}, override("/apple/checkin", async (req, inner) => {
      if (first) {
        first = false;
        await clock!.sleep(2000); // the device is slow to check in: its token is 2 s old
      }
      return inner(req);
    }));
    clock = w.clock;
    const dev = await w.device("iphone-15");
    expect(await w.run(dev, "ios-user-enrollment", devOpts())).toMatchObject({ ok: true, code: "apple.enrolled" });
    expect(w.apple.stats.rejected["checkin.bearer"]).toBe(1);
    expect(decodedSteps(dev, "account.reauth").map((e) => (e.data as { ok: boolean }).ok)).toEqual([true]);
  });

  it("a 401 without WWW-Authenticate is unenrollment at once (no re-authentication)", async () => {
    let polls = 0;
    const w = await appleWorld({ account: { password: "oa-pw-1" } }, {}, override("/apple/mdm", async (req, inner) => (++polls > 1 ? res(401, "text/plain", "gone") : inner(req))));
    const dev = await w.device("iphone-15");
    expect(await w.run(dev, "ios-user-enrollment", devOpts(stayOn))).toMatchObject({ ok: false, code: "apple.checkin.unenrolled" });
    expect(decodedSteps(dev, "account.reauth").length).toBe(0);
  });

  it("a second 401 after re-authenticating is unenrollment", async () => {
    let polls = 0;
    const challenge = { "www-authenticate": 'Bearer method="apple-as-web", url="https://ref.test/apple/account/auth"' };
    const w = await appleWorld({ account: { password: "oa-pw-1" } }, {}, override("/apple/mdm", async (req, inner) => (++polls > 1 ? res(401, "text/plain", "again", challenge) : inner(req))));
    const dev = await w.device("iphone-15");
    expect(await w.run(dev, "ios-user-enrollment", devOpts(stayOn))).toMatchObject({ ok: false, code: "apple.checkin.unenrolled" });
    expect(decodedSteps(dev, "account.reauth").length).toBe(1);
    expect(polls).toBe(3); // initial session, the 401, the one resend
  });

  it("steady-state check-in of an apple-oauth2 enrollment: no token kept, the server's 401 challenge makes it sign in, the Idle is resent", async () => {
    const w = await appleWorld({ account: OAUTH });
    const dev = await w.device("iphone-15");
    const r = await w.run(dev, "ios-user-enrollment", devOpts());
    expect(r.ok).toBe(true);
    const { toPem } = await import("../../../src/wire/x509/certificate.js");
    const { appleCheckin } = await import("../../../src/device/apple/checkin.js");
    const { createDeviceContext } = await import("./context.js");
    const state = { certificates: r.keychain.identities.map((i) => ({ label: i.label, pem: toPem(i.certificate.der) })), serverIds: {} };
    const ctx = await createDeviceContext(w, dev);
    expect(await w.clock.run(appleCheckin(ctx, devOpts(), state), 600_000)).toMatchObject({ ok: true, code: "apple.checkin.idle" });
    expect(w.apple.accountAuthority.stats.codes).toBe(2);
    expect(w.apple.stats.rejected["mdm.bearer"]).toBe(1);
  });
});
