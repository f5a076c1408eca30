// SPDX-License-Identifier: MIT
/**
 * Checks of `faults:` entries the schema cannot make: DNS answers and patterns that do not
 * parse, flows that do not exist, windows that end before they start, and `scepFailInfo` against
 * a URL server (errors); and faults that can never fire (warnings): a platform, flow, group or
 * step that no device of the scenario has, or a window after the run's deadline.
 */
import { patternProblem, compilePattern, platformMatches } from "../faults/select.js";
import { DNS_FAULTS, type FaultSpec } from "../faults/vocabulary.js";
import { formatPath, type PathSegment } from "./locate.js";
import type { Issue } from "./messages.js";
import { didYouMean, listNames } from "./suggest.js";
import type { GroupSpec, Scenario, ScenarioContext } from "./types.js";
import { STEP_FAMILIES, requestlessSteps } from "../../device/flows/steps.js";

/** Step names the server chooses (`command.<RequestType>`): any name under an open family may occur. */
const OPEN_PREFIXES = Object.values(STEP_FAMILIES).filter((f) => f.open).map((f) => f.prefix);

const error = (path: PathSegment[], message: string, expected: string): Issue => ({ path, anchor: "value", message, expected, rank: 1 });

/** Every fault entry with its path and the group it is scoped to. */
export function faultEntries(s: Scenario): { at: PathSegment[]; f: FaultSpec; scope?: GroupSpec }[] {
  const out: { at: PathSegment[]; f: FaultSpec; scope?: GroupSpec }[] = (s.faults ?? []).map((f, i) => ({ at: ["faults", i], f }));
  s.groups.forEach((g, gi) => (g.faults ?? []).forEach((f, i) => out.push({ at: ["groups", gi, "faults", i], f, scope: g })));
  return out;
}

/** Errors in `faults:` entries. */
export function faultIssues(s: Scenario, ctx: ScenarioContext): Issue[] {
  const out: Issue[] = [];
  const embedded = s.server === undefined || s.server === "embedded";
  for (const { at, f } of faultEntries(s)) {
    if (typeof f.dns === "string" && !(DNS_FAULTS as readonly string[]).includes(f.dns)) {
      out.push(error([...at, "dns"], `${formatPath([...at, "dns"])} must be one of ${DNS_FAULTS.join(", ")} or { cname: NAME } (got "${f.dns}")${didYouMean(f.dns, DNS_FAULTS)}`, `one of ${DNS_FAULTS.join(", ")}`));
    }
    const patterns: [PathSegment[], string | undefined][] = [
      [["step"], f.match?.step],
      [["url"], f.match?.url],
      [["body"], f.match?.body],
      [["field", "matches"], f.match?.field?.matches],
      ...Object.entries(f.match?.header ?? {}).map(([k, v]): [PathSegment[], string] => [["header", k], v]),
    ];
    for (const [key, text] of patterns) {
      const problem = text === undefined ? undefined : patternProblem(text);
      if (problem) out.push(error([...at, "match", ...key], `${formatPath([...at, "match", ...key])} is not a valid pattern: ${problem}`, "a glob or /regex/"));
    }
    const flow = f.match?.flow;
    if (flow !== undefined && !ctx.flows.includes(flow)) {
      out.push(error([...at, "match", "flow"], `unknown flow "${flow}" in ${formatPath([...at, "match"])}; known flows: ${listNames(ctx.flows)}${didYouMean(flow, ctx.flows)}`, "a flow name"));
    }
    const w = f.match?.window;
    if (w?.from !== undefined && w.to !== undefined && w.to <= w.from) {
      out.push(error([...at, "match", "window", "to"], `${formatPath([...at, "match", "window", "to"])} (${w.to}) must be after from (${w.from})`, `a number > ${w.from}`));
    }
    if (f.scepFailInfo !== undefined && !embedded) {
      const message = `${formatPath([...at, "scepFailInfo"])} needs the embedded server: a CertRep FAILURE must be signed with the CA's key, which only the embedded CA holds (server is ${s.server}). Against a URL server, configure the failure on that CA, or use status/reset/truncate faults`;
      out.push({ path: [...at, "scepFailInfo"], anchor: "key", message, expected: "server: embedded", rank: 1 });
    }
    if (f.tls === "client-cert-mid-connection" && !embedded) {
      const message = `${formatPath([...at, "tls"])}: client-cert-mid-connection needs the embedded server: its renegotiating listener sends the mid-connection CertificateRequest (server is ${s.server}). Against a URL server, configure the renegotiation on that server or its proxy`;
      out.push({ path: [...at, "tls"], anchor: "key", message, expected: "server: embedded", rank: 1 });
    }
  }
  return out;
}

/** Warnings: faults that are valid but can never fire. */
export function faultWarnings(s: Scenario, ctx: ScenarioContext): Issue[] {
  const out: Issue[] = [];
  const duration = s.limits?.durationSeconds ?? 600;
  const groupNames = s.groups.map((g) => g.name);
  for (const { at, f, scope } of faultEntries(s)) {
    const m = f.match ?? {};
    const warn = (key: PathSegment[], message: string) => out.push({ path: [...at, ...key], anchor: "value", message, rank: 1 });
    if (m.group !== undefined && !groupNames.includes(m.group)) {
      warn(["match", "group"], `${formatPath([...at, "match", "group"])} names no group ("${m.group}"); this fault can never fire${didYouMean(m.group, groupNames)}`);
      continue;
    }
    const reach = (scope ? [scope] : s.groups).filter(
      (g) =>
        (m.group === undefined || g.name === m.group) &&
        (m.flow === undefined || g.flow === m.flow) &&
        (m.platform === undefined || ctx.modelPlatforms === undefined || platformMatches(m.platform, ctx.modelPlatforms[g.model] ?? "")),
    );
    if (reach.length === 0) {
      const what = [m.platform && `platform ${m.platform}`, m.flow && `flow ${m.flow}`, m.group && `group ${m.group}`, scope && `group ${scope.name} (the entry's own)`].filter(Boolean).join(", ");
      warn(["match"], `${formatPath(at)} can never fire: no device group has ${what}`);
      continue;
    }
    // A TLS failure needs a TLS handshake: a url selector that only matches plain-http URLs never has one.
    if (f.tls !== undefined && m.url !== undefined && /^http:\/\//i.test(m.url)) {
      warn(["tls"], `${formatPath([...at, "tls"])} can never fire: match.url "${m.url}" is a plain-http URL, where no TLS handshake happens (aim at the https:// URL, or use reset/noAnswer for a plain-http endpoint)`);
    }
    // A CNAME answer acts on DNS lookups only, and a lookup carries no headers or body.
    const content = (["body", "header", "field"] as const).find((k) => m[k] !== undefined);
    if (content && f.dns !== undefined && typeof f.dns !== "string") {
      warn(["match", content], `${formatPath([...at, "match", content])} can never fire: dns: { cname } answers DNS lookups, which carry no headers or body (use dns: nxdomain/timeout/servfail to fail the HTTP request itself)`);
    }
    // A GET or HEAD carries no body: a body or field selector beside it never holds.
    const bodySel = (["body", "field"] as const).find((k) => m[k] !== undefined);
    if (bodySel && (m.method === "GET" || m.method === "HEAD")) {
      warn(["match", bodySel], `${formatPath([...at, "match", bodySel])} can never fire: match.method ${m.method} requests carry no body`);
    }
    if (m.window?.from !== undefined && m.window.from >= duration) {
      warn(["match", "window", "from"], `${formatPath([...at, "match", "window", "from"])} (${m.window.from} s) is at or after the run's deadline (limits.durationSeconds ${duration}); this fault can never fire`);
    }
    if (m.step !== undefined && ctx.flowSteps && !patternProblem(m.step)) {
      const re = compilePattern(m.step);
      const steps = [...new Set(reach.flatMap((g) => ctx.flowSteps?.[g.flow] ?? []))];
      const known = reach.every((g) => ctx.flowSteps?.[g.flow] !== undefined);
      const open = OPEN_PREFIXES.some((p) => m.step!.startsWith(p) && steps.some((st) => st.startsWith(p)));
      if (known && !open && !steps.some((st) => re.test(st))) {
        warn(["match", "step"], `${formatPath([...at, "match", "step"])} "${m.step}" matches no step of the flows it reaches (${[...new Set(reach.map((g) => g.flow))].join(", ")}); known steps: ${listNames(steps)}${didYouMean(m.step, steps)}`);
      } else if (known && !open) {
        // Steps these groups' options make request-free (device/flows/steps.ts): a fault needs a request to act on.
        const embedded = s.server === undefined || s.server === "embedded";
        const idle = reach.map((g) => ({ g, quiet: requestlessSteps(g.flow, g.options, embedded) }));
        const live = idle.some(({ g, quiet }) => (ctx.flowSteps?.[g.flow] ?? []).some((st) => re.test(st) && !quiet.some((q) => q.step === st)));
        if (!live) {
          const whys = [...new Set(idle.flatMap(({ g, quiet }) => quiet.filter((q) => re.test(q.step)).map((q) => `group ${g.name}: ${q.why}`)))];
          warn(["match", "step"], `${formatPath([...at, "match", "step"])} "${m.step}" can never fire: the steps it matches send no request for the devices it reaches (${whys.join("; ")})`);
        }
      }
    }
  }
  return out;
}
