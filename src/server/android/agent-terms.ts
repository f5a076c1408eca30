// SPDX-License-Identifier: MIT
/**
 * The EMM's terms and conditions as its enrollment agent reads them (`embedded.policy.terms`: Intune "Terms and
 * conditions", learn.microsoft.com/intune/intune-service/enrollment/terms-and-conditions-create — "Users must accept
 * the terms and conditions before they can use the Company Portal to enroll"; the Knox Manage agent's registration,
 * which refuses with KMA_F220 "Terms and conditions not accepted" until all terms are accepted). Acceptance is per
 * user per version (shared/notes/server-policies.md §10.1); token redemption is refused (TERMS_NOT_ACCEPTED) while
 * terms are pending (policy/engine.ts decide).
 *
 * The agent↔EMM wire is not published for either product; enrollsim's stand-in is:
 *   GET  /android/agent/terms?user=UPN   → 200 {terms: [{name, version, title?, text?, acceptanceStatement?}]} (pending ones)
 *   POST /android/agent/terms            {user, accepted: [{name, version}]} → 200 {accepted: n} | 400
 */
import type { HttpRequest, HttpResponse } from "../../ports/http.js";
import type { PolicyEngine } from "../policy/engine.js";
import { jsonRes, readJson } from "./respond.js";

export const AGENT_TERMS_PATH = "/agent/terms";

const UPN = /^[^\s@]{1,200}@[^\s@]{1,200}$/;

export function agentTerms(req: HttpRequest, url: URL, policy: PolicyEngine): HttpResponse {
  if (req.method === "GET") {
    const user = url.searchParams.get("user") ?? "";
    if (!UPN.test(user)) return jsonRes(400, { error: "user must be a user principal name" });
    const terms = policy
      .pendingTerms(user)
      .map((t) => ({ name: t.name, version: t.version ?? 1, ...(t.title ? { title: t.title } : {}), ...(t.text ? { text: t.text } : {}), ...(t.acceptanceStatement ? { acceptanceStatement: t.acceptanceStatement } : {}) }));
    return jsonRes(200, { terms });
  }
  if (req.method !== "POST") return jsonRes(405, { error: "GET or POST" }, { allow: "GET, POST" });
  const body = readJson(req.body);
  const user = typeof body?.user === "string" ? body.user : "";
  const list = Array.isArray(body?.accepted) ? body.accepted.slice(0, 100) : undefined;
  if (!UPN.test(user) || !list) return jsonRes(400, { error: "expected {user, accepted: [{name, version}]}" });
  const pairs = list.filter((a): a is { name: string; version: number } => typeof a === "object" && a !== null && typeof (a as { name?: unknown }).name === "string" && Number.isInteger((a as { version?: unknown }).version));
  // Strict: acceptance of a version other than the current one is not acceptance of the current terms.
  const n = policy.acceptTerms(user, pairs);
  return jsonRes(200, { accepted: n });
}
