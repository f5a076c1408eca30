// SPDX-License-Identifier: MIT
/** MS-MDE2 §3.1 Discover request/response bodies. */
import { ProtocolViolationError } from "../../errors/index.js";
import { NS } from "./ns.js";
import { child, childrenNamed, el, textAt, type El, type Finding, type XmlNode } from "./xml.js";

export type AuthPolicy = "OnPremise" | "Federated" | "Certificate";

export interface DiscoverRequest {
  emailAddress: string;
  requestVersion: string;
  deviceType: string;
  applicationVersion: string;
  osEdition: string;
  authPolicies: AuthPolicy[];
}

export function discoverBody(r: DiscoverRequest): El {
  return el(
    "Discover",
    { xmlns: NS.discovery },
    el(
      "request",
      { "xmlns:i": NS.xsi },
      el("EmailAddress", {}, r.emailAddress),
      el("RequestVersion", {}, r.requestVersion),
      el("DeviceType", {}, r.deviceType),
      el("ApplicationVersion", {}, r.applicationVersion),
      el("OSEdition", {}, r.osEdition),
      el("AuthPolicies", {}, ...r.authPolicies.map((p) => el("AuthPolicy", {}, p))),
    ),
  );
}

export function readDiscoverRequest(body: XmlNode, findings: Finding[] = []): DiscoverRequest {
  const req = child(child(body, "Discover", findings), "request", findings);
  if (!req) throw new ProtocolViolationError("discovery.malformed", "Discover request without Discover/request");
  return {
    emailAddress: textAt(req, ["EmailAddress"], findings) ?? "",
    requestVersion: textAt(req, ["RequestVersion"], findings) ?? "",
    deviceType: textAt(req, ["DeviceType"], findings) ?? "",
    applicationVersion: textAt(req, ["ApplicationVersion"], findings) ?? "",
    osEdition: textAt(req, ["OSEdition"], findings) ?? "",
    authPolicies: childrenNamed(child(req, "AuthPolicies"), "AuthPolicy").map((n) => n.text.trim() as AuthPolicy),
  };
}

export interface DiscoverResult {
  authPolicy: string;
  enrollmentServiceUrl: string;
  enrollmentPolicyServiceUrl?: string;
  authenticationServiceUrl?: string;
  enrollmentVersion?: string;
}

export function discoverResponseBody(r: DiscoverResult): El {
  return el(
    "DiscoverResponse",
    { xmlns: NS.discovery },
    el(
      "DiscoverResult",
      {},
      el("AuthPolicy", {}, r.authPolicy),
      r.enrollmentVersion ? el("EnrollmentVersion", {}, r.enrollmentVersion) : undefined,
      r.enrollmentPolicyServiceUrl ? el("EnrollmentPolicyServiceUrl", {}, r.enrollmentPolicyServiceUrl) : undefined,
      el("EnrollmentServiceUrl", {}, r.enrollmentServiceUrl),
      r.authenticationServiceUrl ? el("AuthenticationServiceUrl", {}, r.authenticationServiceUrl) : undefined,
    ),
  );
}

export function readDiscoverResponse(body: XmlNode, findings: Finding[] = []): DiscoverResult {
  const res = child(child(body, "DiscoverResponse", findings), "DiscoverResult", findings);
  if (!res) throw new ProtocolViolationError("discovery.malformed", "DiscoverResponse without DiscoverResult");
  const authPolicy = textAt(res, ["AuthPolicy"], findings);
  const enrollmentServiceUrl = textAt(res, ["EnrollmentServiceUrl"], findings);
  if (!authPolicy) throw new ProtocolViolationError("discovery.malformed", "DiscoverResult without AuthPolicy");
  if (!enrollmentServiceUrl) throw new ProtocolViolationError("discovery.malformed", "DiscoverResult without EnrollmentServiceUrl");
  const out: DiscoverResult = { authPolicy, enrollmentServiceUrl };
  const p = textAt(res, ["EnrollmentPolicyServiceUrl"], findings);
  if (p) out.enrollmentPolicyServiceUrl = p;
  const a = textAt(res, ["AuthenticationServiceUrl"], findings);
  if (a) out.authenticationServiceUrl = a;
  const v = textAt(res, ["EnrollmentVersion"], findings);
  if (v) out.enrollmentVersion = v;
  return out;
}
