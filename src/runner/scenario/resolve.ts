// SPDX-License-Identifier: MIT
/**
 * Fills in defaults. Every default a scenario author relies on is here (and listed in
 * `scenarios/README.md`); the runner never invents its own.
 */
import { resolveFaults } from "./faults-resolve.js";
import { isAliasedApkFault, isAliasedKnob } from "./faults-aliases.js";
import type {
  CaFingerprint,
  ResolvedArrival,
  ResolvedEmbeddedScep,
  ResolvedExpectations,
  ResolvedGroup,
  ResolvedLimits,
  ResolvedScenario,
  ResolvedScepOptions,
  ResolvedServer,
  Scenario,
  ScepOptions,
} from "./types.js";
import { resolveTimeline } from "../timeline/check.js";
import { clockOffsetMs } from "../../device/state.js";

/** Defaults, exported so documentation and tests can refer to them. */
export const DEFAULTS = {
  seed: "1",
  embeddedScep: { challenge: "enrollsim-challenge", pending: 0, ra: false, validityDays: 365 },
  scep: {
    subject: "CN=%SERIAL%,O=enrollsim",
    keyUsage: ["digitalSignature", "keyEncipherment"],
    extendedKeyUsage: ["clientAuth"],
    poll: { maxAttempts: 3, delayMs: 10_000, backoff: 1.0 },
    cipher: "auto",
    digest: "auto",
    renew: false,
  },
  /** Closed model: at most this many devices in flight. */
  arrival: { kind: "concurrency", concurrency: 10 },
  limits: { durationSeconds: 600, stepTimeoutMs: 30_000, maxResponseBytes: 1_048_576, sessionCommands: 2000, sessionBytes: 16_777_216, transcriptBytes: 4_194_304 },
} as const;

/** Parses a schema-valid `md5|sha1|sha256:` fingerprint. */
export function parseFingerprint(text: string): CaFingerprint {
  const colon = text.indexOf(":");
  return {
    algorithm: text.slice(0, colon) as CaFingerprint["algorithm"],
    hex: text.slice(colon + 1).replace(/:/g, "").toLowerCase(),
  };
}

/** `base` + "/scep", without doubling the slash. */
export function scepUrlFor(base: string): string {
  return `${base.replace(/\/+$/, "")}/scep`;
}

function resolveScep(o: ScepOptions, server: ResolvedServer): ResolvedScepOptions {
  const d = DEFAULTS.scep;
  return {
    url: o.url ?? (server.kind === "url" ? scepUrlFor(server.url) : undefined),
    challenge: o.challenge ?? (server.kind === "embedded" ? server.scep.challenge : undefined),
    subject: o.subject ?? d.subject,
    san: { dns: o.san?.dns ?? [], email: o.san?.email ?? [], uri: o.san?.uri ?? [], upn: o.san?.upn ?? [] },
    keyUsage: o.keyUsage ?? [...d.keyUsage],
    extendedKeyUsage: o.extendedKeyUsage ?? [...d.extendedKeyUsage],
    caFingerprint: o.caFingerprint === undefined ? undefined : parseFingerprint(o.caFingerprint),
    poll: { ...d.poll, ...o.poll },
    cipher: o.cipher ?? d.cipher,
    digest: o.digest ?? d.digest,
    renew: o.renew ?? d.renew,
  };
}

/** A platform block minus a `fault` knob that became a `faults:` entry (faults-aliases.ts): the fault layer answers instead of the server. */
function withoutAliasedFault(platform: "apple" | "windows" | "scep" | "amapi" | "headwind", block: unknown): unknown {
  const fault = (block as { fault?: unknown } | undefined)?.fault;
  if (fault === undefined || !isAliasedKnob(platform, fault)) return block;
  const { fault: _aliased, ...rest } = block as Record<string, unknown>;
  return rest;
}

/** `embedded.android` minus the AMAPI / Headwind `fault` knobs that became `faults:` entries. */
function withoutAndroidAliases(block: unknown): unknown {
  const b = block as { amapi?: unknown; headwind?: unknown; profiles?: Record<string, { fault?: unknown }> } | undefined;
  if (!b) return block;
  const amapi = withoutAliasedFault("amapi", b.amapi);
  const headwind = withoutAliasedFault("headwind", b.headwind);
  // Provisioning profiles whose fault is an APK wire fault: the profile stays, its fault goes to the fault layer.
  const aliased = Object.entries(b.profiles ?? {}).filter(([, p]) => isAliasedApkFault(p.fault));
  if (amapi === b.amapi && headwind === b.headwind && !aliased.length) return block;
  const profiles = aliased.length ? { ...b.profiles, ...Object.fromEntries(aliased.map(([n, p]) => [n, (({ fault: _f, ...rest }) => rest)(p)])) } : b.profiles;
  return { ...b, ...(b.amapi !== undefined ? { amapi } : {}), ...(b.headwind !== undefined ? { headwind } : {}), ...(profiles !== undefined ? { profiles } : {}) };
}

/**
 * The Workspace ONE UEM tenant is platform-neutral (`embedded.policy.workspaceOne`: the Hub on Android and on iOS enrolls
 * against the same organization groups, users and device records); `embedded.android.workspaceOne`, its key before iOS,
 * is an alias the tenant takes when the policy does not name one (semantic.ts refuses both at once).
 */
function withWorkspaceOneAlias(policy: object, android: unknown): object {
  const old = (android as { workspaceOne?: unknown } | undefined)?.workspaceOne;
  return old === undefined || (policy as { workspaceOne?: unknown }).workspaceOne !== undefined ? policy : { ...policy, workspaceOne: old };
}

/**
 * `getCaCertFault: ra-without-key-encipherment`, the knob of one catalogue row (apple-scep-ra-response-invalid), is an
 * alias of the general RA certificate description: an RA whose keyUsage is digitalSignature only. A scenario that also
 * describes the RA's keyUsage is refused by semantic.ts.
 */
function withRaAlias(scep: ResolvedEmbeddedScep & { getCaCertFault?: string }): ResolvedEmbeddedScep {
  const { getCaCertFault, ...rest } = scep;
  return getCaCertFault === "ra-without-key-encipherment" ? { ...rest, ra: { keyUsage: ["digitalSignature"] } } : rest;
}

function resolveServer(s: Scenario): ResolvedServer {
  if (s.server !== undefined && s.server !== "embedded") {
    return { kind: "url", url: s.server, insecure: s.insecure ?? false };
  }
  const e = s.embedded?.scep ?? {};
  const scep: ResolvedEmbeddedScep = withRaAlias({ ...DEFAULTS.embeddedScep, ...(withoutAliasedFault("scep", e) as typeof e) });
  const { apple, windows, android, policy, tls, clockOffset } = s.embedded ?? {};
  return {
    kind: "embedded",
    scep,
    platforms: { apple: withoutAliasedFault("apple", apple), windows: withoutAliasedFault("windows", windows), android: withoutAndroidAliases(android) },
    policy: withWorkspaceOneAlias(policy ?? {}, android),
    ...(tls ? { tls } : {}),
    ...(clockOffset !== undefined ? { clockOffsetMs: clockOffsetMs(clockOffset) } : {}),
  };
}

function resolveArrival(s: Scenario): ResolvedArrival {
  const a = s.arrival;
  if (a === undefined) return { ...DEFAULTS.arrival };
  if (a.rate !== undefined) {
    return { kind: "rate", rate: a.rate, rampFrom: a.rampFrom ?? a.rate, rampSeconds: a.rampSeconds ?? 0 };
  }
  return { kind: "concurrency", concurrency: a.concurrency };
}

/** Applies defaults to a schema-valid, semantically checked scenario. */
export function resolveScenario(s: Scenario, file: string): ResolvedScenario {
  const server = resolveServer(s);
  let next = 0;
  const groups: ResolvedGroup[] = s.groups.map((g) => {
    const firstIndex = next;
    next += g.count;
    const options: ResolvedGroup["options"] = {};
    if (g.flow === "scep") options.scep = resolveScep(g.options?.scep ?? {}, server);
    for (const key of ["apple", "windows", "android"] as const) if (g.options?.[key] !== undefined) options[key] = g.options[key];
    return { name: g.name, model: g.model, count: g.count, flow: g.flow, firstIndex, options, ...(g.state ? { state: g.state } : {}), ...(g.network !== undefined ? { network: g.network } : {}) };
  });
  const failures = (s.expect?.failures ?? []).map((f) =>
    f.ratio !== undefined
      ? { code: f.code, kind: "ratio" as const, ratio: f.ratio }
      : { code: f.code, kind: "count" as const, count: f.count },
  );
  const e = s.expect;
  const expectsFailures = failures.length > 0 || Object.keys(e?.outcomes ?? {}).length > 0 || (e?.shown?.length ?? 0) > 0;
  const expect: ResolvedExpectations = {
    successRatio: e?.successRatio ?? (expectsFailures ? 0 : 1),
    latency: { ...e?.latency },
    // Not written beside an explicit successRatio that lets devices fail: the ratio is the assertion, failure codes are not
    // checked (report/expectations.ts). Otherwise an absent list is an empty one: no failure code is expected.
    ...(e?.failures === undefined && e?.successRatio !== undefined && lowestRatio(e.successRatio) < 1 ? {} : { failures }),
    steps: { ...e?.steps },
    ...(e?.outcomes ? { outcomes: { ...e.outcomes } } : {}),
    ...(e?.commands ? { commands: structuredClone(e.commands) } : {}),
    ...(e?.shown ? { shown: e.shown.map((x) => ({ ...x })) } : {}),
    ...(e?.answered ? { answered: e.answered.map((x) => ({ ...x })) } : {}),
    ...(e?.server ? { server: { ...e.server } } : {}),
    ...(e?.checkins ? { checkins: structuredClone(e.checkins) } : {}),
  };
  const limits: ResolvedLimits = { ...DEFAULTS.limits, ...s.limits };
  const resolved: ResolvedScenario = {
    file,
    name: s.name,
    seed: s.seed === undefined ? DEFAULTS.seed : String(s.seed),
    server,
    groups,
    totalDevices: next,
    arrival: resolveArrival(s),
    ...(s.load ? { load: s.load } : {}),
    limits,
    expect,
    timeline: resolveTimeline(s.timeline),
  };
  const faults = resolveFaults(s);
  if (faults.length) resolved.faults = faults;
  if (s.networks) resolved.networks = s.networks;
  if (s.description !== undefined) resolved.description = s.description;
  return resolved;
}

/** The lowest success ratio a bound allows (a number is a minimum). */
const lowestRatio = (b: number | { min?: number; max?: number }): number => (typeof b === "number" ? b : (b.min ?? 0));
