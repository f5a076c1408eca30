// SPDX-License-Identifier: MIT
/**
 * Compliance policies with a grace period (server-policies.md §11.2): every policy assigned to the
 * device's user (or to all users) for its platform is evaluated against what the server knows of
 * the device. A failing rule starts the noncompliance clock; "Mark device noncompliant" is scheduled
 * `graceHours` later (default 0 = immediately), and until then the device is "in-grace" and
 * conditional access still allows it. The device takes the most severe status of its policies
 * (Compliant < In grace period < Noncompliant). Times are the server clock (virtual in tests).
 */
import { compareVersions } from "../../wire/version.js";
import { targets } from "./directory.js";
import type { CompliancePolicy, PolicyConfig, PolicyPlatform } from "./types.js";

export type ComplianceState = "compliant" | "in-grace" | "noncompliant" | "not-evaluated";

export interface DeviceFacts {
  platform: PolicyPlatform;
  upn?: string;
  osVersion?: string;
  ownership: "corporate" | "personal";
}

export interface PolicyResult {
  policy: string;
  state: Exclude<ComplianceState, "not-evaluated">;
  failing: string[];
  /** When "Mark device noncompliant" fires (server clock, ms) for a failing policy. */
  markAt?: number;
}

/** Failing settings of one policy for the facts. */
export function failingRules(p: CompliancePolicy, f: DeviceFacts): string[] {
  const out: string[] = [];
  const r = p.rules;
  if (r.minOs && (!f.osVersion || compareVersions(f.osVersion, r.minOs) < 0)) out.push(`minimum OS ${r.minOs} (device ${f.osVersion ?? "unknown"})`);
  if (r.maxOs && f.osVersion && compareVersions(f.osVersion, r.maxOs) > 0) out.push(`maximum OS ${r.maxOs} (device ${f.osVersion})`);
  if (r.requireCorporate && f.ownership !== "corporate") out.push("corporate-owned device required");
  return out;
}

export function assignedPolicies(cfg: PolicyConfig, f: DeviceFacts): CompliancePolicy[] {
  return (cfg.compliance?.policies ?? []).filter((p) => p.platform === f.platform && targets(cfg, p.assign, f.upn));
}

const SEVERITY: Record<ComplianceState, number> = { "not-evaluated": 0, compliant: 1, "in-grace": 2, noncompliant: 3 };

/**
 * Evaluates at `now`. `since` keeps, per policy, when it was first seen failing (the caller stores
 * it between evaluations; a policy that passes again is cleared).
 */
export function evaluateCompliance(cfg: PolicyConfig, f: DeviceFacts, since: Map<string, number>, now: number): { state: ComplianceState; results: PolicyResult[] } {
  const policies = assignedPolicies(cfg, f);
  if (!policies.length) return { state: cfg.compliance?.noPolicy === "noncompliant" ? "noncompliant" : "compliant", results: [] };
  const results: PolicyResult[] = [];
  for (const p of policies) {
    const failing = failingRules(p, f);
    if (!failing.length) {
      since.delete(p.name);
      results.push({ policy: p.name, state: "compliant", failing });
      continue;
    }
    const start = since.get(p.name) ?? now;
    since.set(p.name, start);
    const markAt = start + (p.graceHours ?? 0) * 3_600_000;
    results.push({ policy: p.name, state: now >= markAt ? "noncompliant" : "in-grace", failing, markAt });
  }
  for (const k of [...since.keys()]) if (!policies.some((p) => p.name === k)) since.delete(k);
  const state = results.reduce<ComplianceState>((w, r) => (SEVERITY[r.state] > SEVERITY[w] ? r.state : w), "compliant");
  return { state, results };
}
