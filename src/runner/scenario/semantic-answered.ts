// SPDX-License-Identifier: MIT
/**
 * Checks of `expect.answered` the schema cannot make: a step no flow of the scenario has (with a
 * did-you-mean), a body pattern that is not a valid regular expression, and bounds whose max is
 * below their min.
 */
import { formatPath, type PathSegment } from "./locate.js";
import type { Issue } from "./messages.js";
import { textPatternProblem } from "../text-pattern.js";
import type { Bound, Scenario, ScenarioContext } from "./types.js";

const issue = (path: PathSegment[], message: string, expected: string): Issue => ({ path, anchor: "value", message, expected, rank: 1 });

function range(path: PathSegment[], b: Bound | undefined, out: Issue[]): void {
  if (b === undefined || typeof b === "number" || b.min === undefined || b.max === undefined || b.max >= b.min) return;
  out.push(issue([...path, "max"], `${formatPath([...path, "max"])} (${b.max}) is below min (${b.min})`, `a number >= ${b.min}`));
}

/** `stepProblem` of semantic.ts (passed in: that file imports this one). */
export function answeredIssues(s: Scenario, ctx: ScenarioContext, stepProblem: (step: string, s: Scenario, ctx: ScenarioContext) => string | undefined): Issue[] {
  const out: Issue[] = [];
  s.expect?.answered?.forEach((e, i) => {
    const at: PathSegment[] = ["expect", "answered", i];
    const known = stepProblem(e.step, s, ctx);
    if (known) out.push(issue([...at, "step"], `unknown step "${e.step}" in ${formatPath([...at, "step"])}; ${known}`, "a step name"));
    const p = e.body === undefined ? undefined : textPatternProblem(e.body);
    if (p) out.push(issue([...at, "body"], `${formatPath([...at, "body"])} ${p}`, "a substring or a valid /regex/"));
    range([...at, "count"], e.count, out);
    range([...at, "ratio"], e.ratio, out);
  });
  return out;
}
