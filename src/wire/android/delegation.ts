// SPDX-License-Identifier: MIT
/**
 * Delegated scopes: the DevicePolicyManager privileges Android Device Policy hands to a policy app
 * (AMAPI Policy.applications[].delegatedScopes), and what Android answers an app that calls a delegated API
 * without the scope.
 *
 * Sources:
 * - Google, Android Management API reference, enterprises.policies › ApplicationPolicy.delegatedScopes and the
 *   DelegatedScope enum (developers.google.com/android/management/reference/rest/v1/enterprises.policies#DelegatedScope;
 *   the same enum in the published discovery document androidmanagement-api.json): the values below, "This scope can be
 *   delegated to at most one application" for NETWORK_ACTIVITY_LOGS, SECURITY_LOGS and CERT_SELECTION, and the
 *   releases NETWORK_ACTIVITY_LOGS and SECURITY_LOGS are supported on.
 * - AOSP, DevicePolicyManager.DELEGATION_* constants (developer.android.com/reference/android/app/admin/DevicePolicyManager):
 *   the scope names Android itself uses; DELEGATION_CERT_INSTALL "grants access to … #installKeyPair".
 * - AOSP, what DevicePolicyManagerService throws at a caller that is neither the admin nor a delegate of the scope:
 *   Android 11 and later `Preconditions.checkCallAuthorization` → SecurityException "Calling identity is not authorized"
 *   (frameworks/base core/java/com/android/internal/util/Preconditions.java; CTS DelegatedScopes tests assert it);
 *   Android 8–10 `enforceCanManageScope` → SecurityException "Caller with uid N is not a delegate of scope
 *   delegation-….". (CTS CertInstallDelegateTest, "Caller with uid \d+ is not a delegate of scope").
 * - The field failure: fleetdm/fleet#43064 (Android agent 1.3.0's installKeyPair before CERT_INSTALL was active threw
 *   `java.lang.SecurityException: Calling identity is not authorized`).
 * Not published (assumption, named so): how long after installing an app Android Device Policy applies its delegation
 * (device/android/delegation.ts takes it from the scenario, default 0).
 */

/** AMAPI DelegatedScope values (DELEGATED_SCOPE_UNSPECIFIED is accepted by the API and grants nothing). */
export const DELEGATED_SCOPES = ["CERT_INSTALL", "MANAGED_CONFIGURATIONS", "BLOCK_UNINSTALL", "PERMISSION_GRANT", "PACKAGE_ACCESS", "ENABLE_SYSTEM_APP", "NETWORK_ACTIVITY_LOGS", "SECURITY_LOGS", "CERT_SELECTION"] as const;
export type DelegatedScope = (typeof DELEGATED_SCOPES)[number];
const ACCEPTED: ReadonlySet<string> = new Set<string>([...DELEGATED_SCOPES, "DELEGATED_SCOPE_UNSPECIFIED"]);

/** AMAPI scope → the DevicePolicyManager delegation Android grants (DevicePolicyManager.DELEGATION_*). */
export const DPM_DELEGATION: Readonly<Record<DelegatedScope, string>> = {
  CERT_INSTALL: "delegation-cert-install",
  MANAGED_CONFIGURATIONS: "delegation-app-restrictions",
  BLOCK_UNINSTALL: "delegation-block-uninstall",
  PERMISSION_GRANT: "delegation-permission-grant",
  PACKAGE_ACCESS: "delegation-package-access",
  ENABLE_SYSTEM_APP: "delegation-enable-system-app",
  NETWORK_ACTIVITY_LOGS: "delegation-network-logging",
  SECURITY_LOGS: "delegation-security-logging",
  CERT_SELECTION: "delegation-cert-selection",
};

/** Where the scope can be delegated at all (AMAPI DelegatedScope: "Supported for …"); absent: every release Android Enterprise runs on. */
const SUPPORTED: Partial<Record<DelegatedScope, { deviceOwner: number; profileOwner?: number }>> = {
  // "Supported for fully managed devices on Android 10 and above. Supported for a work profile on Android 12 and above."
  NETWORK_ACTIVITY_LOGS: { deviceOwner: 29, profileOwner: 31 },
  // "Supported for fully managed devices and company-owned devices with a work profile on Android 12 and above." (a personal work profile: never)
  SECURITY_LOGS: { deviceOwner: 31 },
};

/** Whether Android Device Policy can delegate `scope` on this release and management mode. */
export function scopeSupported(scope: DelegatedScope, apiLevel: number, managementMode: "DEVICE_OWNER" | "PROFILE_OWNER" | "DEVICE_ADMIN", companyOwned: boolean): boolean {
  if (managementMode === "DEVICE_ADMIN") return false;
  const s = SUPPORTED[scope];
  if (!s) return true;
  if (managementMode === "DEVICE_OWNER") return apiLevel >= s.deviceOwner;
  if (scope === "SECURITY_LOGS") return companyOwned && apiLevel >= s.deviceOwner;
  return s.profileOwner !== undefined && apiLevel >= s.profileOwner;
}

/**
 * The actions an agent app can do that need a delegated scope, with the DevicePolicyManager call it makes. Every action is
 * checked the same way (delegationDenied): a new action is a row here and the code that performs it (device/android/agent-work.ts).
 */
export const AGENT_ACTIONS = {
  "cert-install": { scope: "CERT_INSTALL", call: "DevicePolicyManager.installKeyPair" },
} as const satisfies Record<string, { scope: DelegatedScope; call: string }>;
export type AgentAction = keyof typeof AGENT_ACTIONS;
export const AGENT_ACTION_NAMES = Object.keys(AGENT_ACTIONS) as AgentAction[];

/** What Android throws at a caller without the scope, per release (first row whose minimum API level the device meets). */
const DENIED_TEXTS: readonly { minApiLevel: number; text: (uid: number, scope: DelegatedScope) => string; source: string }[] = [
  { minApiLevel: 30, text: () => "Calling identity is not authorized", source: "AOSP Preconditions.checkCallAuthorization (Android 11+ DevicePolicyManagerService); fleetdm/fleet#43064" },
  { minApiLevel: 0, text: (uid, scope) => `Caller with uid ${uid} is not a delegate of scope ${DPM_DELEGATION[scope]}.`, source: "AOSP DevicePolicyManagerService.enforceCanManageScope (Android 8–10); CTS CertInstallDelegateTest" },
];

/** The SecurityException message a call without `scope` gets on this release. */
export function delegationDenied(scope: DelegatedScope, apiLevel: number, uid: number): string {
  return DENIED_TEXTS.find((r) => apiLevel >= r.minApiLevel)!.text(uid, scope);
}

/** Reads ApplicationPolicy.delegatedScopes as a device receives it: known values, each once (unknown ones dropped). */
export function readDelegatedScopes(v: unknown): DelegatedScope[] {
  if (!Array.isArray(v)) return [];
  return [...new Set(v.slice(0, 20).filter((s): s is DelegatedScope => typeof s === "string" && (DELEGATED_SCOPES as readonly string[]).includes(s)))];
}

/**
 * The API's own check of a policy's applications: an unknown delegatedScopes value is refused as Google's JSON mapping
 * refuses any unknown enum value (HTTP 400 INVALID_ARGUMENT, "Invalid value at '<field path>' (<enum type>), \"<value>\""),
 * a value that is not a list too. Returns the message, or undefined when the applications are acceptable.
 */
export function invalidDelegatedScopes(applications: unknown): string | undefined {
  if (!Array.isArray(applications)) return undefined;
  for (const [i, a] of applications.slice(0, 1000).entries()) {
    if (typeof a !== "object" || a === null || !("delegatedScopes" in a)) continue;
    const v = (a as { delegatedScopes: unknown }).delegatedScopes;
    if (!Array.isArray(v)) return `Invalid value at 'policy.applications[${i}].delegated_scopes' (type.googleapis.com/google.android.management.v1.DelegatedScope), ${JSON.stringify(v)}`;
    for (const [j, s] of v.entries()) {
      if (typeof s !== "string" || !ACCEPTED.has(s)) return `Invalid value at 'policy.applications[${i}].delegated_scopes[${j}]' (type.googleapis.com/google.android.management.v1.DelegatedScope), ${JSON.stringify(s)}`;
    }
  }
  return undefined;
}
