// SPDX-License-Identifier: MIT
/**
 * Checks of `expect:` the schema cannot make: `{min, max}` bounds whose max is below their min,
 * `present` mixed with counts, `shown` texts that are not valid regular expressions, and
 * `expect.server` against a URL server (only the embedded server's records can be read).
 */
import { formatPath, type PathSegment } from "./locate.js";
import type { Issue } from "./messages.js";
import { textPatternProblem } from "../text-pattern.js";
import type { Bound, Scenario } from "./types.js";

const issue = (path: PathSegment[], message: string, expected: string, anchor: "value" | "key" = "value"): Issue => ({ path, anchor, message, expected, rank: 1 });

function checkRange(path: PathSegment[], b: Bound | undefined, out: Issue[]): void {
  if (b === undefined || typeof b === "number" || b.min === undefined || b.max === undefined || b.max >= b.min) return;
  out.push(issue([...path, "max"], `${formatPath([...path, "max"])} (${b.max}) is below min (${b.min})`, `a number >= ${b.min}`));
}

/** Every problem of the scenario's `expect:` block that the schema cannot see. */
export function expectIssues(s: Scenario): Issue[] {
  const out: Issue[] = [];
  const e = s.expect;
  if (!e) return out;
  checkRange(["expect", "successRatio"], e.successRatio, out);
  for (const [step, b] of Object.entries(e.latency ?? {})) for (const p of ["p50", "p95", "p99"] as const) checkRange(["expect", "latency", step, p], b[p], out);
  e.failures?.forEach((f, i) => {
    checkRange(["expect", "failures", i, "count"], f.count, out);
    checkRange(["expect", "failures", i, "ratio"], f.ratio, out);
  });
  for (const [step, b] of Object.entries(e.steps ?? {})) {
    checkRange(["expect", "steps", step, "failed"], b.failed, out);
    if (b.present !== undefined && (b.count !== undefined || b.min !== undefined || b.max !== undefined)) {
      const at: PathSegment[] = ["expect", "steps", step, "present"];
      out.push(issue(at, `${formatPath(at)} cannot be combined with count/min/max (present: true is min 1, present: false is count 0)`, "either present or count/min/max", "key"));
    }
  }
  for (const [code, x] of Object.entries(e.outcomes ?? {})) {
    checkRange(["expect", "outcomes", code, "count"], x.count, out);
    checkRange(["expect", "outcomes", code, "ratio"], x.ratio, out);
  }
  e.shown?.forEach((x, i) => {
    const p = textPatternProblem(x.text);
    if (p) out.push(issue(["expect", "shown", i, "text"], `${formatPath(["expect", "shown", i, "text"])} ${p}`, "a substring or a valid /regex/"));
    checkRange(["expect", "shown", i, "count"], x.count, out);
    checkRange(["expect", "shown", i, "ratio"], x.ratio, out);
  });
  if (e.server) {
    const embedded = s.server === undefined || s.server === "embedded";
    if (!embedded) {
      const message = `expect.server asserts on the embedded reference server's records, but server is ${s.server}; a URL server's records cannot be read (remove expect.server, or run against server: embedded)`;
      out.push(issue(["expect", "server"], message, "server: embedded", "key"));
    }
    const sv = e.server;
    checkRange(["expect", "server", "duplicates"], sv.duplicates, out);
    checkRange(["expect", "server", "records", "count"], sv.records?.count, out);
    checkRange(["expect", "server", "certificates", "count"], sv.certificates?.count, out);
    checkRange(["expect", "server", "certificates", "duplicates"], sv.certificates?.duplicates, out);
    for (const k of ["ownership", "compliance", "licences"] as const) for (const [name, b] of Object.entries(sv[k] ?? {})) checkRange(["expect", "server", k, name], b, out);
    for (const k of ["status", "licenceRefusals"] as const) for (const [name, b] of Object.entries(sv.apps?.[k] ?? {})) checkRange(["expect", "server", "apps", k, name], b, out);
    for (const [name, p] of Object.entries(sv.profiles ?? {})) {
      for (const k of ["sent", "verifying", "pending", "applied", "failed"] as const) checkRange(["expect", "server", "profiles", name, k], p[k], out);
      for (const [code, b] of Object.entries(p.errors ?? {})) checkRange(["expect", "server", "profiles", name, "errors", code], b, out);
    }
  }
  return out;
}
