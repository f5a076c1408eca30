// SPDX-License-Identifier: MIT
/**
 * Checks of `timeline:` the schema cannot express: one action and one trigger per entry, targets
 * that exist, times within the run, `set` paths that name real settings (with did-you-mean) and
 * leave the embedded configuration schema-valid, and no server action against a URL server.
 * Also turns entries into {@link TimelineEntry} values.
 */
import { CLOCK_OFFSET_PATTERN } from "../../device/state.js";
import { Ajv, type ValidateFunction } from "ajv";
import { formatPath, type PathSegment } from "../scenario/locate.js";
import { addAnnotationKeywords, describeExpected, describeValue, type Issue } from "../scenario/messages.js";
import type { Json } from "../scenario/json.js";
import { didYouMean, listNames } from "../scenario/suggest.js";
import type { Scenario, ScenarioContext } from "../scenario/types.js";
import { durationMs, formatMs } from "./duration.js";
import { OWN_HANDLING, stateSetProblem } from "./device-state.js";
import { ACTION_KEYS, isServerAction, isTargeted, type RecordStore, type TimelineAction, type TimelineEntry, type TimelineEvent, type TimelineSpec } from "./types.js";

const issue = (path: PathSegment[], message: string, expected: string, anchor: "value" | "key" = "value"): Issue => ({ path, anchor, message, expected, rank: 1 });

/** `deleteRecords.in` as written (one store or a list) → the list; default the MDM server's records. */
const recordStores = (v: RecordStore | RecordStore[] | undefined): RecordStore[] => (v === undefined ? ["mdm"] : Array.isArray(v) ? v : [v]);

/** The entry's action (exactly one action key is checked before this is called). */
function actionOf(e: TimelineSpec): TimelineAction {
  const key = ACTION_KEYS.find((k) => e[k] !== undefined)!;
  switch (key) {
    case "set":
      return { kind: "set", values: Object.entries(e.set!).map(([p, value]) => ({ path: p.split("."), value })) };
    case "deleteRecords":
      return { kind: "deleteRecords", in: recordStores(e.deleteRecords!.in) };
    case "allowNextEnrollment":
      return { kind: "allowNextEnrollment", ...(e.allowNextEnrollment!.serials ? { serials: e.allowNextEnrollment!.serials } : {}) };
    case "resync":
      return { kind: "resync" };
    case "wipe":
      return { kind: "wipe", ...(e.wipe!.keepEnrollment ? { keepEnrollment: true } : {}), ...(e.wipe!.protected ? { protected: true } : {}) };
    case "autopilotReset":
      return { kind: "autopilotReset" };
    case "setOwnership":
      return { kind: "setOwnership", ownership: e.setOwnership! };
    case "editDeviceList": {
      const d = e.editDeviceList!;
      return { kind: "editDeviceList", list: d.list, ...(d.remove ? { remove: true as const } : { add: d.add ?? "serials" }) };
    }
    case "unlockUsers":
      return { kind: "unlockUsers", ...(e.unlockUsers!.users ? { users: e.unlockUsers!.users } : {}) };
    case "revoke":
      return { kind: "revoke", what: e.revoke! };
    case "expire":
      return { kind: "expire", what: e.expire! };
    case "restartServer":
      return { kind: "restartServer", loseState: e.restartServer!.loseState ?? false, downForMs: durationMs(e.restartServer!.downFor ?? 0) };
    case "endpointDown": {
      const d = e.endpointDown!;
      return { kind: "endpointDown", path: d.path, answer: d.answer ?? 503, ...(d.for !== undefined ? { forMs: durationMs(d.for) } : {}), ...(d.retryAfter !== undefined ? { retryAfter: d.retryAfter } : {}) };
    }
    case "endpointUp":
      return { kind: "endpointUp", path: e.endpointUp!.path };
    case "offline": {
      const o = e.offline!;
      return { kind: "offline", detail: o.as ?? "dns.timeout", ...(o.for !== undefined ? { forMs: durationMs(o.for) } : {}), ...(o.step ? { step: o.step } : {}) };
    }
    case "online":
      return { kind: "online" };
    case "joinNetwork":
      return { kind: "joinNetwork", network: e.joinNetwork! };
    case "portalSignIn":
      return { kind: "portalSignIn" };
    case "reset":
      return { kind: "reset" };
    case "localAutopilotReset":
      return { kind: "localAutopilotReset", admin: e.localAutopilotReset!.admin ?? true };
    case "restore":
      return { kind: "restore", backup: e.restore!.backup ?? "latest" };
    case "connectHost":
      return { kind: "connectHost", host: e.connectHost!.host, supervisionIdentity: e.connectHost!.supervisionIdentity ?? false };
    case "reboot": {
      const r = e.reboot!;
      return { kind: "reboot", ...(r.bootTime !== undefined ? { bootMs: durationMs(r.bootTime) } : {}), ...(r.step ? { step: r.step } : {}) };
    }
    case "idle":
      return { kind: "idle", forMs: durationMs(e.idle!.for), ...(e.idle!.step ? { step: e.idle!.step } : {}) };
    case "abandon":
      return { kind: "abandon", ...(e.abandon!.step ? { step: e.abandon!.step } : {}) };
    case "tryAgain":
      return { kind: "tryAgain", waitMs: durationMs(e.tryAgain!.wait ?? 0), times: e.tryAgain!.times ?? 1 };
    case "renewEnrollment":
      return { kind: "renewEnrollment", waitMs: durationMs(e.renewEnrollment!.wait ?? 0), times: e.renewEnrollment!.times ?? 1 };
    case "setUpAgain":
      return { kind: "setUpAgain", waitMs: durationMs(e.setUpAgain!.wait ?? 0), times: e.setUpAgain!.times ?? 1 };
    case "skip":
      return { kind: "skip", ms: durationMs(e.skip!) };
  }
}

function eventOf(a: NonNullable<TimelineSpec["after"]>): TimelineEvent {
  if (a.step !== undefined) return { kind: "step", step: a.step, ok: a.failed === undefined, n: a.failed ?? a.succeeded ?? 1 };
  if (a.enrolled !== undefined) return { kind: "enrolled", n: a.enrolled };
  return { kind: "outcome", code: a.outcome!, n: a.count ?? 1 };
}

/** Schema-valid, semantically checked entries → runner entries. */
export function resolveTimeline(specs: readonly TimelineSpec[] | undefined): TimelineEntry[] {
  return (specs ?? []).map((e, index) => {
    const target = e.group !== undefined || e.devices !== undefined || e.count !== undefined || e.platform !== undefined ? { ...(e.group !== undefined ? { group: e.group } : {}), ...(e.devices ? { devices: e.devices } : {}), ...(e.count !== undefined ? { count: e.count } : {}), ...(e.platform ? { platform: e.platform } : {}) } : undefined;
    return {
      index,
      when: e.after ? { kind: "after" as const, event: eventOf(e.after), waitMs: durationMs(e.after.wait ?? 0) } : { kind: "at" as const, ms: durationMs(e.at ?? 0) },
      ...(target ? { target } : {}),
      action: actionOf(e),
      ...(e.note !== undefined ? { note: e.note } : {}),
    };
  });
}

// ------------------------------------------------------------------------------ set paths

type Node = { [key: string]: Json };

/** Walks the embedded schema along `path`; undefined when it names a setting, else the issue text. */
function pathProblem(embeddedSchema: Node, path: string[]): { at: number; message: string; expected: string } | undefined {
  let node: Node | undefined = embeddedSchema;
  for (let i = 1; i < path.length; i++) {
    const seg = path[i]!;
    const props = node?.properties as Node | undefined;
    if (props && seg in props) {
      node = props[seg] as Node;
      continue;
    }
    if (node?.items && /^[0-9]+$/.test(seg)) {
      node = node.items as Node;
      continue;
    }
    if (node?.additionalProperties && typeof node.additionalProperties === "object") {
      node = node.additionalProperties as Node;
      continue;
    }
    const keys = props ? Object.keys(props) : [];
    const where = path.slice(0, i).join(".");
    if (!keys.length) return { at: i, message: `${where} has no setting "${seg}" (it is a ${describeExpected(node ?? {})})`, expected: `a path ending at ${where}` };
    return { at: i, message: `unknown setting "${seg}" in ${where}; expected one of ${listNames(keys)}${didYouMean(seg, keys)}`, expected: `one of ${keys.join(", ")}` };
  }
  return undefined;
}

function setIn(root: Record<string, unknown>, path: string[], value: unknown): void {
  let o = root;
  for (const seg of path.slice(0, -1)) {
    const next = o[seg];
    o = (o[seg] = next && typeof next === "object" ? (Array.isArray(next) ? [...next] : { ...(next as object) }) : {}) as Record<string, unknown>;
  }
  o[path[path.length - 1]!] = value;
}

/**
 * The embedded paths the server applies during a run (server/timeline-admin.ts): each SCEP CA setting
 * as a whole value, the server's clock, the tenant policy, and any setting of a platform half (which
 * reconfigures from the next request on). The rest (the TLS chain, made when the server starts) is
 * refused when the file loads rather than ignored at run time.
 */
const SETTABLE = ["embedded.scep.<setting>", "embedded.clockOffset", "embedded.policy[.<setting>…]", "embedded.apple.<setting>…", "embedded.windows.<setting>…", "embedded.android.<setting>…", "state.clockOffset", "state.trustedRoots", "state.<key>"];
function unsettable(path: readonly string[]): string | undefined {
  const [, part, ...rest] = path;
  if (part === "policy" || (part === "clockOffset" && rest.length === 0)) return undefined;
  if (part === "scep" && rest.length === 1) return undefined;
  if ((part === "apple" || part === "windows" || part === "android") && rest.length > 0) return undefined;
  const what = part === undefined ? "embedded as a whole" : part === "scep" ? `embedded.scep${rest.length ? ".…" : ""} (the SCEP CA takes whole values: embedded.scep.<setting>)` : part === "tls" ? "embedded.tls (the server's certificate chain is made when it starts)" : `${path.join(".")} (set a setting below it)`;
  return `nothing in the embedded server applies ${what} during a run; settable: ${SETTABLE.join(", ")}`;
}

let embeddedValidator: { schema: Node; check: ValidateFunction } | undefined;
function embeddedCheck(schema: Node): ValidateFunction {
  if (embeddedValidator?.schema !== schema) {
    const ajv = new Ajv({ allErrors: false, strict: true, strictRequired: false, strictNumbers: true, allowUnionTypes: true });
    addAnnotationKeywords(ajv);
    embeddedValidator = { schema, check: ajv.compile(schema) };
  }
  return embeddedValidator.check;
}

// ------------------------------------------------------------------------------ checks

/** Problems of `s.timeline`; `embeddedSchema` is the schema of `embedded` (for `set`). */
export function timelineIssues(s: Scenario & { timeline?: TimelineSpec[] }, ctx: ScenarioContext, embeddedSchema: Node, total: number, stepProblem: (step: string) => string | undefined): Issue[] {
  const out: Issue[] = [];
  const list = s.timeline ?? [];
  const url = s.server !== undefined && s.server !== "embedded";
  const durationS = s.limits?.durationSeconds ?? 600;
  const groups = s.groups.map((g) => g.name);
  let embedded: Record<string, unknown> = JSON.parse(JSON.stringify(s.embedded ?? {})) as Record<string, unknown>;
  list.forEach((e, i) => {
    const at = (...rest: PathSegment[]): PathSegment[] => ["timeline", i, ...rest];
    const actions = ACTION_KEYS.filter((k) => e[k] !== undefined);
    if (actions.length !== 1) {
      const message = actions.length === 0 ? `${formatPath(at())} has no action; give exactly one of ${ACTION_KEYS.join(", ")}` : `${formatPath(at())} gives ${actions.length} actions (${actions.join(", ")}); give exactly one per entry`;
      out.push(issue(actions.length ? at(actions[1]!) : at(), message, `exactly one of ${ACTION_KEYS.join(", ")}`, actions.length ? "key" : "value"));
      return;
    }
    if ((e.at === undefined) === (e.after === undefined)) {
      const message = e.at === undefined ? `${formatPath(at())} says neither when (at) nor after what (after) it happens` : `${formatPath(at())} gives both at and after; give one`;
      out.push(issue(e.at === undefined ? at() : at("after"), message, "exactly one of at or after", e.at === undefined ? "value" : "key"));
    }
    if (e.at !== undefined && durationMs(e.at) > durationS * 1000) {
      const message = `${formatPath(at("at"))} is ${formatMs(durationMs(e.at))} into the run, after the run's duration (limits.durationSeconds = ${durationS}); it would never fire`;
      out.push(issue(at("at"), message, `at most ${durationS}s`));
    }
    if (e.skip !== undefined && (e.at !== undefined ? durationMs(e.at) : 0) + durationMs(e.skip) > durationS * 1000) {
      const from = e.at !== undefined ? ` at ${formatMs(durationMs(e.at))}` : "";
      const message = `${formatPath(at("skip"))} of ${formatMs(durationMs(e.skip))}${from} moves the scenario clock past the run's end (limits.durationSeconds = ${durationS}): the run deadline would fire with it. Set limits.durationSeconds to at least ${Math.ceil(((e.at !== undefined ? durationMs(e.at) : 0) + durationMs(e.skip)) / 1000) + 60} (the skip plus time for what follows)${s.limits?.durationSeconds === undefined ? "; it defaults to 600" : ""}`;
      out.push(issue(at("skip"), message, `at most ${durationS}s in all`));
    }
    if (e.after) checkAfter(e.after, at("after"), stepProblem, out);
    const action = actionOf(e);
    const key = actions[0]!;
    // A device action at a named step: an exact name (no glob) must be a step of the flows.
    const atStep = "step" in action && typeof action.step === "string" && !/[*?]/.test(action.step) ? action.step : undefined;
    const unknownAt = atStep !== undefined ? stepProblem(atStep) : undefined;
    if (unknownAt) out.push(issue(at(key, "step"), `unknown step "${atStep}" in ${formatPath(at(key))}; ${unknownAt}`, "a step name or glob"));
    if (url && isServerAction(action)) {
      const message = `${formatPath(at(key))} acts on the embedded server, but server is a URL (${describeValue(s.server)}); only device actions${key === "endpointDown" ? " and endpointDown with answer: refuse" : ""} apply to a server under test`;
      out.push(issue(at(key), message, "a device action (offline, online, connectHost, reboot, idle, abandon, tryAgain, renewEnrollment, setUpAgain, skip, endpointDown answer refuse)", "key"));
    }
    // Pairing is evaluated when the device finishes enrolling (device/apple/host-pairing.ts): a connection triggered by an
    // enrolment or an outcome comes after it for the devices that triggered it, and nothing would evaluate it.
    if (action.kind === "connectHost" && (e.after?.enrolled !== undefined || e.after?.outcome !== undefined)) {
      const trigger = e.after.enrolled !== undefined ? "after: { enrolled }" : "after: { outcome }";
      out.push(issue(at("after"), `${formatPath(at("connectHost"))} fires ${trigger}, once devices have finished enrolling; a device pairs with the computers connected by the end of its enrolment, and a connection after that is not modelled`, "at: 0s, or after a step during the enrolment (e.g. after: { step: checkin.authenticate })", "key"));
    }
    // A renewal from the running OS is macOS's ADE command: a group of another flow has none (device/apple/setup-assistant.ts adeRenewal).
    const noRenewal = action.kind === "renewEnrollment" ? s.groups.filter((g) => (e.group === undefined || g.name === e.group) && g.flow !== "macos-ade") : [];
    if (noRenewal.length) out.push(issue(at(key), `${formatPath(at(key))} reaches group ${noRenewal.map((g) => `${g.name} (flow ${g.flow})`).join(", ")}: only a Mac set up through ADE (flow macos-ade) can ask for its enrollment again from the running OS; target a macos-ade group`, "group: a macos-ade group", "key"));
    if (action.kind === "connectHost" && action.host === "finder" && action.supervisionIdentity) {
      out.push(issue(at(key, "supervisionIdentity"), `${formatPath(at(key, "supervisionIdentity"))}: only Apple Configurator holds an organization's supervision identity; Finder pairs as any computer`, "host: configurator, or no supervisionIdentity", "key"));
    }
    const targeted = e.group !== undefined || e.devices !== undefined || e.count !== undefined || e.platform !== undefined;
    if (targeted && !isTargeted(action)) {
      const k = (["group", "devices", "count", "platform"] as const).find((x) => e[x] !== undefined)!;
      out.push(issue(at(k), `${formatPath(at(k))} does not apply: ${key}${key === "revoke" || key === "endpointDown" ? ` ${describeValue(key === "revoke" ? e.revoke : e.endpointDown?.answer ?? 503)}` : ""} acts on the whole server or run, not on devices`, "no device target", "key"));
    }
    if (e.group !== undefined && !groups.includes(e.group)) {
      out.push(issue(at("group"), `unknown group "${e.group}"; groups: ${listNames(groups)}${didYouMean(e.group, groups)}`, "a group name of this scenario"));
    }
    e.devices?.forEach((d, k) => {
      if (d >= total) out.push(issue(at("devices", k), `${formatPath(at("devices", k))} is device ${d}, but the run has ${total} device(s) (indices 0–${total - 1})`, `an index below ${total}`));
      else if (e.group !== undefined) {
        const g = s.groups.findIndex((x) => x.name === e.group);
        const first = s.groups.slice(0, g).reduce((n, x) => n + x.count, 0);
        if (g >= 0 && (d < first || d >= first + s.groups[g]!.count)) out.push(issue(at("devices", k), `${formatPath(at("devices", k))} is device ${d}, which is not in group "${e.group}" (indices ${first}–${first + s.groups[g]!.count - 1})`, `an index of group ${e.group}`));
      }
    });
    if (action.kind === "expire" && action.what === "push-certificate" && !url && !(s.embedded?.apple as { apnsCertificate?: unknown } | undefined)?.apnsCertificate) {
      out.push(issue(at("expire"), `${formatPath(at("expire"))}: the embedded server models no push certificate; give embedded.apple.apnsCertificate`, "embedded.apple.apnsCertificate"));
    }
    const vppAction = action.kind === "expire" || action.kind === "revoke" ? action : undefined;
    if (vppAction?.what === "vpp-token" && !url && !(s.embedded?.apple as { vpp?: unknown } | undefined)?.vpp) {
      out.push(issue(at(vppAction.kind), `${formatPath(at(vppAction.kind))}: the embedded server has no Apps and Books location; give embedded.apple.vpp`, "embedded.apple.vpp"));
    }
    if (vppAction?.what === "enrollment-invitations" && !url && !(s.embedded?.apple as { portal?: { invitations?: unknown[] } } | undefined)?.portal?.invitations?.length) {
      out.push(issue(at(vppAction.kind), `${formatPath(at(vppAction.kind))}: the embedded server's enrollment portal has no invitations; give embedded.apple.portal.invitations`, "embedded.apple.portal.invitations"));
    }
    if (action.kind === "editDeviceList" && !url) {
      // The list must exist in the configuration as it stands at this entry (a `set` before it may add one).
      const names = ((embedded.policy as { deviceLists?: { name?: string }[] } | undefined)?.deviceLists ?? []).map((l) => l.name ?? "");
      if (!names.includes(action.list)) out.push(issue(at(key, "list"), `${formatPath(at(key, "list"))} names device list "${action.list}", which embedded.policy.deviceLists does not hold${didYouMean(action.list, names)}; lists: ${listNames(names)}`, "a name of embedded.policy.deviceLists"));
    }
    if (action.kind === "set") {
      for (const [p, value] of Object.entries(e.set!)) {
        const path = p.split(".");
        if (path[0] === "state") {
          if (!OWN_HANDLING.has(path[1] ?? "")) {
            const problem = stateSetProblem(path.slice(1).join("."), value);
            if (problem) out.push(issue(at("set", p), `${formatPath(at("set", p))}: ${problem.message}`, problem.expected, problem.anchor));
            continue;
          }
          if (path[1] === "trustedRoots") {
            if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) out.push(issue(at("set", p), `${formatPath(at("set", p))} must be a list of root names (got ${describeValue(value)})`, "[Contoso Root CA]"));
          } else if (typeof value !== "string" || !new RegExp(CLOCK_OFFSET_PATTERN).test(value)) out.push(issue(at("set", p), `${formatPath(at("set", p))} must be a signed duration (got ${describeValue(value)})`, 'a signed duration such as "-90d", "+15m" or "0s"'));
          continue;
        }
        const problem = pathProblem(embeddedSchema, path);
        if (problem) {
          out.push(issue(at("set", p), `${formatPath(at("set"))}["${p}"]: ${problem.message}`, problem.expected, "key"));
          continue;
        }
        const ignored = unsettable(path);
        if (ignored) {
          out.push(issue(at("set", p), `${formatPath(at("set"))}["${p}"]: ${ignored}`, `one of ${SETTABLE.join(", ")}`, "key"));
          continue;
        }
        const next = JSON.parse(JSON.stringify(embedded)) as Record<string, unknown>;
        setIn(next, path.slice(1), value);
        const check = embeddedCheck(embeddedSchema);
        if (!check(next)) {
          const err = check.errors![0]!;
          out.push(issue(at("set", p), `${formatPath(at("set", p))} leaves the embedded configuration invalid: embedded${err.instancePath.replace(/\//g, ".")} ${err.message ?? "is invalid"} (got ${describeValue(value)})`, "a value the embedded configuration accepts"));
          continue;
        }
        embedded = next;
      }
    }
  });
  return out;
}

function checkAfter(a: NonNullable<TimelineSpec["after"]>, at: PathSegment[], stepProblem: (step: string) => string | undefined, out: Issue[]): void {
  const kinds = (["step", "enrolled", "outcome"] as const).filter((k) => a[k] !== undefined);
  if (kinds.length !== 1) {
    out.push(issue(at, `${formatPath(at)} must name exactly one event: step, enrolled or outcome${kinds.length ? ` (got ${kinds.join(", ")})` : ""}`, "exactly one of step, enrolled, outcome"));
    return;
  }
  if ((a.succeeded !== undefined || a.failed !== undefined) && kinds[0] !== "step") out.push(issue(at, `${formatPath(at)}: succeeded/failed count samples of a step; give step too`, "step with succeeded or failed"));
  if (a.succeeded !== undefined && a.failed !== undefined) out.push(issue([...at, "failed"], `${formatPath(at)} gives both succeeded and failed; give one`, "one of succeeded or failed", "key"));
  if (a.count !== undefined && kinds[0] !== "outcome") out.push(issue([...at, "count"], `${formatPath([...at, "count"])} counts devices with an outcome; give outcome too`, "outcome with count", "key"));
  const known = a.step !== undefined ? stepProblem(a.step) : undefined;
  if (known) out.push(issue([...at, "step"], `unknown step "${a.step}" in ${formatPath(at)}; ${known}`, "a step name"));
}
