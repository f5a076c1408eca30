// SPDX-License-Identifier: MIT
/**
 * Android flows (registered in device/flows/index.ts):
 *   android-qr            QR / NFC / zero-touch / KME trigger → setup wizard → DPC dialect (fully managed, dedicated, COPE)
 *   android-token         afw#setup → the user types the enrollment token → Android Device Policy (dedicated by default)
 *   android-work-profile  personally owned work profile from an enrollment link (BYOD)
 *   android-aosp          AOSP (no GMS) QR with Wi-Fi → self-hosted DPC (Headwind dialect)
 *   android-da            legacy device administrator: install app → ACTION_ADD_DEVICE_ADMIN → (KLMS) → enroll
 */
import { ScenarioError } from "../../errors/index.js";
import { decoded, step, type ProtocolContext } from "../../protocol/common/context.js";
import { exchange } from "../../protocol/common/exchange.js";
import { downloadApk } from "../../protocol/android/download.js";
import { runSetupWizard, type ProvisioningOutcome } from "../../protocol/android/setup-wizard.js";
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
import type { Flow, FlowContext, FlowResult } from "../flow.js";
import { deviceInfo, deviceState } from "./device-info.js";
import { dialectOptions, dpcPersona, pickDialect } from "./dpc.js";
import { androidOptions, type AndroidFlowOptions, type DpcModeChoice } from "./options.js";

const NO_KEYS = { identities: [] };

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

async function fetchProvisioning(ctx: ProtocolContext, stepName: string, url: string): Promise<string> {
  return step(ctx, stepName, async () => {
    const res = await exchange(ctx, stepName, { method: "GET", url, headers: { accept: "application/json, text/plain" } });
    const t = text(res.body);
    decoded(ctx, stepName, { url, bytes: res.body.length });
    return t;
  });
}

function result(out: ProvisioningOutcome): FlowResult {
  return out.ok ? { ok: true, code: "android.enrolled", keychain: NO_KEYS } : { ok: false, code: out.code, step: out.step, message: out.message, keychain: NO_KEYS };
}

/** The trigger's payload text → parser closure (run inside the wizard's parse step). */
async function trigger(fc: FlowContext, o: AndroidFlowOptions, kind: "qr" | "nfc" | "zero-touch" | "kme", profile: string): Promise<() => ProvisioningParams> {
  const ctx = fc.protocol;
  const strict = { strict: o.strictExtras ?? true };
  if (o.payload !== undefined) {
    const literal = o.payload;
    return () => parseQrPayload(literal, strict);
  }
  const base = `${baseUrl(fc)}/android/provisioning/${encodeURIComponent(profile)}`;
  switch (kind) {
    case "qr": {
      const t = await fetchProvisioning(ctx, "android.trigger.qr", `${base}/qr.json`);
      const limit = o.device?.qrScannerMaxBytes;
      const size = Buffer.byteLength(t.trim());
      if (limit !== undefined && size > limit) throw new QrTooDense(size, limit);
      return () => parseQrPayload(t, strict);
    }
    case "nfc": {
      const t = await fetchProvisioning(ctx, "android.trigger.nfc", `${base}/nfc.properties`);
      return () => parseNfcPayload(t, strict);
    }
    case "zero-touch": {
      const t = await fetchProvisioning(ctx, "android.trigger.zero-touch", `${base}/zero-touch.json?serial=${encodeURIComponent(fc.identity.serialNumber)}&imei=${fc.identity.imei ?? ""}`);
      return () => parseZeroTouchConfiguration(t, { strict: false }).params;
    }
    case "kme": {
      const t = await fetchProvisioning(ctx, "android.trigger.kme", `${base}/kme.json?imei=${fc.identity.imei ?? ""}`);
      return () => parseKmeProfile(t, strict).params;
    }
  }
}

function modeOf(o: AndroidFlowOptions, profile: string): DpcModeChoice {
  if (o.mode) return o.mode;
  return profile === "dedicated" || profile === "cope" || profile === "work-profile" ? profile : "fully-managed";
}

async function provision(fc: FlowContext, o: AndroidFlowOptions, payload: () => ProvisioningParams, mode: DpcModeChoice, initiator: "trusted-source" | "managed-profile"): Promise<FlowResult> {
  const ctx = fc.protocol;
  const info = deviceInfo(fc.identity);
  const state = deviceState(fc.identity, o);
  let pkg = "";
  const parse = () => {
    const p = payload();
    pkg = p.packageName;
    return p;
  };
  const https = fc.targets.server?.https ?? fc.targets.server?.http;
  const dpc = dpcPersona(ctx, o, mode, "", info, https?.replace(/\/$/, ""));
  const out = await runSetupWizard(ctx, {
    payload: parse,
    initiator,
    device: state,
    maxApkBytes: o.maxApkBytes,
    dpc: {
      getProvisioningMode: (r) => dpc.getProvisioningMode(r),
      adminPolicyCompliance: (r) => dpcPersona(ctx, o, mode, pkg, info, https?.replace(/\/$/, "")).adminPolicyCompliance(r),
    },
  });
  return result(out);
}

const androidQr: Flow<never> = {
  name: "android-qr",
  description: "Android Enterprise provisioning from a QR code (or NFC / zero-touch / KME via options.android.trigger): setup wizard, DPC download + checksum, GET_PROVISIONING_MODE, ADMIN_POLICY_COMPLIANCE with the DPC's dialect",
  platforms: ["android"],
  async run(fc, options) {
    const o = androidOptions(options);
    const profile = o.profile ?? "fully-managed";
    const kind = o.trigger ?? "qr";
    const mode = modeOf(o, profile);
    const api = fc.identity.android?.apiLevel ?? fc.identity.os.apiLevel ?? 34;
    if (kind === "kme" && mode === "work-profile")
      return { ok: false, code: "android.provision.method-unsupported", step: "android.trigger.kme", message: `${WIZARD_TEXT.cantSetUp} (Knox Mobile Enrollment does not support personally owned work profiles)`, keychain: NO_KEYS };
    if (mode === "cope" && kind === "nfc" && api >= 30)
      return { ok: false, code: "android.provision.method-unsupported", step: "android.trigger.nfc", message: `${WIZARD_TEXT.cantSetUp} (corporate-owned work profile cannot start from NFC on Android 11+; use QR or zero-touch)`, keychain: NO_KEYS };
    let payload: () => ProvisioningParams;
    try {
      payload = await trigger(fc, o, kind, profile);
    } catch (e) {
      if (e instanceof QrTooDense) return { ok: false, code: "android.trigger.qr-too-dense", step: "android.trigger.qr", message: `Couldn't read the QR code. ${e.message}`, keychain: NO_KEYS };
      throw e;
    }
    return provision(fc, o, payload, mode, "trusted-source");
  },
};

const androidToken: Flow<never> = {
  name: "android-token",
  description: "afw#setup at the Google sign-in: Android Device Policy is installed, the user types the enrollment token, ADP redeems it (dedicated by default)",
  platforms: ["android"],
  async run(fc, options) {
    const o = androidOptions(options);
    const profile = o.profile ?? "dedicated";
    const mode = modeOf(o, profile);
    const ctx = fc.protocol;
    const api = fc.identity.android?.apiLevel ?? fc.identity.os.apiLevel ?? 34;
    const afw = await step(ctx, "android.trigger.afw", async () => {
      const a = parseAfwIdentifier("afw#setup");
      decoded(ctx, "android.trigger.afw", { typed: "afw#setup", trigger: a.trigger });
      return a;
    });
    if (mode === "cope" && api >= 30)
      return { ok: false, code: "android.provision.method-unsupported", step: "android.trigger.afw", message: `${WIZARD_TEXT.cantSetUp} (corporate-owned work profile cannot start from afw#setup on Android 11+; use QR or zero-touch)`, keychain: NO_KEYS };
    const base = `${baseUrl(fc)}/android/provisioning/${encodeURIComponent(profile)}`;
    const tok = JSON.parse(await fetchProvisioning(ctx, "android.trigger.token", `${base}/token`)) as { value?: unknown };
    if (typeof tok.value !== "string") throw new ScenarioError("the server's token endpoint returned no token value");
    const typed = tok.value;
    // The Play install of Android Device Policy is modelled by the profile's install extras.
    const install = await fetchProvisioning(ctx, "android.trigger.play-install", `${base}/qr.json`);
    const payload = () => {
      const obj = parseJsonObject(install, "install extras");
      const bundleKey = "android.app.extra.PROVISIONING_ADMIN_EXTRAS_BUNDLE";
      obj[bundleKey] = { ...((obj[bundleKey] as object | undefined) ?? {}), [CLOUDDPC.tokenExtra]: typed };
      const p = validateExtras(obj, "afw", { strict: o.strictExtras ?? true });
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
  async run(fc, options) {
    const o = androidOptions(options);
    const profile = o.profile ?? "work-profile";
    const ctx = fc.protocol;
    const base = `${baseUrl(fc)}/android/provisioning/${encodeURIComponent(profile)}`;
    const link = JSON.parse(await fetchProvisioning(ctx, "android.trigger.link", `${base}/token`)) as { value?: unknown; enrollmentUrl?: unknown };
    if (typeof link.value !== "string") throw new ScenarioError("the server's token endpoint returned no token value");
    const et = link.value;
    const install = await fetchProvisioning(ctx, "android.trigger.play-install", `${base}/qr.json`);
    const payload = () => {
      const obj = parseJsonObject(install, "install extras");
      const bundleKey = "android.app.extra.PROVISIONING_ADMIN_EXTRAS_BUNDLE";
      const prev = (obj[bundleKey] as Record<string, unknown> | undefined) ?? {};
      if (CLOUDDPC.tokenExtra in prev || Object.keys(prev).length === 0) obj[bundleKey] = { ...prev, [CLOUDDPC.tokenExtra]: et };
      return validateExtras(obj, "intent", { strict: o.strictExtras ?? true });
    };
    return provision(fc, o, payload, o.mode ?? "work-profile", "managed-profile");
  },
};

const androidAosp: Flow<never> = {
  name: "android-aosp",
  description: "AOSP (no Google services) userless / user-associated: OEM setup-wizard QR with Wi-Fi → self-hosted DPC (Headwind dialect by default)",
  platforms: ["android"],
  async run(fc, options) {
    const o = androidOptions(options);
    const profile = o.profile ?? "aosp";
    return provision(fc, { ...o }, await trigger(fc, o, o.trigger ?? "qr", profile), o.mode ?? "dedicated", "trusted-source");
  },
};

const androidDa: Flow<never> = {
  name: "android-da",
  description: "Legacy device administrator: install the agent app, ACTION_ADD_DEVICE_ADMIN (Activate), Samsung KLMS consent, then the agent enrolls (Headwind dialect)",
  platforms: ["android"],
  async run(fc, options) {
    const o = androidOptions(options);
    const ctx = fc.protocol;
    const profile = o.profile ?? "device-admin";
    const base = `${baseUrl(fc)}/android/provisioning/${encodeURIComponent(profile)}`;
    const t = await fetchProvisioning(ctx, "android.trigger.play-install", `${base}/qr.json`);
    const params = await step(ctx, "android.da.parse", async () => parseQrPayload(t, { strict: o.strictExtras ?? true }));
    const info = deviceInfo(fc.identity);
    const fail = (code: string, s: string, message: string): FlowResult => ({ ok: false, code, step: s, message, keychain: NO_KEYS });
    if (params.download) {
      const dl = params.download;
      const got = await step(ctx, "android.provision.download", () => downloadApk(ctx, dl.location, { cookieHeader: dl.cookieHeader, maxBytes: o.maxApkBytes }));
      if (!got.ok) return fail("android.provision.download-failed", "android.provision.download", `${WIZARD_TEXT.cantSetUp} (download ${got.reason}: ${got.detail})`);
      const apk = parseFakeApk(got.bytes);
      if (!apk || (params.component && !apk.receivers.includes(params.component.cls))) return fail("android.provision.admin-missing", "android.da.install", `${WIZARD_TEXT.adminMissing}`);
      await step(ctx, "android.da.install", async () => decoded(ctx, "android.da.install", { package: apk.packageName, versionCode: apk.versionCode }));
    }
    const activated = await step(ctx, "android.da.activate", async () => {
      decoded(ctx, "android.da.activate", {
        intent: ACTIONS.ADD_DEVICE_ADMIN,
        "android.app.extra.DEVICE_ADMIN": params.component ? `${params.component.pkg}/${params.component.cls}` : params.packageName,
        "android.app.extra.ADD_EXPLANATION": `${params.organizationName ?? "Your organisation"} needs device administrator access to manage this device`,
        userAction: o.device?.declineAdmin ? "Cancel" : "Activate",
        deprecation: info.apiLevel >= 29 ? "device admin is deprecated since Android 9; camera, keyguard and password-expiry/quality policies throw SecurityException for apps targeting API 29+" : undefined,
      });
      return !o.device?.declineAdmin;
    });
    if (!activated) return fail("android.da.declined", "android.da.activate", "Device administrator was not activated: enrollment cannot continue");
    if (info.manufacturer.toLowerCase() === "samsung")
      await step(ctx, "android.da.klms", async () => decoded(ctx, "android.da.klms", { consent: "accepted", license: "Knox (KLMS) agent license agreement" }));
    const dialect = pickDialect(o.dialect ?? (params.adminExtras["com.hmdm.BASE_URL"] !== undefined ? "headwind" : undefined), params.packageName, params.adminExtras);
    const out = await step(ctx, "android.provision.compliance", () =>
      dialect.enroll({ ctx, adminExtras: params.adminExtras, mode: 0, managementMode: "DEVICE_ADMIN", ownership: "PERSONALLY_OWNED", device: info, options: dialectOptions(o, fc.targets.server?.https?.replace(/\/$/, "")) }),
    );
    return out.ok ? { ok: true, code: "android.enrolled", keychain: NO_KEYS } : fail(out.code, out.step ?? "android.provision.compliance", out.message ?? WIZARD_TEXT.cantSetUp);
  },
};

export const androidFlows: Record<string, Flow<never>> = {
  [androidQr.name]: androidQr,
  [androidToken.name]: androidToken,
  [androidWorkProfile.name]: androidWorkProfile,
  [androidAosp.name]: androidAosp,
  [androidDa.name]: androidDa,
};
