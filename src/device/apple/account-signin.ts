// SPDX-License-Identifier: MIT
/**
 * The account sign-in of account-driven enrollment, shared by the enrollment (account.ts) and the
 * later Bearer re-authentication (account-auth.ts): the Bearer challenge and the sign-in form
 * parsers, the form follower that ends at the 308 to `apple-remotemanagement-user-login://`, and
 * the auth driver (a scenario token, or the form follower).
 */
import { ProtocolViolationError, ScenarioError } from "../../errors/index.js";
import { decoded, step } from "../../protocol/common/context.js";
import { exchange, mediaType } from "../../protocol/common/exchange.js";
import { EMBEDDED_ACCOUNT_PASSWORD } from "../../wire/apple/embedded.js";
import { readForms } from "../../wire/web/html-form.js";
import type { HttpResponse } from "../../ports/http.js";
import type { FlowContext } from "../flow.js";
import type { Shown } from "../shown.js";
import type { AppleOptions } from "./options.js";
import { typedPassword } from "../behaviors/typed-password.js";

export const ACCOUNT_UA = "DeviceManagementClient/1.0";
export const LOGIN_SCHEME = "apple-remotemanagement-user-login:";
const MAX_HTML = 256 * 1024;
/** The code the user's authenticator shows at a second-factor page: the authenticator is not modelled for Apple accounts (the server takes any six digits). */
const STAND_IN_CODE = "000000";

/** `WWW-Authenticate: Bearer k="v", k2="v2"` → params (only the Bearer scheme; quoted or token values). */
export function parseBearerChallenge(header: string): Record<string, string> | undefined {
  const m = /^\s*Bearer\b(.*)$/is.exec(header.slice(0, 4096));
  if (!m) return undefined;
  const out: Record<string, string> = {};
  const re = /\s*,?\s*([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/gy;
  const rest = m[1]!;
  let hit: RegExpExecArray | null;
  while ((hit = re.exec(rest)) !== null) out[hit[1]!.toLowerCase()] = hit[2] !== undefined ? hit[2].replace(/\\(.)/g, "$1") : hit[3]!;
  return out;
}

/** The single `<form>` of a sign-in page: its action, method and input fields (name → value). Hostile HTML is bounded. */
export function parseLoginForm(html: string): { action: string; method: string; fields: Record<string, string>; passwordField?: string; userField?: string } | undefined {
  // The first form, read in linear time (wire/web/html-form.ts): a hostile page of unclosed tags must not stall the run.
  const form = readForms(html.slice(0, MAX_HTML))[0];
  if (!form) return undefined;
  const fields: Record<string, string> = {};
  let passwordField: string | undefined;
  let userField: string | undefined;
  for (const input of form.inputs) {
    fields[input.name] = input.value;
    if (input.type === "password") passwordField = input.name;
    else if ((input.type === "text" || input.type === "email") && !userField) userField = input.name;
  }
  return { action: form.action, method: form.method.toUpperCase(), fields, passwordField, userField };
}

/**
 * A further page of the sign-in that asks the user something (conditional access): a second factor (`otc`) or terms
 * of use (`tou`), each the user's own step (`auth.mfa`, `auth.terms`: a timeline `abandon` there is the user who gives
 * up). Returns the page's fields answered, or undefined when the answer is no such page.
 */
export async function answerPrompts(ctx: FlowContext, res: HttpResponse, action: URL): Promise<Record<string, string> | undefined> {
  const next = res.status === 200 && mediaType(res).includes("html") ? parseLoginForm(Buffer.from(res.body).toString("utf8")) : undefined;
  if (!next || !(("otc" in next.fields && !next.fields.otc) || ("tou" in next.fields && !next.fields.tou))) return undefined;
  if (new URL(next.action || action.toString(), action).origin !== action.origin) throw new ProtocolViolationError("apple.account.auth-page", "a sign-in page posts to another origin");
  const fields = { ...next.fields };
  if ("otc" in fields && !fields.otc) fields.otc = await step(ctx.protocol, "auth.mfa", async () => (decoded(ctx.protocol, "auth.mfa", { prompt: "second factor (one-time code)" }), STAND_IN_CODE));
  if ("tou" in fields && !fields.tou) {
    const name = fields.tou_name ?? "";
    fields.tou = await step(ctx.protocol, "auth.terms", async () => (decoded(ctx.protocol, "auth.terms", { prompt: "terms of use", name }), "accept"));
  }
  return fields;
}

/** The printable start of a sign-in page's answer (at most 300 bytes read), as the web view shows it. */
export const pageText = (body: Uint8Array): string =>
  Buffer.from(body.subarray(0, 300))
    .toString("utf8")
    .replace(/[^\x20-\x7e]+/g, " ")
    .trim();

/** A sign-in that did not give a token: the outcome code, enrollsim's diagnosis, and what the device shows where it shows something. */
export type AuthFailure = { code: string; message: string; shown?: Shown };

/**
 * The sign-in page refused the credentials (HTTP 401/403: a wrong password, a locked account, conditional access).
 * The account sign-in is a web view, so what the device shows is the identity provider's page as it wrote it (its
 * words are the server's, displayed by the device on purpose: Entra's "AADSTS50053: The account is locked …"). iOS and
 * macOS publish no code or alert of their own for it: the condition is reported unknown. The screen is set by the flow's
 * table (device/apple/shown.ts appleScreen).
 */
export function signInRefused(status: number, body: Uint8Array): AuthFailure {
  const why = pageText(body);
  const shown: Shown | undefined = why ? { text: why, screen: "the account sign-in's web view (the identity provider's page)", serverSaid: why, unknown: { raw: `sign-in page refused the credentials (HTTP ${status})`, of: "condition" } } : undefined;
  return { code: "apple.account.auth-failed", message: `the sign-in page refused the credentials (HTTP ${status})${why ? `: ${why}` : ""}`, ...(shown ? { shown } : {}) };
}

/** The form follower: GET the sign-in page, submit user + password, expect the 308 to the login scheme. */
async function followForm(ctx: FlowContext, authUrl: string, user: string, password: string): Promise<string | AuthFailure> {
  return step(ctx.protocol, "account.auth", async () => {
    const u = new URL(authUrl);
    u.searchParams.set("user-identifier", user);
    const page = await exchange(ctx.protocol, "account.auth", { method: "GET", url: u.toString(), headers: { "user-agent": ACCOUNT_UA, accept: "text/html" } });
    if (!mediaType(page).includes("html")) throw new ProtocolViolationError("apple.account.auth-page", `the sign-in page has Content-Type "${mediaType(page)}", expected text/html`);
    const form = parseLoginForm(Buffer.from(page.body).toString("utf8"));
    if (!form || !form.passwordField) throw new ProtocolViolationError("apple.account.auth-page", "the sign-in page has no form with a password field (the simple form follower cannot sign in)");
    const action = new URL(form.action || u.toString(), u);
    if (action.origin !== u.origin) throw new ProtocolViolationError("apple.account.auth-page", `the sign-in form posts to another origin (${action.origin}); the form follower stays on ${u.origin}`);
    let fields: Record<string, string> = { ...form.fields, [form.passwordField]: password, ...(form.userField ? { [form.userField]: user } : {}) };
    let res;
    for (let page = 0; ; page++) {
      const body = new URLSearchParams(fields).toString();
      res = await exchange(
        ctx.protocol,
        "account.auth",
        { method: "POST", url: action.toString(), headers: { "user-agent": ACCOUNT_UA, "content-type": "application/x-www-form-urlencoded" }, body: new Uint8Array(Buffer.from(body)) },
        { acceptStatus: [200, 302, 303, 307, 308, 401, 403] },
      );
      // A further page of the sign-in (conditional access): a second factor or terms of use, each the user's own step.
      const answered = page < 4 ? await answerPrompts(ctx, res, action) : undefined;
      if (!answered) break;
      fields = answered;
    }
    if (res.status === 401 || res.status === 403) {
      // What the sign-in page says (a refusal's text: wrong password, locked account, conditional access), as the web view shows it.
      return signInRefused(res.status, res.body);
    }
    const loc = res.headers["location"] ?? "";
    if (res.status !== 308 || !loc.startsWith(LOGIN_SCHEME)) {
      throw new ProtocolViolationError("apple.account.auth-redirect", `sign-in ended with HTTP ${res.status} to "${loc.startsWith(LOGIN_SCHEME) ? LOGIN_SCHEME + "//…" : loc.slice(0, 200)}", expected 308 to ${LOGIN_SCHEME}//authentication-results`);
    }
    let token: string | null = null;
    try {
      token = new URL(loc).searchParams.get("access-token");
    } catch {
      token = null;
    }
    if (!token) throw new ProtocolViolationError("apple.account.auth-redirect", "the 308 to the login scheme carries no access-token");
    decoded(ctx.protocol, "account.auth", { driver: "form", accessToken: token, result: "308 authentication-results" });
    return token;
  });
}

/** The managed Apple ID the user types, and its domain. */
export function accountUser(ctx: FlowContext, o: AppleOptions): { user: string; domain: string } {
  const a = o.account ?? {};
  const domain = (a.user?.split("@").pop() ?? a.domain ?? "enrollsim.test").toLowerCase();
  return { domain, user: a.user ?? `user${ctx.identity.index + 1}@${domain}` };
}

/** The auth driver: a scenario token, or the form follower at `signinUrl`. */
export async function authenticate(ctx: FlowContext, o: AppleOptions, signinUrl: string | undefined): Promise<string | AuthFailure> {
  const a = o.account ?? {};
  const driver = a.auth ?? (a.token !== undefined ? "token" : "form");
  if (driver === "token") {
    if (!a.token) throw new ScenarioError("options.apple.account.auth is token but no token is set");
    decoded(ctx.protocol, "account.auth", { driver: "token", accessToken: a.token });
    return a.token;
  }
  if (!signinUrl) return { code: "apple.account.auth-failed", message: "no sign-in URL to authenticate at" };
  const password = typedPassword(ctx, "account.auth", a.password ?? (ctx.targets.server?.embedded ? EMBEDDED_ACCOUNT_PASSWORD : ""), o.mistypedPasswords);
  return followForm(ctx, signinUrl, accountUser(ctx, o).user, password);
}
