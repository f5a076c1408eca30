// SPDX-License-Identifier: MIT
/**
 * Federated authentication (MS-MDE2 §3.2) as the web-auth broker does it: GET the
 * AuthenticationServiceUrl with appru and login_hint (merged into any query the server put there),
 * submit the sign-in form (same origin only), and take `wresult` from the form whose action is
 * the appru. Redirects are followed within the origin only, at most 5.
 */
import { ProtocolViolationError, TransportError } from "../../errors/index.js";
import { decoded, step, type ProtocolContext } from "../common/context.js";
import { exchange } from "../common/exchange.js";
import { identityProviderRedirect } from "./terms.js";
import { pageText, parseForms, type PageText } from "../../wire/windows/webauth.js";
import { parseOAuthError, type OAuthErrorBody } from "../../wire/windows/caa.js";

export const APPRU = "ms-app://windows.immersivecontrolpanel";

/**
 * `refused`: the identity provider said no — HTTP 401/403, or a 400/401/403 carrying an OAuth 2.0 error
 * (RFC 6749 §5.2; Microsoft Entra adds AADSTS codes), kept as `oauth`. `unreachable` (only with
 * `transportAsOutcome`): a transport failure or an HTTP error status, and whether the sign-in page had
 * loaded before it (the web host's own error page vs the broker's code, device/windows/signin-shown.ts).
 */
export type FederatedOutcome =
  | { status: "token"; token: string }
  /** The sign-in asked for something this client cannot show (a terms-of-use page in a web host without that page). */
  | { status: "prompt-unsupported"; prompt: "terms-of-use"; name: string }
  | { status: "refused"; message: string; httpStatus: number; oauth?: OAuthErrorBody }
  | { status: "identity-provider"; location: string }
  /** The identity provider ended the sign-in on a page of its own with nothing to submit (an error or block page): what it says. */
  | { status: "page"; httpStatus: number; page: PageText }
  | { status: "unreachable"; error: TransportError; pageLoaded: boolean };

export interface SignInUser {
  /**
   * At a second-factor prompt (a form asking for `otc`): the code the user's authenticator shows.
   * The prompt is its own step, `auth.mfa`, so a user who leaves it unanswered is the timeline's
   * `abandon`/`idle` at that step (the same mechanism on every platform), not a sign-in option.
   */
  secondFactor?: () => string;
  /**
   * At a terms-of-use page (a form asking for `tou`, conditional access's "Require terms of use"): the
   * user's answer. The page is its own step, `auth.terms`, so a user who declines or leaves is the
   * timeline's `abandon` at that step. Absent: this sign-in's web host cannot show the page (the
   * outcome `prompt-unsupported`).
   */
  termsOfUse?: (name: string) => "accept" | "decline";
  /** Return transport failures and HTTP error statuses as `unreachable` instead of throwing them. */
  transportAsOutcome?: boolean;
  /** Extra query parameters of the first request (e.g. the tenant the sign-in page is branded for). */
  query?: Record<string, string>;
}

export async function federatedSignIn(ctx: ProtocolContext, authUrl: string, upn: string, password: string, user: SignInUser = {}): Promise<FederatedOutcome> {
  return step(ctx, "auth.federated", async () => {
    const start = new URL(authUrl);
    start.searchParams.set("appru", APPRU);
    start.searchParams.set("login_hint", upn);
    for (const [k, v] of Object.entries(user.query ?? {})) start.searchParams.set(k, v);
    const origin = start.origin;
    let req: { method: "GET" | "POST"; url: string; body?: Uint8Array; headers?: Record<string, string> } = { method: "GET", url: start.toString() };
    for (let hop = 0; hop < 6; hop++) {
      let res;
      try {
        res = await exchange(ctx, "auth.federated", { ...req, headers: { "user-agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64; WebView/3.0)", ...(req.headers ?? {}) } }, { acceptStatus: [301, 302, 303, 307, 400, 401, 403] });
      } catch (e) {
        if (user.transportAsOutcome && e instanceof TransportError) return { status: "unreachable" as const, error: e, pageLoaded: hop > 0 };
        throw e;
      }
      if (res.status >= 300 && res.status < 400) {
        const loc = res.headers.location;
        if (!loc) throw new ProtocolViolationError("auth.redirect", "redirect without Location");
        const next = new URL(loc, req.url);
        // Another https origin is the identity provider (AuthPolicy Federated working): an outcome.
        const idp = next.origin !== origin ? identityProviderRedirect(loc, new URL(req.url), "auth.redirect-off-origin") : undefined;
        if (idp) {
          decoded(ctx, "auth.federated", { result: "identity-provider", location: idp });
          return { status: "identity-provider" as const, location: idp };
        }
        req = { method: "GET", url: next.toString() };
        continue;
      }
      if (res.status === 400 || res.status === 401 || res.status === 403) {
        const oauth = parseOAuthError(res.body);
        if (oauth) {
          decoded(ctx, "auth.federated", { result: "error", httpStatus: res.status, error: oauth.error, ...(oauth.aadsts.length ? { aadsts: oauth.aadsts } : {}) });
          return { status: "refused" as const, message: `sign-in refused (HTTP ${res.status}, ${oauth.error}${oauth.description ? `: ${oauth.description}` : ""})`, httpStatus: res.status, oauth };
        }
        if (res.status === 400) {
          // A 400 that is no OAuth error is an HTTP error like any other (as exchange() reports it).
          const err = new TransportError("http-status", `${req.method} ${req.url} answered HTTP 400`, { status: 400 });
          if (user.transportAsOutcome) return { status: "unreachable" as const, error: err, pageLoaded: hop > 0 };
          throw err;
        }
        return { status: "refused" as const, message: `sign-in refused (HTTP ${res.status})`, httpStatus: res.status };
      }
      const forms = parseForms(new TextDecoder().decode(res.body));
      const done = forms.find((f) => f.action.toLowerCase().startsWith("ms-app://"));
      if (done) {
        const token = done.inputs.wresult;
        if (!token) throw new ProtocolViolationError("auth.no-wresult", "the appru form carries no wresult");
        decoded(ctx, "auth.federated", { appru: done.action, wresultBytes: token.length });
        return { status: "token" as const, token };
      }
      const login = forms.find((f) => f.method === "post");
      if (!login) {
        // A page with nothing to submit that says something (a title or heading) is the identity provider's own error or block
        // page: the web host shows it and the sign-in goes no further. One that says nothing is not a sign-in page.
        const page = pageText(new TextDecoder().decode(res.body));
        if (!page) throw new ProtocolViolationError("auth.no-form", "the authentication page has no form to submit");
        decoded(ctx, "auth.federated", { result: "page", httpStatus: res.status, ...(page.title ? { title: page.title } : {}), ...(page.heading ? { heading: page.heading } : {}), text: page.text.slice(0, 200) });
        return { status: "page" as const, httpStatus: res.status, page };
      }
      const target = new URL(login.action || req.url, req.url);
      if (target.origin !== origin) throw new ProtocolViolationError("auth.form-off-origin", `sign-in form posts to ${target.origin}`);
      const fields = { ...login.inputs };
      if ("tou" in fields && !fields.tou) {
        const name = fields.tou_name ?? "";
        if (!user.termsOfUse) {
          decoded(ctx, "auth.federated", { result: "prompt-unsupported", prompt: "terms-of-use", name });
          return { status: "prompt-unsupported" as const, prompt: "terms-of-use" as const, name };
        }
        fields.tou = await step(ctx, "auth.terms", async () => {
          decoded(ctx, "auth.terms", { prompt: "terms of use", name });
          return user.termsOfUse!(name);
        });
      }
      if ("otc" in fields && !fields.otc) {
        if (!user.secondFactor) throw new ProtocolViolationError("auth.mfa-unexpected", "the sign-in page asks for a second factor this user has no authenticator for");
        fields.otc = await step(ctx, "auth.mfa", async () => {
          decoded(ctx, "auth.mfa", { prompt: "second factor (one-time code)" });
          return user.secondFactor!();
        });
      }
      for (const k of Object.keys(fields)) {
        if (/user|login|email/i.test(k) && !fields[k]) fields[k] = upn;
        if (/pass/i.test(k)) fields[k] = password;
      }
      req = {
        method: "POST",
        url: target.toString(),
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new TextEncoder().encode(new URLSearchParams(fields).toString()),
      };
    }
    throw new ProtocolViolationError("auth.too-many-hops", "federated sign-in did not finish within 6 pages");
  });
}
