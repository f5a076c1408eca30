// SPDX-License-Identifier: MIT
/**
 * The reference server's identity provider (the stand-in for Microsoft Entra's sign-in, and the
 * MS-MDE2 §3.2 federated authentication page): a login form, then the appru form carrying `wresult`.
 * A refusal is what Entra's token endpoint answers: HTTP 400 with an OAuth 2.0 error (RFC 6749 §5.2)
 * whose description starts with the AADSTS code, from the directory's data (server/policy/types.ts):
 *
 * - AADSTS50126 "Error validating credentials due to invalid username or password." (invalid_grant)
 * - AADSTS50057 "The user account is disabled." — `directory.users[].accountEnabled: false` (invalid_grant)
 * - AADSTS50034 "The user account doesn't exist in the directory." — `directory.domains` lists this
 *   tenant's verified domains and the UPN's domain is neither one of them nor another tenant's (invalid_grant)
 * - AADSTS500121 "Authentication failed during strong authentication request." — a wrong one-time code (invalid_grant)
 *
 * Codes and texts: Microsoft Learn, "Microsoft Entra authentication and authorization error codes"
 * (learn.microsoft.com/entra/identity-platform/reference-error-codes). Tenant discovery (which tenant a
 * domain belongs to, `embedded.policy.directory` and `embedded.policy.tenants`): tenants.ts.
 */
import type { HttpRequest, HttpResponse } from "../../ports/http.js";
import { oauthErrorJson } from "../../wire/windows/caa.js";
import { mfaCode, mintToken } from "../../wire/windows/token.js";
import { formPage } from "../../wire/windows/webauth.js";
import type { HalfContext } from "../half.js";
import type { WindowsServerConfig } from "./config.js";
import { tenantOfDomain } from "./tenants.js";

const answer = (status: number, body: string, type: string): HttpResponse => ({ status, headers: { "content-type": type }, body: new TextEncoder().encode(body), url: "" });
const refused = (aadsts: number, text: string, error = "invalid_grant"): HttpResponse => answer(400, oauthErrorJson(error, aadsts, text), "application/json; charset=utf-8");

/** The sign-in pages at /EnrollmentServer/Auth. */
export function signIn(req: HttpRequest, ctx: HalfContext, cfg: WindowsServerConfig): HttpResponse {
  const url = new URL(req.url, "http://localhost");
  if (req.method === "GET") {
    const appru = url.searchParams.get("appru") ?? "";
    if (!appru.startsWith("ms-app://")) return answer(400, "appru missing\n", "text/plain");
    const hint = url.searchParams.get("login_hint") ?? "";
    return answer(200, formPage("Sign in", url.pathname, { login_hint: hint, username: hint, password: "", appru }, ["username", "password"]), "text/html");
  }
  const form = new URLSearchParams(new TextDecoder().decode(req.body ?? new Uint8Array()).slice(0, 8192));
  const upn = (form.get("username") ?? "").toLowerCase();
  const appru = form.get("appru") ?? "";
  if (!appru.startsWith("ms-app://")) return answer(400, "appru missing\n", "text/plain");
  const policy = ctx.policy.config;
  const domain = upn.split("@")[1] ?? "";
  if (!upn.includes("@") || tenantOfDomain(policy, cfg, domain) === undefined) return refused(50034, `The user account ${upn} does not exist in the directory. To sign into this application, the account must be added to the directory.`);
  if (form.get("password") !== cfg.password) return refused(50126, "Error validating credentials due to invalid username or password.");
  const user = policy.directory?.users?.find((u) => u.upn.toLowerCase() === upn);
  if (user?.accountEnabled === false) return refused(50057, "The user account is disabled.");
  if (policy.conditionalAccess?.requireMfa) {
    // Second factor: a one-time code from the user's authenticator (HMAC of the UPN under the tenant key).
    const otc = form.get("otc");
    if (otc === null) return answer(200, formPage("Verify your identity", url.pathname, { username: upn, password: form.get("password") ?? "", appru, otc: "" }, ["otc"]), "text/html");
    if (otc !== mfaCode(upn, cfg.tokenKey, ctx.crypto)) return refused(500121, "Authentication failed during strong authentication request.");
  }
  const token = mintToken({ upn, exp: Math.floor(ctx.now() / 1000) + 3600 }, cfg.tokenKey, ctx.crypto);
  return answer(200, formPage("Signed in", appru, { wresult: token }, [], true), "text/html");
}
