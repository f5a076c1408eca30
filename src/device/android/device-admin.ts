// SPDX-License-Identifier: MIT
/** Device administrator on Android: which DA policies each release still honours, and the Company Portal version the DA → work profile migration link needs. */

/** Device-admin policies an agent applies, and whether the platform still honours them. */
const DA_POLICIES = ["password-quality", "password-expiry", "camera", "keyguard-features", "password-minimum-length", "lock-now", "wipe-data", "storage-encryption"] as const;
/** Deprecated in Android 9 and refused (SecurityException) on Android 10+ for agents targeting API 29+ (notes android.md §8). */
const DA_DEPRECATED = new Set<string>(["password-quality", "password-expiry", "camera", "keyguard-features"]);

/** What each device-admin policy does on this device for an agent of this targetSdkVersion. */
export function daPolicySupport(apiLevel: number, targetSdk: number): { apiLevel: number; targetSdk: number; policies: Record<string, "applied" | "applied (deprecated)" | "SecurityException"> } {
  const policies: Record<string, "applied" | "applied (deprecated)" | "SecurityException"> = {};
  for (const p of DA_POLICIES) {
    if (!DA_DEPRECATED.has(p) || apiLevel < 28) policies[p] = "applied";
    else if (apiLevel >= 29 && targetSdk >= 29) policies[p] = "SecurityException";
    else policies[p] = "applied (deprecated)";
  }
  return { apiLevel, targetSdk, policies };
}

/** Company Portal's minimum version for the update-settings link (Intune DA → work profile migration). */
export const CP_MIN_FOR_LINK = [5, 0, 4720, 0];
export const CP_DEFAULT = "5.0.6208.0";

export function versionBelow(v: string, min: number[]): boolean {
  const parts = v.split(".").map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < min.length; i++) {
    const a = parts[i] ?? 0;
    if (a !== min[i]) return a < min[i]!;
  }
  return false;
}
