// SPDX-License-Identifier: MIT
/**
 * The device registration service stand-in (POST /windows/drs/join): the Microsoft Entra join or
 * registration that comes before MDM enrollment. The tenant's policy engine decides from the
 * directory's device objects and settings (server/policy/directory-objects.ts); the answer carries
 * what dsregcmd reports for a failed join — the client HRESULT (when Microsoft publishes one), the
 * server error code and message, the HTTP status — as a JSON body:
 *   {error?: "0x801C03F3", serverErrorCode, reason, message}
 * Real DRS speaks its own protocol; enrollsim's client and this stand-in agree on this JSON, and the
 * codes and texts are the published ones (wire/windows/dsreg.ts).
 */
import type { HttpRequest, HttpResponse } from "../../ports/http.js";
import { signedClaims, verifyToken } from "../../wire/windows/token.js";
import type { HalfContext } from "../half.js";
import { AADSTS_TEXT } from "../policy/conditional-access.js";
import { DIRECTORY_ANSWER } from "../policy/directory-objects.js";
import type { JoinRefusal } from "../policy/engine.js";
import { joinMfaRequirement } from "../policy/join-mfa.js";
import { upnDomainVerified } from "./tenants.js";
import type { JoinRequestBody } from "../../wire/windows/join-body.js";

/** A JSON answer of the directory stand-in (join, registration, the GPO task's MDM lookup). */
export const json = (status: number, v: unknown): HttpResponse => ({ status, headers: { "content-type": "application/json" }, body: new TextEncoder().encode(JSON.stringify(v)), url: "" });

/**
 * The answer to a refusal. "Users may join devices" leaving the user out: 0x801C03ED with the server message
 * "Administrator policy does not allow user <upn> to device join" (Microsoft Learn, "Windows Hello errors during PIN
 * creation": 0x801C03ED "User doesn't have permissions to join to Microsoft Entra ID. … Allow user(s) to join to
 * Microsoft Entra ID under Microsoft Entra Device settings"; the message as OOBE shows it in crazy-max/WindowsSpyBlocker#522).
 * The per-user quota: 0x801C0003 (Intune, Troubleshoot Windows enrollment errors: "This user is not authorized to enroll",
 * the user reached the maximum number of devices). Assumption: the server error code of the 0x801C03ED answer is not
 * published; none is sent.
 */
function refusalAnswer(refusal: JoinRefusal, message: string, upn: string | undefined): HttpResponse {
  if (refusal === "join-not-allowed") return json(403, { error: "0x801C03ED", reason: refusal, message: `Administrator policy does not allow user ${upn ?? "(none)"} to device join` });
  if (refusal === "device-quota") return json(403, { error: "0x801C0003", serverErrorCode: "AuthorizationError", reason: refusal, message });
  const a = DIRECTORY_ANSWER[refusal];
  // DirectoryError answers are HTTP 400 in dsregcmd's diagnostic data; authorization ones 403.
  return json(a.serverError === "DirectoryError" ? 400 : 403, { ...(a.hresult ? { error: a.hresult } : {}), serverErrorCode: a.serverError, ...(a.subCode ? { subCode: a.subCode } : {}), reason: refusal, message: `${a.message} (${message})` });
}

/**
 * A user's join or registration in a tenant that requires MFA for it (server/policy/join-mfa.ts) must present the
 * sign-in's token (Authorization: Bearer) with `amr` holding "mfa". Entra itself refuses earlier, at the token request
 * (the sign-in prompts; AADSTS50076 where it cannot); this stand-in also checks the token, so a join presenting no
 * token or one signed in without MFA (a scenario's own token, another sign-in) is refused: HTTP 401 with server error
 * AADSTS50076 and its text. Assumption (not published): the client HRESULT of such a DRS answer; none is sent.
 */
function mfaRefusal(req: HttpRequest, ctx: HalfContext, tokenKey: string, upn: string): HttpResponse | undefined {
  const why = joinMfaRequirement(ctx.policy.config, upn, "windows");
  if (!why) return undefined;
  const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers?.authorization ?? "")?.[1];
  const claims = bearer ? verifyToken(bearer, tokenKey, ctx.crypto, ctx.now()) : undefined;
  if (claims && claims.upn.toLowerCase() === upn.toLowerCase() && claims.amr?.includes("mfa")) return undefined;
  const got = !bearer ? "no token" : !claims ? "a token this tenant did not issue or that expired" : claims.upn.toLowerCase() !== upn.toLowerCase() ? `a token of ${claims.upn}` : `a token without MFA (amr ${JSON.stringify(claims.amr ?? [])})`;
  return json(401, { serverErrorCode: "AADSTS50076", reason: "mfa-required", message: `AADSTS50076: ${AADSTS_TEXT[50076]} (${why}; the join presented ${got})` });
}

/**
 * A provisioning package's join presents its bulk token (BPRT; the `bulk` claim of enrollsim's minted token), which
 * Windows redeems at Entra's token endpoint before the join. Entra refuses an expired one there: HTTP 400 `invalid_grant`
 * with AADSTS700082 "The refresh token has expired due to inactivity. The token was issued on … and was inactive for …"
 * (the text as Entra answers it, Microsoft Q&A learn.microsoft.com/en-us/answers/a/710568; bulk tokens are valid at most
 * 180 days), which Windows reports as 0xCAA20003 ERROR_ADAL_SERVER_ERROR_INVALID_GRANT (wire/windows/caa.ts;
 * docs.workspot.com/docs/error-code-0xcaa20003). This stand-in joins the redemption and the join into one request, so the
 * refusal is the join's answer, carrying the OAuth `error` (`oauthError`) and the AADSTS code. A join with no token, or a
 * token that is not a bulk one, is decided as before. Assumption (not published for bulk tokens): the token counts as
 * issued BULK_TOKEN_MAX_DAYS before it expired, and "inactive for" is the time since then, in Entra's d.hh:mm:ss form.
 */
/** A bulk token's longest validity (Windows Configuration Designer: "up to 180 days"). */
const BULK_TOKEN_MAX_DAYS = 180;

function bulkTokenRefusal(req: HttpRequest, ctx: HalfContext, tokenKey: string): HttpResponse | undefined {
  const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers?.authorization ?? "")?.[1];
  const claims = bearer ? signedClaims(bearer, tokenKey, ctx.crypto) : undefined;
  if (!claims?.bulk || claims.exp === undefined || claims.exp * 1000 >= ctx.now()) return undefined;
  const issued = claims.exp - BULK_TOKEN_MAX_DAYS * 86400;
  const inactive = Math.max(0, Math.floor(ctx.now() / 1000) - issued);
  const d = Math.floor(inactive / 86400);
  const hms = new Date((inactive % 86400) * 1000).toISOString().slice(11, 19);
  const message = `AADSTS700082: The refresh token has expired due to inactivity. The token was issued on ${new Date(issued * 1000).toISOString()} and was inactive for ${d}.${hms}.`;
  return json(400, { oauthError: "invalid_grant", serverErrorCode: "AADSTS700082", reason: "bulk-token-expired", message });
}

export function drsJoin(req: HttpRequest, ctx: HalfContext, tokenKey: string, initialDomain: string): HttpResponse {
  const policy = ctx.policy;
  // The client's body (wire/windows/join-body.ts), untrusted: every field is checked before use.
  let q: { [K in keyof JoinRequestBody]?: unknown };
  try {
    q = JSON.parse(new TextDecoder().decode(req.body ?? new Uint8Array()).slice(0, 16 * 1024)) as typeof q;
  } catch {
    return json(400, { error: "body is not JSON" });
  }
  if (!q || typeof q !== "object" || typeof q.deviceId !== "string" || !/^[0-9A-Fa-f]{32}$/.test(q.deviceId)) return json(400, { error: "expected {upn, deviceId}" });
  const attested = q.attested === true;
  // A user join names its user; only a TPM-attested join (self-deploying, pre-provisioning) is userless.
  if (typeof q.upn !== "string" && !attested) return json(400, { error: "expected {upn, deviceId}" });
  const tpm = q.tpm === "2.0" || q.tpm === "1.2" || q.tpm === "none" ? q.tpm : undefined;
  // A personal device is registered, not joined; the policy engine applies the device objects, "users may join
  // devices", the per-user device quota and the MDM/MAM user scopes (MAM wins on registered devices).
  const registration = q.registration === true;
  // MFA to register or join: user joins and registrations only (hybrid sync and TPM-attested joins are exempt).
  // A provisioning package's expired bulk token is refused when Windows redeems it, before any join rule applies.
  const expired = q.bulk === true ? bulkTokenRefusal(req, ctx, tokenKey) : undefined;
  if (expired) return expired;
  const mfa = typeof q.upn === "string" && !attested && q.hybrid !== true ? mfaRefusal(req, ctx, tokenKey, q.upn) : undefined;
  if (mfa) return mfa;
  const d = policy.join({
    ...(typeof q.upn === "string" ? { upn: q.upn } : {}),
    deviceKey: q.deviceId.toUpperCase(),
    ...(typeof q.serialNumber === "string" ? { serial: q.serialNumber } : {}),
    registration,
    attested,
    autopilot: q.autopilot === true,
    hybrid: q.hybrid === true,
    ...(tpm ? { tpm } : {}),
    // The attestation statement's TPM facts (attested joins): the attestation model reads them (policy/tpm-attestation.ts).
    ...(typeof q.tpmManufacturerId === "string" ? { tpmManufacturerId: q.tpmManufacturerId.slice(0, 8) } : {}),
    ...(typeof q.tpmFirmwareVersion === "string" ? { tpmFirmwareVersion: q.tpmFirmwareVersion.slice(0, 32) } : {}),
  });
  if (!d.ok) return refusalAnswer(d.refusal, d.message, typeof q.upn === "string" ? q.upn : undefined);
  // The MDM enrollment URL comes with the join only for a user whose UPN suffix is a verified domain of the tenant
  // (tenants.ts upnDomainVerified; Learn's 0x8018002b cause): `noMdm` says why none came.
  const unverified = typeof q.upn === "string" && !upnDomainVerified(policy.config, initialDomain, q.upn);
  const noMdm = d.mdm ? (unverified ? "upn-domain-unverified" : undefined) : "outside-mdm-scope";
  return json(200, { joined: q.deviceId, registration, mdm: d.mdm && !unverified, mam: d.mam, ...(noMdm ? { noMdm } : {}) });
}
