// SPDX-License-Identifier: MIT
/**
 * The step registry: every step name each flow can produce, as the runner reports it (the names in a
 * run summary's `steps`, in `expect.steps`/`expect.latency` and in fault step selectors). A step is
 * one `step(ctx, name, …)` of device/ or protocol/; steady-state check-ins report their steps with
 * the `checkin.` prefix the runner adds.
 *
 * Names the server chooses come as families: `command.<RequestType>` (an Apple MDM command is
 * reported under its RequestType, whatever the server sends), `checkin.<messagetype>` and
 * `ddm.declaration.<kind>`. A family lists its known members (from Apple's schemas); an open family
 * also accepts names outside the list.
 *
 * test/device/flows/steps.test.ts runs every flow (success and failure paths against the embedded
 * server) and fails when a flow records a step this registry does not declare, so it cannot drift.
 * `enrollsim steps [FLOW]` prints it; scripts/gen-steps-doc.mjs writes the table in scenarios/README.md.
 */
import { CHECKIN_MESSAGE_TYPES } from "../../wire/apple/mdm.js";
import { DDM_KINDS } from "../../wire/apple/ddm.js";
import { COMMAND_SCHEMAS } from "../../wire/apple/generated-data.js";
import { STEPS as WIZARD } from "../../protocol/android/setup-wizard.js";
import { AMAPI_STEPS } from "../../protocol/android/dialects/amapi.js";
import { HEADWIND_STEPS } from "../../protocol/android/dialects/headwind.js";
import { WS1_STEPS } from "../../protocol/android/dialects/workspace-one.js";
import { INTUNE_COMPLIANCE_STEP } from "../../protocol/android/dialects/intune.js";
import { METHOD_STEP, METHOD_TABLE } from "../methods.js";
import { AGENT_TERMS_STEPS } from "../android/agent-terms.js";
import { AGENT_WORK_STEPS } from "../android/agent-work.js";
import { VENDOR_ENROLL_STEP } from "../windows/agent-work.js";

/** A step name family: `prefix` + one member, e.g. `command.` + `DeviceInformation`. */
export interface StepFamily {
  /** The family as written in listings: `command.*`. */
  pattern: string;
  prefix: string;
  /** What fills the `*`. */
  what: string;
  /** Known members (suffixes). */
  members: readonly string[];
  /** True when names outside `members` occur too (the server picks them). */
  open: boolean;
}

const family = (prefix: string, what: string, members: readonly string[], open: boolean): StepFamily => ({ pattern: `${prefix}*`, prefix, what, members, open });

/** Step families, by pattern. */
export const STEP_FAMILIES: Readonly<Record<string, StepFamily>> = Object.fromEntries(
  [
    family("command.", "the Apple MDM command's RequestType (any the server sends; unknown ones are answered Error 12021)", COMMAND_SCHEMAS.map((c) => c.requestType), true),
    family(
      "checkin.",
      "the Apple check-in MessageType, lower case",
      CHECKIN_MESSAGE_TYPES.filter((m) => m !== "DeclarativeManagement").map((m) => m.toLowerCase()),
      false,
    ),
    family("ddm.declaration.", "the declaration kind", DDM_KINDS, false),
  ].map((f) => [f.pattern, f]),
);

const SCEP = ["scep.getcacaps", "scep.getcacert", "scep.pkioperation", "scep.certpoll"];

/** Every Apple enrollment ends on the same MDM core: SCEP payload, check-in, command loop, DDM, push. */
const APPLE_MDM = [
  "profile.scep",
  ...SCEP,
  "checkin.*",
  "command.idle",
  "command.format-error",
  "command.*",
  "ddm.tokens",
  "ddm.declaration-items",
  "ddm.declaration.*",
  "ddm.status",
  "ddm.asset",
  "push.connect",
  "push.poll",
  "push.woken",
  // Managed app installs between command sessions (device/apple/apps.ts APP_STEPS).
  "app.install-prompt",
  "app.store-licence",
  "app.store-sign-in",
  "app.management-prompt",
];
const APPLE_PROFILE = ["profile.download", "profile.user-install", "trust.embedded-ca"];
/**
 * Setup Assistant on an ADE device (device/apple/setup-assistant.ts): `ade.setup-assistant` (activation, before the
 * cloud configuration), `ade.setup-network` (the network pane, a step a timeline `idle`/`abandon` can stop at) and
 * `ade.setup-pane` (Quick Start and the panes after Remote Management, where the user may stay).
 */
const ADE_SETUP = ["ade.setup-assistant", "ade.setup-network", "ade.setup-pane"];
/** User-initiated enrollment in Safari (device/apple/portal.ts): a vendor's enrollment agent (hub.ts) or the MDM's enrollment portal, Safari's download prompt. */
const SAFARI_PROFILE = ["agent.enroll", "portal.login", "profile.download", "profile.download-prompt"];
const COMPANY_PORTAL = ["cp.launch", "cp.sign-in", "cp.register", "partner.sign-in", "partner.register", "partner.compliance", "partner.gather-aad-info"];
const ACCOUNT = ["account.well-known", "account.auth", "auth.mfa", "auth.terms", "account.enroll", "account.reauth", "account.refresh"];
/** The steady-state check-in of an enrolled Apple device (device/apple/checkin.ts). */
const APPLE_CHECKIN = ["checkin.*", "command.idle", "command.format-error", "command.*", "ddm.tokens", "ddm.declaration-items", "ddm.declaration.*", "ddm.status", "ddm.asset", "account.auth", "auth.mfa", "auth.terms", "account.reauth", "account.refresh"];

/** One engine (device/windows/enrollment.ts) runs every Windows enrollment; the kind picks branches. */
const WINDOWS_ENROLL = [
  // A vendor agent the MDM installed, enrolling with its own server (device/windows/agent-work.ts).
  VENDOR_ENROLL_STEP,
  "discovery.get",
  "discovery.post",
  "discovery.redirect",
  "discovery.confirm-redirect",
  "auth.federated",
  "auth.mfa",
  "auth.terms",
  "auth.certificate",
  ...SCEP,
  "enroll.terms",
  "policy.getpolicies",
  "enroll.rst",
  "enroll.renew",
  "enroll.provision",
  "dm.session",
  "wns.channel",
  "wns.receive",
];
const WINDOWS_ESP = ["esp.device-setup", "esp.user-sign-in", "esp.account-setup"];

const ANDROID_WIZARD = Object.values(WIZARD);
/** An installed agent app's own work (device/android/agent-work.ts): its delegation check and its certificate enrollment (SCEP, then installKeyPair). */
const ANDROID_AGENT_WORK = [...Object.values(AGENT_WORK_STEPS), ...SCEP];
/** The DPC's sign-in and both server dialects a DPC may speak (options.android.dialect). */
const ANDROID_DPC = ["android.signin.chrome-tab", "auth.mfa", "auth.terms", AGENT_TERMS_STEPS.fetch, AGENT_TERMS_STEPS.screen, ...Object.values(AMAPI_STEPS), ...Object.values(HEADWIND_STEPS), ...Object.values(WS1_STEPS), INTUNE_COMPLIANCE_STEP, ...ANDROID_AGENT_WORK];
const ANDROID_DA = ["android.da.parse", "android.da.install", "android.da.activate", "android.da.klms", "android.da.resolve", "android.da.policies", "android.da.update-settings-link", "android.da.unenroll"];
const ANDROID_CHECKIN = [AMAPI_STEPS.nonce, AMAPI_STEPS.report, AMAPI_STEPS.ack, AMAPI_STEPS.push, HEADWIND_STEPS.config, HEADWIND_STEPS.push, HEADWIND_STEPS.info, INTUNE_COMPLIANCE_STEP];

/** What one flow declares: enrollment steps and the steps of its steady-state check-in (unprefixed). */
export interface FlowSteps {
  enroll: readonly string[];
  checkin: readonly string[];
}

/** The platform's connectivity check (protocol/common/connectivity.ts), on a device whose group has a `network:`. */
const PROBE = "network.probe";
const apple = (...enroll: string[][]): FlowSteps => ({ enroll: [...new Set([PROBE, ...enroll.flat()])], checkin: APPLE_CHECKIN });
const windows = (...extra: string[][]): FlowSteps => ({ enroll: [PROBE, ...WINDOWS_ENROLL, ...extra.flat()], checkin: ["dm.session", "wns.channel", "wns.receive", ...SCEP, "scep.install"] });
const android = (...extra: string[][]): FlowSteps => ({ enroll: [...extra.flat(), "android.setup.frp", ...ANDROID_WIZARD, PROBE, ...ANDROID_DPC], checkin: ANDROID_CHECKIN });

/** Each flow's own steps. */
const REGISTRY: Readonly<Record<string, FlowSteps>> = {
  scep: { enroll: SCEP, checkin: ["scep.getcacaps"] },
  "ios-profile": apple(SAFARI_PROFILE, APPLE_PROFILE, ["profile.consent"], APPLE_MDM, COMPANY_PORTAL),
  "macos-profile": apple(SAFARI_PROFILE, APPLE_PROFILE, ["profile.consent", "profile.admin-auth", "profile.approve", "profile.cli-install"], APPLE_MDM, COMPANY_PORTAL),
  "ios-ade": apple(ADE_SETUP, ["ade.renew"], ["ade.cloudconfig", "ade.enroll", "ade.software-update"], APPLE_PROFILE, APPLE_MDM, COMPANY_PORTAL),
  "macos-ade": apple(ADE_SETUP, ["ade.renew"], ["ade.cloudconfig", "ade.enroll", "ade.software-update"], APPLE_PROFILE, APPLE_MDM, COMPANY_PORTAL),
  "ios-user-enrollment": apple(ACCOUNT, APPLE_MDM),
  "macos-user-enrollment": apple(ACCOUNT, APPLE_MDM),
  "ios-account-device-enrollment": apple(ACCOUNT, APPLE_MDM),
  "ios-configurator": apple(["configurator.affinity"], APPLE_PROFILE, ["profile.consent"], APPLE_MDM),
  "windows-byod": windows(["discovery.dns", "join.register"], WINDOWS_ESP),
  "windows-autopilot": windows(["oobe.network", "autopilot.profile", "autopilot.register", "oobe.signin", "auth.realm", "join.register", "tpm.ek-certificate", "esp.device-preparation"], WINDOWS_ESP),
  "windows-bulk": windows(["join.register"]),
  "windows-gpo": windows(["join.register", "gpo.mdm-lookup", "discovery.dns"]),
  "windows-tenant-attach": { enroll: [PROBE, "tenant-attach.service", "tenant-attach.crl", "tenant-attach.upload"], checkin: [] },
  "android-qr": android(["android.trigger.qr", "android.trigger.qr-reader", "android.trigger.nfc", "android.trigger.zero-touch", "android.trigger.kme", "android.portal.deadline", "android.knox.attestation"]),
  "android-token": android(["android.trigger.afw", "android.trigger.token", "android.trigger.play-install"]),
  "android-work-profile": android(["android.trigger.route", "android.trigger.link", "android.trigger.play-install"], ANDROID_DA),
  "android-aosp": android(["android.trigger.qr", "android.trigger.nfc", "android.trigger.zero-touch", "android.trigger.kme", "android.portal.deadline", "android.knox.attestation"]),
  "android-da": android(["android.trigger.link", "android.trigger.play-install"], ANDROID_DA),
};

/** The registry, by flow name. Every flow of device/flows/index.ts has an entry (tested); a flow the method table names (device/methods.ts) first reports `device.method` when its method is missing. */
export const FLOW_STEPS: Readonly<Record<string, FlowSteps>> = Object.fromEntries(
  Object.entries(REGISTRY).map(([k, f]) => [k, METHOD_TABLE.some((r) => r.flows.includes(k) && r.trigger !== "content") ? { ...f, enroll: [METHOD_STEP, ...f.enroll] } : f]),
);

/** A step of a flow that, with the group's options, sends no request and looks up no name: no fault can hit it. */
export interface RequestlessStep {
  step: string;
  why: string;
}

const opt = (options: unknown, ...path: string[]): unknown => path.reduce<unknown>((v, k) => (v && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined), options);

/**
 * Steps that make no request under these options (faults act on requests and DNS look-ups only,
 * scenarios/README.md "faults"): the loader warns about a fault aimed at them. `embedded`: the run's
 * server is the embedded one.
 */
export function requestlessSteps(flow: string, options: unknown, embedded: boolean): RequestlessStep[] {
  const out: RequestlessStep[] = [];
  if (flow === "ios-ade" || flow === "macos-ade") {
    // device/apple/flows.ts: without cloudConfigUrl, the configuration comes from options, or from the embedded stand-in.
    if (opt(options, "apple", "ade", "cloudConfigUrl") === undefined) {
      if (opt(options, "apple", "ade", "cloudConfig") !== undefined) out.push({ step: "ade.cloudconfig", why: "the devices are given their cloud configuration in options.apple.ade.cloudConfig, so they fetch none" });
      else if (!embedded) out.push({ step: "ade.cloudconfig", why: "against a URL server without options.apple.ade.cloudConfigUrl the devices fetch no cloud configuration" });
    }
    // device/apple/setup-assistant.ts: Setup Assistant's own panes happen on the device; a timeline idle/abandon/offline stops there, a fault cannot.
    for (const st of [...ADE_SETUP, "ade.renew"]) out.push({ step: st, why: "a Setup Assistant pane on the device itself, which sends no request" });
    // device/apple/software-update.ts: only the embedded server stands in for Apple's software-update service.
    if (!embedded) out.push({ step: "ade.software-update", why: "against a URL server a required update installs without a request (no stand-in for Apple's software-update service)" });
  }
  if ((flow === "windows-byod" || flow === "windows-gpo") && opt(options, "windows", "discoveryUrl") !== undefined) {
    // device/windows/discovery-step.ts: a given discovery URL is posted to directly, without the EnterpriseEnrollment look-up.
    out.push({ step: "discovery.dns", why: "the devices are given options.windows.discoveryUrl, so they look up no EnterpriseEnrollment name" });
  }
  if (flow.startsWith("android-")) {
    // device/android/flows.ts: the simulator fetches a QR code's or NFC bump's payload itself (simulatorOnly); a real device sends no request for it.
    out.push({ step: "android.trigger.qr", why: "a real device reads the QR code's payload with its camera; the simulator's own fetch of it is never faulted" });
    out.push({ step: "android.trigger.nfc", why: "a real device receives the NFC bump's payload from the programmer device; the simulator's own fetch of it is never faulted" });
  }
  return out;
}

/** The prefix the runner puts before every step of a steady-state check-in. */
export const CHECKIN_PREFIX = "checkin.";

/** Flows the registry knows, in registry order. */
export const stepFlows = (): string[] => Object.keys(FLOW_STEPS);

/**
 * Every step name `flow` can produce, enrollment then check-in (prefixed), families as patterns
 * (`command.*`); [] for an unknown flow.
 */
export function stepsOf(flow: string): string[] {
  const f = FLOW_STEPS[flow];
  if (!f) return [];
  return [...new Set([...f.enroll, ...f.checkin.map((s) => CHECKIN_PREFIX + s)])];
}

/** `stepsOf(flow)` with every family replaced by its known members (for listings and did-you-mean). */
export function expandedStepsOf(flow: string): string[] {
  const out: string[] = [];
  for (const s of stepsOf(flow)) {
    const fam = familyOf(s);
    if (fam) out.push(...fam.members.map((m) => fam.prefix + m));
    else out.push(s);
  }
  return [...new Set(out)];
}

/** The family a declared pattern stands for: `command.*`, `checkin.checkin.*`, … (prefix allowed). */
function familyOf(declared: string): StepFamily | undefined {
  if (!declared.endsWith("*")) return undefined;
  for (const f of Object.values(STEP_FAMILIES)) {
    if (declared.endsWith(f.pattern)) {
      const outer = declared.slice(0, declared.length - f.pattern.length);
      return { ...f, pattern: declared, prefix: outer + f.prefix };
    }
  }
  return undefined;
}

/** Whether `name` is one of the steps `flow` can produce (a family member counts; open families accept any member). */
export function isStepOf(flow: string, name: string): boolean {
  for (const s of stepsOf(flow)) {
    if (s === name) return true;
    const fam = familyOf(s);
    if (fam && name.startsWith(fam.prefix)) {
      const member = name.slice(fam.prefix.length);
      if (fam.members.includes(member) || (fam.open && /^[A-Za-z][A-Za-z0-9_-]*$/.test(member))) return true;
    }
  }
  return false;
}

/**
 * Checks a step name given in a scenario against the flows it applies to. `undefined` when known;
 * else the known names (families expanded) to list and suggest from. A member of an open family
 * that is not a known member is accepted only when it is not a near miss of a known one (a typo).
 */
export function unknownStep(name: string, flows: readonly string[], near: (word: string, candidates: readonly string[]) => string | undefined): { known: string[]; hint?: string } | undefined {
  const known = [...new Set(flows.flatMap(expandedStepsOf))].sort();
  if (known.includes(name)) return undefined;
  if (flows.some((f) => isStepOf(f, name)) && near(name, known) === undefined) return undefined;
  const hint = phaseHint(name, flows);
  return hint ? { known, hint } : { known };
}

/**
 * The enrollment/steady-phase mix-up (a blind-trial trip-up): a step written without the `checkin.`
 * prefix the runner puts before every step of a steady-state check-in, with it where the step only
 * runs during enrollment, or with the prefix once where the Apple check-in message needs it twice
 * (`checkin.checkin.tokenupdate`: the steady phase's TokenUpdate). Suggests the names the flows do
 * produce whose last part is the one written, saying which phase each belongs to.
 */
function phaseHint(name: string, flows: readonly string[]): string | undefined {
  // Known names only: an open family accepts any member, which would turn a typo into a "phase" hint.
  const known = new Set(flows.flatMap(expandedStepsOf));
  const ok = (n: string): boolean => known.has(n);
  const phase = (n: string): string => (isSteadyStep(flows, n) ? "a steady-state check-in's step" : "an enrollment step");
  const candidates = new Set<string>();
  if (ok(CHECKIN_PREFIX + name)) candidates.add(CHECKIN_PREFIX + name);
  if (name.startsWith(CHECKIN_PREFIX) && ok(name.slice(CHECKIN_PREFIX.length))) candidates.add(name.slice(CHECKIN_PREFIX.length));
  // The same last parts under another prefix: `checkin.idle` → command.idle, checkin.command.idle.
  const tail = name.startsWith(CHECKIN_PREFIX) ? name.slice(CHECKIN_PREFIX.length) : name;
  if (tail.includes(".") || candidates.size === 0) {
    for (const k of known) if (k.endsWith(`.${tail}`) && k !== name) candidates.add(k);
  }
  if (candidates.size === 0 || candidates.size > 4) return undefined;
  const list = [...candidates].sort().map((c) => `"${c}" (${phase(c)})`);
  return `did you mean ${list.join(" or ")}? Steps of a steady-state check-in carry the prefix "${CHECKIN_PREFIX}" before the step's own name (Apple's steady TokenUpdate is checkin.checkin.tokenupdate, Windows' steady session checkin.dm.session); enrollment steps have none`;
}

/** Whether `name` is a step of the steady-state check-in of one of these flows (prefixed). */
function isSteadyStep(flows: readonly string[], name: string): boolean {
  return flows.some((f) =>
    (FLOW_STEPS[f]?.checkin ?? []).some((s) => {
      const declared = CHECKIN_PREFIX + s;
      if (declared === name) return true;
      const fam = familyOf(declared);
      return !!fam && name.startsWith(fam.prefix) && (fam.members.includes(name.slice(fam.prefix.length)) || fam.open);
    }),
  );
}

/** scenarios/README-steps.md, whole (written by scripts/gen-steps-doc.mjs, checked by a test). */
export function stepsMarkdown(): string {
  const rows = stepFlows().map((f) => `| \`${f}\` | ${stepsOf(f).map((s) => `\`${s}\``).join(" ")} |`);
  const fams = Object.values(STEP_FAMILIES).map((f) => `| \`${f.pattern}\` | ${f.what} | ${f.open ? "open: other names occur too" : "closed"} | ${f.members.map((m) => `\`${m}\``).join(" ")} |`);
  return [
    "<!-- Generated by scripts/gen-steps-doc.mjs from src/device/flows/steps.ts: do not edit by hand (npm run docs:steps). -->",
    "# Step names",
    "",
    "Every step name each flow can produce: the keys of a run summary's `steps`, of `expect.steps` and",
    "`expect.latency`, and what fault step selectors match. The scenario loader refuses a step name that",
    "none of the scenario's flows can produce, with a did-you-mean. `enrollsim steps FLOW` prints the same",
    "list (`--expand` lists family members one by one). Steps of a steady-state check-in carry the",
    "`checkin.` prefix.",
    "",
    "| flow | step names |",
    "|---|---|",
    ...rows,
    "",
    "## Families",
    "",
    "A name ending in `*` is a family: the server or the protocol picks the last part.",
    "",
    "| family | `*` is | kind | known members |",
    "|---|---|---|---|",
    ...fams,
    "",
  ].join("\n");
}
