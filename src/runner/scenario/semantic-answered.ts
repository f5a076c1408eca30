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
import { CHECKIN_PREFIX, FLOW_STEPS } from "../../device/flows/steps.js";

const issue = (path: PathSegment[], message: string, expected: string): Issue => ({ path, anchor: "value", message, expected, rank: 1 });

function range(path: PathSegment[], b: Bound | undefined, out: Issue[]): void {
  if (b === undefined || typeof b === "number" || b.min === undefined || b.max === undefined || b.max >= b.min) return;
  out.push(issue([...path, "max"], `${formatPath([...path, "max"])} (${b.max}) is below min (${b.min})`, `a number >= ${b.min}`));
}

/**
 * A steady-phase name (`checkin.command.idle`): the transcript records the step under its own name
 * (`command.idle`), so such an entry could never match; the message names the one to write.
 */
function steadyName(step: string, s: Scenario): boolean {
  if (!step.startsWith(CHECKIN_PREFIX)) return false;
  const flows = [...new Set(s.groups.map((g) => g.flow))];
  const own = step.slice(CHECKIN_PREFIX.length);
  // A declared check-in step, or a member of a declared family (`command.*`): the step unprefixed.
  return flows.some((f) => (FLOW_STEPS[f]?.checkin ?? []).some((c) => c === own || (c.endsWith("*") && own.startsWith(c.slice(0, -1)))));
}

/** `stepProblem` of semantic.ts (passed in: that file imports this one). */
export function answeredIssues(s: Scenario, ctx: ScenarioContext, stepProblem: (step: string, s: Scenario, ctx: ScenarioContext) => string | undefined): Issue[] {
  const out: Issue[] = [];
  s.expect?.answered?.forEach((e, i) => {
    const at: PathSegment[] = ["expect", "answered", i];
    const known = stepProblem(e.step, s, ctx);
    if (known) out.push(issue([...at, "step"], `unknown step "${e.step}" in ${formatPath([...at, "step"])}; ${known}`, "a step name"));
    else if (steadyName(e.step, s)) {
      const own = e.step.slice(CHECKIN_PREFIX.length);
      const message = `${formatPath([...at, "step"])} "${e.step}" is a steady-state check-in's reported name; the transcript this reads records the step as "${own}" (its last answer counts, enrolment or check-in): write "${own}"`;
      out.push(issue([...at, "step"], message, `"${own}"`));
    }
    const p = e.body === undefined ? undefined : textPatternProblem(e.body);
    if (p) out.push(issue([...at, "body"], `${formatPath([...at, "body"])} ${p}`, "a substring or a valid /regex/"));
    range([...at, "count"], e.count, out);
    range([...at, "ratio"], e.ratio, out);
  });
  return out;
}
