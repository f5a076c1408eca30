// SPDX-License-Identifier: MIT
/**
 * Checks of `embedded.policy` that JSON Schema cannot express: every group a rule names exists
 * (declared in directory.groups or on a user, or "all-users"), with a did-you-mean; policy names
 * and priorities are unique within their list; conditional-access policies name known groups (or UPNs)
 * and terms of use, and a block grant stands alone.
 */
import { formatPath, type PathSegment } from "./locate.js";
import type { Issue } from "./messages.js";
import { didYouMean, listNames } from "./suggest.js";

interface Named {
  name?: string;
  priority?: number;
  assign?: string[];
}
interface PolicyShape {
  directory?: { users?: { upn: string; groups?: string[] }[]; groups?: string[]; usersMayJoin?: unknown };
  restrictions?: { platformPolicies?: Named[]; deviceLimitPolicies?: Named[] };
  userScope?: { mdm?: unknown; mam?: unknown };
  compliance?: { policies?: Named[] };
  terms?: Named[];
  deviceLists?: Named[];
  licences?: Named[];
  conditionalAccess?: { policies?: (Named & { users?: { include?: string[]; exclude?: string[] }; grant?: { controls?: string[]; termsOfUse?: string[] } })[]; termsOfUse?: Named[] };
}

const ALL_USERS = "all-users";

export function policyIssues(policy: unknown): Issue[] {
  if (!policy || typeof policy !== "object") return [];
  const p = policy as PolicyShape;
  const out: Issue[] = [];
  const base: PathSegment[] = ["embedded", "policy"];
  const known = new Set<string>([ALL_USERS, ...(p.directory?.groups ?? []), ...(p.directory?.users ?? []).flatMap((u) => u.groups ?? [])]);
  const checkGroups = (path: PathSegment[], groups: string[] | undefined) =>
    groups?.forEach((g, i) => {
      if (known.has(g)) return;
      const at = [...path, i];
      const names = [...known];
      out.push({ path: at, anchor: "value", rank: 1, message: `${formatPath(at)} names group "${g}", which no user belongs to and directory.groups does not declare${didYouMean(g, names)}; known groups: ${listNames(names)}`, expected: "a group of embedded.policy.directory" });
    });
  const scopeGroups = (path: PathSegment[], s: unknown) => {
    if (s && typeof s === "object" && Array.isArray((s as { groups?: unknown }).groups)) checkGroups([...path, "groups"], (s as { groups: string[] }).groups);
  };
  const list = (path: PathSegment[], items: Named[] | undefined) => {
    const names = new Map<string, number>();
    const prios = new Map<number, number>();
    items?.forEach((it, i) => {
      checkGroups([...path, i, "assign"], it.assign);
      if (it.name !== undefined) {
        if (names.has(it.name)) out.push({ path: [...path, i, "name"], anchor: "value", rank: 1, message: `${formatPath([...path, i, "name"])} repeats the name "${it.name}" of item ${names.get(it.name)}`, expected: "a name unique in its list" });
        else names.set(it.name, i);
      }
      if (it.priority !== undefined) {
        if (prios.has(it.priority)) out.push({ path: [...path, i, "priority"], anchor: "value", rank: 1, message: `${formatPath([...path, i, "priority"])} repeats priority ${it.priority} of item ${prios.get(it.priority)}: priorities order the policies and must be unique`, expected: "a priority unique in its list" });
        else prios.set(it.priority, i);
      }
    });
  };
  scopeGroups([...base, "directory", "usersMayJoin"], p.directory?.usersMayJoin);
  scopeGroups([...base, "userScope", "mdm"], p.userScope?.mdm);
  scopeGroups([...base, "userScope", "mam"], p.userScope?.mam);
  list([...base, "restrictions", "platformPolicies"], p.restrictions?.platformPolicies);
  list([...base, "restrictions", "deviceLimitPolicies"], p.restrictions?.deviceLimitPolicies);
  list([...base, "compliance", "policies"], p.compliance?.policies);
  list([...base, "terms"], p.terms);
  list([...base, "deviceLists"], p.deviceLists);
  list([...base, "licences"], p.licences);
  // Conditional access: users are UPNs (with @) or groups; a grant names known terms of use, and block stands alone.
  const ca = [...base, "conditionalAccess"];
  list([...ca, "policies"], p.conditionalAccess?.policies);
  list([...ca, "termsOfUse"], p.conditionalAccess?.termsOfUse);
  const tou = (p.conditionalAccess?.termsOfUse ?? []).map((t) => t.name ?? "");
  p.conditionalAccess?.policies?.forEach((cp, i) => {
    const at: PathSegment[] = [...ca, "policies", i];
    for (const side of ["include", "exclude"] as const) checkGroups([...at, "users", side], cp.users?.[side]?.map((u) => (u.includes("@") ? ALL_USERS : u)));
    cp.grant?.termsOfUse?.forEach((n, j) => {
      if (tou.includes(n)) return;
      const path = [...at, "grant", "termsOfUse", j];
      out.push({ path, anchor: "value", rank: 1, message: `${formatPath(path)} names terms of use "${n}", which conditionalAccess.termsOfUse does not hold${didYouMean(n, tou)}; known: ${listNames(tou)}`, expected: "a name of embedded.policy.conditionalAccess.termsOfUse" });
    });
    const controls = cp.grant?.controls ?? [];
    if (cp.grant && !controls.length && !cp.grant.termsOfUse?.length) out.push({ path: [...at, "grant"], anchor: "key", rank: 1, message: `${formatPath([...at, "grant"])} grants nothing: name controls (block, mfa, compliantDevice, …) or termsOfUse`, expected: "grant controls or terms of use" });
    if (controls.includes("block") && (controls.length > 1 || cp.grant?.termsOfUse?.length)) out.push({ path: [...at, "grant", "controls"], anchor: "value", rank: 1, message: `${formatPath([...at, "grant", "controls"])}: block stands alone (Entra's grant is either "Block access" or "Grant access" with controls)`, expected: "[block] or grant controls" });
  });
  return out;
}
