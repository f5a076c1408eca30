// SPDX-License-Identifier: MIT
/**
 * Load-time check of embedded.android.profiles.<name>.fault against the groups that use the
 * profile (wire/android/profile-faults.ts): a fault none of them can meet is an error at the
 * fault's position, naming each group and why, never a silently ignored knob (issue 12 #14).
 */
import { FLOW_DEFAULT_PROFILE, defaultDpcFor, faultUnreachable, type AndroidDpcKind } from "../../../wire/android/profile-faults.js";
import type { Issue } from "../messages.js";
import type { Scenario } from "../types.js";

type Raw = Record<string, unknown>;
const obj = (v: unknown): Raw => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Raw) : {});
const MODES = ["fully-managed", "dedicated", "cope", "work-profile", "aosp", "device-admin"];

export function androidProfileFaultIssues(s: Scenario): Issue[] {
  const profiles = obj(obj(obj(s.embedded).android).profiles);
  const out: Issue[] = [];
  for (const [name, pv] of Object.entries(profiles)) {
    const p = obj(pv);
    const fault = p.fault;
    if (typeof fault !== "string" || fault === "none") continue;
    const mode = typeof p.mode === "string" ? p.mode : MODES.includes(name) ? name : "fully-managed";
    const dpc = (typeof p.dpc === "string" ? p.dpc : defaultDpcFor(mode)) as AndroidDpcKind;
    const users = s.groups.filter((g) => {
      const o = obj(obj(g.options).android);
      return FLOW_DEFAULT_PROFILE[g.flow] !== undefined && (typeof o.profile === "string" ? o.profile : FLOW_DEFAULT_PROFILE[g.flow]) === name;
    });
    if (users.length === 0) continue;
    const why = users.map((g) => ({ g, why: faultUnreachable(fault, { flow: g.flow, trigger: obj(obj(g.options).android).trigger as string | undefined, dpc }) }));
    if (why.some((x) => x.why === undefined)) continue;
    const path = ["embedded", "android", "profiles", name, "fault"];
    out.push({
      path,
      anchor: "value",
      message: `embedded.android.profiles.${name}.fault "${fault}" never reaches ${why.map((x) => `group "${x.g.name}" (${x.g.flow}): ${x.why}`).join("; ")}`,
      expected: "a fault a group using this profile meets, or a group that meets it",
      rank: 1,
    });
  }
  return out;
}
