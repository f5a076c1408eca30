// SPDX-License-Identifier: MIT
/**
 * Microsoft Entra access tokens for an MDM application, by token version, and the checks a Windows MDM
 * server makes on the one the PC sends (MS-MDE2 BinarySecurityToken, ValueType urn:ietf:params:oauth:token-type:jwt).
 *
 * An app registration's `accessTokenAcceptedVersion` (manifest; `api.requestedAccessTokenVersion` in Microsoft
 * Graph) decides the form of the access tokens Entra issues for it, whichever endpoint the client used
 * (Microsoft Learn, "Access tokens in the Microsoft identity platform", token formats; "Access token claims
 * reference"; "Microsoft Entra app manifest"):
 *
 * - null or 1 → v1.0: `iss` https://sts.windows.net/{tenant}/, `aud` the App ID URI the token was requested for
 *   (the application's identifier URI), `ver` "1.0", `unique_name`.
 * - 2 → v2.0: `iss` https://login.microsoftonline.com/{tenant}/v2.0, `aud` the application's client id (a GUID),
 *   `ver` "2.0", `preferred_username`.
 *
 * Both carry `tid`, `upn` (the Windows MDM token's user), `iat`/`nbf`/`exp`, `amr`, and `deviceid` when the
 * device is known. On-premises MDM applications created in Entra from July 2026 get v2 tokens (fleetdm/fleet#46388,
 * quoting Microsoft's MDM partner notice): a server that reads `aud` as the App ID URI refuses them.
 *
 * The signature is enrollsim's stand-in: HS256 under the tenant's test key (token.ts), where Entra signs RS256 with
 * keys published at its JWKS URI. Servers that verify against Entra's keys are not modelled.
 */
import type { TokenClaims } from "./token.js";

export type TokenVersion = 1 | 2;

/** An app registration of the directory (`embedded.policy.directory.applications`). */
export interface AppRegistration {
  name?: string;
  /** Application (client) id, a GUID. */
  appId: string;
  /** Application ID URIs (identifierUris); the first is the resource a v1 token names in `aud`. */
  identifierUris?: string[];
  /** The manifest's accessTokenAcceptedVersion: null / 1 → v1.0 tokens, 2 → v2.0 tokens. */
  accessTokenAcceptedVersion?: 1 | 2 | null;
  /** false: not the tenant's MDM application (Mobility (MDM and MAM)); the first application not marked false is. */
  mdm?: boolean;
}

export const versionOf = (app: AppRegistration): TokenVersion => (app.accessTokenAcceptedVersion === 2 ? 2 : 1);

/** The issuer of a tenant's tokens of a version (Microsoft Learn, "Access token claims reference", iss). */
export function entraIssuer(version: TokenVersion, tenantId: string): string {
  return version === 2 ? `https://login.microsoftonline.com/${tenantId}/v2.0` : `https://sts.windows.net/${tenantId}/`;
}

/** The audience Entra writes for an application: v2 its client id; v1 the App ID URI asked for (the client id when it has none). */
export function audienceFor(app: AppRegistration, version: TokenVersion = versionOf(app)): string {
  return version === 2 ? app.appId : (app.identifierUris?.[0] ?? app.appId);
}

export interface AccessTokenInput {
  app: AppRegistration;
  tenantId: string;
  upn: string;
  nowMs: number;
  lifetimeSeconds: number;
  amr?: string[];
  deviceId?: string;
  bulk?: boolean;
}

/** The claims of the access token Entra issues for the application, in its registration's version. */
export function accessTokenClaims(i: AccessTokenInput): TokenClaims {
  const version = versionOf(i.app);
  const iat = Math.floor(i.nowMs / 1000);
  return {
    aud: audienceFor(i.app, version),
    iss: entraIssuer(version, i.tenantId),
    iat,
    nbf: iat,
    exp: iat + i.lifetimeSeconds,
    ...(i.amr ? { amr: i.amr } : {}),
    ...(i.deviceId ? { deviceid: i.deviceId } : {}),
    tid: i.tenantId,
    upn: i.upn,
    ...(version === 2 ? { preferred_username: i.upn } : { unique_name: i.upn }),
    ver: version === 2 ? "2.0" : "1.0",
    ...(i.bulk ? { bulk: true } : {}),
  };
}

/** What a server accepts: token versions, audiences (GUIDs exactly, URLs by host), tenants, clock skew. */
export interface TokenAcceptance {
  versions: readonly TokenVersion[];
  audiences: readonly string[];
  tenants: readonly string[];
  clockSkewSeconds: number;
}

export type TokenCheck = { ok: true } | { ok: false; cause: "expired" | "not-yet-valid" | "version" | "issuer" | "audience" | "tenant"; reason: string };

const hostOf = (s: string): string | undefined => {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(s)) return undefined;
  try {
    return new URL(s).host.toLowerCase() || undefined;
  } catch {
    return undefined;
  }
};

/**
 * Whether a token's audience is one the server accepts: equal (case-insensitive), or both URLs with the same
 * host:port — how Fleet matches a v1 `aud` against its server URL (server/service/microsoft_mdm.go,
 * hasAuthorizedAzureAudience).
 */
export function audienceAccepted(aud: string | string[] | undefined, accepted: readonly string[]): boolean {
  const auds = aud === undefined ? [] : Array.isArray(aud) ? aud : [aud];
  return auds.some((a) => accepted.some((x) => x.trim().toLowerCase() === a.trim().toLowerCase() || (hostOf(a) !== undefined && hostOf(a) === hostOf(x))));
}

/**
 * The server's checks of a token whose signature verified: lifetime within the clock skew, a version it accepts with
 * that version's issuer for the token's tenant, an audience and a tenant it accepts. Reasons for audience and tenant
 * are Fleet's ("token audience is not authorized", "token tenant is not authorized").
 */
export function checkAccessToken(c: TokenClaims, a: TokenAcceptance, nowMs: number): TokenCheck {
  const skew = a.clockSkewSeconds * 1000;
  if (c.exp !== undefined && c.exp * 1000 + skew < nowMs) return { ok: false, cause: "expired", reason: `token expired at ${new Date(c.exp * 1000).toISOString()}` };
  if (c.nbf !== undefined && c.nbf * 1000 - skew > nowMs) return { ok: false, cause: "not-yet-valid", reason: `token not valid before ${new Date(c.nbf * 1000).toISOString()}` };
  const version: TokenVersion | undefined = c.ver === "1.0" ? 1 : c.ver === "2.0" ? 2 : undefined;
  if (version === undefined || !a.versions.includes(version)) {
    return { ok: false, cause: "version", reason: `token version ${c.ver ?? "(no ver claim)"} is not accepted (accepted: ${a.versions.map((v) => `${v}.0`).join(", ")})` };
  }
  if (!c.tid || c.iss !== entraIssuer(version, c.tid)) return { ok: false, cause: "issuer", reason: `token issuer ${c.iss ?? "(none)"} is not the v${version}.0 issuer of tenant ${c.tid ?? "(none)"}` };
  if (!audienceAccepted(c.aud, a.audiences)) return { ok: false, cause: "audience", reason: "token audience is not authorized" };
  if (!a.tenants.some((t) => t.trim().toLowerCase() === c.tid!.trim().toLowerCase())) return { ok: false, cause: "tenant", reason: "token tenant is not authorized" };
  return { ok: true };
}
