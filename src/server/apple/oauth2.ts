// SPDX-License-Identifier: MIT
/**
 * Account-driven enrollment, the server's account side beyond the apple-as-web sign-in form:
 *
 * - Access tokens it issued, with a lifetime checked against the server clock
 *   (`embedded.apple.account.tokenLifetimeSeconds`): an expired token on an MDM request gets 401
 *   with a Bearer challenge, and the device re-authenticates.
 * - `disableUsersAfterEnrollment`: a managed Apple ID that enrolled is disabled afterwards
 *   (sign-in, authorization and refresh refused), so a re-authentication fails and the device
 *   unenrolls.
 * - `authMethod: apple-oauth2`: a small stand-in authorization server. GET/POST
 *   /apple/account/oauth2/authorize (checks response_type, client_id, redirect_uri, state, PKCE
 *   S256 code_challenge; the sign-in form; a 302 to redirect_uri with code and state) and POST
 *   /apple/account/oauth2/token (authorization_code: code single-use, unexpired, same client and
 *   redirect_uri, code_verifier matching; refresh_token: rotated on use).
 */
import { createHash, randomBytes } from "node:crypto";
import type { HttpRequest, HttpResponse } from "../../ports/http.js";
import type { HalfContext } from "../half.js";
import { caOAuthError, CLOUD_APPS } from "../policy/conditional-access.js";
import { AADSTS50053_TEXT } from "../policy/lockout.js";

export const OAUTH2_CLIENT_ID = "enrollsim-mdm";
export const OAUTH2_SCOPE = "mdm.enroll";
export const OAUTH2_REDIRECT = "apple-remotemanagement-user-login://oauth2-results";
const CODE_LIFETIME_MS = 60_000;
const MAX_FORM = 16 * 1024;
const MAX_ENTRIES = 100_000;

export interface AccountAuthConfig {
  authMethod?: "apple-as-web" | "apple-oauth2";
  tokenLifetimeSeconds?: number;
  disableUsersAfterEnrollment?: boolean;
  password?: string;
}

const b64url = (b: Uint8Array): string => Buffer.from(b).toString("base64").replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const newSecret = (): string => b64url(randomBytes(32));
const text = (status: number, body: string, headers: Record<string, string> = {}): HttpResponse => ({ status, headers: { "content-type": "text/plain; charset=utf-8", ...headers }, body: new Uint8Array(Buffer.from(body + "\n")), url: "" });
const json = (status: number, v: unknown): HttpResponse => ({ status, headers: { "content-type": "application/json", "cache-control": "no-store" }, body: new Uint8Array(Buffer.from(JSON.stringify(v))), url: "" });
const esc = (v: string) => v.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

interface CodeGrant {
  user: string;
  clientId: string;
  redirectUri: string;
  challenge: string;
  expiresAt: number;
}

export class AccountAuthority {
  /** Access token → managed Apple ID and issue time. */
  private readonly access = new Map<string, { user: string; at: number }>();
  private readonly refresh = new Map<string, { user: string; clientId: string }>();
  private readonly codes = new Map<string, CodeGrant>();
  private readonly enrolledUsers = new Set<string>();
  readonly stats = { issued: 0, expiredSeen: 0, refreshed: 0, codes: 0 };

  constructor(
    private readonly ctx: HalfContext,
    private readonly config: () => AccountAuthConfig,
    private readonly defaultPassword: string,
    private readonly reject: (reason: string, res: HttpResponse) => HttpResponse,
  ) {}

  /** The Bearer challenge of the configured method; `platform` (known from the enrollment request) rides on the apple-as-web sign-in URL for conditional access. */
  challenge(platform?: string): string {
    const base = this.ctx.urls().https;
    if (this.config().authMethod === "apple-oauth2") {
      return `Bearer method="apple-oauth2", authorization-url="${base}/apple/account/oauth2/authorize${platform ? `?platform=${platform}` : ""}", token-url="${base}/apple/account/oauth2/token", redirect-url="${OAUTH2_REDIRECT}", client-id="${OAUTH2_CLIENT_ID}", scope="${OAUTH2_SCOPE}"`;
    }
    return `Bearer method="apple-as-web", url="${base}/apple/account/auth${platform ? `?platform=${platform}` : ""}"`;
  }

  /** A new access token for `user`. */
  issue(user: string): string {
    const token = newSecret();
    if (this.access.size >= MAX_ENTRIES) this.access.delete(this.access.keys().next().value!);
    this.access.set(token, { user: user.toLowerCase(), at: this.ctx.now() });
    this.stats.issued++;
    return token;
  }

  /** The user of an issued token; null when it expired; undefined when this authority never issued it. */
  userOf(token: string): string | null | undefined {
    const t = this.access.get(token);
    if (!t) return undefined;
    const life = this.config().tokenLifetimeSeconds;
    if (life !== undefined && this.ctx.now() - t.at >= life * 1000) {
      this.stats.expiredSeen++;
      return null;
    }
    return t.user;
  }

  /** An enrollment profile went to `user` (disables the account when so configured). */
  enrolled(user: string): void {
    if (this.config().disableUsersAfterEnrollment) this.enrolledUsers.add(user.toLowerCase());
  }

  /** Why a sign-in of `user` with `password` is refused, or undefined. */
  signInRefusal(user: string, password: string | null): string | undefined {
    if (!/^[^@\s]+@[^@\s]+$/.test(user)) return "sign-in failed";
    // The tenant's lockout counts every password sign-in (embedded.policy.directory.lockout); a locked user is refused whatever the password.
    const right = password === (this.config().password ?? this.defaultPassword);
    const verdict = this.ctx.policy.lockout?.passwordSignIn(user, right);
    if (verdict?.kind === "locked") return `AADSTS50053: ${AADSTS50053_TEXT}`;
    if (!right) return "sign-in failed";
    if (this.enrolledUsers.has(user.toLowerCase())) return "account disabled";
    return undefined;
  }

  route(req: HttpRequest, path: string): Promise<HttpResponse> | HttpResponse {
    if (this.config().authMethod !== "apple-oauth2") return text(404, "apple-oauth2 is not enabled (embedded.apple.account.authMethod)");
    if (path === "/apple/account/oauth2/authorize") return this.authorize(req);
    if (path === "/apple/account/oauth2/token") return this.token(req);
    return text(404, `no route for ${path}`);
  }

  private authorize(req: HttpRequest): HttpResponse {
    if (req.method !== "GET" && req.method !== "POST") return text(405, "method not allowed", { allow: "GET, POST" });
    const p = req.method === "GET" ? new URL(req.url, "http://localhost").searchParams : new URLSearchParams(Buffer.from((req.body ?? new Uint8Array(0)).subarray(0, MAX_FORM)).toString("utf8"));
    const get = (k: string) => (p.get(k) ?? "").slice(0, 512);
    const bad = (why: string) => this.reject("account.oauth2-authorize", text(400, why));
    if (get("response_type") !== "code") return bad("response_type must be code");
    if (get("client_id") !== OAUTH2_CLIENT_ID) return bad("unknown client_id");
    if (get("redirect_uri") !== OAUTH2_REDIRECT) return bad("redirect_uri is not registered for this client");
    if (!get("state")) return bad("state is required");
    if (get("code_challenge_method") !== "S256" || !/^[A-Za-z0-9_-]{43}$/.test(get("code_challenge"))) return bad("PKCE S256 code_challenge is required");
    const params = ["response_type", "client_id", "redirect_uri", "scope", "state", "code_challenge", "code_challenge_method", "platform"];
    if (req.method === "GET") {
      const hidden = params.map((k) => `<input type="hidden" name="${k}" value="${esc(get(k))}">`).join("\n");
      const html = `<!doctype html><html><head><title>enrollsim authorization</title></head><body>
<form method="post" action="/apple/account/oauth2/authorize">
<input type="email" name="username" value="${esc(get("login_hint"))}">
<input type="password" name="password" value="">
${hidden}
<button type="submit">Sign in</button>
</form></body></html>`;
      return { status: 200, headers: { "content-type": "text/html; charset=utf-8" }, body: new Uint8Array(Buffer.from(html)), url: "" };
    }
    const user = get("username");
    const refusal = this.signInRefusal(user, p.get("password"));
    if (refusal) return this.reject("account.sign-in", text(401, refusal));
    const ca = this.conditionalAccess(p, params, user);
    if (ca) return ca;
    const code = newSecret();
    if (this.codes.size >= MAX_ENTRIES) this.codes.delete(this.codes.keys().next().value!);
    this.codes.set(code, { user: user.toLowerCase(), clientId: get("client_id"), redirectUri: get("redirect_uri"), challenge: get("code_challenge"), expiresAt: this.ctx.now() + CODE_LIFETIME_MS });
    this.stats.codes++;
    const loc = new URL(OAUTH2_REDIRECT);
    loc.searchParams.set("code", code);
    loc.searchParams.set("state", get("state"));
    return { status: 302, headers: { location: loc.toString(), "content-type": "text/plain" }, body: new Uint8Array(0), url: "" };
  }

  /**
   * Conditional access at the authorization (server/policy/conditional-access.ts), as at the apple-as-web form: a
   * browser sign-in to Microsoft Intune Enrollment on the platform the challenge named. MFA and terms of use are further
   * pages of the form (any six digits pass: no authenticator is modelled); a block or a device control is the
   * authorization error of RFC 6749 §4.1.2.1: a redirect to redirect_uri with error=access_denied and the AADSTS text.
   */
  private conditionalAccess(p: URLSearchParams, params: string[], user: string): HttpResponse | undefined {
    const get = (k: string) => (p.get(k) ?? "").slice(0, 512);
    const otc = p.get("otc");
    if (otc !== null && !/^\d{6}$/.test(otc)) return this.reject("account.sign-in", text(401, "Authentication failed during strong authentication request."));
    const policy = this.ctx.policy;
    const answered = policy.config.conditionalAccess?.termsOfUse?.find((t) => t.name === p.get("tou_name"));
    const tou = p.get("tou");
    if (answered && !answered.perDevice && (tou === "accept" || tou === "decline")) policy.ca.answer(answered, user, undefined, tou === "accept");
    const platform = get("platform") === "ios" || get("platform") === "macos" ? (get("platform") as "ios" | "macos") : undefined;
    const d = tou === "decline" ? undefined : policy.signIn({ upn: user, app: CLOUD_APPS.intuneEnrollment.id, platform, clientApp: "browser", device: { compliant: false, hybridJoined: false }, mfa: otc !== null });
    if (d?.kind === "granted") return undefined;
    const field = (k: string, v: string, type = "hidden") => `<input type="${type}" name="${k}" value="${esc(v)}">`;
    const keep = [...params.map((k) => field(k, get(k))), field("username", user), field("password", p.get("password") ?? ""), ...(otc !== null ? [field("otc", otc)] : [])].join("\n");
    const page = (ask: string) => ({
      status: 200,
      headers: { "content-type": "text/html; charset=utf-8" },
      body: new Uint8Array(Buffer.from(`<!doctype html><html><body><form method="post" action="/apple/account/oauth2/authorize">\n${keep}\n${ask}\n<button type="submit">Continue</button></form></body></html>`)),
      url: "",
    });
    if (d?.kind === "mfa") return page(field("otc", "", "text"));
    if (d?.kind === "terms" && !d.terms.perDevice) return page(`${field("tou_name", d.terms.name)}\n${field("tou", "", "text")}`);
    const loc = new URL(OAUTH2_REDIRECT);
    loc.searchParams.set("error", "access_denied");
    loc.searchParams.set("error_description", d ? caOAuthError(d).description : `The user declined the terms of use "${answered?.name ?? ""}"`);
    loc.searchParams.set("state", get("state"));
    return this.reject(`account.conditional-access.${d?.kind ?? "terms-declined"}`, { status: 302, headers: { location: loc.toString(), "content-type": "text/plain" }, body: new Uint8Array(0), url: "" });
  }

  private token(req: HttpRequest): HttpResponse {
    if (req.method !== "POST") return text(405, "method not allowed", { allow: "POST" });
    const type = (req.headers?.["content-type"] ?? "").split(";")[0]!.trim();
    const err = (error: string, why: string) => this.reject(`account.oauth2-token.${error}`, json(400, { error, error_description: why }));
    if (type !== "application/x-www-form-urlencoded") return err("invalid_request", "the token request must be application/x-www-form-urlencoded");
    const p = new URLSearchParams(Buffer.from((req.body ?? new Uint8Array(0)).subarray(0, MAX_FORM)).toString("utf8"));
    if (p.get("client_id") !== OAUTH2_CLIENT_ID) return this.reject("account.oauth2-token.invalid_client", json(401, { error: "invalid_client" }));
    const grant = p.get("grant_type");
    let user: string;
    if (grant === "authorization_code") {
      const code = p.get("code") ?? "";
      const g = this.codes.get(code);
      this.codes.delete(code); // single use, even when the exchange fails
      if (!g) return err("invalid_grant", "unknown or already used code");
      if (this.ctx.now() >= g.expiresAt) return err("invalid_grant", "the code expired");
      if (g.clientId !== p.get("client_id") || g.redirectUri !== p.get("redirect_uri")) return err("invalid_grant", "client_id or redirect_uri differ from the authorization request");
      const verifier = p.get("code_verifier") ?? "";
      if (!/^[A-Za-z0-9._~-]{43,128}$/.test(verifier) || b64url(createHash("sha256").update(verifier, "ascii").digest()) !== g.challenge) return err("invalid_grant", "code_verifier does not match the code_challenge");
      user = g.user;
    } else if (grant === "refresh_token") {
      const rt = p.get("refresh_token") ?? "";
      const r = this.refresh.get(rt);
      if (!r || r.clientId !== p.get("client_id")) return err("invalid_grant", "unknown refresh_token");
      this.refresh.delete(rt); // rotated
      if (this.enrolledUsers.has(r.user)) return err("invalid_grant", "account disabled");
      user = r.user;
      this.stats.refreshed++;
    } else return err("unsupported_grant_type", `grant_type ${(grant ?? "").slice(0, 40)} is not supported`);
    const access = this.issue(user);
    const refresh = newSecret();
    if (this.refresh.size >= MAX_ENTRIES) this.refresh.delete(this.refresh.keys().next().value!);
    this.refresh.set(refresh, { user, clientId: OAUTH2_CLIENT_ID });
    const life = this.config().tokenLifetimeSeconds;
    return json(200, { access_token: access, token_type: "Bearer", ...(life !== undefined ? { expires_in: life } : {}), refresh_token: refresh, scope: OAUTH2_SCOPE });
  }
}
