// SPDX-License-Identifier: MIT
/**
 * Device state: what is already true of a device before a flow starts (an enrollment left on a PC,
 * its directory join, its TPM, the OS build it runs, …). One vocabulary, written the same way in a
 * catalog entry (`devices/*.yaml`, `state:`: the model's defaults) and in a scenario group
 * (`groups[].state`, which overrides the model's key by key). The flows read the merged state and
 * behave as the real client does in that state; nothing here produces an outcome by itself.
 *
 * The vocabulary is JSON Schema data, so the scenario schema embeds it and the catalog reader
 * validates against the same definition (`stateProblems`). Keys are per platform family; a key of
 * another family is refused with the families that have it. Documented in scenarios/README-*.md.
 */
import { APPLE_PROXY_STATE, type AppleProxySetting } from "./apple/proxy-state.js";
import { PANE_ACTIONS, STATE_PANE_KEYS, type PaneAction } from "./apple/panes.js";
import { ANDROID_CAPABILITY_STATE, type AndroidCapabilityState } from "./android/capability-state.js";
import { COMMON_STATE, LOCAL_ACCOUNT, type Json } from "./state-common.js";
import { WINDOWS_STATE } from "./windows/state-keys.js";
import { KNOX_BLOB_DEFECTS, type KnoxBlobDefect } from "../wire/android/knox-attestation.js";

export { WINDOWS_STATE };

export type StateFamily = "windows" | "apple" | "android";

/** The state family of a catalog platform (ios, ipados, macos → apple). */
export const familyOf = (p: string): StateFamily => (p === "windows" ? "windows" : p === "android" ? "android" : "apple");

export { CLOCK_OFFSET_PATTERN, clockOffsetMs } from "../wire/clock-offset.js";

/** `state:` keys of Apple devices (iPhone, iPad, Mac). */
export const APPLE_STATE: Json = {
  ...COMMON_STATE,
  ...APPLE_PROXY_STATE,
  supervised: {
    type: "boolean",
    description: "The device was prepared as supervised (Apple Configurator) before a profile enrollment: supervised-only commands, payloads and restrictions apply. ADE devices take supervision from the cloud configuration. Default false.",
  },
  userInstalledApps: {
    type: "array",
    maxItems: 100,
    items: { type: "string", pattern: "^[A-Za-z0-9.-]{1,200}$", "x-expected": "a bundle identifier such as com.contoso.field" },
    description:
      "Bundle ids of App Store apps the user installed before enrolling (unmanaged). An InstallApplication for one reports UserInstalledApp; with ChangeManagementState Managed the device takes it over: silently when supervised, else after asking (step app.management-prompt; Cancel: ManagementRejected).",
  },
  account: LOCAL_ACCOUNT,
  lockdownMode: {
    type: "boolean",
    description:
      "The user turned on Lockdown Mode (iOS/iPadOS 16+, macOS 13+; Settings › Privacy & Security). Apple support 105120: while it is on, \"Configuration profiles can't be installed, and the device can't be enrolled in mobile device management or device supervision\": every enrollment path ends apple.lockdown-mode at profile.install, before anything is installed. The alert's wording and the effect on an already-enrolled device are not published and not modelled. Default false.",
  },
  certificateTrustSettings: {
    type: "object",
    additionalProperties: false,
    required: ["fullTrust"],
    description:
      'Settings › General › About › Certificate Trust Settings (iOS/iPadOS 10.3+): the roots the user turned on "Enable full trust for root certificates" for. A root from a profile the user installed by hand is not trusted for TLS until then (Apple support 102390; src/device/apple/profile-trust.ts); roots installed by MDM, Apple Configurator or ADE are trusted anyway, and macOS has no such step. Settable mid-run (timeline set: state.certificateTrustSettings). Default: none turned on.',
    properties: {
      fullTrust: {
        anyOf: [
          { const: "all", description: "every installed root" },
          { type: "array", maxItems: 50, items: { type: "string", minLength: 1, maxLength: 200, "x-expected": 'a root\'s common name as Settings lists it ("MicroMDM Root CA")' }, description: "the roots' common names (the CN of each certificate)" },
        ],
        description: 'The roots with full trust on: their common names, or "all".',
      },
    },
  },
  safari: {
    type: "object",
    additionalProperties: false,
    description: "Safari on the device (web enrollment: the portal and the profile download send its User-Agent, src/device/apple/safari.ts).",
    properties: { requestDesktopWebsite: { type: "boolean", description: "Settings › Safari › Request Desktop Website: Safari sends the Mac's User-Agent. Default: on for an iPad on iPadOS 13+, off on iPhone; a Mac always sends its own." } },
  },
  browser: {
    type: "string",
    pattern: "^[a-z0-9][a-z0-9-]{0,40}$",
    "x-expected": "a browser id of devices/profile-installers/*.yaml (safari, chrome, brave)",
    description:
      "The browser the user opens the enrollment URL in (web enrollment: the portal, its sign-in and the profile download; device/apple/portal.ts). A row of devices/profile-installers/*.yaml says whether the profile download carries the browser's sign-in session (Safari: yes; Chrome and Brave on iOS: no, fleetdm/fleet#39996). Default safari.",
  },
  activated: {
    type: "boolean",
    description: "Setup Assistant was already completed (the device was activated before an ADE profile was assigned): it does not ask for the cloud configuration again until erased. Default false.",
  },
  activationLock: {
    type: "object",
    additionalProperties: false,
    required: ["enabled"],
    description: "Activation Lock (Find My) from a previous owner: Setup Assistant stops at the Activation Lock pane unless the MDM escrowed a bypass code for this device.",
    properties: {
      enabled: { type: "boolean" },
      bypassCode: { enum: ["escrowed", "none"], description: "escrowed: the organisation's MDM holds the device's Activation Lock bypass code (supervised devices). Default none." },
    },
  },
  serialNumber: {
    type: "string",
    description: "The serial number the device reports instead of a generated one; \"\" is the blank serial of a virtual machine.",
  },
  modelIdentifier: {
    type: "string",
    description: "The model identifier (ProductName) the device reports instead of the catalog's; \"\" is blank, \"VirtualMac2,1\" a macOS VM.",
  },
  backup: {
    type: "object",
    additionalProperties: false,
    required: ["device"],
    description: "The device was restored from a backup before the flow: taken on this device (same) or another one (other), while it was enrolled in the MDM at enrolledIn.",
    properties: {
      device: { enum: ["same", "other"], description: "same: the device-bound management profile and identity come back; other: they are not restored onto a different device." },
      enrolledIn: { type: "string", pattern: "^https://", description: "ServerURL of the MDM the backed-up device was enrolled in." },
    },
  },
  mdmEnrollments: {
    type: "array",
    maxItems: 1,
    description:
      "MDM enrollments the device is still in before the flow (iOS/iPadOS/macOS): another server's enrollment profile is installed. There can be only one enrollment profile on a device at a time (Apple, \"MDM overview for Apple devices\"): a new enrollment profile, downloaded or account-driven, is refused at profile.install with MCInstallationErrorDomain 4000 / MCMDMErrorDomain 12002 (apple.profile.mdm-payload-mismatch); a device still enrolled was set up, so ADE ends apple.ade.already-activated until it is erased. The fix is removing the old profile: [] (the default).",
    items: {
      type: "object",
      additionalProperties: false,
      required: ["serverUrl"],
      properties: { serverUrl: { type: "string", pattern: "^https://", description: "ServerURL of the MDM the device is enrolled in (its MDM payload's ServerURL and CheckInURL)." } },
    },
  },
  sharedIPad: {
    type: "object",
    additionalProperties: false,
    description:
      "The iPad is a Shared iPad (multi-user; the ADE profile's is_multi_user): iPad on iPadOS 13.4+ only, elsewhere it does not apply. Supervised, enrolls through ADE only, sends no UnlockToken, reports IsMultiUser, skips every Setup Assistant pane after activation; commands and payloads as Apple's schemas allow on Shared iPad.",
    properties: {
      user: { type: "string", description: "The Managed Apple Account that signs in after setup: its user channel opens with a TokenUpdate carrying UserShortName (UserID FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF). Default: nobody signs in during the flow." },
    },
  },
  setupAssistant: {
    type: "object",
    additionalProperties: false,
    description:
      "A user walks Setup Assistant (ADE): what they do at each pane. completes: goes through it; cancels: backs out (Set Up Later / Not Now; at Quick Start: Set Up Manually); idles: leaves the device at that pane. Which panes appear is the cloud configuration's skip_setup_items. Without this key the flow ends at the enrollment.",
    properties: {
      quickStart: { enum: [...PANE_ACTIONS], description: "Another iPhone/iPad is nearby: Quick Start is offered first, before Wi-Fi, activation and Remote Management (iPhone/iPad only). Default: no device nearby, not offered." },
      network: {
        enum: [...PANE_ACTIONS],
        description:
          "The network pane, before activation and Remote Management (no skip key). completes: joins a network (default); cancels: goes on without one (a Mac before macOS 13 is then set up unmanaged, no Remote Management; macOS 13+ on a registered Mac and Wi-Fi-only iPads do not offer it and stay at the pane; an iPhone with a modem activates over cellular); idles: stays at the pane. Quick Start completed brings the network over.",
      },
      panes: {
        type: "object",
        additionalProperties: false,
        description: "Per pane (skip_setup_items key), what the user does; panes not named get `others`.",
        properties: Object.fromEntries(STATE_PANE_KEYS.map((k) => [k, { enum: [...PANE_ACTIONS] }])),
      },
      others: { enum: [...PANE_ACTIONS], description: "What the user does at the panes not named in panes. Default completes." },
    },
  },
  os: {
    type: "object",
    additionalProperties: false,
    required: ["version", "build"],
    description: "The OS release the device runs, any release (MDM OSVersion and BuildVersion): decides which commands and payloads it supports.",
    properties: {
      version: { type: "string", pattern: "^\\d+\\.\\d+(\\.\\d+)?$" },
      build: { type: "string", pattern: "^\\d{2}[A-Z]\\d{1,4}[a-z]?$" },
    },
  },
};

/** `state:` keys of Android devices. */
export const ANDROID_STATE: Json = {
  ...COMMON_STATE,
  knoxVersion: {
    type: "string",
    pattern: "^\\d+\\.\\d+(\\.\\d+)?$",
    "x-expected": 'a Knox version such as "2.8" or "3.2.1"',
    description:
      "Samsung: the Knox version of the firmware the device runs (Settings › About phone › Software information › Knox version), e.g. 2.8 on Android 7, 3.1 on Android 8.0, 3.2.1 on Android 9 (Samsung Knox SDK \"Knox version mapping\"). Default: the catalog release's knoxVersion. Read by OEM policy apps (Knox Service Plugin) deciding whether they support the device.",
  },
  apiLevel: { type: "integer", minimum: 21, maximum: 40, description: "The API level the device runs (an older release than the catalog's, e.g. a unit never updated): which provisioning extras it reads, what its setup wizard requires." },
  gms: { type: "boolean", description: "Google Mobile Services present. Default: the catalog's android.gms." },
  securityPatch: {
    type: "string",
    pattern: "^\\d{4}-\\d{2}-\\d{2}$",
    "x-expected": 'a security patch level such as "2024-01-05"',
    description: "The Android security patch level the device runs (Settings › About phone › Android version; Build.VERSION.SECURITY_PATCH), e.g. a unit never updated. Reported to the EMM (AMAPI softwareInfo.securityPatchLevel) and in key attestation (osPatchLevel). Default: the catalog release's securityPatch.",
  },
  integrity: {
    type: "object",
    additionalProperties: false,
    description:
      "The device's boot and system integrity (scenarios/README-android.md \"Device integrity\"): what key attestation (RootOfTrust), Play Integrity, AMAPI securityPosture and Knox attestation see. Default: a stock device — bootloader locked, verified boot green, not rooted, Knox warranty bit 0x0.",
    properties: {
      bootloader: { enum: ["locked", "unlocked"], description: "Bootloader lock state (fastboot flashing unlock / OEM unlocking). Unlocked: RootOfTrust deviceLocked false. Default locked." },
      verifiedBoot: {
        enum: ["green", "yellow", "orange"],
        description: "Android Verified Boot state (source.android.com/docs/security/features/verifiedboot/boot-flow): green = locked, OEM key (Verified); yellow = locked with a user-set root of trust, e.g. a custom ROM signed by its builder (SelfSigned); orange = unlocked (Unverified). Default green when locked, orange when unlocked.",
      },
      rooted: { type: "boolean", description: "su is present and visible to software root detection (Magisk, SuperSU). Default false." },
      knoxWarrantyBit: { enum: ["0x0", "0x1"], description: "Samsung: the Knox warranty bit (e-fuse), 0x1 once unofficial firmware was ever booted; it never resets. Knox attestation fails with it set. Default 0x0." },
      knoxAttestationBlob: {
        enum: ["valid", ...KNOX_BLOB_DEFECTS],
        description:
          "Samsung: how the firmware's attestation framework fills the Knox attestation blob Knox Mobile Enrollment sends with its profile request (GET_PROFILE, after the server's 401 nonce challenge). rkp-wrong-address: Samsung KBA 360039680333, SM-G950W on Android N references the wrong memory address for Real-time Kernel Protection and puts invalid values in the blob; KME answers 400 \"invalid nonce/blob\", does not launch, and the device goes on to the ordinary setup wizard. Default: what the catalog's android.knoxAttestation says for the device's Build.MODEL and API level, else valid.",
      },
    },
  },
  alreadyProvisioned: { type: "boolean", description: "A device owner is already set: provisioning is refused (CODE_HAS_DEVICE_OWNER, 1) until a factory reset. Default false." },
  userSetupCompleted: { type: "boolean", description: "Setup was completed on the system user: device-owner provisioning is refused (CODE_USER_SETUP_COMPLETED, 4) until a factory reset. Default false." },
  secondaryUser: { type: "boolean", description: "Setup runs in a secondary user: no work profile can be added there (CODE_CANNOT_ADD_MANAGED_PROFILE, 11) and no device owner set (CODE_NOT_SYSTEM_USER, 7). Default false." },
  ...ANDROID_CAPABILITY_STATE,
  existingWorkProfile: {
    type: "object",
    additionalProperties: false,
    required: ["managedBy"],
    description:
      "A work profile (managed profile) is already on the device, owned by the DPC managedBy (Settings › Passwords & accounts › Work). Provisioning a new work profile (flow android-work-profile) first shows ManagedProvisioning's \"Delete existing profile?\" dialog (step android.provision.delete-profile): Delete removes it and setup goes on; Cancel (the timeline's abandon at that step) ends provisioning with the old profile kept. Android 11 and older; from Android 12 a new work profile is refused while one exists (CODE_CANNOT_ADD_MANAGED_PROFILE). Default: none.",
    properties: {
      managedBy: { type: "string", pattern: "^[A-Za-z][\\w]*(\\.[A-Za-z][\\w]*)+$", "x-expected": "a package name such as com.microsoft.windowsintune.companyportal", description: "Package of the existing profile's profile owner, shown in the dialog." },
    },
  },
  factoryResetProtection: {
    type: "object",
    additionalProperties: false,
    required: ["reset"],
    description:
      "Factory Reset Protection (the Android analogue of activationLock): a Google account was synced before the device's last factory reset. reset: untrusted (recovery mode, hardware keys) keeps FRP, so the setup wizard shows \"Verify your account\" before any provisioning trigger (android.setup.frp-locked); trusted (from Settings) cleared it. No FRP on a device without GMS.",
    properties: {
      reset: { enum: ["untrusted", "trusted"] },
      verify: { enum: ["previous-account", "none"], description: "previous-account: the user signs in with the previously synced account at Verify your account, and setup goes on. Default none." },
    },
  },
  serialNumber: { type: "string", description: "The serial number the device reports (OEM identifier; corporate identifiers are matched against it)." },
  imei: { type: "string", pattern: "^\\d{15}$", description: "The IMEI the device reports (corporate identifiers)." },
  manufacturer: { type: "string", description: "Build.MANUFACTURER instead of the catalog's (OEM restrictions match it)." },
  model: { type: "string", description: "Build.MODEL instead of the catalog's." },
  wifiInRange: {
    type: "object",
    additionalProperties: false,
    required: ["ssid"],
    description: "The Wi-Fi network actually in range where setup runs; a payload naming another SSID, security type or key fails the network step. Default: whatever the payload names.",
    properties: {
      ssid: { type: "string", minLength: 1, maxLength: 32 },
      securityType: { enum: ["NONE", "WPA", "WEP", "EAP"] },
      password: { type: "string", maxLength: 63 },
    },
  },
  screenLock: {
    type: "object",
    additionalProperties: false,
    required: ["type"],
    description:
      "The screen lock the user has set (Settings › Security › Screen lock): none, swipe, pattern, pin or password (letters and digits), and its length. Android Device Policy compares it with the policy's password requirements (embedded.android.profiles.*.passwordPolicies, AMAPI PasswordRequirements) and reports a lock that misses them as passwordPolicies USER_ACTION / PASSWORD_POLICIES_PASSWORD_NOT_SUFFICIENT, policyCompliant false (scenarios/README-android.md \"Screen lock and password policy\"). A timeline `set` of state.screenLock is the user setting a lock: the next status report is compliant. Default none (a freshly set-up device).",
    properties: {
      type: { enum: ["none", "swipe", "pattern", "pin", "password"] },
      length: { type: "integer", minimum: 0, maximum: 64, description: "Characters of the PIN or password (points of a pattern). Default 0." },
    },
  },
  playProtectBlocks: {
    type: "array",
    maxItems: 50,
    items: { type: "string", pattern: "^[A-Za-z][\\w]*(\\.[A-Za-z][\\w]*)+$" },
    description: "Packages Google Play Protect refuses to install on this device (e.g. the DPC com.google.android.apps.work.clouddpc): the install step fails. Default none.",
  },
  qrScannerMaxBytes: { type: "integer", minimum: 1, maximum: 100000, description: "Largest QR payload the setup wizard's scanner reads (camera and reader); a denser code cannot be read. Default: no limit." },
  companyPortalVersion: { type: "string", pattern: "^(none|\\d+(\\.\\d+){1,3})$", description: "Company Portal installed (version) or none. Default 5.0.6208.0." },
  dpc: {
    type: "object",
    additionalProperties: false,
    description: "The DPC build on the device: the components it declares (AndroidManifest activities for the provisioning intents; default both present) and the provisioning mode it answers.",
    properties: {
      provisioningModeActivity: { enum: ["present", "missing"], description: "An activity for android.app.action.GET_PROVISIONING_MODE." },
      policyComplianceActivity: { enum: ["present", "missing"], description: "An activity for android.app.action.ADMIN_POLICY_COMPLIANCE." },
      provisioningMode: {
        enum: ["fully-managed", "work-profile", "personal-work-profile"],
        description:
          "The mode this DPC build answers GET_PROVISIONING_MODE with, whatever the allowed list and the admin extras ask (a DPC bug, or a build made for another deployment); Android refuses one outside PROVISIONING_ALLOWED_PROVISIONING_MODES. Default: the mode the extras ask for, within the allowed list.",
      },
    },
  },
};

/**
 * State keys that exist on some platforms of their family only, with why: the real platform has no such
 * state elsewhere, so writing it for another platform is a scenario error at load, not a silent no-op.
 */
export const STATE_KEY_PLATFORMS: Readonly<Record<string, { platforms: readonly string[]; why: string }>> = {
  sharedIPad: { platforms: ["ipados"], why: "Shared iPad (multi-user iPad) exists only on iPad, iPadOS 13.4 or later (Intune ADE profile documentation, shared/notes/server-policies.md §7.7)" },
};

/** Keys of `state` that its family has but `platform` does not (STATE_KEY_PLATFORMS). */
export function platformStateKeys(state: Record<string, unknown>, platform: string): { key: string; platforms: readonly string[]; why: string }[] {
  return Object.keys(state).flatMap((key) => {
    const rule = STATE_KEY_PLATFORMS[key];
    return rule && !rule.platforms.includes(platform) ? [{ key, ...rule }] : [];
  });
}

/** Every family's keys. */
export const STATE_KEYS: Record<StateFamily, Json> = { windows: WINDOWS_STATE, apple: APPLE_STATE, android: ANDROID_STATE };

/** The JSON Schema of `state:` (union of every family's keys; the platform check is `stateProblems`/semantic). */
export function stateSchema(): Json {
  const properties: Json = {};
  for (const keys of Object.values(STATE_KEYS)) Object.assign(properties, keys);
  return {
    type: "object",
    additionalProperties: false,
    description: "Device state before the flow starts; overrides the catalog model's state key by key (scenarios/README-<platform>.md).",
    properties,
  };
}

export interface WindowsEnrollmentRecord {
  status: "active" | "stale" | "in-progress";
  owner?: "this-user" | "other-user" | "device";
}
export type WindowsJoin = "none" | "entra-registered" | "entra-joined" | "domain-joined" | "hybrid-joined";
/** An OMA-DM command the PC answers with `status` (state.cspStatus). */
export interface CspStatusRule {
  uri: string;
  verb?: "Get" | "Add" | "Replace" | "Delete" | "Exec";
  status: number;
}
export type TpmAttestation = "succeeds" | "times-out" | "retries-exceeded" | "firmware-rejected";
/**
 * Who made the TPM. A firmware TPM's maker (intel, amd, qualcomm) decides its EK certificate service
 * (src/device/windows/tpm-ek.ts); discrete chips come from infineon, nuvoton, stmicro. The attestation statement
 * names the maker by its TCG vendor ID (TPM_PT_MANUFACTURER; device/windows/tpm-facts.ts).
 */
export type TpmManufacturer = "intel" | "amd" | "qualcomm" | "infineon" | "nuvoton" | "stmicro";
export const TPM_MANUFACTURERS = ["intel", "amd", "qualcomm", "infineon", "nuvoton", "stmicro"] as const satisfies readonly TpmManufacturer[];

/** Device state as written (every key optional). */
export interface DeviceState extends AndroidCapabilityState {
  clockOffset?: string;
  trustedRoots?: string[];
  enrollments?: WindowsEnrollmentRecord[];
  mdmEnrollmentDisabled?: boolean;
  managementAgents?: ("intune-pc-agent" | "configmgr-client")[];
  /** Windows: the DWORD HKLM\SOFTWARE\Microsoft\Enrollments\MmpcEnrollmentFlag an earlier management left (device/windows/leftovers.ts). */
  mmpcEnrollmentFlag?: number;
  account?: { admin?: boolean };
  join?: WindowsJoin;
  /** `cleared`: the TPM was cleared since the PC was made (its storage hierarchy has a new seed; device/windows/tpm-keys.ts). */
  tpm?: { version?: "2.0" | "1.2" | "none"; kind?: "discrete" | "firmware" | "virtual"; manufacturer?: TpmManufacturer; firmwareVersion?: string; attestation?: TpmAttestation; cleared?: boolean };
  osVersion?: string;
  osEdition?: number;
  cspStatus?: CspStatusRule[];
  hardwareReplaced?: ("motherboard" | "nic" | "disk")[];
  /** The Windows Recovery Environment (state.recovery; default enabled). */
  recovery?: { winre?: "enabled" | "disabled" };
  /** Windows: how the PC reaches the network in OOBE (device/windows/network-link.ts). */
  networkLink?: "ethernet" | "wifi";
  /** Windows: the system context's static proxy, netsh winhttp set proxy (device/windows/proxy.ts). */
  winhttpProxy?: { server: string; bypass?: string[] };
  /** Windows: the user's proxy settings, Settings › Network & internet › Proxy (WinINet; device/windows/proxy.ts). */
  userProxy?: { autoDetect?: boolean; script?: string; server?: string; bypass?: string[] };
  /** Apple: the proxy set for the device's network, Wi-Fi or Global HTTP Proxy payload (device/apple/proxy.ts). */
  networkProxy?: AppleProxySetting;
  supervised?: boolean;
  userInstalledApps?: string[];
  activated?: boolean;
  lockdownMode?: boolean;
  /** Apple: Certificate Trust Settings, the roots with full trust turned on (device/apple/profile-trust.ts). */
  certificateTrustSettings?: { fullTrust: "all" | string[] };
  safari?: { requestDesktopWebsite?: boolean };
  /** Apple: the browser the user opens the enrollment URL in (devices/profile-installers/browsers.yaml); default safari. */
  browser?: string;
  activationLock?: { enabled: boolean; bypassCode?: "escrowed" | "none" };
  serialNumber?: string;
  modelIdentifier?: string;
  os?: { version: string; build: string };
  backup?: { device: "same" | "other"; enrolledIn?: string };
  /** Apple: the MDM enrollment the device is still in (device/apple/prior-mdm.ts). */
  mdmEnrollments?: { serverUrl: string }[];
  sharedIPad?: { user?: string };
  setupAssistant?: { quickStart?: PaneAction; network?: PaneAction; panes?: Record<string, PaneAction>; others?: PaneAction };
  apiLevel?: number;
  knoxVersion?: string;
  gms?: boolean;
  securityPatch?: string;
  /** Android: boot and system integrity (device/android/integrity.ts). */
  integrity?: { bootloader?: "locked" | "unlocked"; verifiedBoot?: "green" | "yellow" | "orange"; rooted?: boolean; knoxWarrantyBit?: "0x0" | "0x1"; knoxAttestationBlob?: "valid" | KnoxBlobDefect };
  alreadyProvisioned?: boolean;
  userSetupCompleted?: boolean;
  secondaryUser?: boolean;
  existingWorkProfile?: { managedBy: string };
  factoryResetProtection?: { reset: "untrusted" | "trusted"; verify?: "previous-account" | "none" };
  imei?: string;
  manufacturer?: string;
  model?: string;
  dpc?: { provisioningModeActivity?: "present" | "missing"; policyComplianceActivity?: "present" | "missing"; provisioningMode?: "fully-managed" | "work-profile" | "personal-work-profile" };
  wifiInRange?: { ssid: string; securityType?: "NONE" | "WPA" | "WEP" | "EAP"; password?: string };
  playProtectBlocks?: string[];
  /** Android: the screen lock the user set (wire/android/password-policy.ts). */
  screenLock?: { type: "none" | "swipe" | "pattern" | "pin" | "password"; length?: number };
  qrScannerMaxBytes?: number;
  companyPortalVersion?: string;
  [key: string]: unknown;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** `over` on top of `base`: mappings merge key by key, lists and scalars replace. */
export function mergeState(base: DeviceState | undefined, over: DeviceState | undefined): DeviceState | undefined {
  if (!over) return base;
  if (!base) return over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = isObj(v) && isObj(out[k]) ? mergeState(out[k] as DeviceState, v as DeviceState) : v;
  return out as DeviceState;
}

/** Keys of `state` that belong to another platform family, with the families that have them. */
export function foreignStateKeys(state: Record<string, unknown>, family: StateFamily): { key: string; families: StateFamily[] }[] {
  const own = STATE_KEYS[family];
  return Object.keys(state)
    .filter((k) => !(k in own))
    .map((key) => ({ key, families: (Object.keys(STATE_KEYS) as StateFamily[]).filter((f) => key in STATE_KEYS[f]) }));
}

export interface StateProblem {
  path: (string | number)[];
  message: string;
  expected: string;
  /** The word written and the candidates for a did-you-mean. */
  got?: string;
  candidates?: string[];
  /** Point at the key (unknown keys) or at the value. */
  anchor: "key" | "value";
}

/**
 * Validates a plain value against the state vocabulary of `family` (the subset of JSON Schema the
 * vocabulary uses: object, array, enum, boolean, string pattern). The first problem, or undefined.
 */
export function stateProblem(value: unknown, family: StateFamily): StateProblem | undefined {
  if (!isObj(value)) return { path: [], message: "state must be a mapping", expected: "a mapping of state keys", anchor: "value" };
  for (const f of foreignStateKeys(value, family)) {
    const own = Object.keys(STATE_KEYS[family]);
    const where = f.families.length ? ` (${/^[aeiou]/.test(f.families[0]!) ? "an" : "a"} ${f.families.join("/")} state key)` : "";
    return { path: [f.key], message: `unknown ${family} state "${f.key}"${where}`, expected: `one of ${own.join(", ")}`, got: f.key, candidates: own, anchor: "key" };
  }
  return walk(value, { type: "object", properties: STATE_KEYS[family], additionalProperties: false }, []);
}

function walk(v: unknown, s: Json, path: (string | number)[]): StateProblem | undefined {
  const at = path.join(".") || "state";
  if (Array.isArray(s.enum)) {
    const values = s.enum as string[];
    return values.includes(v as string) ? undefined : { path, message: `${at} ${JSON.stringify(v)} is not known`, expected: `one of ${values.join(", ")}`, got: String(v), candidates: values, anchor: "value" };
  }
  if (s.type === "integer") {
    const min = (s.minimum as number | undefined) ?? Number.MIN_SAFE_INTEGER;
    const max = (s.maximum as number | undefined) ?? Number.MAX_SAFE_INTEGER;
    return typeof v === "number" && Number.isInteger(v) && v >= min && v <= max ? undefined : { path, message: `${at} must be an integer from ${min} to ${max}`, expected: `an integer from ${min} to ${max}`, anchor: "value" };
  }
  if (s.type === "boolean") return typeof v === "boolean" ? undefined : { path, message: `${at} must be true or false`, expected: "true or false", anchor: "value" };
  if (s.type === "string") {
    if (typeof v !== "string") return { path, message: `${at} must be a string (quote it)`, expected: "a string", anchor: "value" };
    return s.pattern && !new RegExp(s.pattern as string).test(v) ? { path, message: `${at} "${v}" is not valid`, expected: `a value matching ${s.pattern as string}`, anchor: "value" } : undefined;
  }
  if (s.type === "array") {
    if (!Array.isArray(v)) return { path, message: `${at} must be a list`, expected: "a list", anchor: "value" };
    for (let i = 0; i < v.length; i++) {
      const p = walk(v[i], s.items as Json, [...path, i]);
      if (p) return p;
    }
    return undefined;
  }
  if (s.type === "object") {
    if (!isObj(v)) return { path, message: `${at} must be a mapping`, expected: "a mapping", anchor: "value" };
    const props = (s.properties ?? {}) as Record<string, Json>;
    for (const k of Object.keys(v)) {
      if (!(k in props)) return { path: [...path, k], message: `unknown key "${k}" in ${at}`, expected: `one of ${Object.keys(props).join(", ")}`, got: k, candidates: Object.keys(props), anchor: "key" };
    }
    for (const r of (s.required as string[] | undefined) ?? []) if (!(r in v)) return { path, message: `${at} is missing "${r}"`, expected: `${r}: …`, anchor: "value" };
    for (const [k, sub] of Object.entries(props)) {
      if (!(k in v)) continue;
      const p = walk(v[k], sub, [...path, k]);
      if (p) return p;
    }
  }
  return undefined;
}
