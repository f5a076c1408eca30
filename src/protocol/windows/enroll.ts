// SPDX-License-Identifier: MIT
/**
 * Enrollment policy (MS-XCEP GetPolicies) and certificate enrollment (MS-WSTEP RST) as a device
 * runs them: the key size and hash come from the policy, the CSR follows the model's profile,
 * and the RSTR's wap-provisioningdoc is parsed. SOAP faults are values carrying MENROLL_E_*.
 */
import { ProtocolViolationError } from "../../errors/index.js";
import type { PrivateKey } from "../../ports/crypto.js";
import type { HttpClient } from "../../ports/http.js";
import { buildSignedData } from "../../wire/cms/signed-data.js";
import { parseCertificate, sameBytes, type Certificate } from "../../wire/x509/certificate.js";
import { decoded, step, type ProtocolContext } from "../common/context.js";
import { buildWindowsCsr, type CsrProfile } from "../../wire/windows/csr.js";
import { ACTION, NS, TOKEN } from "../../wire/windows/ns.js";
import { parseProvisioningDoc, type ProvisioningDoc } from "../../wire/windows/provisioning.js";
import { buildEnvelope, type SecurityToken, type SoapFault } from "../../wire/windows/soap.js";
import { readRstr, rstBody, type ContextItem } from "../../wire/windows/wstep.js";
import { getPoliciesBody, readGetPoliciesResponse, type EnrollmentPolicy } from "../../wire/windows/xcep.js";
import { faultInSuccessAnswer } from "../../wire/windows/winhttp.js";
import { reportFindings, soapCall } from "./soap-exchange.js";

export type Credentials =
  | { kind: "onpremise"; username: string; password: string }
  | { kind: "token"; valueType: string; token: string }
  /** AuthPolicy Certificate (MS-MDE2): no WS-Security token; the client certificate authenticates over TLS. */
  | { kind: "certificate"; http: HttpClient };

export const securityFor = (c: Credentials): SecurityToken | undefined =>
  c.kind === "onpremise"
    ? { kind: "username", username: c.username, password: c.password }
    : c.kind === "token"
      ? { kind: "binary", valueType: c.valueType, token: Buffer.from(c.token, "utf8").toString("base64") }
      : undefined;

/** Certificate credentials carry their own (client-TLS) HTTP client. */
const withCreds = (ctx: ProtocolContext, c: Credentials): ProtocolContext => (c.kind === "certificate" ? { ...ctx, http: c.http } : ctx);

export type PolicyOutcome = { status: "ok"; policy: EnrollmentPolicy } | { status: "fault"; fault: SoapFault };

export async function getPolicies(ctx0: ProtocolContext, url: string, creds: Credentials, o: { pretty?: boolean; strict?: boolean } = {}): Promise<PolicyOutcome> {
  const ctx = withCreds(ctx0, creds);
  return step(ctx, "policy.getpolicies", async () => {
    const xml = buildEnvelope(
      { action: ACTION.getPolicies, messageId: `urn:uuid:${ctx.entropy.fork("xcep.msgid").uuid()}`, to: url, ...(securityFor(creds) ? { security: securityFor(creds) } : {}), body: getPoliciesBody(), xmlns: { "xmlns:xsi": NS.xsi } },
      o.pretty,
    );
    const env = await soapCall(ctx, "policy.getpolicies", url, xml, o);
    // A fault in an HTTP 200 answer is not read as the fault: the PC shows 0x801900c8 (FACILITY_HTTP 200), as for a renewal
    // (fleetdm/fleet#46388: Fleet's 200 + s:messageformat fault at GetPolicies, "Device management could not be enabled" (0x801900c8)).
    if (env.fault) return { status: "fault" as const, fault: env.httpStatus === 200 ? faultInSuccessAnswer(env.fault) : env.fault };
    const findings: typeof env.findings = [];
    const policy = readGetPoliciesResponse(env.body, findings);
    reportFindings(ctx, "policy.getpolicies", findings, o.strict);
    decoded(ctx, "policy.getpolicies", { minimalKeyLength: policy.minimalKeyLength, hashOid: policy.hashOid ?? "(none)", validityPeriodSeconds: policy.validityPeriodSeconds });
    return { status: "ok" as const, policy };
  });
}

export interface EnrollInput {
  url: string;
  creds: Credentials;
  key: PrivateKey;
  profile: CsrProfile;
  deviceId: string;
  enrollmentGuid: string;
  policy?: EnrollmentPolicy;
  context: ContextItem[];
  pretty?: boolean;
  strict?: boolean;
}

export type EnrollOutcome =
  | { status: "enrolled"; doc: ProvisioningDoc; docXml: string; csrDer: Uint8Array }
  | { status: "fault"; fault: SoapFault }
  | { status: "key-too-small"; need: number; have: number };

export async function requestSecurityToken(ctx0: ProtocolContext, input: EnrollInput): Promise<EnrollOutcome> {
  const ctx = withCreds(ctx0, input.creds);
  const need = Math.max(2048, input.policy?.minimalKeyLength ?? 0);
  if (input.key.bits < need) return { status: "key-too-small", need, have: input.key.bits };
  return step(ctx, "enroll.rst", async () => {
    const csr = buildWindowsCsr(
      { profile: input.profile, enrollmentGuid: input.enrollmentGuid, deviceId: input.deviceId, policyHash: input.policy?.hash },
      input.key,
      ctx.crypto,
    );
    const xml = buildEnvelope(
      {
        action: ACTION.rst,
        messageId: `urn:uuid:${ctx.entropy.fork("wstep.msgid").uuid()}`,
        to: input.url,
        ...(securityFor(input.creds) ? { security: securityFor(input.creds) } : {}),
        body: rstBody({ csrDer: csr.der, context: input.context }),
        xmlns: { "xmlns:wsse": NS.wsse, "xmlns:wst": NS.wst, "xmlns:ac": NS.ac },
      },
      input.pretty,
    );
    const env = await soapCall(ctx, "enroll.rst", input.url, xml, input);
    // The same enrollment client reads RequestSecurityToken's answer: a fault in a 200 is 0x801900c8 (assumed as at GetPolicies).
    if (env.fault) return { status: "fault" as const, fault: env.httpStatus === 200 ? faultInSuccessAnswer(env.fault) : env.fault };
    const findings: typeof env.findings = [];
    const docXml = readRstr(env.body, findings);
    const doc = parseProvisioningDoc(docXml);
    reportFindings(ctx, "enroll.rst", [...findings, ...doc.findings], input.strict);
    if (doc.application && doc.dmClient && doc.dmClient.providerId !== doc.application.providerId) {
      throw new ProtocolViolationError("provisioning.provider-mismatch", `DMClient provider ${doc.dmClient.providerId} ≠ PROVIDER-ID ${doc.application.providerId}`);
    }
    decoded(ctx, "enroll.rst", {
      csrHash: csr.hash,
      csrSignatureOid: csr.signatureOid,
      certs: doc.certs.map((c) => `${c.store}/${c.scope}/${c.thumbprint}`),
      addr: doc.application?.addr,
      providerId: doc.application?.providerId,
      poll: doc.dmClient?.poll,
      firstSyncStatus: doc.dmClient?.firstSyncStatus,
      renew: doc.renew,
    });
    return { status: "enrolled" as const, doc, docXml, csrDer: csr.der };
  });
}

/** What enrolment takes, with the current identity in place of credentials. */
export interface RenewInput extends Omit<EnrollInput, "creds"> {
  /** mTLS client holding the current certificate: renewal has no token in the SOAP header. */
  http: HttpClient;
  cert: Certificate;
}

export type RenewOutcome = { status: "renewed"; cert: Certificate; doc: ProvisioningDoc } | { status: "fault"; fault: SoapFault };

/** MS-MDE2 certificate renewal (ROBO): RequestType Renew, PKCS#7 signed with the current identity, client TLS. */
export async function renewSecurityToken(ctx0: ProtocolContext, input: RenewInput): Promise<RenewOutcome> {
  const ctx: ProtocolContext = { ...ctx0, http: input.http };
  return step(ctx, "enroll.renew", async () => {
    const csr = buildWindowsCsr({ profile: input.profile, enrollmentGuid: input.enrollmentGuid, deviceId: input.deviceId, policyHash: input.policy?.hash }, input.key, ctx.crypto);
    const pkcs7 = buildSignedData({ content: csr.der, certificates: [input.cert.der], signer: { cert: input.cert, key: input.key, hash: "sha256", attributes: [] } }, ctx.crypto);
    const xml = buildEnvelope(
      {
        action: ACTION.rst,
        messageId: `urn:uuid:${ctx.entropy.fork("wstep.renew.msgid").uuid()}`,
        to: input.url,
        body: rstBody({ csrDer: pkcs7, context: input.context, renew: true }),
        xmlns: { "xmlns:wsse": NS.wsse, "xmlns:wst": NS.wst, "xmlns:ac": NS.ac },
      },
      input.pretty,
    );
    const env = await soapCall(ctx, "enroll.renew", input.url, xml, input);
    if (env.fault) return { status: "fault" as const, fault: env.httpStatus === 200 ? faultInSuccessAnswer(env.fault) : env.fault };
    const findings: typeof env.findings = [];
    const doc = parseProvisioningDoc(readRstr(env.body, findings), undefined, { renewal: true });
    reportFindings(ctx, "enroll.renew", [...findings, ...doc.findings], input.strict);
    const my = doc.certs.find((c) => c.store === "My")!;
    const cert = parseCertificate(my.der, "renewed certificate");
    if (!sameBytes(cert.spki, input.key.spki)) throw new ProtocolViolationError("provisioning.wrong-key", "the renewed certificate does not certify the device key");
    decoded(ctx, "enroll.renew", { subject: cert.subject, serial: cert.serialHex, notAfter: cert.notAfter.toISOString() });
    return { status: "renewed" as const, cert, doc };
    // A refused renewal is a value (the device keeps its certificate and carries on) but a failed sample.
  }, (out) => out.status === "fault");
}

export { TOKEN };
