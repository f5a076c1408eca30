// SPDX-License-Identifier: MIT
/**
 * `options.android.enterToken.profile` names the embedded provisioning profile whose enrollment token the user enters on
 * Android Device Policy's own enter-code screen (protocol/android/dialects/token-sources.ts). A name the embedded server
 * does not hold would only fail at run time, as a 404 from the server blamed on the transport: it is refused at load.
 */
import { formatPath } from "./locate.js";
import type { Issue } from "./messages.js";
import { BUILT_IN_ANDROID_PROFILES } from "./platforms/android.js";
import { didYouMean } from "./suggest.js";
import type { Scenario } from "./types.js";

export function enterTokenIssues(s: Scenario): Issue[] {
  if (s.server !== undefined && s.server !== "embedded") return [];
  const declared = Object.keys(((s.embedded?.android as { profiles?: Record<string, unknown> } | undefined)?.profiles ?? {}) as object);
  const known = [...new Set([...declared, ...BUILT_IN_ANDROID_PROFILES])];
  const out: Issue[] = [];
  s.groups.forEach((g, i) => {
    const name = (g.options?.android as { enterToken?: { profile?: unknown } } | undefined)?.enterToken?.profile;
    if (typeof name !== "string" || known.includes(name)) return;
    const path = ["groups", i, "options", "android", "enterToken", "profile"];
    out.push({ path, anchor: "value", rank: 1, message: `${formatPath(path)} "${name}" is not a provisioning profile of the embedded server${didYouMean(name, known)}`, expected: `one of ${known.join(", ")}` });
  });
  return out;
}
