// SPDX-License-Identifier: MIT
/** Users and groups of the scenario's directory, and group-based assignment (server-policies.md §1, §5). */
import type { Assignment, PolicyConfig } from "./types.js";

export const ALL_USERS = "all-users";

/** Groups of a user (case-insensitive UPN); an unknown user belongs to no group. */
export function groupsOf(cfg: PolicyConfig, upn: string | undefined): Set<string> {
  if (!upn) return new Set();
  const u = cfg.directory?.users?.find((x) => x.upn.toLowerCase() === upn.toLowerCase());
  return new Set(u?.groups ?? []);
}

/** Whether the user holds an MDM licence: a user the directory lists with `licensed: false` does not; everyone else does. */
export function licensed(cfg: PolicyConfig, upn: string | undefined): boolean {
  if (!upn) return true;
  return cfg.directory?.users?.find((x) => x.upn.toLowerCase() === upn.toLowerCase())?.licensed !== false;
}

/**
 * Whether an assignment targets the user. Group assignments are user-targeted: a userless
 * enrollment (bulk, self-deploying) matches none of them.
 */
export function targets(cfg: PolicyConfig, assign: Assignment | undefined, upn: string | undefined): boolean {
  if (!assign) return true;
  if (!upn) return false;
  if (assign.includes(ALL_USERS)) return true;
  const g = groupsOf(cfg, upn);
  return assign.some((a) => g.has(a));
}

/** "all" / "none" / {groups}: the scope shape of user scopes and "users may join devices". */
export function inScope(cfg: PolicyConfig, scope: "all" | "none" | { groups: string[] } | undefined, upn: string | undefined, dflt: boolean): boolean {
  if (scope === undefined) return dflt;
  if (scope === "all") return true;
  if (scope === "none") return false;
  return targets(cfg, scope.groups, upn);
}

/** Assigned items of a priority-ordered list, highest priority (1) first; list order when no priority. */
export function byPriority<T extends { priority?: number; assign?: Assignment }>(list: readonly T[] | undefined): T[] {
  return (list ?? []).map((p, i) => ({ p, k: p.priority ?? i + 1 })).sort((a, b) => a.k - b.k).map((x) => x.p);
}
