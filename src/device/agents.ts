// SPDX-License-Identifier: MIT
/**
 * The vendor agent catalog: one YAML file per enrollment agent (`agents/*.yaml`, documented in agents/README.md) — the
 * platforms it runs on, the enrollment exchange it uses there, and its table of refusal causes → the code and screen
 * text the vendor publishes. A device shows an agent's row when its server refused for that cause
 * (wire/agent-causes.ts); a cause with no row shows what the platform shows. This module parses and validates one
 * file (every mistake a `ScenarioError` at `file:line:column`, with a did-you-mean) and holds the set; reading the files
 * is runner/catalog-files.ts's job (`--agents DIR` adds a directory of the user's own).
 */
import { ScenarioError } from "../errors/index.js";
import { didYouMean } from "../errors/suggest.js";
import { ANDROID_DIALECTS } from "../protocol/android/dialects/index.js";
import { AGENT_CAUSE_NAMES, type AgentCause, type AgentMessage } from "../wire/agent-causes.js";
import { readYaml, type MapReader } from "./catalog-reader.js";
import { AGENT_ACTION_NAMES, type AgentAction } from "../wire/android/delegation.js";
import { compareVersions } from "../wire/android/oem-apps.js";
import { VENDOR_EXCHANGES, type VendorExchange } from "../wire/vendors/osquery.js";

/** The platforms an agent can run on: the device catalog's (device/catalog.ts checks they are the same list). */
export const AGENT_PLATFORMS = ["ios", "ipados", "macos", "windows", "android"] as const;
type Platform = (typeof AGENT_PLATFORMS)[number];
const PLATFORMS = AGENT_PLATFORMS;

/** The enrollment exchanges an Apple agent can run in front of the MDM profile install (device/apple/hub.ts). */
export const APPLE_AGENT_ENROLLMENTS = ["workspace-one"] as const;
export type AppleAgentEnrollment = (typeof APPLE_AGENT_ENROLLMENTS)[number];

export interface AgentPlatform {
  /** Android: the DPC dialect the agent enrolls with (protocol/android/dialects/). */
  dialect?: string;
  /** Apple: the agent's enrollment exchange before the profile install. */
  enrollment?: AppleAgentEnrollment;
  /** Android: the app's package name, as a policy's applications[] installs it (afterInstall runs for it). */
  packageName?: string;
  /** Windows: the MSI app's name as the MDM's package names it (`embedded.windows.esp.apps[].name`); its vendor-enroll rows run once it is installed. */
  msi?: string;
}

/** Where an agent's package puts the enroll secret it reads: a file baked into the package, or an MSI property on the install command line. */
export type SecretSource = { file: string } | { property: string };

/**
 * The agent's own enrollment to its vendor's server once the MDM installed it (Windows, `afterInstall` action
 * `vendor-enroll`): the exchange it runs, where it reads its secret (the first source the package has), and how it retries.
 */
export interface VendorEnrollRow {
  action: "vendor-enroll";
  exchange: VendorExchange;
  secretFrom: SecretSource[];
  /** Further attempts after a refused one (0: a refusal is final). */
  retries: number;
  /** fixed: retryIntervalSeconds between tries; squared: i² seconds before try i+1, at most retryIntervalSeconds (osquery's tls_enroll.cpp). */
  backoff: "fixed" | "squared";
  retryIntervalSeconds: number;
  screen: string;
  source: string;
}

/**
 * Work the agent does on its own once the policy installed it (Android), for the releases `fromVersion` ≤ v < `beforeVersion`:
 * an action that needs a delegated scope (wire/android/delegation.ts AGENT_ACTIONS), and how the release retries it.
 */
export interface AgentAfterInstall {
  action: AgentAction;
  fromVersion?: string;
  beforeVersion?: string;
  /** The release checks that the scope is delegated (DevicePolicyManager.getDelegatedScopes) before acting, and defers while it is not. */
  checkScope: boolean;
  /** Further attempts after a failed or deferred one (0: a failure is final). */
  retries: number;
  retryIntervalSeconds: number;
  /** Where the device shows the action's failure (the agent's screen, its report to the EMM). */
  screen: string;
  source: string;
}

export interface AgentScreen extends AgentMessage {
  cause: AgentCause;
  /** The platforms the row applies to (default: every platform of the agent). */
  platforms: Platform[];
}

export interface AgentModel {
  id: string;
  name: string;
  vendor: string;
  source: string;
  platforms: Partial<Record<Platform, AgentPlatform>>;
  screens: AgentScreen[];
  afterInstall: AgentAfterInstall[];
  /** Windows: the agent's enrollment to its own server after the MDM installed its MSI (afterInstall rows with action vendor-enroll). */
  vendorEnroll: VendorEnrollRow[];
}

const ID = /^[a-z0-9][a-z0-9-]*$/;
const ROOT_KEYS = ["id", "name", "vendor", "source", "platforms", "screens", "afterInstall"] as const;
const AFTER_INSTALL_KEYS = ["action", "fromVersion", "beforeVersion", "checkScope", "retries", "retryIntervalSeconds", "screen", "source"] as const;
const VENDOR_ENROLL_KEYS = ["action", "exchange", "secretFrom", "retries", "backoff", "retryIntervalSeconds", "screen", "source"] as const;
const ACTIONS = [...AGENT_ACTION_NAMES, "vendor-enroll"] as const;
const VERSION = /^\d+(\.\d+){0,3}$/;
const PACKAGE = /^[A-Za-z][\w]*(\.[A-Za-z][\w]*)+$/;
const SCREEN_KEYS = ["cause", "platforms", "code", "title", "text", "screen", "source"] as const;

export function parseAgentEntry(text: string, fileName: string): AgentModel {
  const r = readYaml(text, fileName);
  const root = r.map(r.doc.contents, "agent", "a mapping of agent fields").only(ROOT_KEYS);
  const id = root.str("id", ID, "lower-case letters, digits and dashes, e.g. workspace-one-hub");
  const baseName = /([^\\/]+)\.ya?ml$/.exec(fileName)?.[1];
  if (baseName !== undefined && baseName !== id) r.fail(root.node("id"), `id "${id}" does not match the file name ${baseName}.yaml`, `id: ${baseName}`);
  const platforms = readPlatforms(root.map("platforms", "a mapping of platform → {dialect | enrollment}"));
  const own = Object.keys(platforms) as Platform[];
  const seen = new Set<string>();
  const rows = root.has("afterInstall") ? root.list("afterInstall", "a non-empty list of {action, retries, retryIntervalSeconds, screen, source, …}", readAfterInstallRow) : [];
  const afterInstall = rows.filter((x): x is AgentAfterInstall => x.action !== "vendor-enroll");
  const vendorEnroll = rows.filter((x): x is VendorEnrollRow => x.action === "vendor-enroll");
  if (afterInstall.length && !platforms.android?.packageName)
    r.fail(root.node("afterInstall"), "cert-install is work an Android agent does once a policy installs it: platforms.android.packageName must name its package", "platforms: { android: { packageName: … } }");
  if (vendorEnroll.length && !platforms.windows?.msi) r.fail(root.node("afterInstall"), "vendor-enroll is work a Windows agent does once the MDM installed its MSI: platforms.windows.msi must name the package", "platforms: { windows: { msi: … } }");
  // An agent with work after install may publish no refusal screens.
  const screens = root.has("screens") || !rows.length ? root.list("screens", "a non-empty list of {cause, code, text, screen, source}", (s) => readScreen(s.only(SCREEN_KEYS), own)) : [];
  screens.forEach((s, i) => {
    for (const p of s.platforms) {
      const key = `${s.cause}|${p}`;
      if (seen.has(key)) r.fail(root.node("screens"), `screens[${i}]: a second row for cause "${s.cause}" on ${p}`, "one row per cause and platform");
      seen.add(key);
    }
  });
  return { id, name: root.str("name"), vendor: root.str("vendor"), source: root.str("source"), platforms, screens, afterInstall, vendorEnroll };
}

function readAfterInstallRow(m: MapReader): AgentAfterInstall | VendorEnrollRow {
  const action = m.str("action", undefined, `one of ${ACTIONS.join(", ")}`);
  if (!(ACTIONS as readonly string[]).includes(action)) m.r.fail(m.node("action"), `unknown action "${action}"${didYouMean(action, ACTIONS)}`, `one of ${ACTIONS.join(", ")}`);
  return action === "vendor-enroll" ? readVendorEnroll(m) : readAfterInstall(m);
}

function readVendorEnroll(m: MapReader): VendorEnrollRow {
  m.only(VENDOR_ENROLL_KEYS);
  const secretFrom = m.list("secretFrom", "a non-empty list of {file: NAME} or {property: NAME}", (s) => {
    s.only(["file", "property"]);
    const file = s.optStr("file", /^[\w.-]{1,100}$/, "a file name such as secret.txt");
    const property = s.optStr("property", /^[A-Za-z_][\w.]{0,99}$/, "an MSI property name such as ENROLL_SECRET");
    if ((file === undefined) === (property === undefined)) s.r.fail(s.self, "a secret source is one of a file baked into the package or an MSI property", "{file: secret.txt} or {property: ENROLL_SECRET}");
    return file !== undefined ? { file } : { property: property! };
  });
  return {
    action: "vendor-enroll",
    exchange: m.oneOf("exchange", VENDOR_EXCHANGES),
    secretFrom,
    retries: m.int("retries", 0, 1000),
    backoff: m.has("backoff") ? m.oneOf("backoff", ["fixed", "squared"] as const) : "fixed",
    retryIntervalSeconds: m.int("retryIntervalSeconds", 1, 604800),
    screen: m.str("screen"),
    source: m.str("source"),
  };
}

function readAfterInstall(m: MapReader): AgentAfterInstall {
  m.only(AFTER_INSTALL_KEYS);
  const fromVersion = m.optStr("fromVersion", VERSION, "a version such as 1.4.0");
  const beforeVersion = m.optStr("beforeVersion", VERSION, "a version such as 1.4.0");
  if (fromVersion && beforeVersion && compareVersions(fromVersion, beforeVersion) >= 0) m.r.fail(m.node("beforeVersion"), `beforeVersion ${beforeVersion} is not after fromVersion ${fromVersion}`, "a later version");
  const action = m.str("action", undefined, `one of ${AGENT_ACTION_NAMES.join(", ")}`);
  if (!(AGENT_ACTION_NAMES as readonly string[]).includes(action)) m.r.fail(m.node("action"), `unknown action "${action}"${didYouMean(action, AGENT_ACTION_NAMES)}`, `one of ${AGENT_ACTION_NAMES.join(", ")}`);
  return {
    action: action as AgentAction,
    ...(fromVersion ? { fromVersion } : {}),
    ...(beforeVersion ? { beforeVersion } : {}),
    checkScope: m.bool("checkScope"),
    retries: m.int("retries", 0, 1000),
    retryIntervalSeconds: m.int("retryIntervalSeconds", 1, 604800),
    screen: m.str("screen"),
    source: m.str("source"),
  };
}

function readPlatforms(m: MapReader): Partial<Record<Platform, AgentPlatform>> {
  m.only(PLATFORMS);
  const out: Partial<Record<Platform, AgentPlatform>> = {};
  for (const p of PLATFORMS) {
    if (!m.has(p)) continue;
    const b = m.map(p, "a mapping: dialect (Android), enrollment (Apple) or msi (Windows)").only(["dialect", "enrollment", "packageName", "msi"]);
    const msi = b.optStr("msi", /^[\w .()+-]{1,100}$/, "the MSI app's name as the MDM's package names it, e.g. fleetd-base");
    if (msi !== undefined && p !== "windows") m.r.fail(b.node("msi"), `msi is a Windows package's name, not one of ${p}`, "windows: { msi: … }");
    const packageName = b.optStr("packageName", PACKAGE, "a package name such as com.fleetdm.agent");
    if (packageName !== undefined && p !== "android") m.r.fail(b.node("packageName"), `packageName is an Android app's, not one of ${p}`, "android: { packageName: … }");
    const dialect = b.optStr("dialect");
    if (dialect !== undefined) {
      if (p !== "android") m.r.fail(b.node("dialect"), `dialect is an Android DPC dialect, not one of ${p}`, "enrollment (Apple)");
      if (!ANDROID_DIALECTS[dialect]) m.r.fail(b.node("dialect"), `unknown Android dialect "${dialect}"${didYouMean(dialect, Object.keys(ANDROID_DIALECTS))}`, `one of ${Object.keys(ANDROID_DIALECTS).join(", ")}`);
    }
    const enrollment = b.has("enrollment") ? b.oneOf("enrollment", APPLE_AGENT_ENROLLMENTS) : undefined;
    if (enrollment !== undefined && !["ios", "ipados", "macos"].includes(p)) m.r.fail(b.node("enrollment"), `enrollment is an Apple agent's exchange, not one of ${p}`, "dialect (Android)");
    out[p] = { ...(dialect ? { dialect } : {}), ...(enrollment ? { enrollment } : {}), ...(packageName ? { packageName } : {}), ...(msi ? { msi } : {}) };
  }
  if (Object.keys(out).length === 0) m.r.fail(m.self, "an agent runs on at least one platform", `one of ${PLATFORMS.join(", ")}`);
  return out;
}

function readScreen(s: MapReader, own: Platform[]): AgentScreen {
  const causeNode = s.node("cause");
  const cause = s.str("cause", undefined, `one of ${AGENT_CAUSE_NAMES.join(", ")}`);
  if (!(AGENT_CAUSE_NAMES as readonly string[]).includes(cause)) s.r.fail(causeNode, `unknown cause "${cause}"${didYouMean(cause, AGENT_CAUSE_NAMES)}`, `one of ${AGENT_CAUSE_NAMES.join(", ")}`);
  const platforms = s.has("platforms")
    ? s.strings("platforms", `a list of the agent's platforms (${own.join(", ")})`, undefined, (v, node) => {
        if (!own.includes(v as Platform)) s.r.fail(node, `platform "${v}" is not one of this agent's${didYouMean(v, own)}`, own.join(", "));
      })
    : own;
  const code = s.str("code");
  return { cause: cause as AgentCause, platforms: platforms as Platform[], code, title: s.optStr("title") ?? code, text: s.str("text"), screen: s.str("screen"), source: s.str("source") };
}

/** The set of agents, by id. */
export class AgentCatalog {
  private readonly byId = new Map<string, AgentModel>();

  constructor(agents: readonly AgentModel[] = []) {
    for (const a of agents) {
      if (this.byId.has(a.id)) throw new ScenarioError(`agent "${a.id}" is defined twice in the agent catalog`);
      this.byId.set(a.id, a);
    }
  }

  get(id: string): AgentModel | undefined {
    return this.byId.get(id);
  }

  ids(): string[] {
    return [...this.byId.keys()].sort();
  }

  list(): AgentModel[] {
    return this.ids().map((id) => this.byId.get(id)!);
  }

  /** The agent that enrolls Android devices with this DPC dialect. */
  forDialect(dialect: string): AgentModel | undefined {
    return this.list().find((a) => a.platforms.android?.dialect === dialect);
  }

  /** The Android agent whose app is this package (platforms.android.packageName). */
  forPackage(packageName: string): AgentModel | undefined {
    return this.list().find((a) => a.platforms.android?.packageName === packageName);
  }

  /** The Windows agent whose MSI is this package (platforms.windows.msi). */
  forMsi(name: string): AgentModel | undefined {
    return this.list().find((a) => a.platforms.windows?.msi === name);
  }

  /** What agent `id` shows on `platform` for `cause`; undefined when it publishes nothing for it there. */
  screen(id: string, platform: Platform, cause: AgentCause): AgentScreen | undefined {
    return this.byId.get(id)?.screens.find((s) => s.cause === cause && s.platforms.includes(platform));
  }
}
