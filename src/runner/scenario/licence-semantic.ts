// SPDX-License-Identifier: MIT
/**
 * A warning for a licence whose check-in refusal never reaches a group's devices: a generic licence (no `product`) with
 * `enforcedAt: [checkin]` refuses an enrolled device's check-in only where that refusal is modelled (Android AMAPI:
 * policy-schema.ts CHECKIN_REFUSAL_PLATFORMS, server/policy/licences.ts). How an EMM refuses a Windows PC's OMA-DM session or an Apple
 * device's MDM poll for a licence is not published, so for those devices the licence is checked at enrollment only.
 */
import { CHECKIN_REFUSAL_PLATFORMS } from "./policy-schema.js";
import { formatPath } from "./locate.js";
import type { Issue } from "./messages.js";
import type { Scenario, ScenarioContext } from "./types.js";

interface LicenceEntry {
  name?: string;
  platforms?: string[];
  enforcedAt?: string[];
  product?: string;
}

export function licenceWarnings(s: Scenario, ctx: ScenarioContext): Issue[] {
  if (s.server !== undefined && s.server !== "embedded") return [];
  const licences = ((s.embedded?.policy as { licences?: LicenceEntry[] } | undefined)?.licences ?? []).map((l, i) => ({ l, i }));
  const out: Issue[] = [];
  for (const { l, i } of licences) {
    if (l.product !== undefined || !(l.enforcedAt ?? []).includes("checkin")) continue;
    const unmodelled = [...new Set(s.groups.map((g) => ctx.modelPlatforms?.[g.model]).filter((p): p is NonNullable<typeof p> => p !== undefined && (!l.platforms || l.platforms.includes(p)) && !CHECKIN_REFUSAL_PLATFORMS.has(p)))];
    if (unmodelled.length === 0) continue;
    const path = ["embedded", "policy", "licences", i, "enforcedAt"];
    out.push({
      path,
      anchor: "value",
      rank: 1,
      message: `${formatPath(path)}: the licence "${l.name ?? i}" refuses check-ins of enrolled Android devices only; on ${unmodelled.join(", ")} it is checked at enrollment only (how an EMM refuses an OMA-DM session or an MDM poll for a licence, and what the device does then, is not published), so those devices keep being served`,
    });
  }
  return out;
}
