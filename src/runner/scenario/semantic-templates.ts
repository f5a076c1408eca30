// SPDX-License-Identifier: MIT
/**
 * Load-time checks of `%NAME%` templates (device/template.ts) in everything that takes them: every
 * string of the groups' options (expanded per device) and of the embedded server's data (device
 * variables per device of the run, in list items) and of the groups' `state:` (device variables, per device).
 * An unknown name gets a did-you-mean.
 */
import { TEMPLATE_NAMES, scopeOf, templateUses } from "../../device/template.js";
import { formatPath, type PathSegment } from "./locate.js";
import type { Issue } from "./messages.js";
import { didYouMean } from "./suggest.js";
import type { Scenario } from "./types.js";

const issue = (path: PathSegment[], message: string, expected: string): Issue => ({ path, anchor: "value", message, expected, rank: 1 });
const known = TEMPLATE_NAMES.map((n) => `%${n}%`).join(", ");

function walk(v: unknown, path: PathSegment[], visit: (s: string, path: PathSegment[], inList: boolean) => void, inList = false): void {
  if (typeof v === "string") visit(v, path, inList);
  else if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i], visit, true));
  else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) walk(x, [...path, k], visit, false);
}

/** Every template problem in group options and embedded server data. */
export function templateIssues(s: Scenario): Issue[] {
  const out: Issue[] = [];
  const groups = s.groups.map((g) => g.name);
  const check = (serverData: boolean) => (text: string, path: PathSegment[], inList: boolean) => {
    for (const u of templateUses(text)) {
      const where = formatPath(path);
      const scope = scopeOf(u.name);
      if (!scope) {
        out.push(issue(path, `${where} uses unknown variable %${u.name}%${didYouMean(u.name, TEMPLATE_NAMES)}; known variables: ${known}`, known));
      } else if (u.group !== undefined && !serverData) {
        out.push(issue(path, `${where}: ${u.text} names a group; that is for lists of the embedded server's data (one item per device of the group), a device's own options use %${u.name}%`, `%${u.name}%`));
      } else if (u.group !== undefined && !groups.includes(u.group)) {
        out.push(issue(path, `${where}: ${u.text} names no group of the scenario${didYouMean(u.group, groups)}; groups: ${groups.join(", ")}`, `a group name (${groups.join(", ")})`));
      } else if (serverData && scope === "device" && !inList) {
        out.push(issue(path, `${where}: ${u.text} is a device variable; in the embedded server's data it may only stand in a list item (which becomes one item per device of the run)`, "a list item, or a run variable such as %SERVER%"));
      }
    }
  };
  s.groups.forEach((g, i) => walk(g.options ?? {}, ["groups", i, "options"], check(false)));
  // A device's state is built before the server listens: device variables only (expanded per device, device/template.ts expandState).
  s.groups.forEach((g, i) =>
    walk(g.state ?? {}, ["groups", i, "state"], (text, path, inList) => {
      check(false)(text, path, inList);
      for (const u of templateUses(text)) {
        if (scopeOf(u.name) === "run") out.push(issue(path, `${formatPath(path)}: ${u.text} is a run variable; a device's state is built before the server listens, so it takes device variables only`, "a device variable such as %INDEX% or %SERIAL%"));
      }
    }),
  );
  if (s.embedded) walk(s.embedded, ["embedded"], check(true));
  // Faults take run variables (`%SERVER%` in a redirect's location or a url glob), expanded once the server listens.
  const runOnly = (text: string, at: PathSegment[], inList: boolean) => {
    check(false)(text, at, inList);
    for (const u of templateUses(text)) {
      if (scopeOf(u.name) === "device") out.push(issue(at, `${formatPath(at)}: ${u.text} is a device variable; faults take run variables only (they are expanded once, when the server listens)`, "a run variable such as %SERVER% or %HOST%"));
    }
  };
  (s.faults ?? []).forEach((f, i) => walk(f, ["faults", i], runOnly));
  s.groups.forEach((g, gi) => (g.faults ?? []).forEach((f, i) => walk(f, ["groups", gi, "faults", i], runOnly)));
  return out;
}
