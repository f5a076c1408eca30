// SPDX-License-Identifier: MIT
/** MS-XCEP GetPolicies request/response (MS-MDE2 §3.3) and what a device takes from it. */
import { ProtocolViolationError } from "../../errors/index.js";
import type { HashAlg } from "../../ports/crypto.js";
import { NS } from "./ns.js";
import { child, childrenNamed, el, path, textAt, type El, type Finding, type XmlNode } from "./xml.js";

export function getPoliciesBody(): El {
  return el(
    "GetPolicies",
    { xmlns: NS.xcep },
    el("client", {}, el("lastUpdate", { "xsi:nil": "true", "xmlns:xsi": NS.xsi }), el("preferredLanguage", { "xsi:nil": "true", "xmlns:xsi": NS.xsi })),
    el("requestFilter", { "xsi:nil": "true", "xmlns:xsi": NS.xsi }),
  );
}

export interface PolicySpec {
  minimalKeyLength: number;
  /** OID the policy names as hash, or undefined (nil). */
  hashAlgorithmOid?: string;
  validityPeriodSeconds: number;
  renewalPeriodSeconds: number;
}

export const HASH_OIDS: Record<string, HashAlg> = {
  "1.3.14.3.2.26": "sha1",
  "1.3.14.3.2.29": "sha1",
  "1.2.840.113549.1.1.5": "sha1",
  "2.16.840.1.101.3.4.2.1": "sha256",
  "1.2.840.113549.1.1.11": "sha256",
};

export function getPoliciesResponseBody(p: PolicySpec): El {
  const nil = { "xsi:nil": "true" };
  return el(
    "GetPoliciesResponse",
    { xmlns: NS.xcep, "xmlns:xsi": NS.xsi },
    el(
      "response",
      {},
      el("policyID", {}),
      el("policyFriendlyName", nil),
      el("nextUpdateHours", nil),
      el("policiesNotChanged", nil),
      el(
        "policies",
        {},
        el(
          "policy",
          {},
          el("policyOIDReference", {}, "0"),
          el("cAs", nil),
          el(
            "attributes",
            {},
            el("commonName", {}, "CEPUnitTest"),
            el("policySchema", {}, "3"),
            el("certificateValidity", {}, el("validityPeriodSeconds", {}, String(p.validityPeriodSeconds)), el("renewalPeriodSeconds", {}, String(p.renewalPeriodSeconds))),
            el("permission", {}, el("enroll", {}, "true"), el("autoEnroll", {}, "false")),
            el(
              "privateKeyAttributes",
              {},
              el("minimalKeyLength", {}, String(p.minimalKeyLength)),
              el("keySpec", nil),
              el("keyUsageProperty", nil),
              el("permissions", nil),
              el("algorithmOIDReference", nil),
              el("cryptoProviders", nil),
            ),
            el("revision", {}, el("majorRevision", {}, "101"), el("minorRevision", {}, "0")),
            el("supersededPolicies", nil),
            el("privateKeyFlags", nil),
            el("subjectNameFlags", nil),
            el("enrollmentFlags", nil),
            el("generalFlags", nil),
            p.hashAlgorithmOid ? el("hashAlgorithmOIDReference", {}, "1") : el("hashAlgorithmOIDReference", nil),
            el("rARequirements", nil),
            el("keyArchivalAttributes", nil),
            el("extensions", nil),
          ),
        ),
      ),
    ),
    el("cAs", nil),
    p.hashAlgorithmOid
      ? el("oIDs", {}, el("oID", {}, el("value", {}, p.hashAlgorithmOid), el("group", {}, "1"), el("oIDReferenceID", {}, "1"), el("defaultName", {}, "hash")))
      : el("oIDs", nil),
  );
}

export interface EnrollmentPolicy {
  minimalKeyLength?: number;
  hashOid?: string;
  /** Digest the device signs its CSR with; undefined = the policy names none. */
  hash?: HashAlg;
  validityPeriodSeconds?: number;
  renewalPeriodSeconds?: number;
}

const num = (s: string | undefined, what: string): number | undefined => {
  if (s === undefined || s === "") return undefined;
  if (!/^\s*\d{1,10}\s*$/.test(s)) throw new ProtocolViolationError("xcep.malformed", `${what} is not a number: "${s.slice(0, 40)}"`);
  return Number(s);
};

export function readGetPoliciesResponse(body: XmlNode, findings: Finding[] = []): EnrollmentPolicy {
  const resp = child(body, "GetPoliciesResponse", findings);
  if (!resp) throw new ProtocolViolationError("xcep.malformed", "body holds no GetPoliciesResponse");
  // windows_mdm writes <xcep:response xsi:nil="true"/> without declaring xcep: (Windows logs an error and carries on).
  for (const k of resp.children) {
    if (k.prefix !== undefined && k.ns === undefined) findings.push({ code: "xml.undeclared-prefix", message: `<${k.name}>: prefix ${k.prefix} is not declared` });
  }
  const policy = path(resp, ["response", "policies", "policy"], findings);
  const attrs = child(policy, "attributes", findings);
  const out: EnrollmentPolicy = {
    minimalKeyLength: num(textAt(attrs, ["privateKeyAttributes", "minimalKeyLength"], findings), "minimalKeyLength"),
    validityPeriodSeconds: num(textAt(attrs, ["certificateValidity", "validityPeriodSeconds"], findings), "validityPeriodSeconds"),
    renewalPeriodSeconds: num(textAt(attrs, ["certificateValidity", "renewalPeriodSeconds"], findings), "renewalPeriodSeconds"),
  };
  const ref = textAt(attrs, ["hashAlgorithmOIDReference"], findings);
  if (ref) {
    const oid = childrenNamed(child(resp, "oIDs"), "oID").find((o) => textAt(o, ["oIDReferenceID"]) === ref);
    const value = textAt(oid, ["value"]);
    if (!value) findings.push({ code: "xcep.dangling-hash-ref", message: `hashAlgorithmOIDReference ${ref} names no oID` });
    else {
      out.hashOid = value;
      out.hash = HASH_OIDS[value];
      if (!out.hash) findings.push({ code: "xcep.unknown-hash", message: `hash OID ${value} is unknown; using the default` });
    }
  }
  return out;
}
