// SPDX-License-Identifier: MIT
/**
 * DevicePolicyManager.checkProvisioningPreCondition as DevicePolicyManagerService answers it, for the
 * two actions the setup wizard checks (ACTION_PROVISION_MANAGED_DEVICE, ACTION_PROVISION_MANAGED_PROFILE),
 * computed from the device's capabilities and user state. Pure data in, a result code out.
 *
 * Sources (AOSP, Apache-2.0):
 * - DevicePolicyManagerService.checkProvisioningPreConditionSkipPermission,
 *   checkDeviceOwnerProvisioningPreConditionLocked (non-adb path) and
 *   checkManagedProfileProvisioningPreCondition: Android 9 (aosp-mirror/platform_frameworks_base) for API 30
 *   and below, Android 15 (GrapheneOS/platform_frameworks_base-15) for API 31 and above — the releases in
 *   between were not read, so where the two differ the switch at Android 12 is an assumption. Android 15 has no
 *   split-system-user or paired-watch check, refuses DISALLOW_ADD_MANAGED_PROFILE with
 *   CODE_CANNOT_ADD_MANAGED_PROFILE, and never lets a new work profile replace an existing one
 *   (canAddMoreManagedProfiles(user, allowedToRemoveOne = false)); ManagedProvisioning dropped its "Delete
 *   existing profile?" dialog in Android 12L (present in lineage-18.1, absent in lineage-19.1);
 * - UserManagerService.canAddMoreManagedProfiles: false on a low-RAM device
 *   (ActivityManager.isLowRamDeviceStatic), without android.software.managed_users, or when a managed
 *   profile is already there and may not be removed (one may be removed unless DISALLOW_REMOVE_MANAGED_PROFILE
 *   is set by another admin);
 * - DevicePolicyManager CODE_* values (Android 9-11) and the STATUS_* SystemApi names that replaced them
 *   (Android 12+ SDK): 0-14 are the same numbers; 15 was CODE_ADD_MANAGED_PROFILE_DISALLOWED up to Android 11
 *   and is STATUS_PROVISIONING_NOT_ALLOWED_FOR_NON_DEVELOPER_USERS from Android 12.
 * Not modelled: the adb path (`dpm set-device-owner`, where CODE_ACCOUNTS_NOT_EMPTY and
 * CODE_NONSYSTEM_USER_EXISTS come from), headless system user mode (STATUS_HEADLESS_* 16/17, Android 14+),
 * ACTION_PROVISION_MANAGED_USER / _SHAREABLE_DEVICE (split-user builds only) and the financed-device action.
 */

export const ACTION_MANAGED_DEVICE = "android.app.action.PROVISION_MANAGED_DEVICE";
export const ACTION_MANAGED_PROFILE = "android.app.action.PROVISION_MANAGED_PROFILE";
export type ProvisioningAction = typeof ACTION_MANAGED_DEVICE | typeof ACTION_MANAGED_PROFILE;

/** UserManager restriction keys checkManagedProfileProvisioningPreCondition reads. */
export const DISALLOW_ADD_MANAGED_PROFILE = "no_add_managed_profile";
export const DISALLOW_REMOVE_MANAGED_PROFILE = "no_remove_managed_profile";

/** checkProvisioningPreCondition result values (CODE_* names; STATUS_* from Android 12 on). */
export const PRECONDITION = {
  OK: 0,
  HAS_DEVICE_OWNER: 1,
  USER_HAS_PROFILE_OWNER: 2,
  USER_NOT_RUNNING: 3,
  USER_SETUP_COMPLETED: 4,
  NONSYSTEM_USER_EXISTS: 5,
  ACCOUNTS_NOT_EMPTY: 6,
  NOT_SYSTEM_USER: 7,
  HAS_PAIRED: 8,
  MANAGED_USERS_NOT_SUPPORTED: 9,
  SYSTEM_USER: 10,
  CANNOT_ADD_MANAGED_PROFILE: 11,
  NOT_SYSTEM_USER_SPLIT: 12,
  DEVICE_ADMIN_NOT_SUPPORTED: 13,
  SPLIT_SYSTEM_USER_DEVICE_SYSTEM_USER: 14,
} as const;

/** CODE_<name> for a value; 15 depends on the release (see the header). */
export function preconditionName(value: number, apiLevel: number): string {
  if (value === 15) return apiLevel >= 31 ? "CODE_PROVISIONING_NOT_ALLOWED_FOR_NON_DEVELOPER_USERS" : "CODE_ADD_MANAGED_PROFILE_DISALLOWED";
  const k = (Object.keys(PRECONDITION) as (keyof typeof PRECONDITION)[]).find((n) => PRECONDITION[n] === value);
  return k ? `CODE_${k}` : `(unknown ${value})`;
}

/** What checkProvisioningPreCondition reads about the device and the user provisioning runs in. */
export interface ProvisioningCapabilities {
  apiLevel: number;
  /** PackageManager system features. */
  features: { managedUsers: boolean; deviceAdmin: boolean; watch: boolean };
  /** ActivityManager.isLowRamDevice (ro.config.low_ram; Android Go edition). */
  lowRamDevice: boolean;
  /** UserManager.isSplitSystemUser (ro.fw.system_user_split, Android 7-9 builds). */
  splitSystemUser: boolean;
  /** The user provisioning runs in: the system user (0), or a secondary user. */
  user: "system" | "secondary";
  hasDeviceOwner: boolean;
  /** Package of the profile owner the calling user already has. */
  profileOwner?: string;
  userSetupCompleted: boolean;
  /** A watch paired with a phone (Settings.Secure.DEVICE_PAIRED); read only on watches. */
  paired: boolean;
  /** Managed profiles the calling user already has. */
  managedProfiles: number;
  /** UserManager restrictions in force, set by an admin other than the DPC being provisioned. */
  userRestrictions: readonly string[];
  /** DevicePolicyManagerService.isProvisioningAllowed (Android 12+): the build allows provisioning outside developer mode, or adb is on. */
  provisioningAllowed: boolean;
}

export interface PreconditionResult {
  value: number;
  /** CODE_HAS_DEVICE_OWNER, …; CODE_OK when provisioning may go on. */
  name: string;
  action: ProvisioningAction;
  /** Which capability or state decided it. */
  because: string;
}

const result = (c: ProvisioningCapabilities, action: ProvisioningAction, value: number, because: string): PreconditionResult => ({ value, name: preconditionName(value, c.apiLevel), action, because });

/** Android 12 and later follow the Android 15 source (see the header). */
const modern = (c: ProvisioningCapabilities) => c.apiLevel >= 31;

/** UserManagerService.canAddMoreManagedProfiles(userId, allowedToRemoveOne) as a reason it cannot, or undefined. */
function cannotAddManagedProfile(c: ProvisioningCapabilities, allowedToRemoveOne: boolean): string | undefined {
  if (c.lowRamDevice) return "low-RAM device (ActivityManager.isLowRamDevice)";
  if (!c.features.managedUsers) return "no android.software.managed_users";
  if (c.user !== "system") return "a secondary user cannot have a managed profile (UserInfo.canHaveProfile)";
  const removable = c.managedProfiles > 0 && allowedToRemoveOne ? 1 : 0;
  if (c.managedProfiles - removable >= 1) return modern(c) ? "a managed profile exists (Android 12+ does not replace it)" : `a managed profile exists and ${DISALLOW_REMOVE_MANAGED_PROFILE} is set`;
  return undefined;
}

export function checkProvisioningPrecondition(action: ProvisioningAction, c: ProvisioningCapabilities): PreconditionResult {
  if (!c.features.deviceAdmin) return result(c, action, PRECONDITION.DEVICE_ADMIN_NOT_SUPPORTED, "no android.software.device_admin");
  if (modern(c) && !c.provisioningAllowed) return result(c, action, 15, "the build allows provisioning only in developer mode (adb enabled)");
  if (action === ACTION_MANAGED_DEVICE) {
    if (c.hasDeviceOwner) return result(c, action, PRECONDITION.HAS_DEVICE_OWNER, "a device owner is set");
    if (c.profileOwner !== undefined) return result(c, action, PRECONDITION.USER_HAS_PROFILE_OWNER, `the user has a profile owner (${c.profileOwner})`);
    if (!modern(c) && c.features.watch && c.paired) return result(c, action, PRECONDITION.HAS_PAIRED, "the watch is paired");
    // Split-user builds skip the next two checks (a STOPSHIP left in the Android 9 source).
    if (modern(c) || !c.splitSystemUser) {
      if (c.user !== "system") return result(c, action, PRECONDITION.NOT_SYSTEM_USER, "a device owner can only be set on the system user");
      if (c.userSetupCompleted) return result(c, action, PRECONDITION.USER_SETUP_COMPLETED, "setup was completed on the system user");
    }
    return result(c, action, PRECONDITION.OK, "");
  }
  if (!c.features.managedUsers) return result(c, action, PRECONDITION.MANAGED_USERS_NOT_SUPPORTED, "no android.software.managed_users");
  if (!modern(c) && c.splitSystemUser && c.user === "system") return result(c, action, PRECONDITION.SPLIT_SYSTEM_USER_DEVICE_SYSTEM_USER, "managed profiles cannot be set up on the split system user");
  if (c.profileOwner !== undefined) return result(c, action, PRECONDITION.USER_HAS_PROFILE_OWNER, `the user has a profile owner (${c.profileOwner})`);
  if (c.userRestrictions.includes(DISALLOW_ADD_MANAGED_PROFILE)) {
    // Android 9: CODE_ADD_MANAGED_PROFILE_DISALLOWED (15); Android 15: CODE_CANNOT_ADD_MANAGED_PROFILE (15 was reused).
    return modern(c) ? result(c, action, PRECONDITION.CANNOT_ADD_MANAGED_PROFILE, `${DISALLOW_ADD_MANAGED_PROFILE} is set`) : result(c, action, 15, `${DISALLOW_ADD_MANAGED_PROFILE} is set`);
  }
  const why = cannotAddManagedProfile(c, !modern(c) && !c.userRestrictions.includes(DISALLOW_REMOVE_MANAGED_PROFILE));
  if (why) return result(c, action, PRECONDITION.CANNOT_ADD_MANAGED_PROFILE, why);
  return result(c, action, PRECONDITION.OK, "");
}
