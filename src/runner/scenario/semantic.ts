// SPDX-License-Identifier: MIT
/**
 * Checks JSON Schema cannot express: known models and flows, unique group names, server-dependent
 * keys, URL syntax, template variables, device totals and expectations that cannot all hold.
 * Runs on schema-valid data only.
 */
import { networkIssues } from "../network/check.js";
import { osSupportIssues } from "./os-support-semantic.js";
import { trustIssues } from "./trust-semantic.js";
import { optionsKeyForFlow } from "./platforms/index.js";
import { familyOf, foreignStateKeys, platformStateKeys, STATE_KEYS } from "../../device/state.js";
import { integrityContradiction } from "../../device/android/integrity.js";
import { formatPath, type Anchor, type PathSegment } from "./locate.js";
import { describeValue, type Issue } from "./messages.js";
import { MAX_TOTAL_DEVICES, TEMPLATE_VARIABLES, scenarioSchema, type Json } from "./schema.js";
import { timelineIssues } from "../timeline/check.js";
import { closest, didYouMean, listNames } from "./suggest.js";
import { faultIssues } from "./faults-semantic.js";
import { expectIssues } from "./semantic-expect.js";
import { answeredIssues } from "./semantic-answered.js";
import { templateIssues } from "./semantic-templates.js";
import { FLOW_STEPS, unknownStep } from "../../device/flows/steps.js";
import { policyIssues } from "./policy-semantic.js";
import { appleProfileIssues, installViaIssues } from "./apple-profile-semantic.js";
import { autopilotFileIssues } from "./autopilot-file-semantic.js";
import { enterTokenIssues } from "./android-token-semantic.js";
import type { Bound, ScepOptions, Scenario, ScenarioContext } from "./types.js";

function issue(path: PathSegment[], message: string, expected: string, anchor: Anchor = "value"): Issue {
  return { path, anchor, message, expected, rank: 1 };
}

/** `undefined` when `text` is an absolute http(s) URL without credentials, else what is wrong. */
export function httpUrlProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return "is not a valid URL";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return `uses ${url.protocol} instead of http: or https:`;
  if (!url.hostname) return "has no host";
  if (url.username || url.password) return "must not contain credentials";
  return undefined;
}

/** Template variables (`%NAME%`) in `text` that are not in {@link TEMPLATE_VARIABLES}. */
export function unknownVariables(text: string): string[] {
  const known: readonly string[] = TEMPLATE_VARIABLES;
  return [...text.matchAll(/%([A-Za-z0-9_]+)%/g)].map((m) => m[1]).filter((name) => !known.includes(name));
}


/**
 * {@link httpUrlProblem} of a group option's URL after its run URL template is expanded: `%SERVER%/scep`
 * is checked as `https://server.example/scep` (the run's value is only known once the server listens).
 */
export function templatedUrlProblem(text: string): string | undefined {
  return httpUrlProblem(text.replace(/^%(SERVER|SERVER_HTTP|SCEP_URL)%/, "https://server.example"));
}

function checkScep(base: PathSegment[], scep: ScepOptions, out: Issue[]): void {
  if (scep.url !== undefined) {
    const problem = templatedUrlProblem(scep.url);
    const at = [...base, "url"];
    if (problem) out.push(issue(at, `${formatPath(at)} ${problem} (got ${describeValue(scep.url)})`, "an http(s) URL, or one starting with %SERVER%"));
  }
  // %NAME% templates in subject and san: semantic-templates.ts (every string of the options).
}

function checkServer(s: Scenario, out: Issue[]): void {
  const embedded = s.server === undefined || s.server === "embedded";
  if (!embedded) {
    const problem = httpUrlProblem(s.server as string);
    if (problem) {
      out.push(issue(["server"], `server ${problem} (got ${describeValue(s.server)})`, '"embedded" or an http(s) URL'));
    }
  }
  if (embedded && s.insecure !== undefined) {
    const message = 'insecure is only allowed when server is an http(s) URL (server is "embedded")';
    out.push(issue(["insecure"], message, "no insecure key", "key"));
  }
  const e = s.embedded as { android?: { workspaceOne?: unknown }; policy?: { workspaceOne?: unknown } } | undefined;
  const scep = (s.embedded as { scep?: { ra?: unknown; getCaCertFault?: unknown } } | undefined)?.scep;
  if (scep?.getCaCertFault !== undefined && typeof scep.ra === "object" && scep.ra !== null) {
    const message = "embedded.scep.getCaCertFault is the old name of an RA certificate whose keyUsage is digitalSignature only: describe the RA once, with embedded.scep.ra: { keyUsage: [...] }";
    out.push(issue(["embedded", "scep", "getCaCertFault"], message, "no getCaCertFault next to ra: { keyUsage }", "key"));
  }
  if (e?.android?.workspaceOne !== undefined && e.policy?.workspaceOne !== undefined) {
    const message = "embedded.android.workspaceOne is the old name of embedded.policy.workspaceOne (the Workspace ONE tenant serves Android and iOS): give the tenant once, under embedded.policy.workspaceOne";
    out.push(issue(["embedded", "android", "workspaceOne"], message, "no embedded.android.workspaceOne next to embedded.policy.workspaceOne", "key"));
  }
  if (!embedded && s.embedded !== undefined) {
    const message = "embedded configures the embedded server, but server is a URL; remove it or set server: embedded";
    out.push(issue(["embedded"], message, "no embedded key", "key"));
  }
}

/** options.apple.agent.id: an agent of the catalog with an enrollment on the group's platform. */
function checkAgent(g: Scenario["groups"][number], at: (...rest: PathSegment[]) => PathSegment[], ctx: ScenarioContext, out: Issue[]): void {
  const id = (g.options as { apple?: { agent?: { id?: unknown } } } | undefined)?.apple?.agent?.id;
  const agents = ctx.agentEnrollments;
  if (typeof id !== "string" || !agents) return;
  const platform = ctx.modelPlatforms?.[g.model];
  const fitting = Object.keys(agents).filter((a) => platform === undefined || agents[a]!.includes(platform));
  if (agents[id] && (platform === undefined || agents[id].includes(platform))) return;
  const why = agents[id] ? `agent "${id}" has no enrollment on ${platform} (it has one on ${agents[id].join(", ") || "no platform"})` : `unknown agent "${id}"`;
  out.push(issue(at("options", "apple", "agent", "id"), `${why}; agents with an enrollment on ${platform ?? "this platform"}: ${listNames(fitting)}${didYouMean(id, fitting)}`, `an agent of agents/*.yaml or --agents DIR (${fitting.join(", ")})`));
}

/** A model and a flow from different platforms: refused here, not per device at run time. */
function checkPlatform(g: Scenario["groups"][number], at: (...rest: PathSegment[]) => PathSegment[], ctx: ScenarioContext, out: Issue[]): void {
  const platform = ctx.modelPlatforms?.[g.model];
  const runsOn = ctx.flowPlatforms?.[g.flow];
  if (platform === undefined || runsOn === undefined || runsOn === "any" || runsOn.includes(platform)) return;
  const fitting = Object.entries(ctx.flowPlatforms ?? {})
    .filter(([, p]) => p === "any" || p.includes(platform))
    .map(([f]) => f);
  const message =
    `flow "${g.flow}" runs on ${runsOn.join("/")}, but model "${g.model}" is of platform ${platform}; ` +
    `flows for ${platform}: ${listNames(fitting)}${didYouMean(g.flow, fitting)}`;
  out.push(issue(at("flow"), message, `a flow for ${platform} (${fitting.join(", ")})`));
}

/** Returns the total device count. */
function checkGroups(s: Scenario, ctx: ScenarioContext, out: Issue[]): number {
  const seen = new Map<string, number>();
  let total = 0;
  s.groups.forEach((g, i) => {
    const at = (...rest: PathSegment[]): PathSegment[] => ["groups", i, ...rest];
    const first = seen.get(g.name);
    if (first === undefined) seen.set(g.name, i);
    else {
      const message = `duplicate group name "${g.name}" (groups[${first}] already uses it)`;
      out.push(issue(at("name"), message, "a name no other group uses"));
    }
    if (!ctx.modelIds.includes(g.model)) {
      const known = `${listNames(ctx.modelIds)}${didYouMean(g.model, ctx.modelIds)}`;
      out.push(issue(at("model"), `unknown device model "${g.model}"; known models: ${known}`, "a device catalog id"));
    }
    if (!ctx.flows.includes(g.flow)) {
      const known = `${listNames(ctx.flows)}${didYouMean(g.flow, ctx.flows)}`;
      out.push(issue(at("flow"), `unknown flow "${g.flow}"; known flows: ${known}`, `one of ${ctx.flows.join(", ")}`));
    }
    checkPlatform(g, at, ctx, out);
    checkAgent(g, at, ctx, out);
    const ownKey = optionsKeyForFlow(g.flow);
    for (const key of Object.keys(g.options ?? {})) {
      if (key === ownKey) continue;
      const message = `${formatPath(at("options", key))} does not apply: the group's flow is "${g.flow}"`;
      out.push(issue(at("options", key), message, `options.${ownKey}`, "key"));
    }
    if (g.options?.scep) checkScep(at("options", "scep"), g.options.scep, out);
    const platform = ctx.modelPlatforms?.[g.model];
    if (g.state && platform) {
      // The schema allows every family's keys; a key of another platform is named as such.
      const family = familyOf(platform);
      for (const f of foreignStateKeys(g.state, family)) {
        const own = Object.keys(STATE_KEYS[family]);
        const message = `state.${f.key} does not apply to ${g.model} (platform ${platform})${f.families.length ? `: it is ${/^[aeiou]/.test(f.families[0]!) ? "an" : "a"} ${f.families.join("/")} state key` : ""}${didYouMean(f.key, own)}`;
        out.push(issue(at("state", f.key), message, `one of ${own.join(", ") || "(no state keys yet)"}`, "key"));
      }
      const contradiction = family === "android" ? integrityContradiction(g.state.integrity as never) : undefined;
      if (contradiction) out.push(issue(at("state", "integrity", "verifiedBoot"), contradiction.message, contradiction.expected));
      for (const k of platformStateKeys(g.state, platform)) {
        const models = Object.entries(ctx.modelPlatforms ?? {}).filter(([, p]) => k.platforms.includes(p)).map(([id]) => id);
        const message = `state.${k.key} does not apply to ${g.model} (platform ${platform}): ${k.why}${models.length ? `; models that have it: ${models.join(", ")}` : ""}`;
        out.push(issue(at("state", k.key), message, `a ${k.platforms.join("/")} model`, "key"));
      }
    }
    total += g.count;
    if (total > MAX_TOTAL_DEVICES && total - g.count <= MAX_TOTAL_DEVICES) {
      const message = `total device count reaches ${total} here; a scenario may start at most ${MAX_TOTAL_DEVICES}`;
      out.push(issue(at("count"), message, `at most ${MAX_TOTAL_DEVICES} devices in all`));
    }
  });
  return total;
}

/**
 * `undefined` when `step` is a step the scenario's flows can produce (device/flows/steps.ts), else
 * the known names with a did-you-mean. A context's explicit `steps` list replaces the registry.
 */
export function stepProblem(step: string, s: Scenario, ctx: ScenarioContext): string | undefined {
  if (ctx.steps) return ctx.steps.includes(step) ? undefined : `known steps: ${listNames(ctx.steps)}${didYouMean(step, ctx.steps)}`;
  const flows = [...new Set(s.groups.map((g) => g.flow))];
  if (flows.some((f) => !FLOW_STEPS[f])) return undefined; // an unknown flow is reported on its own
  const unknown = unknownStep(step, flows, closest);
  if (!unknown) return undefined;
  const hint = unknown.hint ? ` (${unknown.hint})` : didYouMean(step, unknown.known);
  return `known steps of ${flows.join(", ")} (enrollsim steps FLOW): ${listNames(unknown.known)}${hint}`;
}

function checkLatency(s: Scenario, ctx: ScenarioContext, out: Issue[]): void {
  for (const [step, bounds] of Object.entries(s.expect?.latency ?? {})) {
    const at: PathSegment[] = ["expect", "latency", step];
    const known = stepProblem(step, s, ctx);
    if (known) out.push(issue(at, `unknown step "${step}" in expect.latency; ${known}`, "a step name", "key"));
    const given = (["p50", "p95", "p99"] as const).filter((p) => bounds[p] !== undefined);
    for (let k = 1; k < given.length; k++) {
      const lo = bounds[given[k - 1]] as number;
      const hi = bounds[given[k]] as number;
      if (hi < lo) {
        const where = formatPath([...at, given[k]]);
        const message = `${where} (${hi}) is below ${given[k - 1]} (${lo}); percentiles cannot decrease`;
        out.push(issue([...at, given[k]], message, `a number >= ${lo}`));
      }
    }
  }
}

function checkStepCounts(s: Scenario, ctx: ScenarioContext, out: Issue[]): void {
  for (const [step, b] of Object.entries(s.expect?.steps ?? {})) {
    const at: PathSegment[] = ["expect", "steps", step];
    const known = stepProblem(step, s, ctx);
    if (known) out.push(issue(at, `unknown step "${step}" in expect.steps; ${known}`, "a step name", "key"));
    if (b.min !== undefined && b.max !== undefined && b.max < b.min) {
      out.push(issue([...at, "max"], `${formatPath([...at, "max"])} (${b.max}) is below min (${b.min})`, `a number >= ${b.min}`));
    }
    if (b.count !== undefined && (b.min !== undefined || b.max !== undefined)) {
      out.push(issue([...at, "count"], `${formatPath([...at, "count"])} cannot be combined with min/max`, "either count or min/max"));
    }
  }
}

/** The least a bound allows (a plain number: itself). */
const lowest = (b: Bound | undefined): number => (b === undefined ? 0 : typeof b === "number" ? b : (b.min ?? 0));

function checkFailures(s: Scenario, total: number, out: Issue[]): void {
  const failures = s.expect?.failures ?? [];
  const codes = new Map<string, number>();
  let ratioSum = 0;
  let countSum = 0;
  failures.forEach((f, i) => {
    const first = codes.get(f.code);
    if (first === undefined) codes.set(f.code, i);
    else {
      const message = `failure code "${f.code}" is already listed as expect.failures[${first}]`;
      out.push(issue(["expect", "failures", i, "code"], message, "each code once"));
    }
    countSum += lowest(f.count);
    ratioSum += lowest(f.ratio);
  });
  if (countSum > total) {
    const message = `expect.failures counts add up to ${countSum}, more than the ${total} devices`;
    out.push(issue(["expect", "failures"], message, `at most ${total} in all`));
    return;
  }
  const success = s.expect?.successRatio === undefined ? (failures.length ? 0 : 1) : lowest(s.expect.successRatio);
  const share = success + ratioSum + (total > 0 ? countSum / total : 0);
  if (share > 1 + 1e-9) {
    const message =
      `expectations cannot all hold: successRatio ${success} plus the expected failures ` +
      `cover ${+share.toFixed(6)} of the devices (more than 1)`;
    out.push(issue(["expect"], message, "success and failure shares adding up to at most 1"));
  }
}

function checkLoad(s: Scenario, out: Issue[]): void {
  const l = s.load;
  if (!l) return;
  if (s.arrival && (l.phases || l.concurrency !== undefined)) {
    const key = l.phases ? "phases" : "concurrency";
    out.push(issue(["load", key], `load.${key} replaces arrival; a scenario gives one of them`, "either arrival or load.phases/load.concurrency", "key"));
  }
  if (l.maxInFlight !== undefined && l.concurrency !== undefined) {
    out.push(issue(["load", "maxInFlight"], "load.maxInFlight bounds an open model (phases or arrival.rate); with load.concurrency it has no effect", "maxInFlight only with phases or a rate", "key"));
  }
}

/** Every semantic problem found; the loader reports the one nearest the top of the file. */
export function semanticIssues(s: Scenario, ctx: ScenarioContext): Issue[] {
  const out: Issue[] = [];
  if (typeof s.seed === "number" && !Number.isSafeInteger(s.seed)) {
    const message = `seed ${s.seed} is too large to keep exactly; quote it to make it a string`;
    out.push(issue(["seed"], message, "an integer within ±2^53 or a string"));
  }
  checkServer(s, out);
  out.push(...policyIssues(s.embedded?.policy));
  out.push(...appleProfileIssues(s), ...installViaIssues(s));
  out.push(...autopilotFileIssues(s));
  out.push(...enterTokenIssues(s));
  const total = checkGroups(s, ctx, out);
  checkLoad(s, out);
  checkLatency(s, ctx, out);
  checkStepCounts(s, ctx, out);
  out.push(...answeredIssues(s, ctx, stepProblem));
  out.push(...expectIssues(s));
  out.push(...templateIssues(s));
  checkFailures(s, total, out);
  out.push(...faultIssues(s, ctx));
  out.push(...osSupportIssues(s, ctx));
  out.push(...networkIssues(s));
  out.push(...trustIssues(s));
  const props = scenarioSchema.properties as { [k: string]: Json };
  out.push(...timelineIssues(s, ctx, props.embedded as { [k: string]: Json }, total, (step) => stepProblem(step, s, ctx)));
  return out;
}
