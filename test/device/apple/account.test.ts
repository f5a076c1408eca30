// SPDX-License-Identifier: MIT
/**
 * Account-driven enrollment on virtual time: the happy paths (form and token drivers, mdm-adde),
 * the server's Bearer checks, and hostile servers (each ends one device's flow with a typed error
 * naming device and step, or with the symptom a device shows).
 */
import { describe, expect, it } from "vitest";
import { parseBearerChallenge, parseLoginForm } from "../../../src/device/apple/account-signin.js";
import type { HttpHandler, HttpResponse } from "../../../src/ports/http.js";
import { URLS, appleWorld } from "./harness.js";

const res = (status: number, type: string, body: string, headers: Record<string, string> = {}): HttpResponse => ({
  status,
  headers: { "content-type": type, ...headers },
  body: new Uint8Array(Buffer.from(body)),
  url: "",
});
/** Replaces the answer for one path of the reference server. */
const override = (path: string, fn: (req: Parameters<HttpHandler>[0], inner: HttpHandler) => Promise<HttpResponse>) => (h: HttpHandler): HttpHandler => (req) =>
  new URL(req.url).pathname === path ? fn(req, h) : h(req);

describe("parseBearerChallenge", () => {
  it("reads quoted and token parameters of the Bearer scheme only", () => {
    expect(parseBearerChallenge('Bearer method="apple-as-web", url="https://x.test/auth?a=1"')).toEqual({ method: "apple-as-web", url: "https://x.test/auth?a=1" });
    expect(parseBearerChallenge('bearer method=apple-oauth2,client-id="a\\"b"')).toEqual({ method: "apple-oauth2", "client-id": 'a"b' });
    expect(parseBearerChallenge('Basic realm="x"')).toBeUndefined();
    expect(parseBearerChallenge("")).toBeUndefined();
  });
  it("is bounded on hostile input", () => {
    const huge = `Bearer ${'k="v", '.repeat(200_000)}`;
    const t = Date.now();
    const out = parseBearerChallenge(huge)!;
    expect(Date.now() - t).toBeLessThan(1000);
    expect(Object.keys(out)).toEqual(["k"]);
  });
});

describe("parseLoginForm", () => {
  it("finds the form, its fields, the password and user fields", () => {
    const f = parseLoginForm(`<html><form method="post" action='/login'><input type=email name=user value="a@b"><input type="password" name="pw"><input type="hidden" name="csrf" value="x1"></form>`)!;
    expect(f).toEqual({ action: "/login", method: "POST", fields: { user: "a@b", pw: "", csrf: "x1" }, passwordField: "pw", userField: "user" });
  });
  it("no form, or a form without inputs, is handled; inputs are capped", () => {
    expect(parseLoginForm("<html>nothing</html>")).toBeUndefined();
    expect(parseLoginForm("<form></form>")).toMatchObject({ fields: {}, passwordField: undefined });
    const many = `<form>${Array.from({ length: 5000 }, (_, i) => `<input name="f${i}">`).join("")}</form>`;
    expect(Object.keys(parseLoginForm(many)!.fields).length).toBeLessThanOrEqual(64);
  });
  it("a hostile page of 256 KiB of unclosed tags is read in linear time (the regular expressions before rescanned to the end from every tag)", () => {
    const fill = (prefix: string, unit: string) => prefix + unit.repeat(Math.ceil((256 * 1024 - prefix.length) / unit.length));
    expect(parseLoginForm(fill("", "<form "))).toBeUndefined();
    expect(parseLoginForm(fill("", "<form>"))).toBeUndefined();
    expect(parseLoginForm(fill("<form action=/x>", "<input "))).toBeUndefined();
    expect(parseLoginForm(`${fill("<form action=/x>", "<input ").slice(0, 256 * 1024 - 7)}</form>`)).toEqual({ action: "/x", method: "GET", fields: {}, passwordField: undefined, userField: undefined });
    // 20 s: a bound far above what linear reading takes under this machine's load (milliseconds), not a timed assertion.
  }, 20_000);
});

describe("account-driven enrollment (virtual time)", () => {
  it("User Enrollment with the form driver: EnrollmentID, Bearer on every MDM request, BYOD profile without AccessRights", async () => {
    const w = await appleWorld({ account: { password: "pw-1" }, commands: [{ requestType: "DeviceInformation", payload: { Queries: ["UDID", "SerialNumber", "DeviceName"] } }] });
    const dev = await w.device("iphone-15", 2);
    const r = await w.run(dev, "ios-user-enrollment", { apple: { account: { password: "pw-1" } } });
    expect(r).toMatchObject({ ok: true, code: "apple.enrolled" });
    const rec = [...w.apple.devices.values()][0]!;
    expect(rec.udid).toMatch(/^[0-9A-F]{40}$/);
    expect(rec.accountUser).toBe("user3@enrollsim.test");
    expect(rec.serialNumber).toBeUndefined();
    expect(rec.results.map((x) => x.status)).toEqual(["Acknowledged"]);
    const t = dev.formatTranscript();
    expect(t).not.toContain("pw-1");
    expect(t).toContain("mappedTo: https://ref.test");
    expect(t).toMatch(/variant: mdm-byod/);
  });

  it("Device Enrollment (mdm-adde) with the token driver keeps the UDID", async () => {
    const w = await appleWorld({ account: { tokens: ["static-token-123456"] } });
    const dev = await w.device("iphone-15");
    const r = await w.run(dev, "ios-account-device-enrollment", { apple: { account: { token: "static-token-123456" } } });
    expect(r).toMatchObject({ ok: true, code: "apple.enrolled" });
    const rec = [...w.apple.devices.values()][0]!;
    expect(rec.udid).toBe(dev.identity.udid);
    expect(dev.formatTranscript()).not.toContain("static-token-123456");
  });

  it("a wrong password, a wrong token, or an unsupported Bearer method end with the symptom", async () => {
    const w = await appleWorld({ account: { password: "right", tokens: ["good-token-123456"] } });
    expect(await w.run(await w.device("iphone-15", 0), "ios-user-enrollment", { apple: { account: { password: "wrong" } } })).toMatchObject({ ok: false, code: "apple.account.auth-failed", step: "account.auth" });
    expect(await w.run(await w.device("iphone-15", 1), "ios-user-enrollment", { apple: { account: { token: "bad-token-123456" } } })).toMatchObject({ ok: false, code: "apple.account.auth-failed", step: "account.enroll" });
    const oauth = await appleWorld({}, {}, override("/apple/account/byod", async () => res(401, "text/plain", "auth", { "www-authenticate": 'Bearer method="apple-passkey", url="https://idp.test/a"' })));
    expect(await oauth.run(await oauth.device("iphone-15"), "ios-user-enrollment", {})).toMatchObject({ ok: false, code: "apple.account.auth-unsupported" });
  });

  it("the server refuses MDM requests of an account-driven device without its Bearer token", async () => {
    const w = await appleWorld({ account: { password: "p" } });
    const dev = await w.device("iphone-15");
    expect((await w.run(dev, "ios-user-enrollment", { apple: { account: { password: "p" } } })).ok).toBe(true);
    const rec = [...w.apple.devices.values()][0]!;
    // same identity, no Bearer: 401 (the device would treat it as unenrollment)
    const body = new Uint8Array(Buffer.from(`<?xml version="1.0"?><plist version="1.0"><dict><key>EnrollmentID</key><string>${rec.udid}</string><key>Status</key><string>Idle</string></dict></plist>`));
    const out = await w.apple.handler({ method: "PUT", url: `${URLS.https}/apple/mdm`, headers: { "content-type": "application/x-apple-aspen-mdm" }, body, tls: { peerCertificateDer: rec.identity } });
    expect(out.status).toBe(401);
    expect(out.headers["www-authenticate"]).toMatch(/^Bearer method="apple-as-web"/);
  });

  const hostile: [name: string, path: string, answer: HttpResponse, code: string, step: string][] = [
    ["a .well-known answered as HTML", "/.well-known/com.apple.remotemanagement", res(200, "text/html", "<html>login</html>"), "apple.account.well-known", "account.well-known"],
    ["a .well-known that is not JSON", "/.well-known/com.apple.remotemanagement", res(200, "application/json", "{nope"), "apple.account.well-known", "account.well-known"],
    ["a BaseURL over plain HTTP", "/.well-known/com.apple.remotemanagement", res(200, "application/json", JSON.stringify({ Servers: [{ Version: "mdm-byod", BaseURL: "http://x.test/e" }] })), "apple.account.well-known", "account.well-known"],
    ["a sign-in page without a password field", "/apple/account/auth", res(200, "text/html", "<form action='/x'><input name=a></form>"), "apple.account.auth-page", "account.auth"],
    ["a sign-in form posting to another origin", "/apple/account/auth", res(200, "text/html", "<form method=post action='https://evil.test/steal'><input type=password name=p></form>"), "apple.account.auth-page", "account.auth"],
    ["a sign-in ending in a 302 to a web page", "/apple/account/auth", res(302, "text/plain", "", { location: "https://ref.test/home" }), "apple.account.auth-redirect", "account.auth"],
  ];
  for (const [name, path, answer, code, stepName] of hostile) {
    it(`hostile: ${name} → ${code}`, async () => {
      const w = await appleWorld({}, {}, override(path, async (req, inner) => (path === "/apple/account/auth" && req.method === "GET" && answer.status !== 200 ? inner(req) : answer)));
      const dev = await w.device("iphone-15");
      await expect(w.run(dev, "ios-user-enrollment", {})).rejects.toMatchObject({ code, step: stepName, device: dev.id });
    });
  }

  it("hostile: a 308 to the login scheme without an access token", async () => {
    const w = await appleWorld({}, {}, override("/apple/account/auth", async (req, inner) => (req.method === "POST" ? res(308, "text/plain", "", { location: "apple-remotemanagement-user-login://authentication-results?x=1" }) : inner(req))));
    const dev = await w.device("iphone-15");
    await expect(w.run(dev, "ios-user-enrollment", {})).rejects.toMatchObject({ code: "apple.account.auth-redirect", step: "account.auth" });
  });

  it("a User Enrollment profile without EnrollmentMode BYOD is refused", async () => {
    const w = await appleWorld({ account: { tokens: ["tok-123456789"] } }, {}, override("/apple/account/byod", async (req, inner) => {
      if (!req.headers?.authorization) return inner(req);
      return inner({ ...req, url: req.url.replace("/apple/account/byod", "/apple/account/adde") });
    }));
    const dev = await w.device("iphone-15");
    expect(await w.run(dev, "ios-user-enrollment", { apple: { account: { token: "tok-123456789" } } })).toMatchObject({ ok: false, code: "apple.profile.invalid-field", step: "profile.install" });
  });
});
