// SPDX-License-Identifier: MIT
/**
 * The reference server's identity provider (the stand-in for Microsoft Entra's sign-in, and the
 * MS-MDE2 §3.2 federated authentication page): a login form, then the appru form carrying `wresult`.
 * A refusal is what Entra's token endpoint answers: HTTP 400 with an OAuth 2.0 error (RFC 6749 §5.2)
 * whose description starts with the AADSTS code, from the directory's data (server/policy/types.ts):
 *
 * - AADSTS50126 "Error validating credentials due to invalid username or password." (invalid_grant)
 * - AADSTS50053 "The account is locked, you've tried to sign in too many times with an incorrect user ID or password." — the
 *   tenant's lockout (`directory.lockout`, server/policy/lockout.ts) after failed sign-ins, whatever the password now (invalid_grant)
 * - AADSTS50057 "The user account is disabled." — `directory.users[].accountEnabled: false` (invalid_grant)
 * - AADSTS50034 "The user account doesn't exist in the directory." — `directory.domains` lists this
 *   tenant's verified domains and the UPN's domain is neither one of them nor another tenant's (invalid_grant)
 * - AADSTS500121 "Authentication failed during strong authentication request." — a wrong one-time code (invalid_grant)
 * - conditional access (`embedded.policy.conditionalAccess`, server/policy/conditional-access.ts) for the cloud app
 *   Microsoft Intune Enrollment, client app type mobileAppsAndDesktopClients, a device the sign-in does not know yet
 *   (neither compliant nor hybrid joined): a policy requiring MFA adds a one-time-code page, one requiring terms of use
 *   a terms page (fields tou_name, tou = accept | decline); a block or a device control ends the sign-in with
 *   interaction_required and AADSTS53003 / 53000 / 53001 / 53002. A declined terms of use ends it with access_denied
 *   and no AADSTS code (none is published).
 * - the join's sign-in (`resource` urn:ms-drs:enterpriseregistration.windows.net): the tenant's MFA requirement for
 *   registering or joining devices (server/policy/join-mfa.ts) adds the one-time-code page; a user with no registered
 *   method ends at AADSTS50072 (interaction_required), as does any MFA prompt for such a user. The token carries
 *   `amr` (pwd, mfa) for the device registration service to read.
 *
 * Codes and texts: Microsoft Learn, "Microsoft Entra authentication and authorization error codes"
 * (learn.microsoft.com/entra/identity-platform/reference-error-codes). Tenant discovery (which tenant a
 * domain belongs to, `embedded.policy.directory` and `embedded.policy.tenants`): tenants.ts.
 */
import type { HttpRequest, HttpResponse } from "../../ports/http.js";
import { oauthErrorJson } from "../../wire/windows/caa.js";
import { accessTokenClaims } from "../../wire/windows/entra-token.js";
import { mfaCode, mintToken } from "../../wire/windows/token.js";
import { formPage } from "../../wire/windows/webauth.js";
import type { HalfContext } from "../half.js";
import { caOAuthError, CLOUD_APPS } from "../policy/conditional-access.js";
import { AADSTS50053_TEXT } from "../policy/lockout.js";
import { AADSTS50072_TEXT, DRS_RESOURCE, joinMfaRequirement, mfaRegistered } from "../policy/join-mfa.js";
import type { WindowsServerConfig } from "./config.js";
import { mdmApplication } from "./mdm-token.js";
import { OWN_TENANT_ID, tenantOfDomain } from "./tenants.js";

const answer = (status: number, body: string, type: string): HttpResponse => ({ status, headers: { "content-type": type }, body: new TextEncoder().encode(body), url: "" });
const refused = (aadsts: number, text: string, error = "invalid_grant"): HttpResponse => answer(400, oauthErrorJson(error, aadsts, text), "application/json; charset=utf-8");

/** The sign-in pages at /EnrollmentServer/Auth. */
export function signIn(req: HttpRequest, ctx: HalfContext, cfg: WindowsServerConfig): HttpResponse {
  const url = new URL(req.url, "http://localhost");
  if (req.method === "GET") {
    const appru = url.searchParams.get("appru") ?? "";
    if (!appru.startsWith("ms-app://")) return answer(400, "appru missing\n", "text/plain");
    const hint = url.searchParams.get("login_hint") ?? "";
    const device = url.searchParams.get("device_id");
    const resource: Record<string, string> = url.searchParams.get("resource") === DRS_RESOURCE ? { resource: DRS_RESOURCE } : {};
    return answer(200, formPage("Sign in", url.pathname, { login_hint: hint, username: hint, password: "", appru, ...(device ? { device_id: device.slice(0, 64) } : {}), ...resource }, ["username", "password"]), "text/html");
  }
  const form = new URLSearchParams(new TextDecoder().decode(req.body ?? new Uint8Array()).slice(0, 8192));
  const upn = (form.get("username") ?? "").toLowerCase();
  const appru = form.get("appru") ?? "";
  if (!appru.startsWith("ms-app://")) return answer(400, "appru missing\n", "text/plain");
  const policy = ctx.policy.config;
  const domain = upn.split("@")[1] ?? "";
  if (!upn.includes("@") || tenantOfDomain(policy, cfg, domain) === undefined) return refused(50034, `The user account ${upn} does not exist in the directory. To sign into this application, the account must be added to the directory.`);
  // Every password sign-in counts toward the tenant's lockout (embedded.policy.directory.lockout); a locked user is refused whatever the password.
  const verdict = ctx.policy.lockout?.passwordSignIn(upn, form.get("password") === cfg.password) ?? { kind: form.get("password") === cfg.password ? "ok" : "wrong-password" };
  if (verdict.kind === "locked") return refused(50053, AADSTS50053_TEXT);
  if (verdict.kind === "wrong-password") return refused(50126, "Error validating credentials due to invalid username or password.");
  const user = policy.directory?.users?.find((u) => u.upn.toLowerCase() === upn);
  if (user?.accountEnabled === false) return refused(50057, "The user account is disabled.");
  const decided = conditionalAccess(url.pathname, form, upn, ctx, cfg);
  if (decided) return decided;
  const amr = form.get("otc") !== null ? ["pwd", "mfa"] : ["pwd"];
  // The access token for the tenant's MDM application, in the form its registration asks (v1.0 / v2.0; mdm-token.ts).
  const tenantId = tenantOfDomain(policy, cfg, domain)?.id ?? OWN_TENANT_ID;
  const device = /^[0-9A-Fa-f]{32}$/.test(form.get("device_id") ?? "") ? form.get("device_id")! : undefined;
  const claims = accessTokenClaims({ app: mdmApplication(policy, ctx.urls().https), tenantId, upn, nowMs: ctx.now(), lifetimeSeconds: 3600, amr, ...(device ? { deviceId: device } : {}) });
  const token = mintToken(claims, cfg.tokenKey, ctx.crypto);
  return answer(200, formPage("Signed in", appru, { wresult: token }, [], true), "text/html");
}

/** The page conditional access shows next (MFA, terms of use), its refusal, or undefined when access is granted. */
function conditionalAccess(path: string, form: URLSearchParams, upn: string, ctx: HalfContext, cfg: WindowsServerConfig): HttpResponse | undefined {
  const join = form.get("resource") === DRS_RESOURCE;
  const keep: Record<string, string> = { username: upn, password: form.get("password") ?? "", appru: form.get("appru") ?? "", ...(form.get("device_id") ? { device_id: form.get("device_id")! } : {}), ...(join ? { resource: DRS_RESOURCE } : {}) };
  const otc = form.get("otc");
  if (otc !== null) {
    // Second factor: a one-time code from the user's authenticator (HMAC of the UPN under the tenant key).
    if (otc !== mfaCode(upn, cfg.tokenKey, ctx.crypto)) return refused(500121, "Authentication failed during strong authentication request.");
    keep.otc = otc;
  }
  // The user's answer on the terms page (the document named, accept or decline), recorded before the next evaluation.
  const answered = ctx.policy.config.conditionalAccess?.termsOfUse?.find((t) => t.name === form.get("tou_name"));
  const tou = form.get("tou");
  if (answered && (tou === "accept" || tou === "decline") && !answered.perDevice) {
    ctx.policy.ca.answer(answered, upn, undefined, tou === "accept");
    if (tou === "decline")
      return answer(400, JSON.stringify({ error: "access_denied", error_description: `The user declined the terms of use "${answered.name}" (no AADSTS code is published for a declined terms of use)` }), "application/json; charset=utf-8");
  }
  const d = ctx.policy.signIn({ upn, app: CLOUD_APPS.intuneEnrollment.id, platform: "windows", clientApp: "mobileAppsAndDesktopClients", device: deviceState(ctx, form.get("device_id")), mfa: otc !== null });
  // The join's sign-in: the tenant may require MFA to register or join devices (the device setting or the user action).
  const joinMfa = d.kind === "granted" && join && otc === null && joinMfaRequirement(ctx.policy.config, upn, "windows") !== undefined;
  if (d.kind === "granted" && !joinMfa) return undefined;
  if (d.kind === "mfa" || joinMfa) {
    if (!mfaRegistered(ctx.policy.config, upn)) return refused(50072, AADSTS50072_TEXT, "interaction_required");
    return answer(200, formPage("Verify your identity", path, { ...keep, otc: "" }, ["otc"]), "text/html");
  }
  if (d.kind === "granted") return undefined;
  if (d.kind === "terms" && d.terms.perDevice) {
    // "Require users to consent on every device" needs a registered device; the Intune Enrollment app isn't supported for it (Entra terms of use).
    const e = caOAuthError(d);
    return answer(
      400,
      JSON.stringify({ error: e.error, error_description: `${e.description}; "${d.terms.name}" needs consent on every device, which the Intune Enrollment sign-in does not support (the device is not registered yet)` }),
      "application/json; charset=utf-8",
    );
  }
  if (d.kind === "terms") {
    const title = `Terms of use: ${d.terms.name}${d.terms.expand ? " (open the document before accepting)" : ""}`;
    return answer(200, formPage(title, path, { ...keep, tou_name: d.terms.name, tou: "" }, ["tou"]), "text/html");
  }
  const e = caOAuthError(d);
  return answer(400, oauthErrorJson(e.error, e.aadsts!, e.description.replace(/^AADSTS\d+: /, "")), "application/json; charset=utf-8");
}

/**
 * The device as the directory knows it: a sign-in naming a device (`device_id`, unverified: the stand-in of the device
 * key proof real Windows sends) that has an enabled object is registered; hybrid joined when the object is; compliant
 * when the tenant's compliance records mark it so. An unknown device is neither.
 */
function deviceState(ctx: HalfContext, deviceId: string | null): { id?: string; compliant: boolean; hybridJoined: boolean } {
  const id = /^[0-9A-Fa-f]{32}$/.test(deviceId ?? "") ? deviceId!.toUpperCase() : undefined;
  const obj = id ? ctx.policy.directory.find({ deviceId: id }) : undefined;
  if (!id || !obj || obj.state !== "enabled") return { compliant: false, hybridJoined: false };
  return { id, compliant: ctx.policy.markedCompliant(id), hybridJoined: obj.joinType === "hybrid" };
}
