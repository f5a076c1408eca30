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
import { PANE_ACTIONS, STATE_PANE_KEYS, type PaneAction } from "./apple/panes.js";
import { ANDROID_CAPABILITY_STATE, type AndroidCapabilityState } from "./android/capability-state.js";
import { NETWORK_LINK_STATE } from "./windows/network-link-state.js";

type Json = Record<string, unknown>;

export type StateFamily = "windows" | "apple" | "android";

/** The state family of a catalog platform (ios, ipados, macos → apple). */
export const familyOf = (p: string): StateFamily => (p === "windows" ? "windows" : p === "android" ? "android" : "apple");

const WINDOWS_BUILD = "^10\\.0\\.\\d{5}\\.\\d+$";

export { CLOCK_OFFSET_PATTERN, clockOffsetMs } from "../wire/clock-offset.js";
import { CLOCK_OFFSET_PATTERN } from "../wire/clock-offset.js";

/** `state:` keys every platform has. */
const COMMON_STATE: Json = {
  clockOffset: {
    type: "string",
    pattern: CLOCK_OFFSET_PATTERN,
    "x-expected": 'a signed duration such as "-90d", "+15m" or "0s"',
    description:
      "How far the device's clock is from the true time, a signed duration: \"-200d\" (a PC whose CMOS battery ran flat), \"+15m\". The device judges server certificates on it (one not yet valid or expired on the device's clock fails the TLS handshake with the platform's own error), and writes it into what it signs: the CMS signingTime of Mdm-Signature and SCEP requests and the validity of its SCEP signer certificate, which servers check (embedded.apple.signatureSkewSeconds, embedded.scep.clockSkewSeconds). A Windows PC judges its own MDM certificate's expiry and renewal window on it too. Timers and timeouts stay on the scenario clock. The timeline's set: {state.clockOffset: …} changes it during the run (the clock synced). Default 0s.",
  },
  trustedRoots: {
    type: "array",
    maxItems: 16,
    uniqueItems: true,
    items: { type: "string", minLength: 1 },
    description:
      'Named roots installed on the device beyond its OS release\'s store (by the user, an admin or an MDM profile): a private root of embedded.tls.privateRoots ("Contoso Root CA"), or a public one its release lacks ("ISRG Root X1" on Android 7.0). The device trusts chains to them. Default: none (only its store, devices/trust-stores/roots.yaml).',
  },
};

/** `state.account`, read by Windows and macOS (one key, one meaning: the signed-in local account's rights). */
const LOCAL_ACCOUNT: Json = {
  type: "object",
  additionalProperties: false,
  description:
    "The local account the user is signed in with (Windows and macOS; iPhone, iPad and Android do not read it). admin (default true): an administrator. Windows: enrolling an already set-up PC (Settings › Access work or school, the Company Portal: flow windows-byod) needs local administrator rights; a standard account is refused before any request: \"You don't have the right privileges to perform this operation. Talk to your admin.\" OOBE flows (Autopilot, provisioning packages) and the GPO task run as the system and do not check it. macOS (flow macos-profile): installing the MDM enrollment profile asks for an administrator's name and password (step profile.admin-auth; Scalefusion, \"Enroll Employee Owned (BYOD) Mac\": \"If you are enrolling from a non-administrator user, you will be asked to enter administrator credentials to confirm the installation\"; JumpCloud, \"Approve your MDM Profile\": \"You must be granted administrator privileges\"): a standard user without them ends apple.profile.admin-required and nothing is installed; the prompt's wording is not published.",
  properties: { admin: { type: "boolean", description: "An administrator (Windows: a member of the local Administrators group). Default true." } },
};

/** `state:` keys of Windows devices. */
export const WINDOWS_STATE: Json = {
  ...COMMON_STATE,
  enrollments: {
    type: "array",
    maxItems: 8,
    description: "Enrollments already recorded on the PC (EnterpriseMgmt), which the enrollment client checks before anything goes on the wire.",
    items: {
      type: "object",
      additionalProperties: false,
      required: ["status"],
      properties: {
        status: {
          enum: ["active", "stale", "in-progress"],
          description: "active: a working MDM enrollment; stale: registry/certificate left over (a cloned image, a failed unenroll); in-progress: another enrollment is running now.",
        },
        owner: { enum: ["this-user", "other-user", "device"], description: "Whose enrollment it is. Default other-user." },
      },
    },
  },
  account: LOCAL_ACCOUNT,
  mdmEnrollmentDisabled: {
    type: "boolean",
    description: "The Group Policy \"Disable MDM Enrollment\" (MDM DisableRegistration) is set: every MDM enrollment is blocked (MENROLL_E_DEVICE_MANAGEMENT_BLOCKED).",
  },
  managementAgents: {
    type: "array",
    uniqueItems: true,
    maxItems: 2,
    items: { enum: ["intune-pc-agent", "configmgr-client"] },
    description:
      "Other management agents installed on the PC: the legacy Intune PC software client (intune-pc-agent) or the Configuration Manager client (configmgr-client). An Entra join that carries MDM automatic enrollment then fails locally with 0x80180026 MENROLL_E_DEVICE_MANAGEMENT_BLOCKED (Intune troubleshooting, Error 80180026); fixes: uninstall the agent, or MDM user scope None (the join then carries no enrollment). Default none.",
  },
  join: {
    enum: ["none", "entra-registered", "entra-joined", "domain-joined", "hybrid-joined"],
    description:
      "Directory state before the flow. Default: what the flow assumes (windows-gpo: hybrid-joined; others: none). domain-joined: joined to Active Directory only; the GPO flow first runs the hybrid sync join (Automatic-Device-Join), answered from the computer's directory object (embedded.policy.directory.devices).",
  },
  tpm: {
    type: "object",
    additionalProperties: false,
    description: "The TPM. Defaults: version from the catalog's windows.tpmVersion, kind discrete, attestation succeeds.",
    properties: {
      version: { enum: ["2.0", "1.2", "none"] },
      kind: {
        enum: ["discrete", "firmware", "virtual"],
        description:
          "virtual: a VM's vTPM, which has no manufacturer EK certificate. firmware: a firmware TPM (Intel PTT, AMD fTPM, Qualcomm), which fetches its EK certificate from its manufacturer on first use (step tpm.ek-certificate), so a network that blocks that host fails attestation; a discrete chip has it preinstalled.",
      },
      manufacturer: {
        enum: ["intel", "amd", "qualcomm"],
        description:
          "Who made a firmware TPM, which decides the EK certificate service it fetches from (Microsoft, Windows Autopilot requirements, networking: Intel https://ekop.intel.com/ekcertservice, Qualcomm https://ekcert.spserv.microsoft.com/EKCertificate/GetEKCertificate/v1, AMD https://ftpm.amd.com/pki/aia). Default intel. Only read when kind is firmware.",
      },
      attestation: {
        enum: ["succeeds", "times-out", "retries-exceeded", "firmware-rejected"],
        description: "The verdict of the attestation service (not simulated: enrollsim runs no EK/AIK exchange). Only asked when the TPM can attest.",
      },
    },
  },
  osEdition: {
    type: "integer",
    minimum: 1,
    maximum: 255,
    description: "The edition installed (GetProductInfo value, MS-MDE2 OSEdition): 4 Enterprise, 48 Pro, 101 Home, 121 Education, 125 Enterprise LTSC. Default: one of the catalog's editions.",
  },
  osVersion: { type: "string", pattern: WINDOWS_BUILD, description: "The Windows version the PC runs (10.0.<build>.<UBR>), any build: Discover/RST versions, DevDetail/SwV, CSR profile, the capability table." },
  networkLink: NETWORK_LINK_STATE,
  hardwareReplaced: {
    type: "array",
    uniqueItems: true,
    maxItems: 3,
    items: { enum: ["motherboard", "nic", "disk"] },
    description:
      "Parts replaced since the PC's hardware hash was harvested (and imported for Autopilot): the hash it reports now (DevDetail/Ext/DeviceHardwareData, the Autopilot profile request) is a different one, while a hash uploaded with autopilot.uploadHash is the harvested one.",
  },
  recovery: {
    type: "object",
    additionalProperties: false,
    minProperties: 1,
    description:
      "The PC's Windows Recovery Environment (reagentc /info \"Windows RE status\"), which every reset runs in: the RemoteWipe wipes, Autopilot Reset (remote and local) and Settings' Reset this PC. Default enabled.",
    properties: {
      winre: {
        enum: ["enabled", "disabled"],
        description:
          "disabled (reagentc /disable, or a recovery partition an imaging tool left out): Autopilot Reset fails its prerequisite check with ERROR_NOT_SUPPORTED (0x80070032) and the RemoteWipe wipes cannot start, except doWipeProtected (scenarios/README-windows.md \"Recovery environment\"). The fix is reagentc /enable.",
      },
    },
  },
  cspStatus: {
    type: "array",
    maxItems: 100,
    description:
      "OMA-DM commands this PC answers with an error status whatever the tree holds (a node a build or a CSP implements differently from its documentation): a write-only node is `{uri, verb: Get, status: 404}`. Checked before the capability table.",
    items: {
      type: "object",
      additionalProperties: false,
      required: ["uri", "status"],
      properties: {
        uri: { type: "string", minLength: 1, maxLength: 500, pattern: "^\\./", "x-expected": "a LocURI glob starting with ./ (* matches any characters, / included)", description: "LocURI glob (* any characters); ./Vendor/MSFT/… and ./Device/Vendor/MSFT/… are the same node." },
        verb: { enum: ["Get", "Add", "Replace", "Delete", "Exec"], description: "Only this command. Default: every command on the node." },
        status: { type: "integer", minimum: 400, maximum: 599, description: "The OMA-DM status the device answers (404 Not found, 405 Command not allowed, 500 Command failed, …)." },
      },
    },
  },
};

/** `state:` keys of Apple devices (iPhone, iPad, Mac). */
export const APPLE_STATE: Json = {
  ...COMMON_STATE,
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
  safari: {
    type: "object",
    additionalProperties: false,
    description: "Safari on the device (web enrollment: the portal and the profile download send its User-Agent, src/device/apple/safari.ts).",
    properties: { requestDesktopWebsite: { type: "boolean", description: "Settings › Safari › Request Desktop Website: Safari sends the Mac's User-Agent. Default: on for an iPad on iPadOS 13+, off on iPhone; a Mac always sends its own." } },
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
/** Who made a firmware TPM: decides its EK certificate service (src/device/windows/tpm-ek.ts). */
export type TpmManufacturer = "intel" | "amd" | "qualcomm";

/** Device state as written (every key optional). */
export interface DeviceState extends AndroidCapabilityState {
  clockOffset?: string;
  trustedRoots?: string[];
  enrollments?: WindowsEnrollmentRecord[];
  mdmEnrollmentDisabled?: boolean;
  managementAgents?: ("intune-pc-agent" | "configmgr-client")[];
  account?: { admin?: boolean };
  join?: WindowsJoin;
  tpm?: { version?: "2.0" | "1.2" | "none"; kind?: "discrete" | "firmware" | "virtual"; manufacturer?: TpmManufacturer; attestation?: TpmAttestation };
  osVersion?: string;
  osEdition?: number;
  cspStatus?: CspStatusRule[];
  hardwareReplaced?: ("motherboard" | "nic" | "disk")[];
  /** The Windows Recovery Environment (state.recovery; default enabled). */
  recovery?: { winre?: "enabled" | "disabled" };
  /** Windows: how the PC reaches the network in OOBE (device/windows/network-link.ts). */
  networkLink?: "ethernet" | "wifi";
  supervised?: boolean;
  userInstalledApps?: string[];
  activated?: boolean;
  lockdownMode?: boolean;
  safari?: { requestDesktopWebsite?: boolean };
  activationLock?: { enabled: boolean; bypassCode?: "escrowed" | "none" };
  serialNumber?: string;
  modelIdentifier?: string;
  os?: { version: string; build: string };
  backup?: { device: "same" | "other"; enrolledIn?: string };
  sharedIPad?: { user?: string };
  setupAssistant?: { quickStart?: PaneAction; network?: PaneAction; panes?: Record<string, PaneAction>; others?: PaneAction };
  apiLevel?: number;
  knoxVersion?: string;
  gms?: boolean;
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
