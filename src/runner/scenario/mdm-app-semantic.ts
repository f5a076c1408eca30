// SPDX-License-Identifier: MIT
/**
 * A warning for an MDM application a group's tokens never follow: the identity provider issues the Windows
 * enrollment token for the tenant's MDM application (`embedded.policy.directory.applications`, its
 * accessTokenAcceptedVersion) only when the device signs in there (`options.windows.tokenSource: idp` or
 * `integrated`); a minted token (the default; always for windows-bulk) is a v1.0 token for the enrollment
 * URL whatever the registration says (src/device/windows/auth.ts), so a v2.0 registration never reaches it.
 */
import { formatPath } from "./locate.js";
import type { Issue } from "./messages.js";
import type { Scenario } from "./types.js";

const TOKEN_FLOWS = ["windows-autopilot", "windows-gpo", "windows-bulk"];

export function mdmAppWarnings(s: Scenario): Issue[] {
  if (s.server !== undefined && s.server !== "embedded") return [];
  const apps = ((s.embedded?.policy as { directory?: { applications?: { mdm?: boolean; name?: string; accessTokenAcceptedVersion?: number | null }[] } } | undefined)?.directory?.applications ?? []).map((a, i) => ({ a, i }));
  const mdm = apps.find(({ a }) => a.mdm !== false);
  if (!mdm) return [];
  const out: Issue[] = [];
  s.groups.forEach((g, i) => {
    const w = (g.options?.windows ?? {}) as { tokenSource?: string };
    if (!TOKEN_FLOWS.includes(g.flow)) return;
    if (g.flow !== "windows-bulk" && (w.tokenSource === "idp" || w.tokenSource === "integrated")) return;
    const path = ["groups", i, "flow"];
    out.push({
      path,
      anchor: "value",
      rank: 1,
      message: `${formatPath(path)}: group ${g.name} gets its enrollment token minted (a v1.0 token for the enrollment URL), not issued for the MDM application "${mdm.a.name ?? mdm.i}" (embedded.policy.directory.applications.${mdm.i}), so its accessTokenAcceptedVersion never applies to it${g.flow === "windows-bulk" ? " (windows-bulk has no sign-in)" : "; set options.windows.tokenSource: idp for the OOBE sign-in"}`,
    });
  });
  return out;
}
