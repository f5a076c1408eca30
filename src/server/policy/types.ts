// SPDX-License-Identifier: MIT
/**
 * `embedded.policy`: the tenant's admin-side rules, shared by every half of the reference server
 * (shared/notes/server-policies.md; Intune enrollment documentation). Users and groups are data;
 * every group-assigned rule names groups (or "all-users"). Schema: src/runner/scenario/policy-schema.ts;
 * documented in scenarios/README.md ("Server policy").
 */

import type { AppRegistration } from "../../wire/windows/entra-token.js";
import type { ENROLLMENT_METHODS, LICENCE_PRODUCTS, REENROLLMENT_ALLOW } from "../../runner/scenario/policy-schema.js";
import type { RefusedFirmware } from "./tpm-attestation.js";

/** How the device enrolls, as the server can tell (each half sets it on its request; reenrollment.ts). */
export type EnrollmentMethod = (typeof ENROLLMENT_METHODS)[number];

/** A re-enrollment rule (reenrollment.ts): for these platforms and methods, who may enroll hardware the tenant holds a live record for. */
export interface ReenrollmentRule {
  platform?: PolicyPlatform | PolicyPlatform[];
  method?: EnrollmentMethod | EnrollmentMethod[];
  allow: (typeof REENROLLMENT_ALLOW)[number];
}

/** A group name, or "all-users" (every user, the Intune "All users" assignment). */
export type Assignment = string[];

export interface DirectoryUser {
  upn: string;
  groups?: string[];
  /** Holds an MDM licence (default true). */
  licensed?: boolean;
  /** The account is enabled (default true); a disabled one is refused at sign-in (AADSTS50057). */
  accountEnabled?: boolean;
  /**
   * The user has registered a multifactor method (default true). Without one, a sign-in that must do MFA ends at
   * Entra's registration interrupt, AADSTS50072 (server/policy/join-mfa.ts).
   */
  mfaRegistered?: boolean;
}

/**
 * Another Microsoft Entra tenant of the same cloud (server/windows/tenants.ts): its initial domain,
 * more verified domains, and the hardware hashes imported into its Autopilot list (by serial;
 * `%SERIAL@group%` templates expand per device). A hash registered here is that tenant's: the
 * deployment service hands the device that tenant's profile.
 */
export interface OtherTenant {
  domain: string;
  domains?: string[];
  /** Tenant id (GUID); default derived from the domain. */
  id?: string;
  autopilot?: { registered?: string[] };
}

/** OS range and switches of one platform inside a platform restriction (server-policies.md §2.3). */
export interface PlatformRule {
  /** Platform allowed (the "MDM" switch). Default true. */
  allowed?: boolean;
  /** Personally owned devices: allow (default) or block. */
  personal?: "allow" | "block";
  /** Inclusive OS range (Windows major.minor.build.rev, iOS major.minor.rev, Android major.minor). */
  minOs?: string;
  maxOs?: string;
  /** Manufacturers refused (Android only in Intune; compared case-insensitively). */
  blockedManufacturers?: string[];
}

export type PolicyPlatform = "windows" | "ios" | "macos" | "android";
export const POLICY_PLATFORMS: readonly PolicyPlatform[] = ["windows", "ios", "macos", "android"];

/**
 * Platforms of a platform restriction: Intune's Android row is two switches, each with its own
 * personal/OS/manufacturer settings (server-policies.md §2.3): Android Enterprise personally owned
 * work profile and Android device administrator. `android` is the rest of Android Enterprise (AMAPI
 * token redemption).
 */
export type RestrictionPlatform = PolicyPlatform | "androidWorkProfile" | "androidDeviceAdmin";

export type PlatformRules = Partial<Record<RestrictionPlatform, PlatformRule>>;

export interface PlatformRestriction extends PlatformRules {
  name: string;
  /** 1 = highest. Default: the order of the list (first = 1). */
  priority?: number;
  assign: Assignment;
}

export interface LimitRestriction {
  name: string;
  priority?: number;
  assign: Assignment;
  /** Devices per user, 1–15. */
  limit: number;
}

export interface ComplianceRules {
  /** The device's OS must be at least / at most this version (compare: src/wire/version.ts). */
  minOs?: string;
  maxOs?: string;
  /** Device must not be personally owned. */
  requireCorporate?: boolean;
  /** Android, Intune "Rooted devices": block = a device whose root detection sees su is noncompliant. */
  rootedDevices?: "block";
  /** Android, Intune "Play Integrity Verdict": Check basic integrity / Check basic integrity & device integrity. */
  playIntegrity?: "basic" | "basic-and-device";
  /** Android, Intune "Check strong integrity using hardware-backed security features" (needs playIntegrity). */
  strongIntegrity?: boolean;
  /** Android, Intune "Minimum security patch level" (YYYY-MM-DD). */
  minSecurityPatch?: string;
}

export interface CompliancePolicy {
  name: string;
  platform: PolicyPlatform;
  /** Groups; absent = all users. */
  assign?: Assignment;
  rules: ComplianceRules;
  /** Schedule of "Mark device noncompliant" in hours (Intune: days, 0–365): the grace period. Default 0. */
  graceHours?: number;
}

export interface TermsPolicy {
  name: string;
  /** Starts at 1; "require users to re-accept" increments it. */
  version?: number;
  assign?: Assignment;
  /** What the enrollment app shows on its terms screen (Graph termsAndConditions title, bodyText, acceptanceStatement). */
  title?: string;
  text?: string;
  acceptanceStatement?: string;
}

export interface AdeProfile {
  name: string;
  /** Serials assigned to this profile explicitly. */
  serials?: string[];
  /** The token's default profile for devices without an explicit assignment. */
  default?: boolean;
  /** Cloud-configuration keys this profile sets (is_supervised, await_device_configured, skip_setup_items, …). */
  settings?: Record<string, unknown>;
  /** Minimum OS to enroll with this profile (Apple's software-update-required response; server/apple/ade.ts). */
  minimumOs?: { version: string; build?: string };
}

export interface AutopilotProfilePolicy {
  name: string;
  serials?: string[];
  default?: boolean;
  /** Join to Entra ID as: entra (default) or hybrid (domain join through the connector). */
  joinType?: "entra" | "hybrid";
  /** Device name template (≤ 15 chars after expansion; %SERIAL%, %RAND:x%). */
  deviceNameTemplate?: string;
}

/**
 * A device object's state in the directory (Microsoft Entra ID). `deleted`: an admin deleted it (the
 * Autopilot import's object gone); `pending`: a hybrid device whose computer object has not synced
 * from Active Directory yet (Entra Connect), so the sync join finds no object.
 */
export type DirectoryObjectState = "enabled" | "disabled" | "deleted" | "pending";
export const DIRECTORY_OBJECT_STATES: readonly DirectoryObjectState[] = ["enabled", "disabled", "deleted", "pending"];
export type DirectoryJoinType = "registered" | "joined" | "hybrid";

/**
 * Device objects the tenant's directory holds, as scenario data: the object an Autopilot import
 * creates (by serial), a hybrid device synced from Active Directory, a registered or joined device
 * (by device id). Each listed identifier is one object; `%SERIAL@group%` / `%DEVICEID%` templates
 * expand per device. A timeline `set` of this list is the admin changing those objects.
 */
export interface DirectoryDeviceSpec {
  serials?: string[];
  deviceIds?: string[];
  /** Default enabled. */
  state?: DirectoryObjectState;
  /** Default joined (an Autopilot object is a joined device-to-be). */
  joinType?: DirectoryJoinType;
  /** The owner (registered owner / primary user), counted by the per-user device quota. */
  owner?: string;
  /** Created by an Autopilot hardware-hash import (the ZTDID object). Default: true when listed by serial. */
  autopilot?: boolean;
}

/** One licence (subscription) of the tenant. */
export interface LicencePolicy {
  name: string;
  /** Platforms it licenses; default every platform. */
  platforms?: PolicyPlatform[];
  /** Users who hold it (groups of the directory, or "all-users"): a per-user licence; absent: the tenant's subscription, for every enrollment of its platforms. */
  assign?: Assignment;
  /** When it ends: seconds after the server started, or an ISO 8601 date-time. Absent: no end. */
  endsAt?: number | string;
  /** Devices it can hold at once (live enrollments it covers). Absent: unlimited. */
  seats?: number;
  /** When the EMM checks it: at enrollment (the default), and at each check-in of an enrolled device (its service refused once the licence has ended). */
  enforcedAt?: ("enrollment" | "checkin")[];
  /**
   * The product it licenses, which decides what its lapse does to an ENROLLED device as the vendor publishes it
   * (licences.ts enrolledStanding): knox-manage / knox-suite restrict the device (it stays enrolled, keeps its
   * policies, gets nothing new); intune: not published, nothing changes at check-in. Absent: a generic EMM licence.
   */
  product?: LicenceProduct;
}

/** Products whose licence lapse is modelled for enrolled devices (licences.ts). */
export type LicenceProduct = (typeof LICENCE_PRODUCTS)[number];

/** `embedded.policy.directory.lockout`: the identity provider's account lockout after failed sign-ins (lockout.ts). */
export interface LockoutPolicy {
  /** Failed sign-ins that lock the account (Entra "Lockout threshold"; default 10). */
  threshold?: number;
  /** How long a lockout lasts (Entra "Lockout duration in seconds"; default 60); 0: until an admin unlocks the user. */
  durationSeconds?: number;
  /** Each further lockout of the same user lasts this many times the one before (default 1; an assumption: Entra publishes that it increases, not by how much). */
  durationGrowth?: number;
  /** Failed sign-ins older than this are forgotten (AD "Reset account lockout counter after", AD FS ExtranetObservationWindow); default: never. */
  resetCounterAfterSeconds?: number;
}

/** A Workspace ONE UEM account: a staging user (Android barcode / sideload staging) or an enrollment (basic) user. */
export interface WorkspaceOneUser {
  user: string;
  password: string;
  /** The organization group (its Group ID) the account was created at; absent: any. */
  groupId?: string;
  /** The user groups the account is in (for `restrictEnrollmentTo.userGroups`). */
  userGroups?: string[];
}

/** `embedded.policy.workspaceOne` (alias `embedded.android.workspaceOne`): the Workspace ONE UEM tenant (server/workspace-one/uem.ts). */
export interface WorkspaceOneTenant {
  /** Group IDs of the tenant's organization groups (default [enrollsim]). */
  groupIds?: string[];
  /** Staging users: the first is what the default Android staging payload carries (default [{user: staging, password: Staging-2026!}]). */
  stagingUsers?: WorkspaceOneUser[];
  /** Enrollment users who enroll with the Hub's sign-in (iOS, Android user enrollment). */
  users?: WorkspaceOneUser[];
  /** Enrollment restriction "enroll only users of these user groups"; absent: every user of the tenant may enroll. */
  restrictEnrollmentTo?: { userGroups: string[] };
  /** Devices the UEM's records show registered to another environment: that environment's name and the devices' serial numbers or UDIDs. */
  registeredDevices?: { environment: string; serialNumbers?: string[]; udids?: string[] }[];
}

/** A custom domain of the tenant and its verification state (Microsoft Entra admin center › Custom domain names). */
export interface TenantDomain {
  name: string;
  /** Default true. */
  verified?: boolean;
}

export interface PolicyConfig {
  /** Vendor agents' own servers on the embedded server's listeners (server/vendors/): Fleet's osquery enroll endpoint and its enroll secrets. */
  vendors?: { fleet?: { enrollSecrets: string[] } };
  /** The Workspace ONE UEM tenant the Hub enrolls against on every platform (server/workspace-one/uem.ts). */
  workspaceOne?: WorkspaceOneTenant;
  directory?: {
    users?: DirectoryUser[];
    groups?: string[];
    /** Entra "Maximum number of devices per user" (joined + registered). Default 50. */
    deviceQuota?: number;
    /** Entra "Users may join devices": all (default), none, or the listed groups. */
    usersMayJoin?: "all" | "none" | { groups: string[] };
    /** Entra device setting "Require multifactor authentication to register or join devices" (default false; join-mfa.ts). */
    requireMfaToJoin?: boolean;
    /** Device objects present before the run (directory-objects.ts). */
    devices?: DirectoryDeviceSpec[];
    /**
     * This tenant's custom domains: a name is a verified domain, `{ name, verified: false }` one added but not verified
     * (Entra's "Unverified" status: no user signs in with it, and a user whose UPN suffix is not a verified domain gets
     * no MDM enrollment URL). Absent: every domain no other tenant holds is verified (server/windows/tenants.ts).
     */
    domains?: (string | TenantDomain)[];
    /** Domains federated with an on-premises identity provider (AD FS); the others are managed (user realm). */
    federatedDomains?: string[];
    /** Account lockout after failed password sign-ins, per user (lockout.ts). Absent: no lockout. */
    lockout?: LockoutPolicy;
    /** App registrations; the first not marked `mdm: false` is the MDM application whose access tokens Windows sends (wire/windows/entra-token.ts). */
    applications?: AppRegistration[];
  };
  /** Other tenants of the same cloud: their domains and Autopilot registrations (server/windows/tenants.ts). */
  otherTenants?: OtherTenant[];
  restrictions?: {
    /** The Default platform restriction (priority 0, evaluated last; applies to userless enrollments alone). */
    platform?: PlatformRules;
    /** Assigned platform restrictions. */
    platformPolicies?: PlatformRestriction[];
    /** The Default device limit (Intune: 5). */
    deviceLimit?: number;
    deviceLimitPolicies?: LimitRestriction[];
  };
  /** The tenant's MDM authority (default intune); none: nothing can enroll. */
  mdmAuthority?: "intune" | "none";
  /** Device enrollment manager accounts: corporate, shared mode, no Intune limit but their own ceiling. */
  deviceEnrollmentManagers?: { users: string[]; limit?: number };
  /** MDM and MAM user scopes of the MDM app in the directory (Windows automatic enrollment). */
  userScope?: { mdm?: "all" | "none" | { groups: string[] }; mam?: "all" | "none" | { groups: string[] } };
  /** Corporate device identifiers (server-policies.md §4.2-4.3). */
  corporateIdentifiers?: {
    serials?: string[];
    imeis?: string[];
    /** Windows `manufacturer,model,serial` triples. */
    windows?: { manufacturer: string; model: string; serial: string }[];
  };
  /** Deny lists and allow-only lists of devices by hardware identifier (device-lists.ts). */
  deviceLists?: DeviceListPolicy[];
  compliance?: {
    /** "Mark devices with no compliance policy assigned as". Default compliant. */
    noPolicy?: "compliant" | "noncompliant";
    policies?: CompliancePolicy[];
  };
  /** Conditional access (Microsoft Entra): policies, terms-of-use documents, and the old flat shorthand (conditional-access.ts). */
  conditionalAccess?: ConditionalAccessConfig;
  terms?: TermsPolicy[];
  /** Service licences with an end date and seats (licences.ts). */
  licences?: LicencePolicy[];
  /** Re-enrollment of hardware the tenant holds a live record for (reenrollment.ts). */
  reenrollment?: ReenrollmentRule[];
  /** The attestation model of TPM-attested joins (tpm-attestation.ts): refused firmware rows added to, or replacing (builtIn: false), the built-in ones. */
  attestation?: { refusedFirmware?: RefusedFirmware[]; builtIn?: boolean };
  /**
   * Device records the tenant holds from enrollments before the run (its inventory): by serial or IMEI
   * (`%SERIAL@group%` templates expand per device), with the user recorded on them (blank: none).
   */
  records?: { platform: PolicyPlatform; serials?: string[]; imeis?: string[]; user?: string; method?: EnrollmentMethod }[];
  autopilot?: {
    /**
     * Deployment profiles (server-policies.md §8.1): explicit by serial, else the first `default` one (a
     * profile assigned to all devices). A registered device with none gets no profile. Absent: every
     * registered device gets the server's one profile.
     */
    profiles?: AutopilotProfilePolicy[];
    /**
     * The tenant's imported hardware hashes, by serial (templates such as %SERIAL@group% expand per device):
     * only these devices, and those that upload their own hash, are Autopilot devices. Absent: every device
     * that asks is taken as imported (the deployment-service stand-in's convenience).
     */
    registered?: string[];
  };
  ade?: {
    /** The ABM/ASM server token: hours after server start when it expires (default 8760), or revoked. */
    token?: { expiresInHours?: number; revoked?: boolean };
    profiles?: AdeProfile[];
  };
}

/** Conditions a CA policy grants on; Graph `builtInControls` names (hybrid join is `domainJoinedDevice`). */
export type CaGrantControl = "block" | "mfa" | "compliantDevice" | "domainJoinedDevice" | "approvedApplication";
export const CA_GRANT_CONTROLS: readonly CaGrantControl[] = ["block", "mfa", "compliantDevice", "domainJoinedDevice", "approvedApplication"];
/** Client app types of a CA policy's conditions (Graph `clientAppTypes`, "other" = other legacy clients). */
export type CaClientApp = "browser" | "mobileAppsAndDesktopClients" | "exchangeActiveSync" | "other";
export const CA_CLIENT_APPS: readonly CaClientApp[] = ["browser", "mobileAppsAndDesktopClients", "exchangeActiveSync", "other"];

/** One Microsoft Entra Conditional Access policy (Graph conditionalAccessPolicy, in the portal's words). */
export interface CaPolicy {
  name: string;
  /** on (enabled), off (disabled), reportOnly (evaluated and logged, never enforced). Default on. */
  state?: "on" | "off" | "reportOnly";
  /** Users: UPNs, group names of embedded.policy.directory, or "all-users". Default include all-users. */
  users?: { include?: string[]; exclude?: string[] };
  /** Cloud apps by name or app id ("All cloud apps"; conditional-access.ts CLOUD_APPS). Default include All cloud apps. */
  apps?: { include?: string[]; exclude?: string[] };
  /** Device platforms ("all" or platforms). Default: any platform. */
  platforms?: { include?: (PolicyPlatform | "all")[]; exclude?: PolicyPlatform[] };
  /** Client app types. Default: all. */
  clientApps?: CaClientApp[];
  /** Grant: the built-in controls and terms of use (names of conditionalAccess.termsOfUse), all (AND) or one (OR) of them. */
  grant: { operator?: "AND" | "OR"; controls?: CaGrantControl[]; termsOfUse?: string[] };
}

/** A Microsoft Entra terms-of-use document (tenant data a CA policy's grant names). */
export interface TermsOfUseDocument {
  name: string;
  /** "Require users to expand the terms of use": the document must be opened before Accept. */
  expand?: boolean;
  /** "Require users to consent on every device": consent is per device, which must be registered in the directory first. */
  perDevice?: boolean;
}

export interface ConditionalAccessConfig {
  policies?: CaPolicy[];
  termsOfUse?: TermsOfUseDocument[];
  /** Shorthand (the old flat form): "Require device to be marked as compliant" on the cloud apps it always covered. */
  requireCompliantDevice?: boolean;
  /** Shorthand: cloud apps excluded from requireCompliantDevice. */
  excludeApps?: string[];
  /** Shorthand: "Require multifactor authentication" on Microsoft Intune Enrollment. */
  requireMfa?: boolean;
}

/**
 * A deny list or an allow-only list of devices by identifier (device-lists.ts): `deny` refuses the devices
 * it names, `allowOnly` refuses the devices it does not name, for the enrollments it applies to
 * (`platform`, `assign`; default every platform and every enrollment).
 */
export interface DeviceListPolicy {
  name: string;
  mode: "deny" | "allowOnly";
  platform?: PolicyPlatform | PolicyPlatform[];
  assign?: Assignment;
  serials?: string[];
  imeis?: string[];
  udids?: string[];
  macs?: string[];
  models?: string[];
}
