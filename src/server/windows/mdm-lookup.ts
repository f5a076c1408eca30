// SPDX-License-Identifier: MIT
/**
 * The directory's answer to the GPO auto-enroll task's user lookup (POST /windows/drs/mdm, wire/windows/mdm-lookup.ts):
 * the MDM enrollment URL for the signed-in user, or none and why. Every GPO run asks it (device/windows/gpo-lookup.ts),
 * whether or not the PC joins in the run, so the tenant's rules about the user apply to a PC hybrid joined long ago.
 *
 * No URL (Microsoft Learn, "Troubleshooting Windows device enrollment errors in Intune", "Auto MDM Enroll: Failed",
 * Event 76 0x8018002b, causes: "The UPN contains an unverified or non-routable domain, such as .local" and "MDM user
 * scope is set to None"):
 * - the user's UPN suffix is not a verified domain of this tenant (tenants.ts upnDomainVerified): `upn-domain-unverified`;
 * - the MDM user scope is None (`embedded.policy.userScope.mdm: none`): `mdm-scope-none`.
 * A user outside an MDM user scope of Some (groups) gets the URL here: Learn names only None under 0x8018002b, and the
 * enrollment service then refuses the user (s:Authorization, 0x80180003 "This user isn't authorized to enroll":
 * policy-gate.ts, scenarios/policy-mdm-user-scope.yaml). What Entra answers such a user at this step is not published.
 */
import type { HttpRequest, HttpResponse } from "../../ports/http.js";
import type { MdmLookupAnswer } from "../../wire/windows/mdm-lookup.js";
import { baseFor, type HalfContext } from "../half.js";
import { upnDomainVerified } from "./tenants.js";
import { json } from "./drs.js";

export function mdmLookup(req: HttpRequest, ctx: HalfContext, initialDomain: string): HttpResponse {
  let q: { upn?: unknown };
  try {
    q = JSON.parse(new TextDecoder().decode(req.body ?? new Uint8Array()).slice(0, 16 * 1024)) as typeof q;
  } catch {
    return json(400, { error: "body is not JSON" });
  }
  if (!q || typeof q !== "object" || typeof q.upn !== "string" || !q.upn.includes("@") || q.upn.length > 256) return json(400, { error: "expected {upn}" });
  const policy = ctx.policy.config;
  const answer: MdmLookupAnswer = !upnDomainVerified(policy, initialDomain, q.upn)
    ? { upn: q.upn, mdm: false, noMdm: "upn-domain-unverified" }
    : policy.userScope?.mdm === "none"
      ? { upn: q.upn, mdm: false, noMdm: "mdm-scope-none" }
      : { upn: q.upn, mdm: true, discoveryUrl: `${baseFor(ctx.urls(), "/EnrollmentServer", "https")}/EnrollmentServer/Discovery.svc` };
  return json(200, answer);
}
