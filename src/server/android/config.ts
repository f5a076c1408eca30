// SPDX-License-Identifier: MIT
/** `embedded.android`: the Android half's configuration with defaults (schema in runner/scenario/platforms/android.ts). */
import { defaultDpcFor } from "../../wire/android/profile-faults.js";
import type { DelegatedScope } from "../../wire/android/delegation.js";

export type AndroidMode = "fully-managed" | "dedicated" | "cope" | "work-profile" | "aosp" | "device-admin";
export type DpcKind = "clouddpc" | "headwind" | "company-portal" | "workspace-one";
export type ProfileFault = "none" | "checksum-mismatch" | "apk-truncated" | "apk-redirect-off-host" | "apk-corrupt" | "wifi-wrong-password";

/** A value an admin writes over a computed extra; null removes the extra. */
export type ExtraOverride = string | boolean | number | null;

/**
 * How the admin computed and wrote the payload's checksums: Android wants SHA-256 in URL-safe base64
 * (DevicePolicyManager EXTRA_PROVISIONING_DEVICE_ADMIN_PACKAGE_CHECKSUM / _SIGNATURE_CHECKSUM); SHA-1,
 * standard base64 and (colon-)hex are what admins paste from other tools (keytool, sha1sum).
 */
export interface ChecksumFormat {
  algorithm: "sha256" | "sha1";
  encoding: "base64url" | "base64" | "hex" | "hex-colons";
}

export interface TokenConfig {
  durationSeconds?: number;
  oneTimeOnly: boolean;
  /** A fresh token for every payload fetch (one-time tokens for a fleet). */
  perDevice: boolean;
}

export interface ProfileConfig {
  name: string;
  mode: AndroidMode;
  dpc: DpcKind;
  token: TokenConfig;
  wifi?: { ssid: string; securityType: "NONE" | "WPA" | "WEP" | "EAP"; password?: string };
  checksum: "package" | "signature" | "both";
  checksumFormat: ChecksumFormat;
  fault: ProfileFault;
  /** Required Cookie header on the APK download (sent via PROVISIONING_..._COOKIE_HEADER). */
  cookie?: string;
  policyName: string;
  additionalData?: string;
  organizationName: string;
  /** Headwind configuration name / customer put into the admin extras. */
  headwindConfig?: string;
  headwindCustomer?: string;
  /** A fixed com.hmdm.DEVICE_ID for every device of the profile (duplicate-device tests). */
  headwindDeviceId?: string;
  /** Admin extras (vendor keys, padding) merged into PROVISIONING_ADMIN_EXTRAS_BUNDLE over the computed ones; null removes one. */
  adminExtras?: Record<string, ExtraOverride>;
  /** Provisioning extras (full names) written into the payload over the computed ones; null removes one. */
  extras?: Record<string, ExtraOverride>;
  /** The DPC signs the user in (enrollment app, Chrome custom tab) before enrolling. */
  userSignIn: boolean;
  /** KME: the device record is associated with this user (prefilled user name). */
  kmeUser?: string;
  /** KME Advanced Profile (Knox Suite): a device not enrolled in the EMM this long after the profile was assigned (the run's start) is locked by Knox. */
  enrollWithinSeconds?: number;
  /** KME Advanced Profile (Knox Suite) assigned: Knox attests the device and locks it on failure (implied by enrollWithinSeconds). */
  advancedProfile?: boolean;
  /** AMAPI Policy.applications: managed apps the policy installs, with their managed configuration (OEMConfig apps such as Knox Service Plugin) and delegated scopes. */
  applications?: { packageName: string; installType?: string; managedConfiguration?: Record<string, unknown>; delegatedScopes?: DelegatedScope[] }[];
  /** AMAPI Policy.openNetworkConfiguration (ONC): Wi-Fi networks, an EAP client key pair named by alias (wire/android/onc.ts). */
  openNetworkConfiguration?: Record<string, unknown>;
  /** AMAPI Policy.passwordPolicies: the password requirements the device's screen lock must meet (wire/android/password-policy.ts). */
  passwordPolicies?: { passwordQuality?: string; passwordMinimumLength?: number; passwordScope?: string }[];
}

export interface AndroidHalfConfig {
  enterpriseId: string;
  profiles: Record<string, ProfileConfig>;
  /** integrityNonceValiditySeconds: how long an integrity nonce lives (server/android/integrity-nonces.ts; default 600, an assumption). */
  amapi: { pushEndpoint?: string; pendingCommands: number; fault: "none" | "stall"; integrityNonceValiditySeconds?: number };
  headwind: {
    secureEnrollment: boolean;
    hashSecret: string;
    duplicatePrevention: boolean;
    requireCustomer: boolean;
    pushOnEnroll: boolean;
    fault: "none" | "malformed" | "stall" | "transient-404";
    /** Version code of the agent the configuration offers (self-update when newer than the device's). */
    agentVersionCode?: number;
  };
}

const DAY = 86_400;

/** Default profiles: one per mode, named after it. */
function defaultProfile(name: string, mode: AndroidMode): ProfileConfig {
  const dpc: DpcKind = defaultDpcFor(mode);
  return {
    name,
    mode,
    dpc,
    token: { durationSeconds: mode === "fully-managed" || mode === "cope" ? undefined : mode === "work-profile" ? 3600 : 30 * DAY, oneTimeOnly: false, perDevice: false },
    wifi: mode === "aosp" ? { ssid: "enrollsim-setup", securityType: "WPA", password: "setup-psk-2026" } : undefined,
    checksum: dpc === "clouddpc" ? "signature" : "package",
    checksumFormat: { algorithm: "sha256", encoding: "base64url" },
    fault: "none",
    policyName: `enterprises/LC03fy18qv/policies/${mode}`,
    organizationName: "enrollsim",
    // AOSP user-associated: the agent signs the user in; userless AOSP does not.
    userSignIn: name === "aosp-user",
    headwindConfig: name === "aosp-user" ? "AOSP user-associated" : undefined,
  };
}

export const MODES: readonly AndroidMode[] = ["fully-managed", "dedicated", "cope", "work-profile", "aosp", "device-admin"];

type Raw = Record<string, unknown>;
const obj = (v: unknown): Raw => (typeof v === "object" && v !== null ? (v as Raw) : {});

export function resolveConfig(raw: unknown): AndroidHalfConfig {
  const r = obj(raw);
  const enterpriseId = typeof r.enterpriseId === "string" ? r.enterpriseId : "LC03fy18qv";
  const profiles: Record<string, ProfileConfig> = {};
  for (const m of MODES) profiles[m] = defaultProfile(m, m);
  profiles["aosp-user"] = defaultProfile("aosp-user", "aosp");
  for (const [name, pv] of Object.entries(obj(r.profiles))) {
    const p = obj(pv);
    const mode = (p.mode as AndroidMode | undefined) ?? (MODES.includes(name as AndroidMode) ? (name as AndroidMode) : "fully-managed");
    const base = defaultProfile(name, mode);
    const t = obj(p.token);
    profiles[name] = {
      ...base,
      dpc: (p.dpc as DpcKind | undefined) ?? base.dpc,
      checksum: (p.checksum as ProfileConfig["checksum"] | undefined) ?? ((p.dpc ?? base.dpc) === "clouddpc" ? "signature" : "package"),
      checksumFormat: { ...base.checksumFormat, ...(obj(p.checksumFormat) as Partial<ChecksumFormat>) },
      fault: (p.fault as ProfileFault | undefined) ?? "none",
      cookie: p.cookie as string | undefined,
      wifi: p.wifi ? { securityType: "WPA", ...(p.wifi as { ssid: string }) } : base.wifi,
      policyName: `enterprises/${enterpriseId}/policies/${(p.policy as string | undefined) ?? mode}`,
      additionalData: p.additionalData as string | undefined,
      organizationName: (p.organizationName as string | undefined) ?? base.organizationName,
      headwindConfig: (p.headwindConfig as string | undefined) ?? base.headwindConfig,
      headwindCustomer: p.headwindCustomer as string | undefined,
      headwindDeviceId: p.headwindDeviceId as string | undefined,
      adminExtras: p.adminExtras as Record<string, ExtraOverride> | undefined,
      extras: p.extras as Record<string, ExtraOverride> | undefined,
      userSignIn: (p.userSignIn as boolean | undefined) ?? base.userSignIn,
      kmeUser: p.kmeUser as string | undefined,
      applications: p.applications as ProfileConfig["applications"],
      passwordPolicies: p.passwordPolicies as ProfileConfig["passwordPolicies"],
      openNetworkConfiguration: p.openNetworkConfiguration as ProfileConfig["openNetworkConfiguration"],
      enrollWithinSeconds: p.enrollWithinSeconds as number | undefined,
      advancedProfile: p.advancedProfile as boolean | undefined,
      token: {
        durationSeconds: "durationSeconds" in t ? (t.durationSeconds as number | undefined) : base.token.durationSeconds,
        oneTimeOnly: (t.oneTimeOnly as boolean | undefined) ?? false,
        perDevice: (t.perDevice as boolean | undefined) ?? false,
      },
    };
  }
  for (const p of Object.values(profiles)) p.policyName = p.policyName.replace("LC03fy18qv", enterpriseId);
  const a = obj(r.amapi);
  const h = obj(r.headwind);
  return {
    enterpriseId,
    profiles,
    amapi: {
      pushEndpoint: a.pushEndpoint as string | undefined,
      pendingCommands: (a.pendingCommands as number | undefined) ?? 0,
      fault: (a.fault as "none") ?? "none",
      ...(typeof a.integrityNonceValiditySeconds === "number" ? { integrityNonceValiditySeconds: a.integrityNonceValiditySeconds } : {}),
    },
    headwind: {
      secureEnrollment: (h.secureEnrollment as boolean | undefined) ?? false,
      hashSecret: (h.hashSecret as string | undefined) ?? "changeme-C3z9vi54",
      duplicatePrevention: (h.duplicatePrevention as boolean | undefined) ?? false,
      requireCustomer: (h.requireCustomer as boolean | undefined) ?? false,
      pushOnEnroll: (h.pushOnEnroll as boolean | undefined) ?? true,
      fault: (h.fault as "none") ?? "none",
      agentVersionCode: h.agentVersionCode as number | undefined,
    },
  };
}

/** Longest token lifetime Google accepts for dedicated / AOSP (userless) tokens. */
export const MAX_USERLESS_TOKEN_SECONDS = 90 * DAY;
