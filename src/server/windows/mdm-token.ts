// SPDX-License-Identifier: MIT
/**
 * The tenant's MDM application and the access tokens for it: which app registration the identity provider issues
 * the PC's enrollment token for (`embedded.policy.directory.applications`), and which tokens the Windows enrollment
 * service accepts in GetPolicies and RequestSecurityToken (`embedded.windows.tokenValidation`). A refused token is
 * an MS-MDE2 fault; by default 500 s:Receiver / s:Authentication (the PC: MENROLL_E_DEVICE_AUTHENTICATION_ERROR
 * 0x80180002). Fleet answers HTTP 200 with s:Receiver / s:messageformat and the reason "validate binary security
 * token: token audience is not authorized" at GetPolicies (fleetdm/fleet server/service/microsoft_mdm.go,
 * mdmMicrosoftPolicyEndpoint), which the PC shows as 0x801900c8 (fleetdm/fleet#46388): `refusal: { httpStatus: 200,
 * subcode: s:messageformat }`.
 */
import type { HttpResponse } from "../../ports/http.js";
import { checkAccessToken, type AppRegistration, type TokenAcceptance } from "../../wire/windows/entra-token.js";
import { MIME } from "../../wire/windows/ns.js";
import { buildFault } from "../../wire/windows/soap.js";
import type { TokenClaims } from "../../wire/windows/token.js";
import type { PolicyConfig } from "../policy/types.js";
import type { WindowsServerConfig } from "./config.js";
import { OWN_TENANT_ID } from "./tenants.js";

/** The client id of the default MDM application (enrollsim's own; not a real Entra application). */
export const DEFAULT_MDM_APP_ID = "e5a1ed00-0000-4000-8000-00000000e501";

const expand = (s: string, httpsBase: string): string => s.replaceAll("%SERVER%", httpsBase);

/** The MDM application: the first registration not marked `mdm: false`; default one named by the server's URL, v1.0 tokens. */
export function mdmApplication(policy: PolicyConfig, httpsBase: string): AppRegistration {
  const app = (policy.directory?.applications ?? []).find((a) => a.mdm !== false);
  if (!app) return { name: "enrollsim MDM", appId: DEFAULT_MDM_APP_ID, identifierUris: [httpsBase], accessTokenAcceptedVersion: null };
  return { ...app, ...(app.identifierUris ? { identifierUris: app.identifierUris.map((u) => expand(u, httpsBase)) } : {}) };
}

/** What the enrollment service accepts; defaults follow the MDM application (both versions, its URIs and client id, this tenant). */
export function tokenAcceptance(cfg: WindowsServerConfig, policy: PolicyConfig, httpsBase: string): TokenAcceptance {
  const v = cfg.tokenValidation ?? {};
  const app = mdmApplication(policy, httpsBase);
  return {
    versions: v.versions ?? [1, 2],
    audiences: (v.audiences ?? [...(app.identifierUris ?? []), app.appId]).map((a) => expand(a, httpsBase)),
    tenants: v.tenants ?? [OWN_TENANT_ID],
    clockSkewSeconds: v.clockSkewSeconds ?? 300,
  };
}

/** The enrollment service's answer to a token its checks refuse, or undefined when it accepts it. */
export function tokenRefusal(claims: TokenClaims, cfg: WindowsServerConfig, policy: PolicyConfig, httpsBase: string, nowMs: number, relatesTo?: string): HttpResponse | undefined {
  const check = checkAccessToken(claims, tokenAcceptance(cfg, policy, httpsBase), nowMs);
  if (check.ok) return undefined;
  const r = cfg.tokenValidation?.refusal ?? {};
  const xml = buildFault({ ...(relatesTo ? { relatesTo } : {}), code: "Receiver", subcode: r.subcode ?? "s:Authentication", reason: `validate binary security token: ${check.reason}` });
  return { status: r.httpStatus ?? 500, headers: { "content-type": MIME.soap }, body: new TextEncoder().encode(xml), url: "" };
}
