// SPDX-License-Identifier: MIT
/**
 * The DPC a provisioning profile uses. (The faults that damaged one extra - no-token, no-customer,
 * nfc-bad-number - and their reachability check are gone: a profile's `extras` / `adminExtras`
 * write or remove any extra as an admin typed it, issue 10.)
 */
export type AndroidDpcKind = "clouddpc" | "headwind" | "company-portal" | "workspace-one";

/** The DPC a profile of this mode uses unless it names one (server/android/config.ts). */
export function defaultDpcFor(mode: string): AndroidDpcKind {
  return mode === "aosp" ? "headwind" : mode === "device-admin" ? "company-portal" : "clouddpc";
}
