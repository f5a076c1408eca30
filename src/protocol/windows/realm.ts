// SPDX-License-Identifier: MIT
/**
 * Home-realm discovery: which Microsoft Entra tenant a UPN's domain belongs to, read from the
 * tenant's OpenID Connect discovery document, `<authority>/<domain>/v2.0/.well-known/openid-configuration`
 * (OpenID Connect Discovery 1.0 §4; Microsoft identity platform: the `issuer` is
 * `https://login.microsoftonline.com/<tenant id>/v2.0`). A domain no tenant holds is answered
 * HTTP 400 with AADSTS90002. Transport failures and other HTTP errors come back as values.
 */
import { TransportError } from "../../errors/index.js";
import { parseOAuthError, type OAuthErrorBody } from "../../wire/windows/caa.js";
import { decoded, step, type ProtocolContext } from "../common/context.js";
import { exchange } from "../common/exchange.js";

export type RealmOutcome = { status: "tenant"; tenantId: string; issuer: string } | { status: "unknown-domain"; oauth?: OAuthErrorBody } | { status: "unreachable"; error: TransportError };

const GUID = /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/i;

export async function discoverTenant(ctx: ProtocolContext, authority: string, domain: string): Promise<RealmOutcome> {
  return step(ctx, "auth.realm", async () => {
    const url = `${authority.replace(/\/+$/, "")}/${encodeURIComponent(domain)}/v2.0/.well-known/openid-configuration`;
    let res;
    try {
      res = await exchange(ctx, "auth.realm", { method: "GET", url, headers: { accept: "application/json" } }, { acceptStatus: [400] });
    } catch (e) {
      if (e instanceof TransportError) return { status: "unreachable" as const, error: e };
      throw e;
    }
    if (res.status === 400) {
      const oauth = parseOAuthError(res.body);
      decoded(ctx, "auth.realm", { domain, result: "unknown-domain", ...(oauth ? { error: oauth.error, aadsts: oauth.aadsts } : {}) });
      return { status: "unknown-domain" as const, ...(oauth ? { oauth } : {}) };
    }
    const issuerField = stringField(res.body, "issuer");
    const issuer = issuerField ?? "";
    const id = GUID.exec(issuer)?.[1];
    if (!id) return { status: "unreachable" as const, error: new TransportError("other", `${url}: the discovery document names no tenant in its issuer ("${issuer.slice(0, 120)}")`) };
    decoded(ctx, "auth.realm", { domain, tenantId: id.toLowerCase() });
    return { status: "tenant" as const, tenantId: id.toLowerCase(), issuer };
  });
}

/** A string member of a JSON object answer, reading at most 64 KiB of the body (a larger one is not JSON to us). */
function stringField(body: Uint8Array, key: string): string | undefined {
  try {
    const v = JSON.parse(new TextDecoder().decode(body.subarray(0, 64 * 1024))) as Record<string, unknown> | null;
    const x = v && typeof v === "object" ? v[key] : undefined;
    return typeof x === "string" ? x : undefined;
  } catch {
    return undefined;
  }
}

export type UserRealmOutcome = { status: "realm"; accountType: string } | { status: "unreachable"; error: TransportError };

/**
 * The user realm ADAL asks before integrated Windows authentication, `<authority>/common/userrealm/<upn>?api-version=1.0`:
 * `account_type` Federated, Managed or Unknown. An answer without one is `unreachable` (ADAL cannot discover the realm).
 */
export async function discoverUserRealm(ctx: ProtocolContext, authority: string, upn: string): Promise<UserRealmOutcome> {
  return step(ctx, "auth.realm", async () => {
    const url = `${authority.replace(/\/+$/, "")}/common/userrealm/${encodeURIComponent(upn)}?api-version=1.0`;
    let res;
    try {
      res = await exchange(ctx, "auth.realm", { method: "GET", url, headers: { accept: "application/json" } });
    } catch (e) {
      if (e instanceof TransportError) return { status: "unreachable" as const, error: e };
      throw e;
    }
    const accountType = stringField(res.body, "account_type");
    if (accountType === undefined) return { status: "unreachable" as const, error: new TransportError("other", `${url}: the user realm answer names no account_type`) };
    decoded(ctx, "auth.realm", { upn, accountType });
    return { status: "realm" as const, accountType };
  });
}
