// SPDX-License-Identifier: MIT
/**
 * Who the device is to the enrollment service: the identity provider's web sign-in (or the
 * auto-enroll task's token), the directory join or registration, the authentication plug-in that
 * discovery's AuthPolicy selects (OnPremise, Certificate, token, Federated), and Terms of Use.
 */
import { tpmFacts } from "./tpm-facts.js";
import { ProtocolViolationError, ScenarioError, TransportError } from "../../errors/index.js";
import { decoded, note, step } from "../../protocol/common/context.js";
import type { Credentials } from "../../protocol/windows/enroll.js";
import { federatedSignIn } from "../../protocol/windows/federated.js";
import { DRS_RESOURCE, joinDirectory, type JoinOutcome } from "../../protocol/windows/join.js";
import { termsOfUse, TOU_DECLINED_TEXT, TOU_UNREACHABLE_TEXT } from "../../protocol/windows/terms.js";
import type { DiscoverResult } from "../../wire/windows/discovery.js";
import { hresultHex, MENROLL, uiTextFor } from "../../wire/windows/menroll.js";
import { TOKEN } from "../../wire/windows/ns.js";
import { accessTokenClaims } from "../../wire/windows/entra-token.js";
import { mfaCode, mintToken } from "../../wire/windows/token.js";
import { toPem } from "../../wire/x509/certificate.js";
import { enrollScep } from "../behaviors/scep-enrollment.js";
import { typedPassword } from "../behaviors/typed-password.js";
import type { EnrollRun, WindowsFlowResult } from "./run.js";
import { alreadyInDirectory, managementAgentBlock, tpmState } from "./state.js";
import { joinFailure } from "./join-shown.js";
import { pageShown, signInShown } from "./signin-shown.js";
import { gpoCredentialOf } from "./gpo-event.js";
import { gpoMdmLookup } from "./gpo-lookup.js";
import { integratedRealm } from "./integrated-auth.js";
import { windowsScreen } from "./shown.js";

/** The tenant id minted tokens carry: the embedded server's tenant. */
const MINTED_TENANT_ID = "00000000-0000-0000-0000-00000000e501";

export interface SignedIn {
  /** The identity provider's token (tokenSource idp). */
  idpToken?: string;
  /** Add work or school account (Entra): the device registration allowed MDM enrollment. */
  entraRegistered: boolean;
}

/** The identity provider sign-in and the directory join / registration that come before discovery. */
export async function signInAndJoin(run: EnrollRun): Promise<SignedIn | WindowsFlowResult> {
  const { o, w, p, fail, upn, https, embedded, tokenFlow } = run;
  // ---- Identity provider: the user's web sign-in (OOBE) or the auto-enroll task's token, then the directory join ----
  let idpToken: string | undefined;
  // Settings › Access work or school › Connect (workAccount entra) signs the user in at the identity provider too.
  const settingsSignIn = o.kind === "byod" && o.raw.workAccount === "entra" && !alreadyInDirectory(run.state, "registration");
  if (o.raw.tokenSource === "integrated" && o.kind !== "gpo") {
    throw new ScenarioError(`tokenSource integrated is the co-management client's integrated Windows authentication on a domain PC: flow windows-gpo only, not windows-${o.kind}`);
  }
  if (((tokenFlow && o.kind !== "bulk") || settingsSignIn) && (o.raw.tokenSource === "idp" || o.raw.tokenSource === "integrated")) {
    const idpUrl = o.raw.identityProviderUrl ?? (https ? `${https}/EnrollmentServer/Auth` : undefined);
    if (!idpUrl) throw new ScenarioError(`tokenSource ${o.raw.tokenSource} needs options.windows.identityProviderUrl (or the embedded server)`);
    if (o.raw.tokenSource === "integrated") {
      const refused = await integratedRealm(run, idpUrl);
      if (refused) return refused;
    }
    // The Settings sign-in dialog shows the identity provider's terms-of-use page; OOBE (Autopilot) and the background task do not
    // (Windows Autopilot known issues: the Intune Enrollment app must be excluded from any Conditional Access policy requiring terms of use).
    const fed = await federatedSignIn(p, idpUrl, upn, typedPassword(run.ctx, "auth.federated", o.password, o.raw.mistypedPasswords), {
      secondFactor: () => mfaCode(upn, o.tokenKey, p.crypto),
      transportAsOutcome: true,
      ...(settingsSignIn ? { termsOfUse: () => "accept" as const } : {}),
      ...deviceIdentity(run, userJoins(run) || settingsSignIn),
    });
    if (fed.status === "prompt-unsupported") return termsUnsupported(run, fed.name, o.kind === "gpo" ? "windows-gpo" : "windows-autopilot");
    if (fed.status === "identity-provider") {
      return fail("windows.auth.identity-provider", "auth.federated", `AuthenticationServiceUrl sent the device to the identity provider at ${new URL(fed.location).origin} (the protocol working, not a server fault); enrollsim signs in only at pages of the AuthenticationServiceUrl's own site`);
    }
    if (fed.status === "page") {
      const s = pageShown(fed.page, fed.httpStatus);
      return { ...fail("windows.auth.idp-page", "auth.federated", s.message), shown: { ...s.shown, screen: windowsScreen("auth.federated", o.kind === "gpo" ? "windows-gpo" : settingsSignIn ? "windows-byod" : "windows-autopilot") } };
    }
    if (fed.status !== "token") {
      // The sign-in failed: the Web Account Manager's CAA code and what OOBE or Event 76 shows (signin-shown.ts).
      const gpo = o.kind === "gpo";
      const failure = fed.status === "unreachable" ? { kind: "transport" as const, error: fed.error, pageLoaded: fed.pageLoaded } : { kind: "refused" as const, httpStatus: fed.httpStatus, ...(fed.oauth ? { oauth: fed.oauth } : {}) };
      const s = signInShown(failure, gpo ? "broker" : "web", gpo ? "event76" : settingsSignIn ? "settings" : "oobe", gpoCredentialOf(o.raw));
      const unreachable = settingsSignIn ? "windows.byod.idp-unreachable" : "windows.oobe.idp-blocked";
      const code = gpo ? "windows.gpo.token-unavailable" : fed.status === "unreachable" ? unreachable : "windows.auth.federated-refused";
      return { ...fail(code, "auth.federated", s.message), shown: { ...s.shown, screen: windowsScreen("auth.federated", gpo ? "windows-gpo" : settingsSignIn ? "windows-byod" : "windows-autopilot") } };
    }
    idpToken = fed.token;
  }
  const drsUrl = o.raw.drsUrl ?? (embedded && https ? `${https}/windows/drs/join` : undefined);
  let entraRegistered = false;
  if (o.kind === "byod" && o.raw.workAccount === "entra" && alreadyInDirectory(run.state, "registration")) {
    // Already registered or joined: the work account uses the device's existing directory identity.
    entraRegistered = true;
    note(p, "join.register", { skipped: `device already ${run.state.join}` });
  } else if (o.kind === "byod" && o.raw.workAccount === "entra") {
    // Add work or school account (Entra): the device is registered first; the directory's user scopes
    // decide whether it is then MDM-enrolled or gets app protection (MAM) only.
    if (!drsUrl) throw new ScenarioError("workAccount entra needs options.windows.drsUrl (or the embedded server)");
    const reg = await joinDirectory(p, drsUrl, { upn, deviceId: w.deviceId, bulk: false, registration: true, serialNumber: run.id.serialNumber, tpm: run.state.tpm.version }, idpToken);
    if (reg.status === "refused") return refusedJoin(run, reg, false);
    entraRegistered = reg.mdm;
    if (!reg.mdm && reg.noMdm === "upn-domain-unverified") return noMdmUrl(run, "registered", reg.noMdm);
    if (!reg.mdm) {
      return fail(
        "windows.byod.mam-only",
        "join.register",
        reg.mam
          ? "The device is registered but not MDM-enrolled: the user is in the MAM user scope, which takes precedence on personal devices; app-protection policy applies instead"
          : "The device is registered but not MDM-enrolled: the user is outside the MDM user scope",
      );
    }
  }
  if (o.kind === "gpo" && run.state.join === "domain-joined" && drsUrl) {
    // A domain-joined PC registers itself (the Automatic-Device-Join task): a sync join, which needs the computer's
    // object synced from Active Directory by Entra Connect. Only then does the auto-enroll task find a hybrid join.
    const synced = await joinDirectory(p, drsUrl, { upn, deviceId: w.deviceId, bulk: false, serialNumber: run.id.serialNumber, hybrid: true, tpm: run.state.tpm.version });
    if (synced.status === "refused") return refusedJoin(run, synced, false);
    run.state.join = "hybrid-joined";
  }
  // Every run of the auto-enroll task looks the user's MDM enrollment URL up, joined in this run or long before (gpo-lookup.ts).
  if (o.kind === "gpo") {
    const none = await gpoMdmLookup(run, drsUrl);
    if (none) return none;
  }
  if ((o.kind === "autopilot" || o.kind === "bulk") && drsUrl && !alreadyInDirectory(run.state, "join")) {
    // Entra join comes before MDM enrollment (Autopilot, provisioning packages); the directory may refuse it.
    // A provisioning package that creates no local account leaves no way to sign in if the join fails.
    const noLocalAccount = o.kind === "bulk" && o.raw.bulkPackage?.localAccount === false;
    const attested = o.kind === "autopilot" && (o.mode === "self-deploying" || o.mode === "pre-provisioned");
    const unusable = (why: string) =>
      fail("windows.bulk.device-unusable", "join.register", `Device unreachable and unusable: the package created no local account and ${why}; wipe or recovery needed`);
    let joined: Awaited<ReturnType<typeof joinDirectory>>;
    try {
      joined = await joinDirectory(p, drsUrl, {
        // A TPM-attested join (self-deploying, pre-provisioning) is userless: the device authenticates as its Autopilot object.
        ...(attested ? {} : { upn }),
        deviceId: w.deviceId,
        bulk: o.kind === "bulk",
        serialNumber: run.id.serialNumber,
        // Without a profile (oobe-fallback.ts) the join is an ordinary OOBE user join, not an Autopilot one.
        ...(o.kind === "autopilot" && !run.withoutProfile ? { autopilot: true, attested } : {}),
        tpm: tpmState(run.id).version,
        // The attestation statement's TPM maker and firmware (tpm-facts.ts), as the TPM is now: the service's attestation model reads them.
        ...(attested ? tpmFacts(tpmState(run.id)) : {}),
      }, attested ? undefined : (idpToken ?? (o.kind === "bulk" ? (o.raw.token ?? packageToken(run, DRS_RESOURCE)) : undefined)));
    } catch (e) {
      if (noLocalAccount && e instanceof TransportError) return unusable(`the join could not reach the directory (${e.message})`);
      throw e;
    }
    if (joined.status === "refused" && noLocalAccount) return unusable(`the join failed (${joined.error})`);
    if (joined.status === "refused") return refusedJoin(run, joined, attested);
    // Joined, but the directory's MDM user scope leaves this user out: the join carries no MDM enrollment URLs,
    // so automatic enrollment has no MDM to enroll with (MENROLL_E_MDM_NOT_CONFIGURED; windows.md §7.2).
    if (!joined.mdm) return noMdmUrl(run, "joined", joined.noMdm);
    // The join hands over to MDM automatic enrollment: another management agent on the PC blocks it (0x80180026, state.ts).
    const blocked = managementAgentBlock(run.state);
    if (blocked) return fail(blocked.code, "enroll.precheck", blocked.message);
  }
  return { ...(idpToken !== undefined ? { idpToken } : {}), entraRegistered };
}

/**
 * The join or registration carried no MDM enrollment URL (MENROLL_E_MDM_NOT_CONFIGURED; windows.md §7.2): the user is
 * outside the MDM user scope, or the UPN suffix is not a verified domain of the tenant (the directory's reason, `noMdm`).
 * No screen text is published for 0x8018002B outside Event 76: the generic "Something went wrong" form (menroll.ts).
 */
function noMdmUrl(run: EnrollRun, joined: "joined" | "registered", reason: string | undefined): WindowsFlowResult {
  const m = MENROLL.MENROLL_E_MDM_NOT_CONFIGURED!;
  const domain = run.upn.split("@")[1] ?? run.upn;
  const why = reason === "upn-domain-unverified" ? `${domain} is not a verified domain of the tenant` : `${run.upn} is outside the MDM user scope`;
  return run.fail("windows.join.mdm-not-configured", "join.register", `Something went wrong. ${m.name} (${hresultHex(m.hresult).toLowerCase()}): the device ${joined} the directory, but ${why}, so no MDM enrollment URL came with the ${joined === "joined" ? "join" : "registration"}`);
}

/**
 * A device already registered or joined in the directory names itself at the sign-in (`device_id`), so conditional
 * access can read its state (joined, hybrid joined, compliant). Real Windows proves it with its device key (the
 * primary refresh token / PKeyAuth); this stand-in sends the id unsigned and the reference server takes it as said.
 */
function deviceIdentity(run: EnrollRun, joins = false): { query?: Record<string, string> } {
  const query: Record<string, string> = {
    ...(alreadyInDirectory(run.state, "registration") ? { device_id: run.w.deviceId } : {}),
    // The sign-in before a join asks a token for the device registration service, which the tenant may require MFA for.
    ...(joins ? { resource: DRS_RESOURCE } : {}),
  };
  return Object.keys(query).length ? { query } : {};
}

/** This run's sign-in precedes a user's Entra join (Autopilot user-driven or plain OOBE), not an attested or existing one. */
function userJoins(run: EnrollRun): boolean {
  const { o } = run;
  return o.kind === "autopilot" && o.mode !== "self-deploying" && o.mode !== "pre-provisioned" && !alreadyInDirectory(run.state, "join");
}

/**
 * The identity provider asked for a terms-of-use page this sign-in cannot show (Autopilot OOBE, the background
 * auto-enroll task). Microsoft publishes the limitation (Windows Autopilot known issues, "Device-based Conditional
 * Access policies"; Entra terms of use: "The Intune Enrollment app isn't supported" for per-device terms) but no
 * screen text or code for it: none is shown.
 */
function termsUnsupported(run: EnrollRun, name: string, flow: string): WindowsFlowResult {
  const message = `The sign-in for Microsoft Intune Enrollment requires the terms of use "${name}" (Conditional Access), which this sign-in cannot show; exclude Microsoft Intune Enrollment from the policy (no device text or code is published for this)`;
  return { ...run.fail("windows.auth.terms-of-use-unsupported", "auth.federated", message), shown: { text: "(not published: the sign-in does not complete)", screen: windowsScreen("auth.federated", flow) } };
}

/** A refused join or registration: the outcome and what the device shows (join-shown.ts); an Autopilot ESP line fails its Device preparation phase. */
function refusedJoin(run: EnrollRun, r: Extract<JoinOutcome, { status: "refused" }>, attested: boolean): WindowsFlowResult {
  const prep = run.report.esp.find((e) => e.phase === "DevicePreparation" && e.result === "success");
  // The screen follows the step and flow (withWindowsShown) unless the failure is an ESP Device preparation line.
  const f = joinFailure(r, { flowKind: run.o.kind, attested, screen: "" });
  if (prep && f.espLine) {
    prep.result = "failed";
    prep.endedAt = run.p.clock.now();
    prep.screen = f.espLine;
    f.shown.screen = "Enrollment Status Page (Device preparation)";
  }
  return { ...run.fail(f.code, "join.register", f.message), shown: f.shown };
}

/** The authentication plug-in discovery's AuthPolicy selects: the credentials of the enrollment requests. */
export async function authenticate(run: EnrollRun, disc: DiscoverResult, idpToken: string | undefined): Promise<Credentials | WindowsFlowResult> {
  const { ctx, o, w, p, fail, upn, tokenFlow } = run;
  let creds: Credentials;
  // Settings › Access work or school with an Entra account: the registered device enrolls with the Entra access token of the
  // sign-in (for the MDM application), not with discovery's AuthPolicy (fleetdm/fleet#46388 QA: that enrollment's token
  // carries the MDM application's aud).
  const entraToken = o.kind === "byod" && o.raw.workAccount === "entra" ? idpToken : undefined;
  if (entraToken) creds = { kind: "token", valueType: TOKEN.jwt, token: entraToken };
  else if (disc.authPolicy === "OnPremise") creds = { kind: "onpremise", username: upn, password: typedPassword(run.ctx, "enroll.rst", o.password, o.raw.mistypedPasswords) };
  else if (disc.authPolicy === "Certificate" && !tokenFlow && o.raw.certificateAuth) {
    // The provisioning package's certificate (stand-in: enrolled from the foundation SCEP CA with the pool key).
    const m = MENROLL.MENROLL_E_CERTAUTH_FAILED_TO_FIND_CERT!;
    const missing = () => fail("windows.auth.certificate-missing", "auth.certificate", `${m.name} (${hresultHex(m.hresult)}): certificate authentication requested, no client certificate found`);
    if (!ctx.targets.scepUrl) return missing();
    const pk = await step(p, "auth.certificate", async () => {
      const r = await enrollScep(ctx, { url: ctx.targets.scepUrl!, subject: `CN=${w.deviceId}`, challenge: o.raw.packageCertChallenge, extendedKeyUsage: ["1.3.6.1.5.5.7.3.2"] });
      if (r.outcome.status !== "issued") {
        note(p, "auth.certificate", { findings: [{ code: "certificate-auth.scep", message: `package certificate not issued: ${r.outcome.status}${"failInfo" in r.outcome ? ` (${String(r.outcome.failInfo)})` : ""}` }] });
        return undefined;
      }
      decoded(p, "auth.certificate", { subject: r.outcome.certificate.subject, issuer: r.outcome.certificate.issuer, serial: r.outcome.certificate.serialHex });
      return { cert: r.outcome.certificate, key: r.key };
    });
    if (!pk) return missing();
    creds = {
      kind: "certificate",
      http: ctx.ports.http.client({ tls: { identity: { certPem: toPem(pk.cert.der), keyPem: p.crypto.privateKeyPem(pk.key) } } }),
    };
  } else if (tokenFlow) {
    // A minted token stands for the one Windows gets from Entra without a sign-in page (its PRT, the package's bulk token):
    // a v1.0 access token whose audience is the MDM server's URL (the App ID URI MDM servers are registered with); an
    // identity-provider sign-in (tokenSource idp) gets the form of the tenant's MDM application (wire/windows/entra-token.ts).
    const token = o.raw.token ?? idpToken ?? packageToken(run, new URL(disc.enrollmentServiceUrl).origin);
    creds = { kind: "token", valueType: TOKEN.jwt, token };
  } else if (disc.authPolicy === "Federated") {
    if (!disc.authenticationServiceUrl) throw new ProtocolViolationError("discovery.no-auth-url", "AuthPolicy Federated without AuthenticationServiceUrl");
    const fed = await federatedSignIn(p, disc.authenticationServiceUrl, upn, typedPassword(run.ctx, "auth.federated", o.password, o.raw.mistypedPasswords), { secondFactor: () => mfaCode(upn, o.tokenKey, p.crypto), termsOfUse: () => "accept", ...deviceIdentity(run) });
    if (fed.status === "prompt-unsupported") return termsUnsupported(run, fed.name, `windows-${o.kind}`);
    if (fed.status === "identity-provider") {
      return fail("windows.auth.identity-provider", "auth.federated", `AuthenticationServiceUrl sent the device to the identity provider at ${new URL(fed.location).origin} (the protocol working, not a server fault); enrollsim signs in only at pages of the AuthenticationServiceUrl's own site`);
    }
    if (fed.status === "refused") {
      const m = MENROLL.MENROLL_E_DEVICE_AUTHENTICATION_ERROR!;
      return fail("windows.auth.federated-refused", "auth.federated", `${m.name} (${hresultHex(m.hresult)}): ${uiTextFor(m)} — ${fed.message}`);
    }
    if (fed.status === "unreachable") throw fed.error; // not asked for: transport failures stay thrown here
    if (fed.status === "page") {
      const s = pageShown(fed.page, fed.httpStatus);
      return { ...fail("windows.auth.idp-page", "auth.federated", s.message), shown: { ...s.shown, screen: windowsScreen("auth.federated", `windows-${o.kind}`) } };
    }
    creds = { kind: "token", valueType: TOKEN.userToken, token: fed.token };
  } else return fail("windows.auth.unsupported", "discovery.post", `AuthPolicy ${disc.authPolicy} is not implemented by this device`);
  return creds;
}

/**
 * The token Windows holds without a sign-in page, for `audience` (the MDM server's origin, or the device registration
 * service): the provisioning package's bulk token (BPRT, `bulk` claim) or a PRT. Bulk tokens live 180 days by default,
 * others 1; `tokenValidityDays` < 0 mints an expired one (a package used after its token expired).
 */
function packageToken(run: EnrollRun, audience: string): string {
  const { o, p, w, upn } = run;
  const days = o.raw.tokenValidityDays ?? (o.kind === "bulk" ? 180 : 1);
  const claims = accessTokenClaims({ app: { appId: audience, identifierUris: [audience] }, tenantId: MINTED_TENANT_ID, upn, nowMs: p.clock.now(), lifetimeSeconds: Math.round(days * 86400), deviceId: w.deviceId, ...(o.kind === "bulk" ? { bulk: true } : {}) });
  return mintToken(claims, o.tokenKey, p.crypto);
}

/** Terms of Use (identity-provider flows): the opaque blob the enrollment request carries as EnrollmentData. */
export async function acceptTerms(run: EnrollRun, creds: Credentials): Promise<{ enrollmentData?: string } | WindowsFlowResult> {
  const { o, p, fail, https } = run;
  let enrollmentData: string | undefined;
  const tou = o.raw.termsOfUse ?? "none";
  if (tou !== "none" && creds.kind === "token") {
    const touUrl = o.raw.termsOfUseUrl ?? (https ? `${https}/windows/tou` : undefined);
    if (!touUrl) throw new ScenarioError("termsOfUse needs options.windows.termsOfUseUrl");
    const t = await termsOfUse(p, touUrl, creds.token, tou === "accept", { osVersion: run.id.os.version });
    if (t.status === "identity-provider") {
      return fail("windows.tou.identity-provider", "enroll.terms", `The Terms of Use page sent the device to the identity provider at ${new URL(t.location).origin} to sign in first (the protocol working, not a server fault); enrollsim does not sign in at external identity providers, so the terms were not reached`);
    }
    if (t.status === "declined") return fail("windows.tou.declined", "enroll.terms", TOU_DECLINED_TEXT);
    if (t.status === "unreachable") return fail("windows.tou.unreachable", "enroll.terms", `${TOU_UNREACHABLE_TEXT} (${t.message})`);
    if (t.status === "error") return fail(`windows.tou.${t.error}`, "enroll.terms", `${TOU_DECLINED_TEXT} (error=${t.error}${t.description ? `: ${t.description}` : ""})`);
    enrollmentData = t.opaqueBlob;
  }
  return enrollmentData !== undefined ? { enrollmentData } : {};
}
