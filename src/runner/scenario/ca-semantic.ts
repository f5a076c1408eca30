// SPDX-License-Identifier: MIT
/**
 * A warning for conditional access a group's devices can never meet: the Windows token flows
 * (windows-autopilot user-driven or hybrid, windows-gpo) evaluate `embedded.policy.conditionalAccess`
 * only when the device signs in at the identity provider (`options.windows.tokenSource: idp` or
 * `integrated`); with the default minted token there is no sign-in, so a policy on Microsoft Intune
 * Enrollment for Windows never applies to them (server/policy/conditional-access.ts).
 */
import { CLOUD_APPS } from "./cloud-apps.js";
import { formatPath } from "./locate.js";
import type { Issue } from "./messages.js";
import type { Scenario } from "./types.js";

interface CaPolicyShape {
  name?: string;
  state?: string;
  apps?: { include?: string[]; exclude?: string[] };
  platforms?: { include?: string[]; exclude?: string[] };
}

const IE: readonly string[] = [CLOUD_APPS.intuneEnrollment.name, CLOUD_APPS.intuneEnrollment.id, ...CLOUD_APPS.intuneEnrollment.aliases];
const names = (l: string[] | undefined) => (l ?? []).map((x) => x.toLowerCase());
const isIe = (l: string[] | undefined) => names(l).some((x) => IE.some((n) => n.toLowerCase() === x));

/** Whether a policy can apply to the Windows sign-in for Microsoft Intune Enrollment. */
function coversWindowsEnrollment(p: CaPolicyShape): boolean {
  if (p.state === "off") return false;
  const include = p.apps?.include ?? ["All cloud apps"];
  if (!names(include).some((x) => x === "all cloud apps" || x === "all") && !isIe(include)) return false;
  if (isIe(p.apps?.exclude)) return false;
  const plat = p.platforms?.include;
  if (plat && !plat.includes("all") && !plat.includes("windows")) return false;
  return !p.platforms?.exclude?.includes("windows");
}

export function caWarnings(s: Scenario): Issue[] {
  if (s.server !== undefined && s.server !== "embedded") return [];
  const policies = ((s.embedded?.policy as { conditionalAccess?: { policies?: CaPolicyShape[] } } | undefined)?.conditionalAccess?.policies ?? []).map((p, i) => ({ p, i })).filter(({ p }) => coversWindowsEnrollment(p));
  if (!policies.length) return [];
  const out: Issue[] = [];
  s.groups.forEach((g, i) => {
    const w = (g.options?.windows ?? {}) as { tokenSource?: string; autopilot?: { mode?: string } };
    const signsIn = g.flow === "windows-gpo" || (g.flow === "windows-autopilot" && !["self-deploying", "pre-provisioned"].includes(w.autopilot?.mode ?? "user-driven"));
    if (!signsIn || w.tokenSource === "idp" || w.tokenSource === "integrated") return;
    const first = policies[0]!;
    const path = ["groups", i, "flow"];
    out.push({
      path,
      anchor: "value",
      rank: 1,
      message: `${formatPath(path)}: group ${g.name} gets its enrollment token minted (options.windows.tokenSource, default minted), so it never signs in at the identity provider and the conditional-access policy "${first.p.name ?? first.i}" (embedded.policy.conditionalAccess.policies.${first.i}) on Microsoft Intune Enrollment never applies to it; set options.windows.tokenSource: idp for the OOBE sign-in`,
    });
  });
  return out;
}
