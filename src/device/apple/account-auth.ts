// SPDX-License-Identifier: MIT
/**
 * Account-driven enrollment, authentication beyond the first sign-in (notes §8):
 *
 * - `method="apple-oauth2"` (authorization-url, token-url, redirect-url, client-id, scope): the
 *   authorization-code flow with PKCE S256. GET authorization-url (response_type=code, client_id,
 *   redirect_uri, scope, state, code_challenge) → the simple sign-in form (same-origin, as the
 *   apple-as-web form follower) → a redirect to redirect-url carrying `code` and `state` → POST
 *   token-url (grant_type=authorization_code, code_verifier) → access_token (+ refresh_token,
 *   expires_in). A later re-authentication tries grant_type=refresh_token first.
 * - Mid-session re-authentication: an MDM request answered 401 with `WWW-Authenticate: Bearer …`
 *   runs the auth driver again (`account.reauth`) and the request is resent once with the new
 *   Bearer (mdm-client.ts). A failed re-authentication leaves the 401: the device unenrolls.
 *
 * Secrets (authorization code, verifier, tokens) go to the transcript only under names the
 * redactor masks; the code is never put in a decoded summary.
 */
import { ProtocolViolationError } from "../../errors/index.js";
import { decoded, step } from "../../protocol/common/context.js";
import { exchange, mediaType } from "../../protocol/common/exchange.js";
import type { HttpResponse } from "../../ports/http.js";
import type { FlowContext } from "../flow.js";
import { ACCOUNT_UA, accountUser, answerPrompts, authenticate, parseBearerChallenge, parseLoginForm, signInRefused, type AuthFailure } from "./account-signin.js";
import { EMBEDDED_ACCOUNT_PASSWORD } from "../../wire/apple/embedded.js";
import type { AppleOptions } from "./options.js";
import { typedPassword } from "../behaviors/typed-password.js";

const MAX_TOKEN_JSON = 16 * 1024;
const MAX_TOKEN = 4096;
const MAX_REDIRECTS = 5;

export type { AuthFailure } from "./account-signin.js";

export interface OAuth2Challenge {
  authorizationUrl: string;
  tokenUrl: string;
  redirectUrl: string;
  clientId: string;
  scope: string;
}

export interface OAuth2Tokens {
  accessToken: string;
  refreshToken?: string;
  expiresIn?: number;
}

const b64url = (b: Uint8Array): string => Buffer.from(b).toString("base64").replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

/** The apple-oauth2 parameters of a Bearer challenge (URLs resolved against `base`); throws on a malformed one. */
export function oauth2Challenge(params: Record<string, string>, base: string | URL): OAuth2Challenge {
  const need = (k: string): string => {
    const v = params[k];
    if (!v) throw new ProtocolViolationError("apple.account.oauth2-challenge", `the apple-oauth2 Bearer challenge has no ${k}`);
    return v.slice(0, 2048);
  };
  const url = (k: string, https: boolean): string => {
    const v = need(k);
    let u: URL;
    try {
      u = new URL(v, base);
    } catch {
      throw new ProtocolViolationError("apple.account.oauth2-challenge", `the apple-oauth2 ${k} is not a URL`);
    }
    if (https && u.protocol !== "https:") throw new ProtocolViolationError("apple.account.oauth2-challenge", `the apple-oauth2 ${k} must be https, not ${u.protocol}`);
    return u.toString();
  };
  return { authorizationUrl: url("authorization-url", true), tokenUrl: url("token-url", true), redirectUrl: url("redirect-url", false), clientId: need("client-id"), scope: params.scope?.slice(0, 512) ?? "" };
}

/** A token endpoint's JSON answer: access_token (+ refresh_token, expires_in), or an OAuth error as a value. */
export function readTokenResponse(res: HttpResponse): OAuth2Tokens | AuthFailure {
  const bad = (why: string) => new ProtocolViolationError("apple.account.oauth2-token", `the token endpoint's answer ${why}`);
  if (res.body.length > MAX_TOKEN_JSON) throw bad(`is ${res.body.length} bytes (more than ${MAX_TOKEN_JSON})`);
  if (!mediaType(res).includes("json")) throw bad(`has Content-Type "${mediaType(res).slice(0, 100)}", expected application/json`);
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(res.body).toString("utf8"));
  } catch {
    throw bad("is not JSON");
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw bad("is not a JSON object");
  const o = v as Record<string, unknown>;
  if (res.status !== 200) {
    const err = typeof o.error === "string" ? o.error.slice(0, 100) : "unknown_error";
    return { code: "apple.account.auth-failed", message: `the token endpoint refused the grant (HTTP ${res.status} ${err})` };
  }
  if (typeof o.access_token !== "string" || !o.access_token || o.access_token.length > MAX_TOKEN || /\s/.test(o.access_token)) throw bad("has no usable access_token");
  if (o.token_type !== undefined && (typeof o.token_type !== "string" || o.token_type.toLowerCase() !== "bearer")) throw bad(`has token_type ${JSON.stringify(o.token_type).slice(0, 40)}, expected Bearer`);
  if (o.refresh_token !== undefined && (typeof o.refresh_token !== "string" || o.refresh_token.length > MAX_TOKEN)) throw bad("has a malformed refresh_token");
  if (o.expires_in !== undefined && (typeof o.expires_in !== "number" || !Number.isFinite(o.expires_in) || o.expires_in < 0)) throw bad("has a malformed expires_in");
  return { accessToken: o.access_token, ...(typeof o.refresh_token === "string" ? { refreshToken: o.refresh_token } : {}), ...(typeof o.expires_in === "number" ? { expiresIn: o.expires_in } : {}) };
}

async function tokenRequest(ctx: FlowContext, stepName: string, ch: OAuth2Challenge, form: Record<string, string>): Promise<OAuth2Tokens | AuthFailure> {
  const res = await exchange(
    ctx.protocol,
    stepName,
    { method: "POST", url: ch.tokenUrl, maxBytes: MAX_TOKEN_JSON, headers: { "user-agent": ACCOUNT_UA, accept: "application/json", "content-type": "application/x-www-form-urlencoded" }, body: new Uint8Array(Buffer.from(new URLSearchParams(form).toString())) },
    { acceptStatus: [400, 401, 403] },
  );
  return readTokenResponse(res);
}

/** The apple-oauth2 authorization-code flow with PKCE; the sign-in page is followed as a simple form. */
export async function oauth2Authorize(ctx: FlowContext, o: AppleOptions, ch: OAuth2Challenge): Promise<OAuth2Tokens | AuthFailure> {
  return step(ctx.protocol, "account.auth", async () => {
    const ent = ctx.protocol.entropy.fork("apple.oauth2");
    const verifier = b64url(ent.bytes(32));
    const state = b64url(ent.bytes(16));
    const challenge = b64url(ctx.ports.crypto.digest("sha256", new Uint8Array(Buffer.from(verifier, "ascii"))));
    const user = accountUser(ctx, o).user;
    const au = new URL(ch.authorizationUrl);
    for (const [k, v] of Object.entries({ response_type: "code", client_id: ch.clientId, redirect_uri: ch.redirectUrl, scope: ch.scope, state, code_challenge: challenge, code_challenge_method: "S256", login_hint: user })) au.searchParams.set(k, v);
    const page = await exchange(ctx.protocol, "account.auth", { method: "GET", url: au.toString(), headers: { "user-agent": ACCOUNT_UA, accept: "text/html" } }, { acceptStatus: [400] });
    if (page.status === 400) return { code: "apple.account.auth-failed", message: `the authorization endpoint refused the request (HTTP 400: ${Buffer.from(page.body.subarray(0, 120)).toString("utf8").replace(/[^\x20-\x7e]+/g, " ")})` };
    if (!mediaType(page).includes("html")) throw new ProtocolViolationError("apple.account.auth-page", `the authorization page has Content-Type "${mediaType(page).slice(0, 100)}", expected text/html`);
    const form = parseLoginForm(Buffer.from(page.body).toString("utf8"));
    if (!form || !form.passwordField) throw new ProtocolViolationError("apple.account.auth-page", "the authorization page has no form with a password field (the simple form follower cannot sign in)");
    let at = new URL(form.action || au.toString(), au);
    if (at.origin !== au.origin) throw new ProtocolViolationError("apple.account.auth-page", `the sign-in form posts to another origin (${at.origin}); the form follower stays on ${au.origin}`);
    const password = typedPassword(ctx, "account.auth", o.account?.password ?? (ctx.targets.server?.embedded ? EMBEDDED_ACCOUNT_PASSWORD : ""), o.mistypedPasswords);
    const fields = { ...form.fields, [form.passwordField]: password, ...(form.userField ? { [form.userField]: user } : {}) };
    let res;
    for (let page = 0, posted: Record<string, string> | undefined = fields; posted; page++) {
      res = await exchange(
        ctx.protocol,
        "account.auth",
        { method: "POST", url: at.toString(), headers: { "user-agent": ACCOUNT_UA, "content-type": "application/x-www-form-urlencoded" }, body: new Uint8Array(Buffer.from(new URLSearchParams(posted).toString())) },
        { acceptStatus: [200, 302, 303, 307, 308, 401, 403] },
      );
      // Conditional access may ask the user something on further pages (account-signin.ts answerPrompts).
      posted = page < 4 ? await answerPrompts(ctx, res, at) : undefined;
    }
    if (!res) throw new ProtocolViolationError("apple.account.auth-page", "no sign-in request was sent");
    const redirect = new URL(ch.redirectUrl);
    for (let hops = 0; ; hops++) {
      if (res.status === 401 || res.status === 403) {
        return signInRefused(res.status, res.body);
      }
      const loc = res.headers["location"];
      if (res.status < 300 || res.status > 308 || !loc) throw new ProtocolViolationError("apple.account.oauth2-redirect", `sign-in ended with HTTP ${res.status}${loc ? "" : " without a Location"}, expected a redirect to the redirect-url`);
      let next: URL;
      try {
        next = new URL(loc, at);
      } catch {
        throw new ProtocolViolationError("apple.account.oauth2-redirect", "the sign-in redirect's Location is not a URL");
      }
      if (next.origin === redirect.origin && next.pathname === redirect.pathname && next.protocol === redirect.protocol) {
        const err = next.searchParams.get("error");
        if (err) return { code: "apple.account.auth-failed", message: `the authorization server answered error=${err.slice(0, 80)}` };
        if (next.searchParams.get("state") !== state) throw new ProtocolViolationError("apple.account.oauth2-state", "the redirect's state does not match the one the device sent (possible CSRF)");
        const authorizationCode = next.searchParams.get("code");
        if (!authorizationCode || authorizationCode.length > MAX_TOKEN) throw new ProtocolViolationError("apple.account.oauth2-redirect", "the redirect to the redirect-url carries no code");
        const got = await tokenRequest(ctx, "account.auth", ch, { grant_type: "authorization_code", code: authorizationCode, redirect_uri: ch.redirectUrl, client_id: ch.clientId, code_verifier: verifier });
        if ("accessToken" in got) decoded(ctx.protocol, "account.auth", { driver: "oauth2", accessToken: got.accessToken, refreshToken: got.refreshToken ?? null, expiresIn: got.expiresIn ?? null, pkce: "S256" });
        return got;
      }
      if (next.origin !== au.origin || hops >= MAX_REDIRECTS) throw new ProtocolViolationError("apple.account.oauth2-redirect", `the sign-in redirected to ${next.origin}${next.pathname.slice(0, 100)}, not to the redirect-url (the form follower stays on ${au.origin}, ${MAX_REDIRECTS} redirects at most)`);
      at = next;
      res = await exchange(ctx.protocol, "account.auth", { method: "GET", url: next.toString(), headers: { "user-agent": ACCOUNT_UA } }, { acceptStatus: [302, 303, 307, 308, 401, 403] });
    }
  });
}

/** grant_type=refresh_token. */
export async function oauth2Refresh(ctx: FlowContext, ch: OAuth2Challenge, refreshToken: string): Promise<OAuth2Tokens | AuthFailure> {
  return step(ctx.protocol, "account.refresh", async () => {
    const got = await tokenRequest(ctx, "account.refresh", ch, { grant_type: "refresh_token", refresh_token: refreshToken, client_id: ch.clientId });
    if ("accessToken" in got) decoded(ctx.protocol, "account.refresh", { driver: "oauth2", accessToken: got.accessToken, refreshToken: got.refreshToken ?? null, expiresIn: got.expiresIn ?? null });
    return got;
  });
}

/**
 * The device's account sign-in state across one enrollment: which challenge it last answered and
 * the refresh token it holds (in memory only). `signIn` answers a Bearer challenge with the
 * scenario's driver; `reauth` is the mid-session hook of the MDM client.
 */
export class AccountSession {
  refreshToken?: string;
  oauth2?: OAuth2Challenge;
  signinUrl?: string;
  reauths = 0;

  constructor(
    private readonly ctx: FlowContext,
    private readonly o: AppleOptions,
  ) {}

  /** Answers a Bearer challenge (`params` from parseBearerChallenge); the token, or a failure value. */
  async signIn(params: Record<string, string>, base: string | URL): Promise<string | AuthFailure> {
    const a = this.o.account ?? {};
    const driver = a.auth ?? (a.token !== undefined ? "token" : "form");
    if (params.method === "apple-oauth2") {
      this.oauth2 = oauth2Challenge(params, base);
      if (driver === "token") return authenticate(this.ctx, this.o, undefined);
      const got = await oauth2Authorize(this.ctx, this.o, this.oauth2);
      if (!("accessToken" in got)) return got;
      this.refreshToken = got.refreshToken;
      return got.accessToken;
    }
    if (params.method === "apple-as-web" && params.url) {
      this.signinUrl = new URL(params.url, base).toString();
      return authenticate(this.ctx, this.o, this.signinUrl);
    }
    return { code: "apple.account.auth-unsupported", message: `Bearer method "${(params.method ?? "").slice(0, 40)}" is not supported by enrollsim's auth drivers (apple-as-web, apple-oauth2)` };
  }

  /** MDM-client hook: a 401 with this WWW-Authenticate arrived mid-session; a new token, or undefined (the device unenrolls). */
  readonly reauth = async (wwwAuthenticate: string, requestUrl: string): Promise<string | undefined> => {
    const params = parseBearerChallenge(wwwAuthenticate);
    if (!params) return undefined;
    this.reauths++;
    return step(this.ctx.protocol, "account.reauth", async () => {
      let token: string | AuthFailure | undefined;
      let via = "sign-in";
      if (params.method === "apple-oauth2" && this.refreshToken && this.oauth2) {
        const got = await oauth2Refresh(this.ctx, this.oauth2, this.refreshToken);
        if ("accessToken" in got) {
          if (got.refreshToken) this.refreshToken = got.refreshToken;
          token = got.accessToken;
          via = "refresh";
        } else {
          this.refreshToken = undefined; // refresh refused: sign in again
          via = "sign-in after a refused refresh";
        }
      }
      token ??= await this.signIn(params, requestUrl);
      const ok = typeof token === "string";
      decoded(this.ctx.protocol, "account.reauth", { method: (params.method ?? "").slice(0, 40), via, ok, ...(ok ? {} : { failure: (token as AuthFailure).code, reason: (token as AuthFailure).message }) });
      return ok ? (token as string) : undefined;
    });
  };
}

