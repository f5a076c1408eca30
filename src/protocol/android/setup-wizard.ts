// SPDX-License-Identifier: MIT
/**
 * The setup wizard / ManagedProvisioning state machine (notes android.md §4): parse → pre-checks
 * → network → download → verify → install → GET_PROVISIONING_MODE → set owner →
 * ADMIN_POLICY_COMPLIANCE → finalise. Expected failures (hash mismatch, missing admin receiver,
 * download error, invalid mode, DPC enrollment failure) are outcome values with the texts the
 * device shows; hostile payloads throw typed ProvisioningPayloadErrors.
 */
import { waitForValidatedNetwork, type DeviceNetworkView } from "../common/connectivity.js";
import { DELETE_PROFILE_TEXT, WIZARD_TEXT } from "../../wire/android/errors.js";
import { ACTIONS, CLOUDDPC, PROVISIONING_MODE } from "../../wire/android/extras.js";
import type { Bundle, ProvisioningParams, WifiParams } from "../../wire/android/payload.js";
import { verifyPackage, type VerifyFailure } from "../../wire/android/verify.js";
import { asSimError } from "../../errors/index.js";
import { decoded, step, type ProtocolContext } from "../common/context.js";
import { downloadApk, STEP_DOWNLOAD, type DownloadOptions } from "./download.js";
import { MANAGED_PROVISIONING_PACKAGE, platformAppCleartextPermitted } from "../../wire/android/cleartext.js";
import { actionFor, capabilitiesOf, precondition, userCancelled, type PrecheckDevice, type WizardStop } from "./precheck.js";

/** ManagedProvisioning's cleartext policy on a device at `apiLevel` (wire/android/cleartext.ts: refused from API 28). */
const managedProvisioningCleartext = (apiLevel: number): DownloadOptions["cleartext"] =>
  platformAppCleartextPermitted(apiLevel) ? { policy: "permitted" } : { policy: "refused", requester: MANAGED_PROVISIONING_PACKAGE };

export const STEPS = {
  parse: "android.provision.parse",
  precheck: "android.provision.precheck",
  deleteProfile: "android.provision.delete-profile",
  network: "android.provision.network",
  download: STEP_DOWNLOAD,
  verify: "android.provision.verify",
  install: "android.provision.install",
  mode: "android.provision.mode",
  owner: "android.provision.owner",
  compliance: "android.provision.compliance",
  complete: "android.provision.complete",
  dpcSetup: "android.provision.dpc-setup",
} as const;

/** The device before provisioning: what pre-checks and the network step look at. */
export interface AndroidDeviceState extends PrecheckDevice {
  gms: boolean;
  imei?: string;
  serialNumber: string;
  /** Installed packages → versionCode. */
  installed: Map<string, number>;
  /** Wi-Fi networks in range: the payload's SSID must be one of them with the right key. */
  wifiInRange?: { ssid: string; securityType: string; password?: string }[];
  /**
   * How far provisioning got, as the device keeps it across a restart (the device owner / profile
   * owner is set in DevicePolicyManager's persistent state; the DPC records that compliance ran).
   */
  provisioning?: { stage: "owner-set" | "compliant"; managementMode: "DEVICE_OWNER" | "PROFILE_OWNER"; mode: number };
  /** Packages platform security (Play Protect) refuses to install. */
  playProtectBlocks?: string[];
  /** Activities the DPC declares for the admin-integrated flow (default both). */
  dpcActivities?: { provisioningMode: boolean; policyCompliance: boolean };
}

/**
 * Android 10 (API 29) introduced the admin-integrated flow (DevicePolicyManager.ACTION_GET_PROVISIONING_MODE and
 * ACTION_ADMIN_POLICY_COMPLIANCE, both "Added in API level 29"); from Android 12 (API 31) organisation-owned
 * provisioning requires it. Before it (and on 10–11 for a DPC without the GET_PROVISIONING_MODE activity) the
 * trigger decides the mode, ManagedProvisioning finishes on its own and the DPC only learns of it from
 * DeviceAdminReceiver.ACTION_PROFILE_PROVISIONING_COMPLETE ("sent to indicate that provisioning of a managed profile
 * or managed device has completed successfully … In the device owner case the profile is the primary user"): the
 * DPC's own enrolment starts from that broadcast (developer.android.com DevicePolicyManager / DeviceAdminReceiver).
 */
export const ADMIN_INTEGRATED_FROM = 29;
/** DevicePolicyManager.ACTION_PROVISIONING_SUCCESSFUL: "Added in API level 26", sent with PROFILE_PROVISIONING_COMPLETE. */
export const PROVISIONING_SUCCESSFUL_FROM = 26;
/** DeviceAdminReceiver.ACTION_DEVICE_ADMIN_ENABLED: sent to the admin receiver when it is made an active admin (setActiveAdmin). */
const DEVICE_ADMIN_ENABLED = "android.app.action.DEVICE_ADMIN_ENABLED";
export const ADMIN_INTEGRATED_REQUIRED_FROM = 31;

export interface ProvisioningModeRequest {
  allowedModes: number[];
  adminExtras: Bundle;
  imei?: string;
  serialNumber?: string;
}

/** The DPC as ManagedProvisioning sees it: two activities. */
export interface DpcPersona {
  getProvisioningMode(req: ProvisioningModeRequest): { mode: number; adminExtras?: Bundle };
  adminPolicyCompliance(req: { mode: number; adminExtras: Bundle; ownership: "COMPANY_OWNED" | "PERSONALLY_OWNED" }): Promise<{ ok: boolean; code: string; step?: string; message?: string; serverError?: { status?: string; reason?: string; message?: string } }>;
}

export interface SetupWizardInput {
  /** Parses and validates the payload (run inside the parse step; typed errors propagate). */
  payload: () => ProvisioningParams;
  /** Trusted source (QR, NFC, zero-touch, KME): organisation-owned; managed-profile: BYOD. */
  initiator: "trusted-source" | "managed-profile";
  device: AndroidDeviceState;
  dpc: DpcPersona;
  maxApkBytes?: number;
  /** The network the device is on (scenario networks:): provisioning waits until its connectivity check validates it. */
  network?: DeviceNetworkView;
  /**
   * The task error constant the device's release reports for a verify failure (its setup-text row's `constant`:
   * VerifyAdminPackageTask from Android 13, DownloadPackageTask / InstallPackageTask before 8.0). Absent or undefined: the
   * built-in name (wire/android/verify.ts).
   */
  verifyConstant?: (key: "hashMismatch" | "packageInvalid") => { task: string; name: string; value: number } | undefined;
  /** The wizard joined the payload's Wi-Fi: its proxy (host/port or PAC) now applies to the device's requests. */
  joinedWifi?: (w: WifiParams) => void;
}

export type ProvisioningOutcome =
  | { ok: true; code: string; mode: number; managementMode: "DEVICE_OWNER" | "PROFILE_OWNER"; intents: string[] }
  | { ok: false; code: string; step: string; message: string; intents: string[]; download?: { reason: string; status?: number }; serverError?: { status?: string; reason?: string; message?: string }; stop?: WizardStop };

const CLOUDDPC_PACKAGE = CLOUDDPC.component.split("/")[0];
const MODE_NAMES: Record<number, string> = { 1: "FULLY_MANAGED_DEVICE", 2: "MANAGED_PROFILE", 3: "MANAGED_PROFILE_ON_PERSONAL_DEVICE" };

/** ManagedProvisioning's PROVISIONING_MODE_* → the DPM action it is checked as. */
const isProfileMode = (mode: number) => mode !== PROVISIONING_MODE.FULLY_MANAGED_DEVICE;

export async function runSetupWizard(ctx: ProtocolContext, input: SetupWizardInput): Promise<ProvisioningOutcome> {
  const orgOwned = input.initiator === "trusted-source";
  const intents: string[] = [];
  // The device-owner question is settled once the DPC picked its mode; until then a trusted source is device owner.
  const seen = { deviceOwner: orgOwned };
  try {
    return await wizard(ctx, input, intents, seen);
  } catch (err) {
    const stop = userCancelled(ctx, err, input.device, orgOwned, seen.deviceOwner);
    if (!stop) throw err;
    return stopped(stop, intents);
  }
}

const stopped = (stop: WizardStop, intents: string[]): ProvisioningOutcome => ({ ok: false, code: stop.code, step: stop.step, message: stop.message, intents, stop });

async function wizard(ctx: ProtocolContext, input: SetupWizardInput, intents: string[], seen: { deviceOwner: boolean }): Promise<ProvisioningOutcome> {
  const { device } = input;
  const fail = (code: string, stepName: string, message: string): ProvisioningOutcome => ({ ok: false, code, step: stepName, message, intents });
  const orgOwned = input.initiator === "trusted-source";

  const params = await step(ctx, STEPS.parse, async () => {
    const params = input.payload();
    decoded(ctx, STEPS.parse, { source: params.source, trigger: params.trigger, component: params.component ? `${params.component.pkg}/${params.component.cls}` : params.packageName, download: params.download?.location, wifi: params.wifi?.ssid, adminExtraKeys: Object.keys(params.adminExtras), warnings: params.warnings });
    return params;
  });

  // DevicePolicyManager.checkProvisioningPreCondition for the action the trigger starts (precheck.ts).
  const pre = await step(ctx, STEPS.precheck, async () => {
    if (!device.gms && params.packageName === CLOUDDPC_PACKAGE) return "no-gms" as const;
    const refused = precondition(ctx, STEPS.precheck, actionFor(!orgOwned), device, orgOwned);
    if (!refused) decoded(ctx, STEPS.precheck, { ok: true, encryption: params.skipEncryption ? "skipped" : "required" });
    return refused;
  });
  if (pre === "no-gms") return fail("android.provision.no-gms", STEPS.precheck, `${WIZARD_TEXT.cantSetUp} (Android Device Policy needs Google Mobile Services; this device has none: use an AOSP or device-admin path)`);
  if (pre) return stopped(pre, intents);

  // A work profile is already there: PreProvisioningController shows DeleteManagedProfileDialog before anything else for a
  // profile-owner provisioning (AOSP ManagedProvisioning). It is a prompt: Delete (the default) removes the old profile
  // (UserManager.removeUser) and setup goes on; Cancel (the timeline's abandon at this step) ends provisioning, the old
  // profile stays and the DPC gets RESULT_CANCELED. What the DPC (Company Portal, Android Device Policy) then shows is
  // not published: the outcome carries the condition only.
  const existing = !orgOwned ? device.existingWorkProfile : undefined;
  if (existing) {
    const dialog = { dialog: DELETE_PROFILE_TEXT.title, text: `${DELETE_PROFILE_TEXT.opening} ${existing.managedBy}. ${DELETE_PROFILE_TEXT.warning}` };
    try {
      await step(ctx, STEPS.deleteProfile, async () => decoded(ctx, STEPS.deleteProfile, { ...dialog, userAction: DELETE_PROFILE_TEXT.delete, removed: existing.managedBy }));
    } catch (err) {
      if (asSimError(err).code !== "user.abandoned") throw err;
      decoded(ctx, STEPS.deleteProfile, { ...dialog, userAction: DELETE_PROFILE_TEXT.cancel });
      return fail("android.provision.existing-profile-kept", STEPS.deleteProfile, `"${DELETE_PROFILE_TEXT.title}" answered ${DELETE_PROFILE_TEXT.cancel}: the work profile managed by ${existing.managedBy} stays and no new work profile is created (provisioning cancelled, RESULT_CANCELED to the DPC; the DPC's own message is not published)`);
    }
  }

  const net = await step(ctx, STEPS.network, async () => {
    const w = params.wifi;
    if (!w) {
      decoded(ctx, STEPS.network, { via: params.useMobileData ? "mobile-data" : "existing" });
      return undefined;
    }
    if (device.wifiInRange) {
      const ap = device.wifiInRange.find((n) => n.ssid === w.ssid);
      if (!ap) return `SSID "${w.ssid}" not in range`;
      if (ap.securityType !== w.securityType) return `security type ${w.securityType} does not match the network (${ap.securityType})`;
      if ((ap.password ?? "") !== (w.password ?? "")) return "wrong Wi-Fi password";
    }
    decoded(ctx, STEPS.network, { via: "wifi", ssid: w.ssid, securityType: w.securityType, hidden: w.hidden });
    return undefined;
  });
  if (net) return fail("android.provision.wifi-failed", STEPS.network, `Couldn't connect to Wi-Fi. ${WIZARD_TEXT.cantSetUp} (${net})`);
  if (params.wifi) input.joinedWifi?.(params.wifi);
  // ManagedProvisioning goes on once the network is validated (NetworkMonitor's check, re-evaluated with backoff): on a
  // network without internet it stays at its progress screen until the internet comes back (googlesamples/android-testdpc#122).
  // The Wi-Fi the payload configures carries its PAC URL, which the check fetches instead (Google's workaround there).
  const network = input.network;
  if (network) await waitForValidatedNetwork(ctx, "android", { pacUrl: () => params.wifi?.pacUrl ?? network.pacUrl() });

  const dl = params.download;
  const installedVersion = device.installed.get(params.packageName);
  if (dl && !(installedVersion !== undefined && installedVersion >= dl.minimumVersionCode)) {
    const got = await step(ctx, STEPS.download, () => downloadApk(ctx, dl.location, { cookieHeader: dl.cookieHeader, maxBytes: input.maxApkBytes, cleartext: managedProvisioningCleartext(device.apiLevel) }));
    if (!got.ok) return { ...fail("android.provision.download-failed", STEPS.download, `${WIZARD_TEXT.cantSetUp} (download ${got.reason}: ${got.detail})`), download: { reason: got.transport ?? got.reason, ...(got.status !== undefined ? { status: got.status } : {}) } } as ProvisioningOutcome;
    const v = await step(ctx, STEPS.verify, async () => {
      const out = verifyPackage(got.bytes, dl, params.component, ctx.crypto, device.apiLevel);
      decoded(ctx, STEPS.verify, out.ok ? { ok: true, matched: out.matched, checksum: out.computed, package: out.apk.packageName, versionCode: out.apk.versionCode } : { ok: false, error: out.error, aospCode: out.aospCode, constant: verifyConstantName(input, out), detail: out.detail });
      return out;
    });
    if (!v.ok)
      return v.error === "admin-missing"
        ? fail("android.provision.admin-missing", STEPS.verify, `${WIZARD_TEXT.adminMissing} (${v.detail})`)
        : fail("android.provision.hash-mismatch", STEPS.verify, `${WIZARD_TEXT.cantSetUp} (${v.detail})`);
    const blocked = await step(ctx, STEPS.install, async () => {
      if (device.playProtectBlocks?.includes(v.apk.packageName)) return true;
      device.installed.set(v.apk.packageName, v.apk.versionCode);
      decoded(ctx, STEPS.install, { package: v.apk.packageName, versionCode: v.apk.versionCode });
      return false;
    });
    if (blocked) return fail("android.provision.install-blocked", STEPS.install, `${WIZARD_TEXT.cantSetUp} (install of ${params.packageName} blocked by Play Protect)`);
  } else if (!device.installed.has(params.packageName)) {
    return fail("android.provision.admin-missing", STEPS.install, `${WIZARD_TEXT.adminMissing} (${params.packageName} is not installed and no download location is given)`);
  }

  // The DPC's manifest (device state dpc): Android 12+ requires both admin-integrated activities; on
  // Android 10-11 a DPC without GET_PROVISIONING_MODE gets the legacy flow (the trigger decides the mode).
  const acts = device.dpcActivities ?? { provisioningMode: true, policyCompliance: true };
  if (device.apiLevel >= ADMIN_INTEGRATED_REQUIRED_FROM && (!acts.provisioningMode || !acts.policyCompliance)) {
    const missing = [!acts.provisioningMode ? "GET_PROVISIONING_MODE" : undefined, !acts.policyCompliance ? "ADMIN_POLICY_COMPLIANCE" : undefined].filter(Boolean).join(" and ");
    decoded(ctx, STEPS.mode, { dpcActivities: acts, apiLevel: device.apiLevel });
    return fail("android.provision.dpc-not-integrated", STEPS.mode, `${WIZARD_TEXT.cantSetUp} (the DPC declares no activity for android.app.action.${missing}; Android 12+ requires the admin-integrated flow for organisation-owned provisioning)`);
  }
  const legacy = device.apiLevel < ADMIN_INTEGRATED_FROM || !acts.provisioningMode;
  let allowed: number[] = !orgOwned ? [PROVISIONING_MODE.MANAGED_PROFILE] : [PROVISIONING_MODE.FULLY_MANAGED_DEVICE, PROVISIONING_MODE.MANAGED_PROFILE];
  if (orgOwned && params.supportedModes !== undefined && params.supportedModes & 2) allowed.push(PROVISIONING_MODE.MANAGED_PROFILE_ON_PERSONAL_DEVICE);
  // Android 12L ParserUtils.getAllowedProvisioningModes: without android.software.managed_users the profile modes are not offered.
  if (orgOwned && device.apiLevel >= 32 && !capabilitiesOf(device).features.managedUsers) allowed = allowed.filter((m) => !isProfileMode(m));
  // Before the admin-integrated flow there is no GET_PROVISIONING_MODE and so no mode step: the trigger decides
  // (an organisation-owned trigger makes a device owner, PROVISION_MANAGED_PROFILE a work profile).
  const legacyMode = orgOwned ? PROVISIONING_MODE.FULLY_MANAGED_DEVICE : PROVISIONING_MODE.MANAGED_PROFILE;
  const chosen = legacy
    ? { mode: legacyMode, adminExtras: undefined }
    : await step(ctx, STEPS.mode, async () => {
        intents.push(ACTIONS.GET_PROVISIONING_MODE);
        const r = input.dpc.getProvisioningMode({ allowedModes: allowed, adminExtras: params.adminExtras, imei: orgOwned ? device.imei : undefined, serialNumber: orgOwned ? device.serialNumber : undefined });
        decoded(ctx, STEPS.mode, { intent: ACTIONS.GET_PROVISIONING_MODE, allowedModes: allowed, chosen: r.mode, name: MODE_NAMES[r.mode] ?? "unknown" });
        return r;
      });
  if (!legacy && !allowed.includes(chosen.mode))
    return fail("android.provision.invalid-mode", STEPS.mode, `${WIZARD_TEXT.invalidMode} (mode ${chosen.mode}; allowed ${allowed.join(", ")})`);
  seen.deviceOwner = !isProfileMode(chosen.mode);
  // The DPC's mode changes the action (a trusted source choosing a work profile): checked again before consent
  // (PreProvisioningActivityController.showUserConsentScreen).
  if (orgOwned && isProfileMode(chosen.mode)) {
    const again = await step(ctx, STEPS.precheck, async () => precondition(ctx, STEPS.precheck, actionFor(true), device, orgOwned));
    if (again) return stopped(again, intents);
  }
  const adminExtras = chosen.adminExtras ?? params.adminExtras;
  const managementMode = chosen.mode === PROVISIONING_MODE.FULLY_MANAGED_DEVICE ? "DEVICE_OWNER" : "PROFILE_OWNER";
  const ownership = chosen.mode === PROVISIONING_MODE.MANAGED_PROFILE && orgOwned ? "COMPANY_OWNED" : chosen.mode === PROVISIONING_MODE.FULLY_MANAGED_DEVICE ? "COMPANY_OWNED" : "PERSONALLY_OWNED";

  await step(ctx, STEPS.owner, async () => {
    if (managementMode === "DEVICE_OWNER") device.hasDeviceOwner = true;
    device.provisioning = { stage: "owner-set", managementMode, mode: chosen.mode };
    intents.push(DEVICE_ADMIN_ENABLED);
    const flow = legacy ? { flow: "legacy", apiLevel: device.apiLevel, modeFrom: `the trigger (${device.apiLevel < ADMIN_INTEGRATED_FROM ? `API ${device.apiLevel} has no GET_PROVISIONING_MODE: it exists from Android 10, API ${ADMIN_INTEGRATED_FROM}` : "the DPC declares no GET_PROVISIONING_MODE activity"})`, mode: MODE_NAMES[chosen.mode] } : {};
    decoded(ctx, STEPS.owner, { managementMode, ownership, systemApps: params.leaveAllSystemAppsEnabled ? "all enabled" : "non-required disabled", broadcast: DEVICE_ADMIN_ENABLED, ...flow });
  });

  if (legacy) return legacyDpcSetup(ctx, input, { mode: chosen.mode, adminExtras, ownership, managementMode }, intents, fail);

  const compliance = await step(ctx, STEPS.compliance, async () => {
    intents.push(ACTIONS.ADMIN_POLICY_COMPLIANCE);
    return input.dpc.adminPolicyCompliance({ mode: chosen.mode, adminExtras, ownership });
  });
  if (!compliance.ok) {
    const f = fail(compliance.code, compliance.step ?? STEPS.compliance, compliance.message ?? WIZARD_TEXT.cantSetUp);
    return compliance.serverError ? ({ ...f, serverError: compliance.serverError } as ProvisioningOutcome) : f;
  }

  device.provisioning = { stage: "compliant", managementMode, mode: chosen.mode };
  return finalise(ctx, chosen.mode, managementMode, intents);
}

/**
 * The legacy end (before Android 10, or a DPC without the admin-integrated activities on 10–11): ManagedProvisioning
 * finalises on its own — PROFILE_PROVISIONING_COMPLETE to the admin receiver (plus PROVISIONING_SUCCESSFUL from API 26)
 * — and the DPC's own enrolment then runs from that broadcast (step dpc-setup). No ADMIN_POLICY_COMPLIANCE is sent.
 */
async function legacyDpcSetup(
  ctx: ProtocolContext,
  input: SetupWizardInput,
  o: { mode: number; adminExtras: Bundle; ownership: "COMPANY_OWNED" | "PERSONALLY_OWNED"; managementMode: "DEVICE_OWNER" | "PROFILE_OWNER" },
  intents: string[],
  fail: (code: string, stepName: string, message: string) => ProvisioningOutcome,
): Promise<ProvisioningOutcome> {
  const { device } = input;
  await step(ctx, STEPS.complete, async () => {
    intents.push(ACTIONS.PROFILE_PROVISIONING_COMPLETE);
    if (device.apiLevel >= PROVISIONING_SUCCESSFUL_FROM) intents.push(ACTIONS.PROVISIONING_SUCCESSFUL);
    decoded(ctx, STEPS.complete, { intents: [...intents], flow: "legacy", apiLevel: device.apiLevel, userSetupState: "provisioning finalised before the DPC enrols (no ADMIN_POLICY_COMPLIANCE)" });
  });
  const out = await step(ctx, STEPS.dpcSetup, async () => {
    decoded(ctx, STEPS.dpcSetup, { startedBy: ACTIONS.PROFILE_PROVISIONING_COMPLETE, managementMode: o.managementMode, apiLevel: device.apiLevel });
    return input.dpc.adminPolicyCompliance({ mode: o.mode, adminExtras: o.adminExtras, ownership: o.ownership });
  });
  if (!out.ok) {
    const f = fail(out.code, out.step ?? STEPS.dpcSetup, out.message ?? WIZARD_TEXT.cantSetUp);
    return out.serverError ? ({ ...f, serverError: out.serverError } as ProvisioningOutcome) : f;
  }
  device.provisioning = { stage: "compliant", managementMode: o.managementMode, mode: o.mode };
  return { ok: true, code: "android.provisioned", mode: o.mode, managementMode: o.managementMode, intents };
}

async function finalise(ctx: ProtocolContext, mode: number, managementMode: "DEVICE_OWNER" | "PROFILE_OWNER", intents: string[]): Promise<ProvisioningOutcome> {
  await step(ctx, STEPS.complete, async () => {
    intents.push(ACTIONS.PROFILE_PROVISIONING_COMPLETE, ACTIONS.PROVISIONING_SUCCESSFUL);
    decoded(ctx, STEPS.complete, { intents, userSetupState: "STATE_USER_SETUP_FINALIZED (3)" });
  });
  return { ok: true, code: "android.provisioned", mode, managementMode, intents };
}

/** What a device that restarted during provisioning shows (field failure android-reboot-mid-enrollment, Intune docs). */
export const INTERRUPTED_TEXT = "Device restarted during enrollment: it may look enrolled but no policy was applied and it won't be protected";

/**
 * The device restarted during provisioning (timeline `reboot`) and boots again; `device` is what it
 * kept. Nothing provisioned yet: undefined, the setup wizard starts again from the welcome screen
 * (the DPC APK, once installed, stays installed). The owner was set but ADMIN_POLICY_COMPLIANCE had
 * not completed: the wizard does not come back and the DPC was never configured — the device boots to
 * a home screen that looks managed with no policy applied (Intune: "if the device restarts during
 * enrollment it may appear enrolled but won't be protected"). Compliance had completed: provisioning
 * is finalised and the DPC carries on.
 */
export async function resumeAfterBoot(ctx: ProtocolContext, device: AndroidDeviceState): Promise<ProvisioningOutcome | undefined> {
  const p = device.provisioning;
  if (!p) return undefined;
  if (p.stage === "compliant") return finalise(ctx, p.mode, p.managementMode, []);
  await step(ctx, STEPS.compliance, async () => decoded(ctx, STEPS.compliance, { restarted: true, managementMode: p.managementMode, adminPolicyCompliance: "never delivered: provisioning was interrupted by the restart" }));
  return { ok: false, code: "android.provision.interrupted", step: STEPS.compliance, message: `${INTERRUPTED_TEXT} (${p.managementMode} set before the restart)`, intents: [] };
}

/** The logged constant of a verify failure: the release row's where it names one, else the built-in task's. */
function verifyConstantName(input: SetupWizardInput, out: VerifyFailure): string {
  const row = input.verifyConstant?.(out.error === "hash-mismatch" ? "hashMismatch" : "packageInvalid");
  return row ? `${row.task}.${row.name} (${row.value})` : `${out.task}.${out.constant} (${out.aospCode})`;
}
