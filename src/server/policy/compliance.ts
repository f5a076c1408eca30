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

/**
 * An Android device's integrity as the service last received it: the Play Integrity device verdict's labels
 * (wire/android/integrity.ts; `undefined`: no verdict, e.g. no Google Play services) and what root detection saw.
 */
export interface IntegrityFacts {
  verdict?: readonly string[];
  rootDetected: boolean;
  /**
   * Why the service withheld the verdict although the device sent evidence: the evidence was not bound to a nonce the
   * service issued (server/android/integrity-nonces.ts; enrollsim's words: no such text is published).
   */
  withheld?: string;
}

export interface DeviceFacts {
  platform: PolicyPlatform;
  upn?: string;
  osVersion?: string;
  ownership: "corporate" | "personal";
  /** Android: the security patch level reported (YYYY-MM-DD). */
  securityPatch?: string;
  integrity?: IntegrityFacts;
}

/**
 * Intune's Android Enterprise "Device health" and "Device properties" settings, by their admin-center names
 * (Microsoft Learn, "Device compliance settings for Android Enterprise in Intune": Rooted devices — Block; Google Play
 * Protect › Play Integrity Verdict — Check basic integrity / Check basic integrity & device integrity; Check strong
 * integrity using hardware-backed security features — "Not all devices support this type of check. Intune marks such
 * devices as noncompliant."; Minimum security patch level). A device with no verdict fails the Play Integrity settings
 * ("Devices operating in regions or countries where Google Mobile Services isn't available will fail Google Play
 * Protect compliance policy setting evaluations").
 */
function androidRules(r: CompliancePolicy["rules"], f: DeviceFacts): string[] {
  const out: string[] = [];
  const v = f.integrity?.verdict;
  const has = (l: string) => v?.includes(l) ?? false;
  const seen = v === undefined ? `no verdict received${f.integrity?.withheld ? `: ${f.integrity.withheld}` : ""}` : `verdict ${v.length ? v.join(", ") : "none"}`;
  if (r.rootedDevices === "block" && f.integrity?.rootDetected) out.push("Rooted devices: Block (rooted device detected)");
  if (r.playIntegrity && (!has("MEETS_BASIC_INTEGRITY") || (r.playIntegrity === "basic-and-device" && !has("MEETS_DEVICE_INTEGRITY"))))
    out.push(`Play Integrity Verdict: ${r.playIntegrity === "basic" ? "Check basic integrity" : "Check basic integrity & device integrity"} (${seen})`);
  if (r.playIntegrity && r.strongIntegrity && !has("MEETS_STRONG_INTEGRITY")) out.push(`Check strong integrity using hardware-backed security features: Check strong integrity (${seen})`);
  if (r.minSecurityPatch && (!f.securityPatch || f.securityPatch < r.minSecurityPatch)) out.push(`Minimum security patch level ${r.minSecurityPatch} (device ${f.securityPatch ?? "unknown"})`);
  return out;
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
  if (f.platform === "android") out.push(...androidRules(r, f));
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
