// SPDX-License-Identifier: MIT
/**
 * Android flows (registered in device/flows/index.ts):
 *   android-qr            QR / NFC / zero-touch / KME trigger → setup wizard → DPC dialect (fully managed, dedicated, COPE)
 *   android-token         afw#setup → the user types the enrollment token → Android Device Policy (dedicated by default)
 *   android-work-profile  personally owned work profile from an enrollment link (BYOD)
 *   android-aosp          AOSP (no GMS) QR with Wi-Fi → self-hosted DPC (Headwind dialect)
 *   android-da            legacy device administrator: install app → ACTION_ADD_DEVICE_ADMIN → (KLMS) → enroll
 */
import { noncompliantOutcome } from "./compliance-shown.js";
import { passwordShown } from "./screen-lock.js";
import { androidShownForOutcome } from "./shown.js";
import { ScenarioError, asSimError } from "../../errors/index.js";
import { decoded, step } from "../../protocol/common/context.js";
import { exchange } from "../../protocol/common/exchange.js";
import { ANDROID_DIALECTS, dialectForPackage } from "../../protocol/android/dialects/index.js";
import { downloadApk } from "../../protocol/android/download.js";
import { wifiProxied } from "./wifi-proxy.js";
import { resumeAfterBoot, runSetupWizard, type AndroidDeviceState, type ProvisioningOutcome } from "../../protocol/android/setup-wizard.js";
import { parseFakeApk } from "../../wire/android/apk.js";
import { WIZARD_TEXT } from "../../wire/android/errors.js";
import { ACTIONS, CLOUDDPC } from "../../wire/android/extras.js";
import {
  parseAfwIdentifier,
  parseJsonObject,
  parseKmeProfile,
  parseNfcPayload,
  parseQrPayload,
  parseZeroTouchConfiguration,
  validateExtras,
  type ProvisioningParams,
} from "../../wire/android/payload.js";
import type { BackgroundOutcome, Flow, FlowContext, FlowResult } from "../flow.js";
import { apiLevelOf, deviceInfo, deviceState, FACTORY_RESET_KEY } from "./device-info.js";
import { withReleaseDialogs } from "./release-dialogs.js";
import { frpGate } from "./frp.js";
import { ADVANCED_PROFILE_KEY, kmeAdvanced, knoxAttestationGate } from "./knox-attestation.js";
import { companyPortalRoute } from "./route.js";
import { agentOutcome, agentRefusal } from "./agent-shown.js";
import { agentCause } from "../agent-shown.js";
import { deadlineLock, kmeDeadline, PORTAL_DEADLINE_KEY } from "./portal-deadline.js";
import { isKmeRefusal, kmeRefused, notRegistered } from "./portal-answer.js";
import { fetchProvisioning } from "./provisioning-fetch.js";
import { kmeChallengeAnswer } from "./kme-attestation.js";
import { dialectOptions, dpcPersona, pickDialect, userOf } from "./dpc.js";
import { runAgentWork } from "./agent-work.js";
import { androidOptions, type AndroidFlowOptions, type DpcModeChoice } from "./options.js";
import { CP_DEFAULT, CP_MIN_FOR_LINK, daPolicySupport, versionBelow } from "./device-admin.js";

export { daPolicySupport } from "./device-admin.js";

const NO_KEYS = { identities: [] };

/**
 * Steady-state check-in (issue 6) through the device's dialect: AMAPI status report (+ command
 * acks), or Headwind configuration sync + long-poll. Nothing Android-specific is persisted by
 * the runner (no certificates), so the dialect is options.android.dialect, else the flow's
 * default, and the device identifies itself by serial (Headwind DEVICE_ID_USE=serial; the fake
 * AMAPI's device endpoint looks the serial up).
 */
function checkinVia(defaultDialect: "amapi" | "headwind", defaultProfile = "fully-managed"): NonNullable<Flow<never>["checkin"]> {
  return async (fc, options) => {
    const o = androidOptions(options);
    const name = o.dialect ?? defaultDialect;
    const d = ANDROID_DIALECTS[name];
    if (!d?.checkin) throw new ScenarioError(`Android dialect "${name}" has no steady-state check-in`);
    const base = baseUrl(fc);
    const out = await d.checkin({ ctx: fc.protocol, device: deviceInfo(fc.identity, o), options: { ...dialectOptions(o, base), headwindBaseUrl: `${base}/android/hmdm` } });
    // A wiped device (AMAPI WIPE, Headwind factoryReset) holds no enrollment any more: it checks in no more.
    // A restricted service (a lapsed Knox licence): what the dialect's agent publishes for it (agents/knox-manage.yaml: Samsung's sentence); Android Device Policy shows nothing.
    const said = !out.ok && agentCause(out) === "service-restricted" ? agentRefusal(fc.agents, name, "service-restricted", { ok: false, code: out.code, keychain: { identities: [] } }).shown : undefined;
    // Intune's app finds the device noncompliant at the check-in: its own headings (compliance-shown.ts), not the server's setting texts.
    const mode = modeOf(o, o.profile ?? defaultProfile);
    const noncompliant = out.compliance?.state === "noncompliant" ? noncompliantOutcome(out.compliance, mode === "work-profile" || mode === "cope" ? "PROFILE_OWNER" : "DEVICE_OWNER", fc.protocol.clock.now()).shown : undefined;
    // Android Device Policy's report says the screen lock misses the policy's password requirements (AMAPI's published text).
    const password = out.passwordNonCompliance?.length ? passwordShown(deviceInfo(fc.identity, o)) : undefined;
    const shown = said ?? noncompliant ?? password;
    // What the device records for this check-in (an agent's refusal, its noncompliance headings, the password report), if any.
    const recorded = shown ? { shown } : {};
    return { ok: out.ok, code: out.code, step: out.step, message: out.message, ...recorded, ...(out.code === "android.device.wiped" ? { erased: true } : {}) };
  };
}

/** The setup scanner cannot read a QR this dense (field failure android-qr-too-large): an outcome. */
class QrTooDense extends Error {
  constructor(
    readonly size: number,
    readonly limit: number,
  ) {
    super(`QR payload of ${size} bytes is too dense for the setup scanner (reads up to ${limit})`);
  }
}
const text = (b: Uint8Array) => Buffer.from(b).toString("utf8");

function baseUrl(fc: FlowContext): string {
  const s = fc.targets.server;
  const b = s?.https ?? s?.http;
  if (!b) throw new ScenarioError("Android flows need a server URL (the embedded server, or `server:` in the scenario / --server)");
  return b.replace(/\/$/, "");
}


function result(out: ProvisioningOutcome, fc?: FlowContext): FlowResult {
  if (out.ok) return { ok: true, code: "android.enrolled", keychain: NO_KEYS };
  if (out.stop?.factoryReset && fc?.disk) {
    // The device wiped itself (DevicePolicyManager.wipeData from ManagedProvisioning's Reset): nothing it kept
    // survives, and its next setup starts at the first screen with the user data of the scenario's state gone.
    fc.disk.clear();
    fc.disk.set(FACTORY_RESET_KEY, true);
  }
  const shown = androidShownForOutcome(out, fc ? { apiLevel: apiLevelOf(fc.identity), manufacturer: fc.identity.manufacturer, ...(fc.setupTexts ? { texts: fc.setupTexts } : {}) } : undefined);
  return { ok: false, code: out.code, step: out.step, message: out.message, ...(shown ? { shown } : {}), keychain: NO_KEYS };
}

/** The trigger's payload text → parser closure (run inside the wizard's parse step). */
async function trigger(fc: FlowContext, o: AndroidFlowOptions, kind: "qr" | "nfc" | "zero-touch" | "kme", profile: string): Promise<() => ProvisioningParams> {
  const strict = { strict: o.strictExtras ?? true, apiLevel: apiLevelOf(fc.identity, o) };
  if (o.payload !== undefined) {
    const literal = o.payload;
    return () => parseQrPayload(literal, strict);
  }
  const base = `${baseUrl(fc)}/android/provisioning/${encodeURIComponent(profile)}`;
  switch (kind) {
    case "qr": {
      const t = await fetchProvisioning(fc, "android.trigger.qr", `${base}/qr.json`, "the QR code's payload, which a real device reads with its camera");
      const limit = fc.identity.state?.qrScannerMaxBytes;
      const size = Buffer.byteLength(t.trim());
      if (limit !== undefined && size > limit) throw new QrTooDense(size, limit);
      return () => parseQrPayload(t, strict);
    }
    case "nfc": {
      const t = await fetchProvisioning(fc, "android.trigger.nfc", `${base}/nfc.properties`, "the NFC bump's payload, which a real device receives from the programmer device");
      return () => parseNfcPayload(t, strict);
    }
    case "zero-touch": {
      const t = await fetchProvisioning(fc, "android.trigger.zero-touch", `${base}/zero-touch.json?serial=${encodeURIComponent(fc.identity.serialNumber)}&imei=${fc.identity.imei ?? ""}`);
      return () => parseZeroTouchConfiguration(t, { strict: false }).params;
    }
    case "kme": {
      // GET_PROFILE: KME answers 401 with a nonce, the device asks again with its Knox attestation blob (kme-attestation.ts).
      const who = `imei=${fc.identity.imei ?? ""}&model=${encodeURIComponent(fc.identity.modelIdentifier)}&build=${encodeURIComponent(fc.identity.os.build)}`;
      const t = await fetchProvisioning(fc, "android.trigger.kme", `${base}/kme.json?${who}`, undefined, isKmeRefusal, (status, body) => kmeChallengeAnswer(fc.identity, status, body));
      fc.disk?.set(PORTAL_DEADLINE_KEY, kmeDeadline(t));
      fc.disk?.set(ADVANCED_PROFILE_KEY, kmeAdvanced(t));
      // KME credential screen: a set user ID is prefilled (the password field is ignored); the user
      // who picks the device up may type another name (field failure android-kme-user-association).
      return () => {
        const p = parseKmeProfile(t, strict).params;
        if (o.user !== undefined) p.adminExtras.username = o.user;
        return p;
      };
    }
  }
}

function modeOf(o: AndroidFlowOptions, profile: string): DpcModeChoice {
  if (o.mode) return o.mode;
  return profile === "dedicated" || profile === "cope" || profile === "work-profile" ? profile : "fully-managed";
}


/**
 * The device's provisioning state, kept on its disk so it survives a restart (timeline `reboot`):
 * the device owner, the packages installed, how far provisioning got. A fresh one on a first start.
 */
function persistedState(fc: FlowContext, o: AndroidFlowOptions): AndroidDeviceState {
  const kept = fc.boot ? (fc.disk?.get("android.device") as AndroidDeviceState | undefined) : undefined;
  const state = kept ?? withReleaseDialogs(deviceState(fc.identity, o, fc.disk?.get(FACTORY_RESET_KEY) === true), fc);
  fc.disk?.set("android.device", state);
  return state;
}

/** After a restart: the wizard's resumption (interrupted, or finalised), or undefined when it starts again. */
async function resumed(fc: FlowContext, o: AndroidFlowOptions): Promise<FlowResult | undefined> {
  if (!fc.boot) return undefined;
  const out = await resumeAfterBoot(fc.protocol, persistedState(fc, o));
  return out && result(out);
}

async function provision(fc: FlowContext, o: AndroidFlowOptions, payload: () => ProvisioningParams, mode: DpcModeChoice, initiator: "trusted-source" | "managed-profile"): Promise<FlowResult> {
  const { ctx, joined } = wifiProxied(fc.protocol, fc.network); // the payload's Wi-Fi proxy, once joined (wifi-proxy.ts)
  const info = deviceInfo(fc.identity, o);
  const state = persistedState(fc, o);
  let pkg = "";
  const parse = () => {
    const p = payload();
    pkg = p.packageName;
    return p;
  };
  // Factory Reset Protection holds the setup wizard before any trigger is honoured (device/android/frp.ts).
  if (initiator === "trusted-source") {
    const held = await frpGate(ctx, fc.identity);
    if (held) return held;
  }
  const enrollBy = fc.disk?.get(PORTAL_DEADLINE_KEY) as number | undefined;
  // A KME Advanced Profile's deadline and Knox attestation may lock the device (portal-deadline.ts, knox-attestation.ts).
  const late = (await deadlineLock(ctx, enrollBy, "before setup")) ?? (fc.disk?.get(ADVANCED_PROFILE_KEY) === true ? await knoxAttestationGate(ctx, baseUrl(fc), fc.identity) : undefined);
  if (late) return late;
  const https = fc.targets.server?.https ?? fc.targets.server?.http;
  const dpc = dpcPersona(ctx, o, mode, "", info, https?.replace(/\/$/, ""), fc.identity.state?.dpc?.provisioningMode);
  const appRefusals: BackgroundOutcome[] = [];
  const out = await runSetupWizard(ctx, {
    payload: parse,
    initiator,
    device: state,
    maxApkBytes: o.maxApkBytes,
    ...(fc.network ? { network: fc.network } : {}),
    joinedWifi: joined,
    dpc: {
      getProvisioningMode: (r) => dpc.getProvisioningMode(r),
      adminPolicyCompliance: (r) => dpcPersona(ctx, o, mode, pkg, info, https?.replace(/\/$/, ""), undefined, appRefusals, (apps, dc) => runAgentWork(fc, ctx, o, apps, dc), enteredToken(fc, o)).adminPolicyCompliance(r),
    },
    // The release row names the task that reports a verify failure (VerifyAdminPackageTask from Android 13).
    verifyConstant: (key) => fc.setupTexts?.pick(key, state.apiLevel, fc.identity.manufacturer)?.constant,
  });
  // The agent shows its own text: the scenario's dialect, else the one owning the payload's DPC package.
  const r = agentOutcome(fc.agents, o.dialect ?? dialectForPackage(pkg)?.name, out, result(out, fc));
  if (r.ok) return (await deadlineLock(ctx, enrollBy, "after setup")) ?? (appRefusals.length ? { ...r, background: appRefusals } : r);
  return r;
}

/**
 * The code the user enters at the DPC's own enter-code screen (options.android.enterToken): a profile's token, fetched
 * the way afw#setup's is (the admin hands it out), or a code as written. Undefined: the user has none.
 */
function enteredToken(fc: FlowContext, o: AndroidFlowOptions): (() => Promise<string | undefined>) | undefined {
  const e = o.enterToken;
  if (!e) return undefined;
  if ("value" in e) return async () => e.value;
  return async () => {
    const tok = JSON.parse(await fetchProvisioning(fc, "android.trigger.token", `${baseUrl(fc)}/android/provisioning/${encodeURIComponent(e.profile)}/token`)) as { value?: unknown };
    if (typeof tok.value !== "string") throw new ScenarioError("the server's token endpoint returned no token value");
    return tok.value;
  };
}

const androidQr: Flow<never> = {
  name: "android-qr",
  description: "Android Enterprise provisioning from a QR code (or NFC / zero-touch / KME via options.android.trigger): setup wizard, DPC download + checksum, GET_PROVISIONING_MODE, ADMIN_POLICY_COMPLIANCE with the DPC's dialect",
  platforms: ["android"],
  checkin: checkinVia("amapi"),
  async run(fc, options) {
    const o = androidOptions(options);
    const back = await resumed(fc, o);
    if (back) return back;
    const profile = o.profile ?? "fully-managed";
    const kind = o.trigger ?? "qr";
    const mode = modeOf(o, profile);
    const api = apiLevelOf(fc.identity, o);
    if (kind === "kme" && mode === "work-profile")
      return agentRefusal(fc.agents, o.dialect, "kme-personal-work-profile", { ok: false, code: "android.provision.method-unsupported", step: "android.trigger.kme", message: `${WIZARD_TEXT.cantSetUp} (Knox Mobile Enrollment does not support personally owned work profiles)`, keychain: NO_KEYS });
    if (mode === "cope" && kind === "nfc" && api >= 30)
      return { ok: false, code: "android.provision.method-unsupported", step: "android.trigger.nfc", message: `${WIZARD_TEXT.cantSetUp} (corporate-owned work profile cannot start from NFC on Android 11+; use QR or zero-touch)`, keychain: NO_KEYS };
    if (kind === "qr" && o.payload === undefined && api < 28) {
      // Android 8's setup wizard has no built-in QR reader: after the six taps it downloads one
      // (Google's reader) over the network first (field failure android8-no-qr-reader).
      const online = fc.online?.() ?? true;
      await step(fc.protocol, "android.trigger.qr-reader", async () =>
        decoded(fc.protocol, "android.trigger.qr-reader", { apiLevel: api, builtInReader: false, network: online ? "wifi" : "none", reader: online ? "downloaded before scanning" : "cannot be downloaded" }),
      );
      if (!online)
        return { ok: false, code: "android.trigger.no-qr-reader", step: "android.trigger.qr-reader", message: "A QR code reader must be installed first: connect to a network to download it (Android 8 has no built-in QR reader; QR enrollment cannot start offline)", keychain: NO_KEYS };
    }
    let payload: () => ProvisioningParams;
    try {
      payload = await trigger(fc, o, kind, profile);
    } catch (e) {
      if (e instanceof QrTooDense) return { ok: false, code: "android.trigger.qr-too-dense", step: "android.trigger.qr", message: `Couldn't read the QR code. ${e.message}`, keychain: NO_KEYS };
      const unmanaged = notRegistered(e, kind) ?? kmeRefused(e);
      if (unmanaged) return unmanaged;
      throw e;
    }
    return provision(fc, o, payload, mode, "trusted-source");
  },
};

const androidToken: Flow<never> = {
  name: "android-token",
  description: "afw#setup at the Google sign-in: Android Device Policy is installed, the user types the enrollment token, ADP redeems it (dedicated by default)",
  platforms: ["android"],
  checkin: checkinVia("amapi"),
  async run(fc, options) {
    const o = androidOptions(options);
    const back = await resumed(fc, o);
    if (back) return back;
    const profile = o.profile ?? "dedicated";
    const mode = modeOf(o, profile);
    const ctx = fc.protocol;
    const api = apiLevelOf(fc.identity, o);
    const afw = await step(ctx, "android.trigger.afw", async () => {
      const a = parseAfwIdentifier("afw#setup");
      decoded(ctx, "android.trigger.afw", { typed: "afw#setup", trigger: a.trigger });
      return a;
    });
    if (mode === "cope" && api >= 30)
      return { ok: false, code: "android.provision.method-unsupported", step: "android.trigger.afw", message: `${WIZARD_TEXT.cantSetUp} (corporate-owned work profile cannot start from afw#setup on Android 11+; use QR or zero-touch)`, keychain: NO_KEYS };
    const base = `${baseUrl(fc)}/android/provisioning/${encodeURIComponent(profile)}`;
    const tok = JSON.parse(await fetchProvisioning(fc, "android.trigger.token", `${base}/token`)) as { value?: unknown };
    if (typeof tok.value !== "string") throw new ScenarioError("the server's token endpoint returned no token value");
    const typed = tok.value;
    // The Play install of Android Device Policy is modelled by the profile's install extras.
    const install = await fetchProvisioning(fc, "android.trigger.play-install", `${base}/qr.json`);
    const payload = () => {
      const obj = parseJsonObject(install, "install extras");
      const bundleKey = "android.app.extra.PROVISIONING_ADMIN_EXTRAS_BUNDLE";
      obj[bundleKey] = { ...((obj[bundleKey] as object | undefined) ?? {}), [CLOUDDPC.tokenExtra]: typed };
      const p = validateExtras(obj, "afw", { strict: o.strictExtras ?? true, apiLevel: apiLevelOf(fc.identity, o) });
      p.trigger = afw.trigger;
      return p;
    };
    return provision(fc, o, payload, mode, "trusted-source");
  },
};

const androidWorkProfile: Flow<never> = {
  name: "android-work-profile",
  description: "Personally owned work profile (BYOD) from an enrollment link / Company Portal-style sign-in: PROVISION_MANAGED_PROFILE, profile owner",
  platforms: ["android"],
  checkin: checkinVia("amapi", "work-profile"),
  async run(fc, options) {
    const o = androidOptions(options);
    const back = await resumed(fc, o);
    if (back) return back;
    const profile = o.profile ?? "work-profile";
    if (o.profile === undefined) {
      // The Company Portal asks the server which path this device takes (enrollment restrictions, route.ts).
      const route = await companyPortalRoute(fc, o, baseUrl(fc));
      if (route.path === "blocked") return route.result;
      if (route.path === "device-admin") return androidDa.run(fc, { android: { ...o, profile: undefined } } as never);
    }
    const base = `${baseUrl(fc)}/android/provisioning/${encodeURIComponent(profile)}`;
    const link = JSON.parse(await fetchProvisioning(fc, "android.trigger.link", `${base}/token`)) as { value?: unknown; enrollmentUrl?: unknown };
    if (typeof link.value !== "string") throw new ScenarioError("the server's token endpoint returned no token value");
    const et = link.value;
    const install = await fetchProvisioning(fc, "android.trigger.play-install", `${base}/qr.json`);
    const payload = () => {
      const obj = parseJsonObject(install, "install extras");
      const bundleKey = "android.app.extra.PROVISIONING_ADMIN_EXTRAS_BUNDLE";
      const prev = (obj[bundleKey] as Record<string, unknown> | undefined) ?? {};
      if (CLOUDDPC.tokenExtra in prev || Object.keys(prev).length === 0) obj[bundleKey] = { ...prev, [CLOUDDPC.tokenExtra]: et };
      return validateExtras(obj, "intent", { strict: o.strictExtras ?? true, apiLevel: apiLevelOf(fc.identity, o) });
    };
    return provision(fc, o, payload, o.mode ?? "work-profile", "managed-profile");
  },
};

const androidAosp: Flow<never> = {
  name: "android-aosp",
  description: "AOSP (no Google services) userless / user-associated: OEM setup-wizard QR with Wi-Fi → self-hosted DPC (Headwind dialect by default)",
  platforms: ["android"],
  checkin: checkinVia("headwind"),
  async run(fc, options) {
    const o = androidOptions(options);
    const back = await resumed(fc, o);
    if (back) return back;
    const profile = o.profile ?? "aosp";
    return provision(fc, { ...o }, await trigger(fc, o, o.trigger ?? "qr", profile), o.mode ?? "dedicated", "trusted-source");
  },
};

const androidDa: Flow<never> = {
  name: "android-da",
  description: "Legacy device administrator: install the agent app, ACTION_ADD_DEVICE_ADMIN (Activate), Samsung KLMS consent, then the agent enrolls (Headwind dialect)",
  platforms: ["android"],
  checkin: checkinVia("headwind"),
  async run(fc, options) {
    const o = androidOptions(options);
    const ctx = fc.protocol;
    const profile = o.profile ?? "device-admin";
    const base = `${baseUrl(fc)}/android/provisioning/${encodeURIComponent(profile)}`;
    const t = await fetchProvisioning(fc, "android.trigger.play-install", `${base}/qr.json`);
    const params = await step(ctx, "android.da.parse", async () => parseQrPayload(t, { strict: o.strictExtras ?? true }));
    const info = deviceInfo(fc.identity, o);
    const fail = (code: string, s: string, message: string): FlowResult => ({ ok: false, code, step: s, message, keychain: NO_KEYS });
    if (params.download) {
      const dl = params.download;
      // The agent is installed by the user's browser or store, not ManagedProvisioning: that app's cleartext policy is not modelled.
      const got = await step(ctx, "android.provision.download", () => downloadApk(ctx, dl.location, { cookieHeader: dl.cookieHeader, maxBytes: o.maxApkBytes, cleartext: { policy: "permitted" } }));
      if (!got.ok) return fail("android.provision.download-failed", "android.provision.download", `${WIZARD_TEXT.cantSetUp} (download ${got.reason}: ${got.detail})`);
      const apk = parseFakeApk(got.bytes);
      if (!apk || (params.component && !apk.receivers.includes(params.component.cls))) return fail("android.provision.admin-missing", "android.da.install", `${WIZARD_TEXT.adminMissing}`);
      await step(ctx, "android.da.install", async () => decoded(ctx, "android.da.install", { package: apk.packageName, versionCode: apk.versionCode }));
    }
    // The activation screen is a prompt: a user who taps Cancel is the timeline's `abandon` at android.da.activate.
    const intent = { intent: ACTIONS.ADD_DEVICE_ADMIN, "android.app.extra.DEVICE_ADMIN": params.component ? `${params.component.pkg}/${params.component.cls}` : params.packageName, "android.app.extra.ADD_EXPLANATION": `${params.organizationName ?? "Your organisation"} needs device administrator access to manage this device` };
    try {
      await step(ctx, "android.da.activate", async () => {
        decoded(ctx, "android.da.activate", { ...intent, userAction: "Activate", deprecation: info.apiLevel >= 29 ? "device admin is deprecated since Android 9; camera, keyguard and password-expiry/quality policies throw SecurityException for apps targeting API 29+" : undefined });
      });
    } catch (err) {
      if (asSimError(err).code !== "user.abandoned") throw err;
      decoded(ctx, "android.da.activate", { ...intent, userAction: "Cancel" });
      return fail("android.da.declined", "android.da.activate", "Device administrator was not activated: enrollment cannot continue");
    }
    await step(ctx, "android.da.policies", async () => decoded(ctx, "android.da.policies", daPolicySupport(info.apiLevel, o.dpc?.targetSdk ?? 28)));
    if (info.manufacturer.toLowerCase() === "samsung")
      await step(ctx, "android.da.klms", async () => decoded(ctx, "android.da.klms", { consent: "accepted", license: "Knox (KLMS) agent license agreement" }));
    const dialect = pickDialect(o.dialect ?? (params.adminExtras["com.hmdm.BASE_URL"] !== undefined ? "headwind" : undefined), params.packageName, params.adminExtras);
    const out = await step(ctx, "android.provision.compliance", () =>
      dialect.enroll({ ctx, adminExtras: params.adminExtras, mode: 0, managementMode: "DEVICE_ADMIN", ownership: "PERSONALLY_OWNED", device: info, user: userOf(o, info), options: dialectOptions(o, fc.targets.server?.https?.replace(/\/$/, "")) }),
    );
    if (!out.ok) return fail(out.code, out.step ?? "android.provision.compliance", out.message ?? WIZARD_TEXT.cantSetUp);
    if (o.migrateToWorkProfile) return migrateToWorkProfile(fc, o, params, info.apiLevel);
    return { ok: true, code: "android.enrolled", keychain: NO_KEYS };
  },
};

/**
 * Device administrator → work profile migration (Intune): the user opens the update-settings link
 * or taps Resolve on the Company Portal notice; the work-profile enrollment must be set up on the
 * server and the OS must support it; the DA enrollment is removed, then the work profile is
 * provisioned (field failures android-updatesettings-link-error, android-da-wp-resolve-error,
 * android-da-record-lingers).
 */
async function migrateToWorkProfile(fc: FlowContext, o: AndroidFlowOptions, da: ProvisioningParams, apiLevel: number): Promise<FlowResult> {
  const ctx = fc.protocol;
  const fail = (code: string, s: string, message: string): FlowResult => ({ ok: false, code, step: s, message, keychain: NO_KEYS });
  if (o.migrateToWorkProfile === "link") {
    const cp = fc.identity.state?.companyPortalVersion ?? CP_DEFAULT;
    const why = await step(ctx, "android.da.update-settings-link", async () => {
      const reason =
        cp === "none"
          ? "Company Portal is not installed"
          : versionBelow(cp, CP_MIN_FOR_LINK)
            ? `Company Portal ${cp} is older than 5.0.4720.0`
            : apiLevel <= 23
              ? `Android API level ${apiLevel} (Android 6.0 or older)`
              : undefined;
      decoded(ctx, "android.da.update-settings-link", { companyPortal: cp, apiLevel, handledBy: reason ? "browser" : "Company Portal", reason });
      return reason;
    });
    if (why) return fail("android.da.link-error", "android.da.update-settings-link", `The update-settings link opened a browser error page instead of the Company Portal (${why})`);
  }
  const wpProfile = "work-profile";
  const resolve = await step(ctx, "android.da.resolve", async () => {
    if (apiLevel <= 19) {
      decoded(ctx, "android.da.resolve", { apiLevel, workProfileSupported: false });
      return `Android API level ${apiLevel} (4.4 or older) has no work profile support`;
    }
    const res = await exchange(ctx, "android.da.resolve", { method: "GET", url: `${baseUrl(fc)}/android/provisioning/${wpProfile}/token`, headers: { accept: "application/json" } }, { acceptStatus: [403, 404] });
    let err: string | undefined;
    if (res.status >= 400) {
      try {
        const v = JSON.parse(text(res.body.subarray(0, 65536))) as { error?: unknown };
        err = typeof v.error === "string" ? v.error.slice(0, 300) : `HTTP ${res.status}`;
      } catch {
        err = `HTTP ${res.status}`;
      }
    }
    decoded(ctx, "android.da.resolve", { status: res.status, workProfileSetUp: err === undefined, error: err });
    return err;
  });
  if (resolve) return fail("android.da.resolve-error", "android.da.resolve", `Couldn't move this device to a work profile after tapping Resolve (${resolve})`);
  // Leave device administrator: the agent tells its server, then the admin is deactivated.
  const base = da.adminExtras["com.hmdm.BASE_URL"];
  if (typeof base === "string") {
    const id = typeof da.adminExtras["com.hmdm.DEVICE_ID"] === "string" ? (da.adminExtras["com.hmdm.DEVICE_ID"] as string) : fc.identity.serialNumber;
    await step(ctx, "android.da.unenroll", async () => {
      const res = await exchange(ctx, "android.da.unenroll", { method: "POST", url: `${base.replace(/\/$/, "")}/rest/public/sync/unenroll/${encodeURIComponent(id)}`, headers: { "content-type": "application/json" }, body: new Uint8Array(Buffer.from("{}")) });
      decoded(ctx, "android.da.unenroll", { status: res.status, deviceAdmin: "deactivated" });
    });
  }
  return androidWorkProfile.run(fc, { android: { ...o, profile: wpProfile, migrateToWorkProfile: undefined } } as never);
}

export const androidFlows: Record<string, Flow<never>> = {
  [androidQr.name]: androidQr,
  [androidToken.name]: androidToken,
  [androidWorkProfile.name]: androidWorkProfile,
  [androidAosp.name]: androidAosp,
  [androidDa.name]: androidDa,
};
