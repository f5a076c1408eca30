// SPDX-License-Identifier: MIT
/**
 * Microsoft Entra Conditional Access as tenant data (`embedded.policy.conditionalAccess`), evaluated at
 * every sign-in the reference server has: the Windows identity provider (OOBE, Settings, Federated
 * enrollment), the Store licence service, Apple's legacy Setup Assistant sign-in on the ADE enrollment
 * URL and the Android enrollment sign-in (`/android/idp/authorize`).
 *
 * A policy applies when its state is on (reportOnly: evaluated and logged, never enforced), the user is
 * included and not excluded (UPN, group, "all-users"), the cloud app is included and not excluded, the
 * device platform and the client app type match. Its grant is block, or built-in controls and terms of
 * use, all of them (AND) or one (OR). Across the applying policies: a block wins (AADSTS53003); then the
 * controls the user can satisfy in the sign-in, multifactor authentication first, then terms of use
 * (an interrupt: the sign-in asks, the user answers or leaves); then the device controls nobody can
 * satisfy during the sign-in: compliant device (AADSTS53000), hybrid-joined device (AADSTS53001),
 * approved client app (AADSTS53002).
 *
 * Sources: Microsoft Learn "Conditional Access: Cloud apps, actions, and authentication context" (app
 * names and ids), "Conditional Access: Grant" (controls, require all / one), "Microsoft Entra terms of
 * use" (expand, per-device consent; "The Intune Enrollment app isn't supported" for per-device terms of
 * use), "Microsoft Entra authentication and authorization error codes" (reference-error-codes: 50076,
 * 53000–53003, texts below); Windows Autopilot known issues ("The Intune Enrollment app must be excluded
 * from any Conditional Access policy requiring Terms of Use"); shared/notes/server-policies.md §10.4
 * (MFA on Microsoft Intune Enrollment; "do not use device-based access rules for Intune enrollment").
 * No AADSTS code is published for a declined or unanswerable terms-of-use interrupt: none is invented.
 */
import { ALL_CLOUD_APPS, CLOUD_APPS, USER_ACTIONS, type CloudApp } from "../../runner/scenario/cloud-apps.js";
import { ALL_USERS, groupsOf } from "./directory.js";
import type { CaClientApp, CaGrantControl, CaPolicy, ConditionalAccessConfig, PolicyConfig, PolicyPlatform, TermsOfUseDocument } from "./types.js";

export { ALL_CLOUD_APPS, CLOUD_APPS, CLOUD_APP_NAMES } from "../../runner/scenario/cloud-apps.js";
const APPS: CloudApp[] = Object.values(CLOUD_APPS);

/** The app id a scenario name stands for ("*" for All cloud apps); unknown names stay as written. */
export function appId(name: string): string {
  if (name === ALL_CLOUD_APPS || name === "All") return "*";
  const n = name.toLowerCase();
  return APPS.find((a) => a.id.toLowerCase() === n || a.name.toLowerCase() === n || a.aliases?.some((x) => x === n))?.id ?? name;
}

export const AADSTS_TEXT = {
  50076: "Due to a configuration change made by the admin, or because you moved to a new location, the user must use multi-factor authentication to access the resource.",
  53000: "Device is not in required device state: compliant. Conditional Access policy requires a compliant device, and the device is not compliant. The user must enroll their device with an approved MDM provider like Intune.",
  53001: "Conditional Access policy requires a domain joined device, and the device is not domain joined. Have the user use a domain joined device.",
  53002: "The app used is not an approved app for Conditional Access. User needs to use one of the apps from the list of approved apps to use in order to get access.",
  53003: "Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.",
} as const;
export type CaCode = keyof typeof AADSTS_TEXT;

/** What the sign-in is: who, to which app, from which platform and client, and what the device and session show. */
export interface CaSignIn {
  upn?: string;
  /** Cloud app id (CLOUD_APPS). */
  app: string;
  /** The device platform; undefined when the sign-in does not say (Entra: a policy naming platforms then does not apply). */
  platform: PolicyPlatform | undefined;
  clientApp: CaClientApp;
  /** The device's directory id when it is registered or joined; compliant / hybrid-joined as the directory records it. */
  device: { id?: string; compliant: boolean; hybridJoined: boolean };
  /** Multifactor authentication done in this sign-in. */
  mfa: boolean;
  /** The client is an approved client app. Default false. */
  approvedClientApp?: boolean;
}

export type DeviceControl = "compliantDevice" | "domainJoinedDevice" | "approvedApplication";
const DEVICE_CODE: Record<DeviceControl, CaCode> = { compliantDevice: 53000, domainJoinedDevice: 53001, approvedApplication: 53002 };

export interface CaPolicyResult {
  policy: string;
  state: "on" | "reportOnly";
  result: "success" | "failure" | "interrupt";
}

export type CaDecision =
  | { kind: "granted"; results: CaPolicyResult[] }
  | { kind: "blocked"; code: 53003; policy: string; results: CaPolicyResult[] }
  | { kind: "mfa"; policy: string; results: CaPolicyResult[] }
  | { kind: "terms"; terms: TermsOfUseDocument; policy: string; results: CaPolicyResult[] }
  | { kind: "device"; control: DeviceControl; code: CaCode; policy: string; results: CaPolicyResult[] };

/** The old flat keys as the policies they stand for, with the reach they always had (README.md "embedded.policy"). */
export function caPolicies(ca: ConditionalAccessConfig | undefined): CaPolicy[] {
  if (!ca) return [];
  const out: CaPolicy[] = [...(ca.policies ?? [])];
  const exclude = ca.excludeApps ?? [];
  if (ca.requireCompliantDevice) {
    out.push({ name: "requireCompliantDevice (shorthand): Store licences", apps: { include: [CLOUD_APPS.storeForBusiness.id], exclude }, grant: { controls: ["compliantDevice"] } });
    out.push({ name: "requireCompliantDevice (shorthand): Android enrollment", apps: { include: [CLOUD_APPS.intuneEnrollment.id], exclude }, platforms: { include: ["android"] }, grant: { controls: ["compliantDevice"] } });
  }
  if (ca.requireMfa) out.push({ name: "requireMfa (shorthand)", apps: { include: [CLOUD_APPS.intuneEnrollment.id] }, platforms: { include: ["windows", "ios", "macos"] }, grant: { controls: ["mfa"] } });
  return out;
}

function userIn(cfg: PolicyConfig, list: string[] | undefined, upn: string | undefined): boolean {
  if (!list?.length) return false;
  if (list.includes(ALL_USERS)) return true;
  if (!upn) return false;
  const u = upn.toLowerCase();
  const groups = groupsOf(cfg, upn);
  return list.some((x) => x.toLowerCase() === u || groups.has(x));
}

function applies(cfg: PolicyConfig, p: CaPolicy, s: CaSignIn): boolean {
  if (!userIn(cfg, p.users?.include ?? [ALL_USERS], s.upn) || userIn(cfg, p.users?.exclude, s.upn)) return false;
  const inc = (p.apps?.include ?? [ALL_CLOUD_APPS]).map(appId);
  if (!inc.includes(s.app) && (!inc.includes("*") || USER_ACTIONS.includes(s.app))) return false;
  if ((p.apps?.exclude ?? []).map(appId).includes(s.app)) return false;
  const plat = p.platforms?.include;
  if (plat && !plat.includes("all") && (!s.platform || !plat.includes(s.platform))) return false;
  if (s.platform && p.platforms?.exclude?.includes(s.platform)) return false;
  return !p.clientApps || p.clientApps.includes(s.clientApp);
}

type Need = { kind: "mfa" } | { kind: "terms"; doc: TermsOfUseDocument } | { kind: "device"; control: DeviceControl };

/** What one policy still needs: nothing (satisfied), or the requirement to present first. */
function need(p: CaPolicy, s: CaSignIn, docs: TermsOfUseDocument[], accepted: (doc: TermsOfUseDocument) => boolean): Need | undefined {
  const controls = (p.grant.controls ?? []).filter((c): c is Exclude<CaGrantControl, "block"> => c !== "block");
  const terms = (p.grant.termsOfUse ?? []).map((n) => docs.find((d) => d.name === n) ?? { name: n });
  const missing: Need[] = [];
  for (const c of controls) {
    if (c === "mfa" ? s.mfa : c === "compliantDevice" ? s.device.compliant : c === "domainJoinedDevice" ? s.device.hybridJoined : !!s.approvedClientApp) continue;
    missing.push(c === "mfa" ? { kind: "mfa" } : { kind: "device", control: c });
  }
  for (const d of terms) if (!accepted(d)) missing.push({ kind: "terms", doc: d });
  const total = controls.length + terms.length;
  if (!missing.length || (p.grant.operator === "OR" && missing.length < total)) return undefined;
  const interactive = missing.filter((m) => m.kind !== "device");
  const device = missing.filter((m) => m.kind === "device");
  // Prompts come first, MFA before terms (AND: a device control that fails stays failed after them; OR: a prompt can satisfy the policy).
  return interactive.find((m) => m.kind === "mfa") ?? interactive[0] ?? device[0];
}

/**
 * Evaluates the tenant's policies for one sign-in. `accepted` says whether the user (or, for a
 * per-device document, this device) has accepted a terms-of-use document.
 */
export function evaluateCa(cfg: PolicyConfig, s: CaSignIn, accepted: (doc: TermsOfUseDocument) => boolean): CaDecision {
  const docs = cfg.conditionalAccess?.termsOfUse ?? [];
  const results: CaPolicyResult[] = [];
  let blocked: string | undefined;
  const needs: { policy: string; n: Need }[] = [];
  for (const p of caPolicies(cfg.conditionalAccess)) {
    if (p.state === "off" || !applies(cfg, p, s)) continue;
    const state = p.state === "reportOnly" ? "reportOnly" : "on";
    const n = p.grant.controls?.includes("block") ? ({ kind: "block" } as const) : need(p, s, docs, accepted);
    results.push({ policy: p.name, state, result: !n ? "success" : n.kind === "mfa" || n.kind === "terms" ? "interrupt" : "failure" });
    if (state === "reportOnly" || !n) continue;
    if (n.kind === "block") blocked ??= p.name;
    else needs.push({ policy: p.name, n });
  }
  if (blocked) return { kind: "blocked", code: 53003, policy: blocked, results };
  const pick = needs.find((x) => x.n.kind === "mfa") ?? needs.find((x) => x.n.kind === "terms") ?? needs[0];
  if (!pick) return { kind: "granted", results };
  const n = pick.n;
  if (n.kind === "mfa") return { kind: "mfa", policy: pick.policy, results };
  if (n.kind === "terms") return { kind: "terms", terms: n.doc, policy: pick.policy, results };
  return { kind: "device", control: n.control, code: DEVICE_CODE[n.control], policy: pick.policy, results };
}

/** One evaluated sign-in, as the tenant's sign-in log keeps it (`records().signIns`). */
export interface CaSignInRecord {
  at: number;
  upn?: string;
  app: string;
  platform?: PolicyPlatform;
  result: CaDecision["kind"];
  policy?: string;
  policies: CaPolicyResult[];
}

/** Terms-of-use consents (per user, or per user and device) and the sign-in log. */
export class ConditionalAccessState {
  private readonly consents = new Map<string, boolean>();
  readonly signIns: CaSignInRecord[] = [];

  private key(doc: TermsOfUseDocument, upn: string | undefined, deviceId: string | undefined): string {
    return `${(upn ?? "").toLowerCase()}|${doc.name}${doc.perDevice ? `|${deviceId ?? ""}` : ""}`;
  }

  accepted(doc: TermsOfUseDocument, upn: string | undefined, deviceId: string | undefined): boolean {
    return this.consents.get(this.key(doc, upn, deviceId)) === true;
  }

  /** Records the user's answer; a per-device consent needs a registered device (its id). */
  answer(doc: TermsOfUseDocument, upn: string | undefined, deviceId: string | undefined, accept: boolean): void {
    if (doc.perDevice && !deviceId) return;
    this.consents.set(this.key(doc, upn, deviceId), accept);
  }

  log(at: number, s: CaSignIn, d: CaDecision): void {
    this.signIns.push({ at, ...(s.upn ? { upn: s.upn } : {}), app: s.app, ...(s.platform ? { platform: s.platform } : {}), result: d.kind, ...("policy" in d ? { policy: d.policy } : {}), policies: d.results });
    if (this.signIns.length > 1000) this.signIns.shift();
  }

  forget(): void {
    this.consents.clear();
    this.signIns.length = 0;
  }
}

export interface CaOAuthError {
  /** OAuth 2.0 error (interaction_required: Entra's token endpoint answer for conditional-access failures). */
  error: string;
  /** The AADSTS code when one is published for this outcome. */
  aadsts?: number;
  /** error_description: "AADSTSnnnnn: text", or a plain sentence when no code is published. */
  description: string;
}

/**
 * What Entra's token endpoint answers a sign-in that cannot show prompts (a background token request,
 * a legacy or password-only sign-in, the Store licence service) when the decision is not granted: an
 * MFA requirement is AADSTS50076; a terms-of-use interrupt has no published code, so the description
 * says so and carries none.
 */
export function caOAuthError(d: Exclude<CaDecision, { kind: "granted" }>): CaOAuthError {
  const coded = (aadsts: CaCode): CaOAuthError => ({ error: "interaction_required", aadsts, description: `AADSTS${aadsts}: ${AADSTS_TEXT[aadsts]}` });
  if (d.kind === "blocked" || d.kind === "device") return coded(d.code);
  if (d.kind === "mfa") return coded(50076);
  return { error: "interaction_required", description: `The terms of use "${d.terms.name}" must be accepted (Conditional Access policy "${d.policy}"); this sign-in cannot show them (no AADSTS code is published for this interrupt)` };
}
