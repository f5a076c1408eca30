// SPDX-License-Identifier: MIT
/**
 * WSTEP and provisioning: the enrollment policy (XCEP, when discovery names it), the
 * RequestSecurityToken with the model's CSR profile and the device context items, and applying the
 * wap-provisioningdoc (trust Root, client certificate from My, ADDR).
 */
import { ProtocolViolationError } from "../../errors/index.js";
import { decoded, note, step } from "../../protocol/common/context.js";
import { getPolicies, requestSecurityToken, type Credentials, type EnrollInput } from "../../protocol/windows/enroll.js";
import type { PrivateKey } from "../../ports/crypto.js";
import type { DiscoverResult } from "../../wire/windows/discovery.js";
import { hresultHex, MENROLL } from "../../wire/windows/menroll.js";
import type { ProvisioningDoc } from "../../wire/windows/provisioning.js";
import type { ContextItem } from "../../wire/windows/wstep.js";
import type { EnrollmentPolicy } from "../../wire/windows/xcep.js";
import { parseCertificate, sameBytes, type Certificate } from "../../wire/x509/certificate.js";
import type { FlowResult } from "../flow.js";
import { faultResult, type EnrollRun, type WindowsFlowResult } from "./run.js";
import { windowsKeyStore } from "./tpm-keys.js";

export interface ProvisionInput {
  disc: DiscoverResult;
  creds: Credentials;
  requestVersion: string;
  deviceName: string;
  ztdCorrelationId?: string;
  enrollmentData?: string;
}

export interface Provisioned {
  key: PrivateKey;
  doc: ProvisioningDoc;
  /** The applied document: the My certificate and the Root certificates it trusts. */
  apply: { cert: Certificate; roots: Certificate[] };
  keychain: FlowResult["keychain"];
  /** The enrollment request without its credentials: what a WSTEP renewal repeats. */
  request: Omit<EnrollInput, "creds">;
  /** The wap-provisioningdoc as received and the key's pool slot (what a checkpoint keeps, resume.ts). */
  docXml: string;
  keySlot: number;
}

export async function provision(run: EnrollRun, input: ProvisionInput): Promise<Provisioned | WindowsFlowResult> {
  const { ctx, o, id, w, p, report, fail, osEdition, win11, pretty, strict } = run;
  const { disc, creds, requestVersion, deviceName, ztdCorrelationId, enrollmentData } = input;
  let policy: EnrollmentPolicy | undefined;
  if (disc.enrollmentPolicyServiceUrl) {
    const pol = await getPolicies(p, disc.enrollmentPolicyServiceUrl, creds, { pretty, strict });
    if (pol.status === "fault") return faultResult("policy.getpolicies", pol.fault, report);
    policy = pol.policy;
  }

  // ---- Enrollment (WSTEP) ----
  const keySlot = id.index;
  const key = await ctx.ports.keys.rsa(keySlot);
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
    ...(o.kind === "autopilot" && !run.withoutProfile ? [["OfflineAutoPilotEnrollmentCorrelator", ztdCorrelationId ?? p.entropy.fork("ztd").uuid(false)] as ContextItem] : []),
    ...(enrollmentData !== undefined ? [["EnrollmentData", enrollmentData] as ContextItem] : []),
    ["SerialNumber", id.serialNumber],
    ["Manufacturer", id.manufacturer],
    ["DeviceModel", id.modelIdentifier],
  ];
  const profile = o.raw.csrProfile && o.raw.csrProfile !== "auto" ? o.raw.csrProfile : win11 ? "win11" : "win10-legacy";
  const enrollmentGuid = p.entropy.fork("enrollment.guid").uuid(true);
  const request: Omit<EnrollInput, "creds"> = { url: disc.enrollmentServiceUrl, key, profile, deviceId: w.deviceId, enrollmentGuid, policy, context, pretty, strict };
  const enr = await requestSecurityToken(p, { ...request, creds });
  if (creds.kind === "certificate") await creds.http.close().catch(() => {});
  if (enr.status === "fault") return faultResult("enroll.rst", enr.fault, report);
  if (enr.status === "key-too-small") {
    const m = MENROLL.MENROLL_E_CERTPOLICY_PRIVATEKEYCREATION_FAILED;
    return fail("windows.policy.key-length", "enroll.rst", `policy minimalKeyLength ${enr.need} > pool key ${enr.have} bits (${m!.name} ${hresultHex(m!.hresult)}; enrollsim never generates RSA keys per device)`);
  }
  const doc = enr.doc;
  const apply = await applyProvisioningDoc(run, doc, key);
  // The key is created where Windows keeps it (tpm-keys.ts): the TPM the PC has now, else the software provider.
  const keychain: FlowResult["keychain"] = { identities: [{ label: "mdm", certificate: apply.cert, key, chain: apply.roots, keyStore: windowsKeyStore(id) }] };
  return { key, doc, apply, keychain, request, docXml: enr.docXml, keySlot };
}

/** Applies the provisioning document: the My certificate must certify the device key; Root certificates become trusted; ADDR noted. */
export async function applyProvisioningDoc(run: EnrollRun, doc: ProvisioningDoc, key: PrivateKey): Promise<Provisioned["apply"]> {
  const { o, p, report } = run;
  const enrollmentType = o.kind === "byod" ? "Full" : "Device";
  report.addr = doc.application!.addr;
  return step(p, "enroll.provision", async () => {
    const my = doc.certs.find((c) => c.store === "My")!;
    const cert: Certificate = parseCertificate(my.der, "provisioning document My certificate");
    if (!sameBytes(cert.spki, key.spki)) throw new ProtocolViolationError("provisioning.wrong-key", "the My certificate does not certify the device key (MENROLL_E_PROV_SSLCERTNOTFOUND)");
    const expectedScope = enrollmentType === "Full" ? "User" : "System";
    if (my.scope !== expectedScope) note(p, "enroll.provision", { findings: [{ code: "provisioning.store-scope", message: `certificate in My/${my.scope}, expected My/${expectedScope} for EnrollmentType ${enrollmentType}` }] });
    const roots = doc.certs.filter((c) => c.store === "Root").map((c) => parseCertificate(c.der, "provisioning document Root certificate"));
    decoded(p, "enroll.provision", { subject: cert.subject, issuer: cert.issuer, notAfter: cert.notAfter.toISOString(), store: `My/${my.scope}`, roots: roots.map((r) => r.subject) });
    return { cert, roots };
  });
}
