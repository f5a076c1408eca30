// SPDX-License-Identifier: MIT
/**
 * Decodes Windows enrollment/management XML for `enrollsim inspect`: SOAP envelopes (Discover,
 * GetPolicies, RST/RSTR with the provisioning document, faults), SyncML messages and bare
 * wap-provisioningdocs. Returns undefined when the text is none of these. DOCTYPE/ENTITY input is
 * refused by the safe reader (reported as an error object, never expanded).
 */
import { SimError } from "../../errors/index.js";
import { readDiscoverRequest, readDiscoverResponse } from "../../wire/windows/discovery.js";
import { parseProvisioningDoc } from "../../wire/windows/provisioning.js";
import { parseEnvelope } from "../../wire/windows/soap.js";
import { parseSyncML } from "../../wire/windows/syncml.js";
import { readRst, readRstr } from "../../wire/windows/wstep.js";
import { readGetPoliciesResponse } from "../../wire/windows/xcep.js";
import { child, parseXml } from "../../wire/windows/xml.js";
import { parseCsr } from "../../wire/x509/pkcs10.js";

const guard = <T>(fn: () => T): T | { error: string } => {
  try {
    return fn();
  } catch (e) {
    return { error: e instanceof SimError ? `${e.code}: ${e.message}` : String(e) };
  }
};

function summarizeDoc(text: string) {
  const d = parseProvisioningDoc(text);
  return {
    certificates: d.certs.map((c) => `${c.store}/${c.scope}/${c.thumbprint} (${c.der.length} bytes)`),
    application: d.application && { ...d.application, auth: d.application.auth.map((a) => ({ ...a, secret: a.secret ? "[redacted]" : undefined })) },
    dmClient: d.dmClient,
    renew: d.renew,
    findings: d.findings,
  };
}

export function inspectWindowsXml(text: string): object | undefined {
  let root;
  try {
    root = parseXml(text, "input");
  } catch (e) {
    return /<(\w+:)?(Envelope|SyncML|wap-provisioningdoc)\b/.test(text) ? { kind: "windows-xml", error: e instanceof SimError ? `${e.code}: ${e.message}` : String(e) } : undefined;
  }
  const local = root.local.toLowerCase();
  if (local === "syncml") return { kind: "syncml", message: guard(() => parseSyncML(text)) };
  if (local === "wap-provisioningdoc") return { kind: "wap-provisioningdoc", document: guard(() => summarizeDoc(text)) };
  if (local !== "envelope") return undefined;
  const env = parseEnvelope(text, "input");
  const body = env.body;
  const out: Record<string, unknown> = { kind: "soap", action: env.action, messageId: env.messageId, relatesTo: env.relatesTo, findings: env.findings };
  if (env.security) out.security = env.security.kind === "username" ? { kind: "username", username: env.security.username, password: "[redacted]" } : { kind: "binary", valueType: env.security.valueType, token: "[redacted]" };
  if (env.fault) out.fault = env.fault;
  else if (child(body, "Discover")) out.discover = guard(() => readDiscoverRequest(body));
  else if (child(body, "DiscoverResponse")) out.discoverResponse = guard(() => readDiscoverResponse(body));
  else if (child(body, "GetPoliciesResponse")) out.policy = guard(() => readGetPoliciesResponse(body));
  else if (child(body, "GetPolicies")) out.getPolicies = {};
  else if (child(body, "RequestSecurityToken")) {
    out.rst = guard(() => {
      const r = readRst(body);
      const csr = guard(() => parseCsr(r.csrDer));
      return { tokenType: r.tokenType, context: r.context, csr: "error" in csr ? csr : { subject: csr.subject, signatureAlgorithm: csr.signatureAlgorithm, extensions: csr.extensions.map((e) => e.oid) } };
    });
  } else if (child(body, "RequestSecurityTokenResponseCollection") || child(body, "RequestSecurityTokenResponse")) {
    out.rstr = guard(() => summarizeDoc(readRstr(body)));
  }
  return out;
}
