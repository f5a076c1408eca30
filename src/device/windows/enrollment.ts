// SPDX-License-Identifier: MIT
/**
 * The Windows enrollment behaviour, response-driven end to end: discovery (DNS CNAME or the
 * identity provider's URL) → policy (XCEP, when discovery names it) → WSTEP with the model's CSR
 * profile → apply the wap-provisioningdoc (trust Root, client cert from My, ADDR, DMClient) →
 * OMA-DM sessions over mTLS → ESP (Autopilot) on the Clock. Every expected protocol outcome is a
 * FlowResult value; the ESP phase timeline rides along in `windows.esp`.
 */
import { ProtocolViolationError, ScenarioError, TransportError } from "../../errors/index.js";
import { joinDirectory } from "../../protocol/windows/join.js";
import { fetchPushes, openChannel } from "../../protocol/windows/wns.js";
import { firewalled } from "./firewall.js";
import type { HttpClient } from "../../ports/http.js";
import { decoded, note, step } from "../../protocol/common/context.js";
import { discover, enrollmentHost, type DiscoveryOutcome } from "../../protocol/windows/discovery.js";
import { runDmSession, type DmSessionResult } from "../../protocol/windows/dm.js";
import { getPolicies, renewSecurityToken, requestSecurityToken, type Credentials } from "../../protocol/windows/enroll.js";
import { federatedSignIn } from "../../protocol/windows/federated.js";
import { termsOfUse, TOU_DECLINED_TEXT, TOU_UNREACHABLE_TEXT } from "../../protocol/windows/terms.js";
import type { AuthPolicy } from "../../wire/windows/discovery.js";
import { hresultHex, MENROLL, uiTextFor } from "../../wire/windows/menroll.js";
import { TOKEN } from "../../wire/windows/ns.js";
import type { SoapFault } from "../../wire/windows/soap.js";
import type { Command } from "../../wire/windows/syncml.js";
import { mfaCode, mintToken } from "../../wire/windows/token.js";
import { fromB64, type ContextItem } from "../../wire/windows/wstep.js";
import type { EnrollmentPolicy } from "../../wire/windows/xcep.js";
import { parseCertificate, sameBytes, toPem, type Certificate } from "../../wire/x509/certificate.js";
import { substitute } from "../behaviors/substitute.js";
import type { FlowContext, FlowResult } from "../flow.js";
import { CspProcessor, CspTree, devInfoItems, hardwareHash } from "./csp.js";
import { fetchAutopilotProfile, uploadHardwareHash } from "../../protocol/windows/autopilot.js";
import { parseAutopilotProfile, type AutopilotProfile } from "../../wire/windows/autopilot.js";
import { ScepCspJobs } from "./scep-csp.js";
import { enrollScep } from "../behaviors/scep-enrollment.js";
import { embeddedDns, mapDns } from "./dns.js";
import { APP_FAILED_TEXT, AUTOLOGON_FAILED_TEXT, DEFAULT_ESP_ERROR, MsiJobs, REBOOT_PROMPT_TEXT, type RebootRequest, devicePreparationProviders, readEspSettings, trackedItems, type EspPhase } from "./esp.js";
import { expandNameTemplate, type ResolvedWindowsOptions } from "./options.js";
import { espConfigured, registrationItem, setSyncDone, withOsVersion } from "./esp-extra.js";
import { StoreAppJobs } from "./store-apps.js";
import { RenewalSchedule } from "./renewal.js";

export interface WindowsReport {
  discovery?: { url: string; cnameChain: string[]; redirectedFrom?: string };
  addr?: string;
  sessions: number;
  /** Who ended the enrollment: the server (Exec DMClient/Provider/<id>/Unenroll) or the user (Alert 1226). */
  unenrolled?: "server" | "user";
  /** Sessions started by a push (Alert 1200). */
  pushSessions?: number;
  /** The enrollment certificate was renewed (WSTEP Renew) and the next session used the new one. */
  renewed?: boolean;
  /** Scheduled renewal attempts (RenewPeriod/RetryInterval), device time. */
  renewals?: { at: number; ok: boolean; error?: string }[];
  esp: EspPhase[];
  findings: number;
}

/**
 * `serverIds`: what a steady-state check-in needs besides the certificate (the w7 ADDR, the
 * DeviceID). The runner does not carry flow-provided ids yet (see docs/windows.md); the check-in
 * reads them when it does.
 */
export type WindowsFlowResult = FlowResult & { windows: WindowsReport; serverIds?: Record<string, string> };

export const HYBRID_JOIN_FAILED =
  "Something went wrong. Confirm you are using the correct sign-in information and that your organization uses this feature. You can try to do this again or contact your system administrator with the error code 80070774.";

/** Minutes before each of the next `count` polls: first set, second set, then the remaining interval. */
export function pollSchedule(poll: Record<string, string>, count: number): number[] {
  const n = (k: string, d: number) => (/^\d+$/.test(poll[k] ?? "") ? Number(poll[k]) : d);
  const sets: [number, number][] = [
    [n("NumberOfFirstRetries", 8), n("IntervalForFirstSetOfRetries", 3)],
    [n("NumberOfSecondRetries", 8), n("IntervalForSecondSetOfRetries", 15)],
    [n("NumberOfRemainingScheduledRetries", 0) || Number.MAX_SAFE_INTEGER, n("IntervalForRemainingScheduledRetries", 480)],
  ];
  const out: number[] = [];
  for (const [times, every] of sets) for (let i = 0; i < times && out.length < count; i++) out.push(Math.max(1, every));
  return out;
}

const faultResult = (stepName: string, f: SoapFault, report: WindowsReport): WindowsFlowResult => ({
  ok: false,
  code: `windows.fault.${f.errorType ?? f.subcode ?? "unknown"}`,
  step: stepName,
  message: `${f.name} (${f.hresultHex}): ${f.uiText}${f.reason ? ` — server says: ${f.reason}` : ""}`,
  keychain: { identities: [] },
  windows: report,
});

/** A server command as the device recognises a repeat: verb, targets, data (children for Atomic/Sequence). */
const signature = (c: Command): string =>
  `${c.verb}(${c.items.map((i) => `${i.target ?? ""}=${i.data ?? ""}`).join(",")}${c.children ? `[${c.children.map(signature).join(";")}]` : ""})`;

/** Suffixes that cannot be verified in a cloud directory (RFC 6762 .local, RFC 8375 home.arpa, common private TLDs, single labels). */
const NON_ROUTABLE_SUFFIX = /(^[^.]+$)|\.(local|localdomain|lan|internal|corp|intranet|home\.arpa|test|invalid)$/i;

const isWin11 = (version: string): boolean => Number(version.split(".")[2] ?? "0") >= 22000;

export async function runWindowsEnrollment(ctx: FlowContext, o: ResolvedWindowsOptions): Promise<WindowsFlowResult> {
  // options.windows.osVersion: a build older than the catalog's (esp-extra.ts).
  const id = withOsVersion(ctx.identity, o.raw.osVersion);
  const w = id.windows;
  if (!w) throw new ScenarioError(`${id.model} is not a Windows model`);
  // The site's proxy/firewall (options.windows.firewall) refuses some URLs for the device's web requests.
  const p = o.raw.firewall?.length ? { ...ctx.protocol, http: firewalled(ctx.protocol.http, o.raw.firewall) } : ctx.protocol;
  const report: WindowsReport = { sessions: 0, esp: [], findings: 0 };
  const fail = (code: string, stepName: string, message: string): WindowsFlowResult => ({ ok: false, code, step: stepName, message, keychain: { identities: [] }, windows: report });
  const upn = substitute(o.upn, id);
  const osEdition = String(o.raw.osEdition ?? w.edition.osEdition);
  const win11 = isWin11(id.os.version);
  const pretty = o.xmlStyle === "pretty";
  const strict = o.raw.strict ?? false;
  const embedded = ctx.targets.server?.embedded ?? false;
  const https = ctx.targets.server?.https;
  const tokenFlow = o.kind !== "byod";
  let deviceName =
    o.kind === "autopilot" && o.raw.autopilot?.deviceNameTemplate
      ? expandNameTemplate(o.raw.autopilot.deviceNameTemplate, id.serialNumber, (n) => String(p.entropy.fork("name").int(10 ** Math.min(n, 9))).padStart(n, "0"), 15)
      : o.kind === "bulk" && o.raw.autopilot?.deviceNameTemplate
        ? expandNameTemplate(o.raw.autopilot.deviceNameTemplate, id.serialNumber, (n) => String(p.entropy.fork("name").int(10 ** Math.min(n, 9))).padStart(n, "0"), 63)
        : id.deviceName;

  // ---- Enrolment state already on the PC (checked by the enrollment client before anything goes on the wire) ----
  const existing = o.raw.existingEnrollment ?? "none";
  if (existing === "other-user") {
    const m = MENROLL.MENROLL_E_DEVICE_ALREADY_ENROLLED!;
    return fail("windows.enroll.already-enrolled", "enroll.precheck", `${m.name} (${hresultHex(m.hresult)}): "Another user on the system is already connected to a work or school account. Remove that work or school connection and try again."`);
  }
  if (existing === "cloned-image") {
    return fail("windows.enroll.machine-already-enrolled", "enroll.precheck", "0x8007064C: The machine is already enrolled (the image carries the source PC's enrollment certificate and EnterpriseMgmt state)");
  }
  // GPO auto-enroll: the scheduled task finds the MDM for the user's directory UPN; a non-routable,
  // unverifiable suffix (contoso.local) has none, so the task fails before any request (Event 76).
  if (o.kind === "gpo" && NON_ROUTABLE_SUFFIX.test(upn.split("@")[1] ?? "")) {
    const m = MENROLL.MENROLL_E_MDM_NOT_CONFIGURED!;
    return fail("windows.gpo.mdm-not-configured", "enroll.precheck", `Event 76: Auto MDM Enroll: Failed (Unknown Win32 Error code: ${hresultHex(m.hresult).toLowerCase()}) — ${m.name}: UPN suffix of ${upn} is not routable`);
  }

  // ---- Device preparation: TPM attestation (self-deploying / pre-provisioned) ----
  const prepStart = p.clock.now();
  const prep: EspPhase = { phase: "DevicePreparation", startedAt: prepStart, result: "success", items: [] };
  if (o.kind === "autopilot") report.esp.push(prep);
  if (o.kind === "autopilot" && (o.mode === "self-deploying" || o.mode === "pre-provisioned")) {
    // A VM's virtual TPM or a TPM 1.2 cannot do the attestation self-deploying/pre-provisioning need.
    const tpm = o.raw.tpm ?? w.tpmVersion;
    const tpmOk = tpm === "2.0";
    prep.items!.push({ kind: "tpm", id: "Securing your hardware", state: tpmOk ? "done" : "failed", doneAfterMs: 0 });
    if (!tpmOk) {
      prep.result = "failed";
      prep.endedAt = p.clock.now();
      prep.screen = "Securing your hardware (Failed: 0x800705b4)";
      decoded(p, "esp.device-preparation", { ...prep });
      return fail("windows.autopilot.tpm-attestation", "esp.device-preparation", `${prep.screen}; then "Previous step failed" for network join and MDM registration (TPM ${tpm})`);
    }
  }

  // ---- Autopilot profile ----
  let ztdCorrelationId: string | undefined;
  let hybrid = o.kind === "autopilot" && o.mode === "hybrid";
  if (o.kind === "autopilot") {
    const source = o.raw.autopilot?.profileSource ?? "assumed";
    let profile: AutopilotProfile | undefined;
    if (source === "file") profile = await step(p, "autopilot.profile", async () => parseAutopilotProfile(o.raw.autopilot?.profileFile ?? ""));
    else if (source === "service") {
      if (!https) throw new ScenarioError("profileSource service needs the embedded server");
      // The hash was uploaded from this PC before its hardware changed (Get-WindowsAutopilotInfo -Online).
      if (o.raw.autopilot?.uploadHash) await uploadHardwareHash(p, `${https}/windows/autopilot/register`, id.serialNumber, hardwareHash(id, ""));
      const got = await fetchAutopilotProfile(p, `${https}/windows/autopilot/profile`, id.serialNumber, hardwareHash(id, o.raw.autopilot?.hardwareChange ?? ""));
      if (got.status === "not-registered") {
        prep.result = "failed";
        prep.endedAt = p.clock.now();
        return fail("windows.autopilot.profile-missing", "autopilot.profile", "No Autopilot profile for this hardware hash: plain OOBE without the Autopilot experience (a blank profile is cached until the next reboot)");
      }
      if (got.status === "attention-required") {
        prep.result = "failed";
        prep.endedAt = p.clock.now();
        return fail("windows.autopilot.hardware-changed", "autopilot.profile", "The hardware hash no longer matches the registered device: profile status \"Attention required\" (no profile until reset and re-registration)");
      }
      profile = got.profile;
    }
    if (profile) {
      if (profile.CloudAssignedDomainJoinMethod === 1) hybrid = true;
      ztdCorrelationId = profile.ZtdCorrelationId;
      if (profile.CloudAssignedDeviceName && !o.raw.autopilot?.deviceNameTemplate) {
        deviceName = expandNameTemplate(profile.CloudAssignedDeviceName, id.serialNumber, (n) => String(p.entropy.fork("name").int(10 ** Math.min(n, 9))).padStart(n, "0"), 15);
      }
      decoded(p, "autopilot.profile", { source, tenant: profile.CloudAssignedTenantDomain, deviceName, ztdCorrelationId, oobeConfig: profile.CloudAssignedOobeConfig });
    }
  }

  // ---- Provisioning package content (bulk): its scripts run in system context before the join ----
  if (o.kind === "bulk" && o.raw.bulkPackage?.scripts?.length) {
    for (const sc of o.raw.bulkPackage.scripts) {
      const exitCode = sc.exitCode ?? 0;
      decoded(p, "package.script", { name: sc.name, context: "system", exitCode });
      if (exitCode !== 0) {
        // The package stops half-applied; with system rights the script already changed the OS.
        return fail("windows.bulk.script-failed", "package.script", `Provisioning package script "${sc.name}" exited with ${exitCode} in system context: the package stopped half-applied and the device is broken until reimaged`);
      }
    }
  }

  // ---- Identity provider: the user's web sign-in (OOBE) or the auto-enroll task's token, then the directory join ----
  let idpToken: string | undefined;
  if (tokenFlow && o.kind !== "bulk" && o.raw.tokenSource === "idp") {
    const idpUrl = o.raw.identityProviderUrl ?? (https ? `${https}/EnrollmentServer/Auth` : undefined);
    if (!idpUrl) throw new ScenarioError("tokenSource idp needs options.windows.identityProviderUrl (or the embedded server)");
    try {
      const fed = await federatedSignIn(p, idpUrl, upn, o.password, { secondFactor: () => ((o.raw.mfa ?? "complete") === "complete" ? mfaCode(upn, o.tokenKey, p.crypto) : undefined) });
      if (fed.status === "canceled") {
        const m = MENROLL.MENROLL_E_USER_CANCELED!;
        return fail("windows.auth.user-canceled", "auth.federated", `${m.name} (${hresultHex(m.hresult)}): the user cancelled the ${fed.prompt} prompt`);
      }
      if (fed.status === "refused") return fail("windows.auth.federated-refused", "auth.federated", fed.message);
      idpToken = fed.token;
    } catch (e) {
      if (!(e instanceof TransportError)) throw e;
      // The identity provider cannot be reached: OOBE shows OOBEIDPS; the GPO auto-enroll task logs CAA30194.
      if (o.kind === "gpo") return fail("windows.gpo.token-unavailable", "auth.federated", `Auto MDM Enroll: could not get the identity-provider token (CAA30194): ${e.message}`);
      return fail("windows.oobe.idp-blocked", "auth.federated", `Something went wrong. OOBEIDPS. (${e.message})`);
    }
  }
  const drsUrl = o.raw.drsUrl ?? (embedded && https ? `${https}/windows/drs/join` : undefined);
  let entraRegistered = false;
  if (o.kind === "byod" && o.raw.workAccount === "entra") {
    // Add work or school account (Entra): the device is registered first; the directory's user scopes
    // decide whether it is then MDM-enrolled or gets app protection (MAM) only.
    if (!drsUrl) throw new ScenarioError("workAccount entra needs options.windows.drsUrl (or the embedded server)");
    const reg = await joinDirectory(p, drsUrl, { upn, deviceId: w.deviceId, bulk: false, registration: true });
    if (reg.status === "refused") return fail("windows.join.disallowed", "join.register", `Something went wrong. (${reg.error}: ${reg.message})`);
    entraRegistered = reg.mdm;
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
  if ((o.kind === "autopilot" || o.kind === "bulk") && drsUrl) {
    // Entra join comes before MDM enrollment (Autopilot, provisioning packages); the directory may refuse it.
    // A provisioning package that creates no local account leaves no way to sign in if the join fails.
    const noLocalAccount = o.kind === "bulk" && o.raw.bulkPackage?.localAccount === false;
    const unusable = (why: string) =>
      fail("windows.bulk.device-unusable", "join.register", `Device unreachable and unusable: the package created no local account and ${why}; wipe or recovery needed`);
    let joined: Awaited<ReturnType<typeof joinDirectory>>;
    try {
      joined = await joinDirectory(p, drsUrl, { upn, deviceId: w.deviceId, bulk: o.kind === "bulk" });
    } catch (e) {
      if (noLocalAccount && e instanceof TransportError) return unusable(`the join could not reach the directory (${e.message})`);
      throw e;
    }
    if (joined.status === "refused" && noLocalAccount) return unusable(`the join failed (${joined.error})`);
    if (joined.status === "refused") {
      return fail(
        "windows.join.disallowed",
        "join.register",
        o.kind === "bulk"
          ? `A setup failure has occurred during bulk enrollment. (${joined.error}: ${joined.message})`
          : `Something went wrong. (${joined.error}: ${joined.message})`,
      );
    }
  }

  // ---- Discovery ----
  const authPolicies: AuthPolicy[] = tokenFlow ? ["Federated"] : o.raw.certificateAuth ? ["Certificate", "OnPremise", "Federated"] : ["OnPremise", "Federated"];
  const requestVersion = o.raw.requestVersion ?? (win11 ? "5.0" : "4.0");
  let dOut: DiscoveryOutcome;
  const base = { upn, requestVersion, applicationVersion: id.os.version, osEdition: osEdition, authPolicies, pretty, strict };
  if (o.raw.discoveryUrl || tokenFlow) {
    const url = o.raw.discoveryUrl ?? (https ? `${https}/EnrollmentServer/Discovery.svc` : undefined);
    if (!url) throw new ScenarioError("identity-provider flows need options.windows.discoveryUrl (the MDM discovery URL of the IdP registration)");
    dOut = await discover(p, { ...base, url });
  } else {
    const domain = enrollmentHost(upn).slice("enterpriseenrollment.".length);
    const mode = o.raw.dns ?? (o.raw.dnsResolvers ? "overrides" : embedded ? "embedded" : o.raw.dnsOverrides ? "overrides" : "system");
    // Resolvers that disagree: this device's stub resolver asks one of them.
    const resolverMap = o.raw.dnsResolvers?.length ? o.raw.dnsResolvers[p.entropy.fork("dns.resolver").int(o.raw.dnsResolvers.length)]! : undefined;
    const origin = https ? new URL(https) : undefined;
    const dns =
      mode === "embedded"
        ? embeddedDns(domain, origin?.hostname ?? "127.0.0.1")
        : mode === "overrides"
          ? mapDns(resolverMap ?? o.raw.dnsOverrides ?? {})
          : ctx.ports.dns;
    // The HTTP port connects by URL, not through the DNS port: on embedded runs the name resolved
    // above is reached at the loopback listener's origin.
    const http0 = ctx.targets.server?.http;
    const confirm = (location: string) => {
      note(p, "discovery.redirect", { prompt: "redirect confirmation", location, answer: o.raw.redirectConfirmation ?? "accept" });
      return (o.raw.redirectConfirmation ?? "accept") === "accept";
    };
    dOut = await discover(p, { ...base, dns, confirmRedirect: confirm, ...(embedded && https ? { originFor: () => https } : {}), ...(embedded && http0 ? { httpOriginFor: () => http0 } : {}) });
    if (dOut.status === "no-host") {
      note(p, "discovery.dns", { prompt: "Settings asks the user for the server address", host: dOut.host });
      if (!o.raw.manualServerUrl) {
        return fail("windows.discovery.no-enrollment-host", "discovery.dns", `No DNS record for ${dOut.host}: Settings asks the user to type the server address (none given)`);
      }
      dOut = await discover(p, { ...base, url: o.raw.manualServerUrl });
    }
  }
  if (dOut.status === "no-host") return fail("windows.discovery.no-enrollment-host", "discovery.dns", `no host ${dOut.host}`);
  if (dOut.status === "redirect-declined") return fail("windows.discovery.redirect-declined", "discovery.redirect", `The user declined the redirect to ${dOut.location}; enrollment stops`);
  if (dOut.status === "insecure-redirect") {
    const m = MENROLL.MENROLL_E_INSECUREREDIRECT!;
    return fail("windows.discovery.insecure-redirect", "discovery.redirect", `${m.name} (${hresultHex(m.hresult)}): discovery redirected to ${dOut.location}`);
  }
  report.discovery = { url: dOut.url, cnameChain: dOut.cnameChain, ...(dOut.status === "found" && dOut.redirectedFrom ? { redirectedFrom: dOut.redirectedFrom } : {}) };
  if (dOut.status === "fault") return faultResult("discovery.post", dOut.fault, report);
  const disc = dOut.result;

  // ---- Authentication plug-in ----
  let creds: Credentials;
  if (disc.authPolicy === "OnPremise") creds = { kind: "onpremise", username: upn, password: o.password };
  else if (disc.authPolicy === "Certificate" && !tokenFlow && o.raw.certificateAuth) {
    // The provisioning package's certificate (stand-in: enrolled from the foundation SCEP CA with the pool key).
    const m = MENROLL.MENROLL_E_CERTAUTH_FAILED_TO_FIND_CERT!;
    const missing = () => fail("windows.auth.certificate-missing", "auth.certificate", `${m.name} (${hresultHex(m.hresult)}): certificate authentication requested, no client certificate found`);
    if (o.raw.certificateAuth === "missing" || !ctx.targets.scepUrl) return missing();
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
    // Bulk (provisioning-package) tokens live 180 days by default; tokenValidityDays < 0 simulates an expired package.
    const days = o.raw.tokenValidityDays ?? (o.kind === "bulk" ? 180 : 1);
    const exp = Math.floor(p.clock.now() / 1000) + Math.round(days * 86400);
    const token = o.raw.token ?? idpToken ?? mintToken({ upn, tid: "00000000-0000-0000-0000-00000000e501", exp, ...(o.kind === "bulk" ? { bulk: true } : {}) }, o.tokenKey, p.crypto);
    creds = { kind: "token", valueType: TOKEN.jwt, token };
  } else if (disc.authPolicy === "Federated") {
    if (!disc.authenticationServiceUrl) throw new ProtocolViolationError("discovery.no-auth-url", "AuthPolicy Federated without AuthenticationServiceUrl");
    const fed = await federatedSignIn(p, disc.authenticationServiceUrl, upn, o.password, {
      secondFactor: () => ((o.raw.mfa ?? "complete") === "complete" ? mfaCode(upn, o.tokenKey, p.crypto) : undefined),
    });
    if (fed.status === "canceled") {
      const m = MENROLL.MENROLL_E_USER_CANCELED!;
      return fail("windows.auth.user-canceled", "auth.federated", `${m.name} (${hresultHex(m.hresult)}): the user cancelled the ${fed.prompt} prompt; the enrollment stops (auto-enroll retries later)`);
    }
    if (fed.status === "refused") {
      const m = MENROLL.MENROLL_E_DEVICE_AUTHENTICATION_ERROR!;
      return fail("windows.auth.federated-refused", "auth.federated", `${m.name} (${hresultHex(m.hresult)}): ${uiTextFor(m)} — ${fed.message}`);
    }
    creds = { kind: "token", valueType: TOKEN.userToken, token: fed.token };
  } else return fail("windows.auth.unsupported", "discovery.post", `AuthPolicy ${disc.authPolicy} is not implemented by this device`);

  // ---- Terms of Use (identity-provider flows) ----
  let enrollmentData: string | undefined;
  const tou = o.raw.termsOfUse ?? "none";
  if (tou !== "none" && creds.kind === "token") {
    const touUrl = o.raw.termsOfUseUrl ?? (https ? `${https}/windows/tou` : undefined);
    if (!touUrl) throw new ScenarioError("termsOfUse needs options.windows.termsOfUseUrl");
    const t = await termsOfUse(p, touUrl, creds.token, tou === "accept");
    if (t.status === "declined") return fail("windows.tou.declined", "enroll.terms", TOU_DECLINED_TEXT);
    if (t.status === "unreachable") return fail("windows.tou.unreachable", "enroll.terms", `${TOU_UNREACHABLE_TEXT} (${t.message})`);
    if (t.status === "error") return fail(`windows.tou.${t.error}`, "enroll.terms", `${TOU_DECLINED_TEXT} (error=${t.error}${t.description ? `: ${t.description}` : ""})`);
    enrollmentData = t.opaqueBlob;
  }

  // ---- Policy ----
  let policy: EnrollmentPolicy | undefined;
  if (disc.enrollmentPolicyServiceUrl) {
    const pol = await getPolicies(p, disc.enrollmentPolicyServiceUrl, creds, { pretty, strict });
    if (pol.status === "fault") return faultResult("policy.getpolicies", pol.fault, report);
    policy = pol.policy;
  }

  // ---- Enrollment (WSTEP) ----
  const key = await ctx.ports.keys.rsa(id.index);
  const enrollmentType = o.kind === "byod" ? "Full" : "Device";
  const t = (b: boolean) => (b ? "true" : "false");
  const context: ContextItem[] = [
    ["UXInitiated", t(o.kind === "byod")],
    ["HWDevID", w.hwDevId],
    ["Locale", "en-US"],
    ["TargetedUserLoggedIn", t(o.kind === "byod" || (o.kind === "autopilot" && o.mode === "user-driven"))],
    ["OSEdition", osEdition],
    ["DeviceName", deviceName],
    ...id.macs.map((m): ContextItem => ["MAC", m.address]),
    ["DeviceID", w.deviceId],
    ["EnrollmentType", enrollmentType],
    ["DeviceType", "CIMClient_Windows"],
    ["OSVersion", id.os.version],
    ["ApplicationVersion", id.os.version],
    ["NotInOobe", t(o.kind !== "autopilot")],
    ["RequestVersion", requestVersion],
    ...(id.imei ? [["IMEI", id.imei] as ContextItem] : []),
    ...(o.kind === "autopilot" ? [["OfflineAutoPilotEnrollmentCorrelator", ztdCorrelationId ?? p.entropy.fork("ztd").uuid(false)] as ContextItem] : []),
    ...(enrollmentData !== undefined ? [["EnrollmentData", enrollmentData] as ContextItem] : []),
    ["SerialNumber", id.serialNumber],
    ["Manufacturer", id.manufacturer],
    ["DeviceModel", id.modelIdentifier],
  ];
  const profile = o.raw.csrProfile && o.raw.csrProfile !== "auto" ? o.raw.csrProfile : win11 ? "win11" : "win10-legacy";
  const enrollmentGuid = p.entropy.fork("enrollment.guid").uuid(true);
  const enr = await requestSecurityToken(p, {
    url: disc.enrollmentServiceUrl,
    creds,
    key,
    profile,
    deviceId: w.deviceId,
    enrollmentGuid,
    policy,
    context,
    pretty,
    strict,
  });
  if (creds.kind === "certificate") await creds.http.close().catch(() => {});
  if (enr.status === "fault") return faultResult("enroll.rst", enr.fault, report);
  if (enr.status === "key-too-small") {
    const m = MENROLL.MENROLL_E_CERTPOLICY_PRIVATEKEYCREATION_FAILED;
    return fail("windows.policy.key-length", "enroll.rst", `policy minimalKeyLength ${enr.need} > pool key ${enr.have} bits (${m!.name} ${hresultHex(m!.hresult)}; enrollsim never generates RSA keys per device)`);
  }
  const doc = enr.doc;
  report.addr = doc.application!.addr;

  // ---- Apply the provisioning document ----
  const apply = await step(p, "enroll.provision", async () => {
    const my = doc.certs.find((c) => c.store === "My")!;
    const cert: Certificate = parseCertificate(my.der, "provisioning document My certificate");
    if (!sameBytes(cert.spki, key.spki)) throw new ProtocolViolationError("provisioning.wrong-key", "the My certificate does not certify the device key (MENROLL_E_PROV_SSLCERTNOTFOUND)");
    const expectedScope = enrollmentType === "Full" ? "User" : "System";
    if (my.scope !== expectedScope) note(p, "enroll.provision", { findings: [{ code: "provisioning.store-scope", message: `certificate in My/${my.scope}, expected My/${expectedScope} for EnrollmentType ${enrollmentType}` }] });
    const roots = doc.certs.filter((c) => c.store === "Root").map((c) => parseCertificate(c.der, "provisioning document Root certificate"));
    decoded(p, "enroll.provision", { subject: cert.subject, issuer: cert.issuer, notAfter: cert.notAfter.toISOString(), store: `My/${my.scope}`, roots: roots.map((r) => r.subject) });
    return { cert, roots };
  });
  const keychain: FlowResult["keychain"] = { identities: [{ label: "mdm", certificate: apply.cert, key, chain: apply.roots }] };

  // ---- Management ----
  const useMd5 = o.raw.dmAuth === "md5";
  const client = doc.application!.auth.find((a) => a.level.toUpperCase() === "CLIENT");
  if (useMd5 && (!client?.name || !client.secret)) throw new ProtocolViolationError("provisioning.no-appauth", "dmAuth md5 but the provisioning document has no APPAUTH CLIENT name/secret");
  const md5 = useMd5 ? { name: client!.name!, secret: client!.secret!, nonce: client!.data ? fromB64(client!.data, "AAUTHDATA nonce", 1024) : new Uint8Array() } : undefined;
  const clientFor = (cert: Certificate, withIdentity: boolean): HttpClient =>
    ctx.ports.http.client({
      // The machine store (the device's trust settings, e.g. --ca) plus the provisioned Root certificates.
      tls: { ...(ctx.tls ?? {}), ca: [...(ctx.tls?.ca ?? []), ...apply.roots.map((r) => toPem(r.der))], ...(withIdentity ? { identity: { certPem: toPem(cert.der), keyPem: p.crypto.privateKeyPem(key) } } : {}) },
      keepAlive: ctx.keepAlive ?? false,
    });
  let http: HttpClient = clientFor(apply.cert, !useMd5);
  const providerId = doc.application!.providerId;
  const tree = new CspTree(id, {
    ...Object.fromEntries(Object.entries(doc.dmClient?.params ?? {}).map(([k, v]) => [`./Vendor/MSFT/DMClient/Provider/${providerId}/${k}`, v])),
    ...Object.fromEntries(Object.entries(doc.dmClient?.poll ?? {}).map(([k, v]) => [`./Vendor/MSFT/DMClient/Provider/${providerId}/Poll/${k}`, v])),
  });
  if (o.raw.admxGet) tree.admxGet = o.raw.admxGet;
  const msi = new MsiJobs(tree, p.clock, o.minuteMs, o.raw.apps ?? {});
  const scepJobs = new ScepCspJobs(tree, ctx);
  const storeJobs = new StoreAppJobs(tree, p, () => http, o.raw.storeUrl ?? (https ? `${https}/windows/store` : undefined), o.minuteMs, Math.max(1, Number(doc.dmClient?.poll.IntervalForFirstSetOfRetries ?? "3")) * o.minuteMs);
  let policyReboot: RebootRequest | undefined;
  tree.hooks = {
    afterWrite(uri) {
      // AppLocker application-control policy takes effect only after a restart.
      if (/\/Vendor\/MSFT\/AppLocker\/ApplicationLaunchRestrictions\//.test(uri)) policyReboot ??= { by: "AppLocker", kind: "policy", at: p.clock.now() };
    },
    beforeWrite(uri, value) {
      if (uri.endsWith("/FirstSyncStatus/ServerHasFinishedProvisioning")) {
        const cur = tree.nodes.get(uri)?.value;
        if (cur && /^true$/i.test(cur) && !/^true$/i.test(value)) return 405;
      }
      return undefined;
    },
    exec(uri, data) {
      const r = msi.exec(uri, data) ?? scepJobs.exec(uri) ?? storeJobs.exec(uri, data);
      if (r !== undefined) return r;
      if (/\/DMClient\/Provider\/[^/]+\/Unenroll$/.test(uri)) {
        report.unenrolled = "server";
        return 200;
      }
      return tree.unknownStatus;
    },
  };
  const processor = new CspProcessor(tree);
  let sessionId = o.sessionIdStart;
  const loginStatus = o.kind === "byod" || (o.kind === "autopilot" && o.mode === "user-driven") ? "user" : "none";
  const session = async (extra: Command[] = [], initiator: "1200" | "1201" = "1201"): Promise<DmSessionResult> => {
    const alerts: Command[] = [
      ...extra,
      { verb: "Alert", data: "1224", items: [{ meta: { type: "com.microsoft/MDM/LoginStatus", format: "chr" }, data: loginStatus }] },
      ...(creds.kind === "token" && loginStatus === "user" ? [{ verb: "Alert", data: "1224", items: [{ meta: { type: "com.microsoft/MDM/AADUserToken", format: "chr" }, data: creds.token }] }] : []),
      ...msi.takeAlerts(),
    ];
    const r = await runDmSession(p, {
      http,
      addr: doc.application!.addr,
      deviceId: w.deviceId,
      sessionId: String(sessionId++),
      initiator,
      alerts,
      devInfo: devInfoItems(id),
      processor,
      pretty,
      strict,
      ...(md5 ? { md5 } : {}),
    });
    report.sessions++;
    report.findings += r.findings.length;
    const sigs = new Set(r.commands.map(signature));
    commandHistory.push(sigs);
    return r;
  };
  // What the device can see of management going wrong: an Atomic it had to roll back, or the
  // same commands arriving in every session (a server that cannot read the device's answers).
  const commandHistory: Set<string>[] = [];
  const managementProblem = (): { code: string; message: string } | undefined => {
    const atomics = processor.log.filter((l) => l.verb === "Atomic" && l.status === "507");
    if (atomics.length) {
      const bad = processor.log.filter((l) => l.verb !== "Atomic" && !/^2\d\d$/.test(l.status));
      const rolled = processor.log.filter((l) => l.status === "216").length;
      return {
        code: "windows.dm.atomic-failed",
        message: `Atomic failed (507) ${atomics.length}×: ${bad.map((b) => `${b.verb} ${b.target ?? "(no target)"} → ${b.status}`).slice(0, 3).join("; ")}; ${rolled} command(s) rolled back (216): the settings were not applied`,
      };
    }
    const last = commandHistory.slice(-3);
    if (last.length === 3) {
      const again = [...last[0]!].filter((x) => last[1]!.has(x) && last[2]!.has(x));
      if (again.length) {
        return { code: "windows.dm.commands-resent", message: `${again.length} command(s) re-sent in each of the last 3 sessions although the device answered them (e.g. ${again[0]})` };
      }
    }
    return undefined;
  };

  try {
    await session();
    // WSTEP renewal (ROBO): RequestType Renew with a PKCS#7 signed by the current identity, over client TLS.
    let current = apply.cert;
    const renewNow = async (): Promise<SoapFault | undefined> => {
      const mtls = clientFor(current, true);
      const r = await renewSecurityToken(p, { url: disc.enrollmentServiceUrl, http: mtls, key, cert: current, profile, deviceId: w.deviceId, enrollmentGuid, policy, context, pretty, strict }).finally(() => mtls.close().catch(() => {}));
      if (r.status === "fault") return r.fault;
      keychain.identities = [...keychain.identities.filter((i) => i.label !== "mdm-renewed"), { label: "mdm-renewed", certificate: r.cert, key, chain: apply.roots }];
      current = r.cert;
      report.renewed = true;
      await http.close().catch(() => {});
      http = clientFor(r.cert, !useMd5);
      return undefined;
    };
    if (o.raw.renew) {
      const f = await renewNow();
      if (f) return faultResult("enroll.renew", f, report);
      await session();
    }
    // Scheduled renewal from the provisioning document's RenewPeriod/RetryInterval (renewal.ts), checked before each poll.
    const renewal = new RenewalSchedule(p.clock, doc.renew);
    renewal.certificate(current.notAfter);
    const renewIfDue = async (): Promise<void> => {
      if (!renewal.due()) return;
      let why: string | undefined;
      try {
        const f = await renewNow();
        if (f) why = `${f.name} (${f.hresultHex})`;
      } catch (e) {
        // An unreachable enrollment service is a failed attempt too: retried after RetryInterval.
        if (!(e instanceof TransportError)) throw e;
        why = e.message;
      }
      renewal.record(!why, why);
      if (!why) renewal.certificate(current.notAfter);
      report.renewals = renewal.attempts;
    };
    // ESP in a Settings enrollment: the server assigned one (FirstSyncStatus set in the first session).
    const settingsEsp = o.kind === "byod" && espConfigured(tree, providerId);
    if (o.kind !== "autopilot" && !settingsEsp) {
      // Non-ESP methods: the first sync happens right after enrollment; then `polls` scheduled polls
      // follow the DMClient Poll schedule (first set, then second set), with per-device jitter.
      const poll = doc.dmClient?.poll ?? {};
      const schedule = pollSchedule(poll, o.polls);
      const jitter = p.entropy.fork("poll.jitter").int(Math.max(1, Math.floor(o.minuteMs / 4)));
      // Push: the device opens a WNS channel and reports its URI in DMClient Push/ChannelURI; a push
      // starts a server-initiated session (Alert 1200) right away, between the scheduled polls.
      let channel: string | undefined;
      if (o.raw.push) {
        const wnsUrl = o.raw.wnsUrl ?? (https ? `${https}/windows/wns` : undefined);
        if (!wnsUrl) throw new ScenarioError("push needs options.windows.wnsUrl (or the embedded server's mock WNS)");
        channel = await openChannel(p, wnsUrl, w.deviceId);
        tree.nodes.set(`./Device/Vendor/MSFT/DMClient/Provider/${providerId}/Push/ChannelURI`, { value: channel });
        tree.nodes.set(`./Device/Vendor/MSFT/DMClient/Provider/${providerId}/Push/Status`, { value: "0" });
      }
      const checkMs = Math.max(1, (o.raw.wnsCheckSeconds ?? 15) * 1000 * (o.minuteMs / 60_000));
      for (const minutes of schedule.slice(0, o.maxSessions - 1)) {
        if (report.unenrolled) break;
        const due = p.clock.now() + minutes * o.minuteMs + jitter;
        while (p.clock.now() < due && !report.unenrolled && report.sessions < o.maxSessions) {
          if (!channel) {
            await p.clock.sleep(due - p.clock.now(), p.signal);
            break;
          }
          await p.clock.sleep(Math.min(checkMs, due - p.clock.now()), p.signal);
          if ((await fetchPushes(p, channel)) > 0) {
            await session([], "1200");
            report.pushSessions = (report.pushSessions ?? 0) + 1;
          }
        }
        if (report.unenrolled || report.sessions >= o.maxSessions) break;
        await renewIfDue();
        await session();
      }
      if (o.raw.unenroll && !report.unenrolled) {
        // Settings → Disconnect: one more session carrying the user-requested unenrollment alert.
        await session([{ verb: "Alert", data: "1226", items: [{ meta: { type: "com.microsoft:mdm.unenrollment.userrequest", format: "int" }, data: "1" }] }]);
        report.unenrolled = "user";
      }
      prep.endedAt = p.clock.now();
      const problem = managementProblem();
      if (problem) return { ok: false, code: problem.code, step: "dm.session", message: problem.message, keychain, windows: report };
      if (report.unenrolled) return { ok: true, code: `windows.${o.kind}.unenrolled`, keychain: { identities: [] }, windows: report };
      return { ok: true, code: `windows.${o.kind}.enrolled`, keychain, windows: report, serverIds: { "windows.addr": doc.application!.addr, "windows.deviceId": w.deviceId } };
    }
    prep.items!.push({ kind: "mdm", id: "Register your device for mobile management", state: "done", doneAfterMs: p.clock.now() - prepStart });
    // Preparing for management: the DevicePreparation policy providers the server registered
    // (EnrollmentStatusTracking CSP) must reach NotRequired/Completed within their Timeout.
    if (devicePreparationProviders(tree).length) {
      const prepared = await step(p, "esp.device-preparation", async () => {
        const pollMs = Math.max(1, Number(doc.dmClient?.poll.IntervalForFirstSetOfRetries ?? "3")) * o.minuteMs;
        const started = p.clock.now();
        for (let n = 0; n < o.maxSessions; n++) {
          const providers = devicePreparationProviders(tree);
          const failed = providers.find((x) => x.state === "failed");
          if (failed) return { ok: false as const, why: `${failed.name} failed (${failed.lastError ?? "no LastError"})` };
          if (providers.every((x) => x.state === "done")) return { ok: true as const };
          const deadline = started + Math.max(...providers.map((x) => x.timeoutMinutes)) * o.minuteMs;
          const now = p.clock.now();
          if (now >= deadline) return { ok: false as const, why: `timed out waiting for ${providers.filter((x) => x.state === "pending").map((x) => x.name).join(", ")}` };
          await p.clock.sleep(Math.min(pollMs, deadline - now), p.signal);
          await session();
        }
        return { ok: false as const, why: "session limit" };
      });
      for (const x of devicePreparationProviders(tree)) prep.items!.push({ kind: "provider", id: x.name, state: x.state, doneAfterMs: p.clock.now() - prepStart });
      if (!prepared.ok) {
        prep.result = "failed";
        prep.endedAt = p.clock.now();
        prep.screen = "Preparing your device for mobile management (Failed). " + DEFAULT_ESP_ERROR;
        decoded(p, "esp.device-preparation", { ...prep });
        return { ok: false, code: "windows.esp.device-preparation", step: "esp.device-preparation", message: `${prep.screen} — ${prepared.why}`, keychain, windows: report };
      }
    }
    if (hybrid) {
      // Hybrid join: "Join your organization's network" waits for the offline domain join blob the
      // server's connector produces (OfflineDomainJoin CSP), polling within the provider timeout.
      const joined = await step(p, "esp.device-preparation", async () => {
        const deadline = p.clock.now() + (o.raw.autopilot?.odjTimeoutMinutes ?? 15) * o.minuteMs;
        const pollMs = Math.max(1, Number(doc.dmClient?.poll.IntervalForFirstSetOfRetries ?? "3")) * o.minuteMs;
        for (let n = 0; n < o.maxSessions; n++) {
          if (tree.get("./Device/Vendor/MSFT/OfflineDomainJoin/Blob").status === 200) return true;
          const now = p.clock.now();
          if (now >= deadline) return false;
          await p.clock.sleep(Math.min(pollMs, deadline - now), p.signal);
          await session();
        }
        return false;
      });
      prep.items!.push({ kind: "odj", id: "Join your organization's network", state: joined ? "done" : "failed", doneAfterMs: p.clock.now() - prepStart });
      if (!joined) {
        prep.result = "failed";
        prep.endedAt = p.clock.now();
        prep.screen = HYBRID_JOIN_FAILED;
        decoded(p, "esp.device-preparation", { ...prep });
        return { ok: false, code: "windows.autopilot.hybrid-join", step: "esp.device-preparation", message: `${HYBRID_JOIN_FAILED} (no offline domain join blob arrived)`, keychain, windows: report };
      }
    }
    prep.endedAt = p.clock.now();
    decoded(p, "esp.device-preparation", { ...prep });
    const dmClientDoc = doc.dmClient?.firstSyncStatus ?? {};
    setSyncDone(tree, providerId, false);
    // Self-deploying has no user; pre-provisioned runs the technician's device phase, reseals, and
    // the user's account phase follows at first sign-in.
    const phases: ("DeviceSetup" | "AccountSetup")[] = o.mode === "self-deploying" ? ["DeviceSetup"] : ["DeviceSetup", "AccountSetup"];
    const pollMs = Math.max(1, Number(doc.dmClient?.poll.IntervalForFirstSetOfRetries ?? "3")) * o.minuteMs;
    const espStart = p.clock.now();
    let rebootHandled = false;
    for (const phase of phases) {
      const scope = phase === "DeviceSetup" ? "device" : "user";
      const ph: EspPhase = { phase, startedAt: p.clock.now(), result: "success", items: [], sessions: 0 };
      report.esp.push(ph);
      // Pre-provisioned: the technician reseals; the user's first sign-in later syncs (PollOnLogin) before the account phase.
      if (phase === "AccountSetup" && o.mode === "pre-provisioned" && o.kind === "autopilot" && doc.dmClient?.poll.PollOnLogin === "true") await session();
      const settings0 = readEspSettings(tree, providerId, dmClientDoc);
      if ((phase === "DeviceSetup" && settings0.skipDeviceStatusPage) || (phase === "AccountSetup" && settings0.skipUserStatusPage)) {
        ph.result = "skipped";
        ph.endedAt = p.clock.now();
        continue;
      }
      const doneAt = new Map<string, number>();
      const outcome = await step(p, phase === "DeviceSetup" ? "esp.device-setup" : "esp.account-setup", async () => {
        for (let n = 0; n < o.maxSessions; n++) {
          const rb = msi.reboot ?? policyReboot;
          if (rb && !rebootHandled) {
            rebootHandled = true;
            (ph.reboots ??= []).push({ by: rb.by, kind: rb.kind, atMs: rb.at - ph.startedAt });
            if (rb.kind === "policy") {
              // ESP cannot suppress the restart this policy needs: the user gets a restart prompt mid-provisioning.
              return { result: "reboot-prompt" as const, screen: `${REBOOT_PROMPT_TEXT} (${rb.by} policy delivered during the Enrollment Status Page)` };
            }
            // An unplanned restart: Windows comes back after about two minutes and ESP resumes, unless the
            // DeviceLock password policy applied before it stops the automatic sign-in.
            await p.clock.sleep(2 * o.minuteMs, p.signal);
            if (tree.get("./Device/Vendor/MSFT/Policy/Config/DeviceLock/DevicePasswordEnabled").value === "0") {
              return { result: "autologon-failed" as const, screen: `${AUTOLOGON_FAILED_TEXT} (restart by ${rb.by} after the DeviceLock policy applied)` };
            }
          }
          const s = readEspSettings(tree, providerId, dmClientDoc);
          if (s.findings.length) note(p, "esp", { findings: s.findings.map((m) => ({ code: "esp.out-of-range", message: m })) });
          const items = trackedItems(tree, s, msi).filter((i) => i.scope === scope);
          if (settingsEsp && phase === "DeviceSetup" && o.raw.workAccount === "entra") items.push(registrationItem(id.os.version, entraRegistered));
          for (const i of items) if (i.state !== "pending" && !doneAt.has(i.id)) doneAt.set(i.id, p.clock.now() - ph.startedAt);
          ph.items = items.map((i) => ({ kind: i.kind, id: i.id, state: i.state, ...(doneAt.has(i.id) ? { doneAfterMs: doneAt.get(i.id) } : {}) }));
          const failed = items.find((i) => i.state === "failed");
          if (failed) {
            const why = [...msi.jobs.values()].find((j) => j.error && failed.id.includes(j.name))?.error ?? [...msi.jobs.values()].find((j) => j.error)?.error;
            return { result: "app-failed" as const, screen: s.customErrorText ?? `${APP_FAILED_TEXT} (${failed.id}${why ? `: ${why}` : ""})` };
          }
          const finished = scope === "device" ? s.serverHasFinishedProvisioning : true;
          if (items.every((i) => i.state === "done") && finished && n > 0) return { result: "success" as const };
          const deadline = (phase === "DeviceSetup" ? espStart : ph.startedAt) + s.timeoutMinutes * o.minuteMs;
          const now = p.clock.now();
          if (now >= deadline) {
            return { result: "timeout" as const, screen: s.customErrorText ?? DEFAULT_ESP_ERROR, waitingFor: items.filter((i) => i.state === "pending").map((i) => (i.detail ? `${i.id} (${i.detail})` : i.id)) };
          }
          if (n > 0) await p.clock.sleep(Math.min(pollMs, deadline - now), p.signal);
          if (p.clock.now() >= deadline) continue;
          await session();
          ph.sessions!++;
        }
        return { result: "timeout" as const, screen: DEFAULT_ESP_ERROR, waitingFor: ["(session limit)"] };
      });
      ph.result = outcome.result;
      ph.endedAt = p.clock.now();
      if (outcome.screen) ph.screen = outcome.screen;
      decoded(p, phase === "DeviceSetup" ? "esp.device-setup" : "esp.account-setup", { ...ph, durationMs: ph.endedAt - ph.startedAt });
      if (outcome.result !== "success") {
        const s = readEspSettings(tree, providerId, dmClientDoc);
        const buttons = [s.allowCollectLogsButton ? "Collect logs" : undefined, s.blockInStatusPage ? "Reset device / Continue anyway" : "Continue anyway"].filter(Boolean).join(", ");
        const waited = "waitingFor" in outcome && outcome.waitingFor?.length ? ` Waiting for: ${outcome.waitingFor.join(", ")}.` : "";
        return {
          ok: false,
          code: outcome.result === "timeout" ? "windows.esp.timeout" : outcome.result === "app-failed" ? "windows.esp.app-failed" : `windows.esp.${outcome.result}`,
          step: phase === "DeviceSetup" ? "esp.device-setup" : "esp.account-setup",
          message: `${phase} failed after ${Math.round((ph.endedAt - ph.startedAt) / o.minuteMs)} min: "${outcome.screen}" [${buttons}].${waited}`,
          keychain,
          windows: report,
        };
      }
    }
    setSyncDone(tree, providerId, true);
    return { ok: true, code: settingsEsp ? "windows.byod.enrolled" : `windows.autopilot.${o.mode}.provisioned`, keychain, windows: report, serverIds: { "windows.addr": doc.application!.addr, "windows.deviceId": w.deviceId } };
  } finally {
    msi.cancel();
    await storeJobs.cancel();
    await Promise.allSettled(scepJobs.running);
    await http.close().catch(() => {});
  }
}

export { hresultHex, uiTextFor };
