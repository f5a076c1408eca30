// SPDX-License-Identifier: MIT
/**
 * Tenants as data. The reference server is one Microsoft Entra tenant: its id, its initial domain
 * (`embedded.windows.autopilot.tenantDomain`) and its verified domains (`embedded.policy.directory.domains`;
 * absent: every domain no other tenant holds, the lenient default; an entry `{ name, verified: false }` is a domain
 * added but not verified, which no sign-in or MDM lookup accepts). `embedded.policy.otherTenants` lists
 * other tenants of the same cloud: their domains and the hardware hashes imported into their Autopilot
 * lists. A hash is registered to one tenant at a time (Windows Autopilot known issues; server-policies.md
 * §8.1 "Tenant binding"): the deployment service hands a device the profile of the tenant that holds its
 * registration, carrying that tenant's id and domain, and OOBE compares it with the tenant of the
 * user's UPN domain (device/windows/tenant-check.ts).
 *
 * Which tenant a domain belongs to is answered as Microsoft Entra answers it: the tenant's OpenID
 * Connect discovery document, `<authority>/<domain>/v2.0/.well-known/openid-configuration`, whose
 * `issuer` names the tenant id; a domain no tenant holds is HTTP 400 AADSTS90002 "Tenant '…' not found"
 * (Microsoft Entra error codes reference).
 */
import type { HttpResponse } from "../../ports/http.js";
import { oauthErrorJson } from "../../wire/windows/caa.js";
import type { OtherTenant, PolicyConfig } from "../policy/types.js";
import type { WindowsServerConfig } from "./config.js";

/** This tenant's id (the one the deployment-service stand-in has always put in profiles). */
export const OWN_TENANT_ID = "00000000-0000-0000-0000-00000000e501";

export interface TenantRef {
  id: string;
  domain: string;
}

const lower = (s: string): string => s.toLowerCase();

/** A stable tenant id for another tenant that names none: a GUID made of the domain's FNV-1a hashes. */
export function derivedTenantId(domain: string): string {
  let hex = "";
  for (let round = 0; hex.length < 32; round++) {
    let h = 0x811c9dc5 ^ round;
    for (const ch of `${round}:${lower(domain)}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
    hex += h.toString(16).padStart(8, "0");
  }
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

const refOf = (t: OtherTenant): TenantRef => ({ id: t.id ?? derivedTenantId(t.domain), domain: t.domain });

/** The tenant a domain belongs to; undefined when none does. */
export function tenantOfDomain(policy: PolicyConfig, cfg: WindowsServerConfig, domain: string): TenantRef | undefined {
  const d = lower(domain);
  if (!d) return undefined;
  const other = (policy.otherTenants ?? []).find((t) => lower(t.domain) === d || (t.domains ?? []).some((x) => lower(x) === d));
  if (other) return refOf(other);
  const own = { id: OWN_TENANT_ID, domain: cfg.autopilot.tenantDomain };
  if (lower(cfg.autopilot.tenantDomain) === d) return own;
  const verified = verifiedDomains(policy);
  if (verified === undefined || verified.includes(d)) return own;
  return undefined;
}

/** This tenant's verified custom domains, lower-case (a domain listed `verified: false` is not one); undefined when the policy lists none. */
export function verifiedDomains(policy: PolicyConfig): string[] | undefined {
  const list = policy.directory?.domains;
  if (list === undefined) return undefined;
  return list.flatMap((x) => (typeof x === "string" ? [lower(x)] : x.verified === false ? [] : [lower(x.name)]));
}

/**
 * Whether a user's UPN suffix is a verified domain of this tenant (its initial domain, or a verified custom domain;
 * every domain when the policy lists none). Microsoft Learn, "Troubleshoot Windows device enrollment problems in
 * Microsoft Intune", error 0x8018002b: "The UPN contains an unverified or non-routable domain, such as .local (like
 * joe@contoso.local)". A subdomain of a verified domain is not verified by that (it is its own entry: IntuneDocs#3335's
 * ad.<domain>). Another tenant's domain is not this tenant's.
 */
export function upnDomainVerified(policy: PolicyConfig, initialDomain: string, upn: string): boolean {
  const d = lower(upn.split("@")[1] ?? "");
  if (d === lower(initialDomain)) return true;
  const verified = verifiedDomains(policy);
  return verified === undefined || verified.includes(d);
}

/** The tenant that holds a serial's Autopilot registration, when another tenant does. */
export function otherTenantOfSerial(policy: PolicyConfig, serial: string): TenantRef | undefined {
  const s = serial.toUpperCase();
  const t = (policy.otherTenants ?? []).find((x) => (x.autopilot?.registered ?? []).some((r) => r.toUpperCase() === s));
  return t ? refOf(t) : undefined;
}

const json = (status: number, v: unknown): HttpResponse => ({ status, headers: { "content-type": "application/json; charset=utf-8" }, body: new TextEncoder().encode(typeof v === "string" ? v : JSON.stringify(v)), url: "" });

/** `<authority>/<tenant>/v2.0/.well-known/openid-configuration` for a domain (or a tenant id). */
export function openIdConfiguration(authority: string, policy: PolicyConfig, cfg: WindowsServerConfig, tenant: string): HttpResponse {
  const byId = [{ id: OWN_TENANT_ID, domain: cfg.autopilot.tenantDomain }, ...(policy.otherTenants ?? []).map(refOf)].find((t) => t.id === lower(tenant));
  const t = byId ?? tenantOfDomain(policy, cfg, tenant);
  if (!t) {
    return json(400, oauthErrorJson("invalid_tenant", 90002, `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`));
  }
  const base = `${authority}/${t.id}`;
  return json(200, {
    issuer: `${base}/v2.0`,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    token_endpoint: `${base}/oauth2/v2.0/token`,
    response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
    subject_types_supported: ["pairwise"],
    id_token_signing_alg_values_supported: ["RS256"],
  });
}

/**
 * Entra's user realm for a UPN, `<authority>/common/userrealm/<upn>?api-version=1.0` (what ADAL asks before
 * integrated Windows authentication): `account_type` Federated for a domain of
 * `embedded.policy.directory.federatedDomains` (federated with an on-premises identity provider such as AD FS),
 * Managed for this tenant's other domains and other tenants' domains, Unknown for a domain no tenant holds.
 */
export function userRealm(policy: PolicyConfig, cfg: WindowsServerConfig, upn: string): HttpResponse {
  const domain = lower(upn.split("@")[1] ?? "");
  const tenant = tenantOfDomain(policy, cfg, domain);
  const federated = tenant?.id === OWN_TENANT_ID && (policy.directory?.federatedDomains ?? []).some((d) => lower(d) === domain);
  const accountType = !tenant ? "Unknown" : federated ? "Federated" : "Managed";
  return json(200, {
    ver: "1.0",
    account_type: accountType,
    domain_name: domain,
    ...(federated ? { federation_protocol: "WSTrust" } : {}),
    cloud_instance_name: "microsoftonline.com",
    cloud_audience_urn: "urn:federation:MicrosoftOnline",
  });
}
