// SPDX-License-Identifier: MIT
/**
 * Enrollment restrictions (server-policies.md §2): platform restrictions (platform, OS range,
 * personally owned, manufacturer) and device limit restrictions, each a priority-ordered list of
 * group-assigned policies above one Default. For a user only the single highest-priority assigned
 * policy of a type applies (no merging); a userless enrollment gets the Default alone. The two
 * types resolve independently.
 */
import { compareVersions } from "../../wire/version.js";
import { byPriority, targets } from "./directory.js";
import type { PlatformRule, PolicyConfig, RestrictionPlatform } from "./types.js";

/** The policy that decided, as the per-device enrollment report shows it (Default = priority 0, target Device). */
export interface AppliedPolicy {
  name: string;
  priority: number;
  target: "User" | "Device";
}

export const DEFAULT_POLICY = "All users and all devices";
/** Intune's shipped Default device limit (public material; not in the seeds, server-policies.md §14.1). */
export const DEFAULT_DEVICE_LIMIT = 5;

export function resolvePlatformPolicy(cfg: PolicyConfig, platform: RestrictionPlatform, upn: string | undefined): { applied: AppliedPolicy; rule: PlatformRule } {
  const r = cfg.restrictions;
  const list = byPriority(r?.platformPolicies);
  const hit = list.find((p) => targets(cfg, p.assign, upn));
  if (hit) return { applied: { name: hit.name, priority: hit.priority ?? list.indexOf(hit) + 1, target: "User" }, rule: hit[platform] ?? {} };
  return { applied: { name: DEFAULT_POLICY, priority: 0, target: "Device" }, rule: r?.platform?.[platform] ?? {} };
}

export function resolveLimitPolicy(cfg: PolicyConfig, upn: string | undefined): { applied: AppliedPolicy; limit: number } {
  const r = cfg.restrictions;
  const list = byPriority(r?.deviceLimitPolicies);
  const hit = list.find((p) => targets(cfg, p.assign, upn));
  if (hit) return { applied: { name: hit.name, priority: hit.priority ?? list.indexOf(hit) + 1, target: "User" }, limit: hit.limit };
  return { applied: { name: DEFAULT_POLICY, priority: 0, target: "Device" }, limit: r?.deviceLimit ?? DEFAULT_DEVICE_LIMIT };
}

export type RestrictionRefusal = "platform-blocked" | "manufacturer-blocked" | "personal-blocked" | "os-below-minimum" | "os-above-maximum";

export interface PlatformFacts {
  osVersion?: string;
  manufacturer?: string;
  ownership: "corporate" | "personal";
  /** Whether the OS range is enforced for this method (not for Apple ADE/Configurator; §2.4). */
  osRangeApplies: boolean;
}

/** Evaluates one platform rule in the documented order (§2.7): platform, manufacturer, personal, OS range. */
export function checkPlatformRule(rule: PlatformRule, f: PlatformFacts): { refusal: RestrictionRefusal; message: string } | undefined {
  if (rule.allowed === false) return { refusal: "platform-blocked", message: "the platform is blocked by an enrollment restriction" };
  const m = f.manufacturer?.toLowerCase();
  if (m && rule.blockedManufacturers?.some((b) => b.toLowerCase() === m)) return { refusal: "manufacturer-blocked", message: `manufacturer ${f.manufacturer} is blocked` };
  if (f.ownership === "personal" && rule.personal === "block") return { refusal: "personal-blocked", message: "personally owned devices are blocked" };
  if (f.osRangeApplies && f.osVersion) {
    if (rule.minOs && compareVersions(f.osVersion, rule.minOs) < 0) return { refusal: "os-below-minimum", message: `OS ${f.osVersion} is below the minimum ${rule.minOs}` };
    if (rule.maxOs && compareVersions(f.osVersion, rule.maxOs) > 0) return { refusal: "os-above-maximum", message: `OS ${f.osVersion} is above the maximum ${rule.maxOs}` };
  }
  return undefined;
}
