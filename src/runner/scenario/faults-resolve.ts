// SPDX-License-Identifier: MIT
/**
 * `faults:` as the runner holds them: top-level entries, then each group's (scoped to it), then
 * the aliases of the old per-platform fault knobs that are pure HTTP/DNS/TLS shapes.
 */
import type { ResolvedFault } from "../faults/vocabulary.js";
import { faultAliases } from "./faults-aliases.js";
import { formatPath } from "./locate.js";
import type { Scenario } from "./types.js";

export function resolveFaults(s: Scenario): ResolvedFault[] {
  const out: ResolvedFault[] = (s.faults ?? []).map((f, i) => ({ ...f, name: f.name ?? `faults[${i}]`, origin: `faults[${i}]` }));
  s.groups.forEach((g, gi) =>
    (g.faults ?? []).forEach((f, i) => {
      const origin = formatPath(["groups", gi, "faults", i]);
      out.push({ ...f, name: f.name ?? origin, origin, scopeGroup: g.name });
    }),
  );
  out.push(...faultAliases(s));
  return out;
}
