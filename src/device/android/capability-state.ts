// SPDX-License-Identifier: MIT
/**
 * `state:` keys for what an Android build can do and how its users are set up, as
 * DevicePolicyManager.checkProvisioningPreCondition reads them (wire/android/preconditions.ts). Written in a
 * catalog entry (an Android Go model declares `lowRamDevice: true`) or per scenario group. Part of
 * ANDROID_STATE (device/state.ts); documented in scenarios/README-android.md "Device capabilities".
 */
import { DISALLOW_ADD_MANAGED_PROFILE, DISALLOW_REMOVE_MANAGED_PROFILE } from "../../wire/android/preconditions.js";

type Json = Record<string, unknown>;

/** PackageManager system feature names the precondition check reads. */
export const SYSTEM_FEATURES = {
  managedUsers: "android.software.managed_users",
  deviceAdmin: "android.software.device_admin",
  watch: "android.hardware.type.watch",
} as const;

const PACKAGE = { type: "string", pattern: "^[A-Za-z][\\w]*(\\.[A-Za-z][\\w]*)+$", "x-expected": "a package name such as com.example.dpc" };

export const ANDROID_CAPABILITY_STATE: Json = {
  systemFeatures: {
    type: "object",
    additionalProperties: false,
    description:
      "System features the build declares (PackageManager.hasSystemFeature), by their real names; true = declared. Default: android.software.managed_users and android.software.device_admin declared (false for managed_users on a lowRamDevice unless set here), android.hardware.type.watch not. Without managed_users a work profile is refused with CODE_MANAGED_USERS_NOT_SUPPORTED (9); without device_admin every provisioning with CODE_DEVICE_ADMIN_NOT_SUPPORTED (13).",
    properties: {
      [SYSTEM_FEATURES.managedUsers]: { type: "boolean", description: "The build supports secondary users and managed profiles (work profiles)." },
      [SYSTEM_FEATURES.deviceAdmin]: { type: "boolean", description: "The build supports device administration (device owner and profile owner provisioning)." },
      [SYSTEM_FEATURES.watch]: { type: "boolean", description: "The device is a watch (Wear OS): a paired watch refuses device-owner provisioning." },
    },
  },
  lowRamDevice: {
    type: "boolean",
    description:
      "ActivityManager.isLowRamDevice (ro.config.low_ram): Android (Go edition). UserManagerService.canAddMoreManagedProfiles is false on it, so a work profile is refused with CODE_CANNOT_ADD_MANAGED_PROFILE (11) even where the build declares managed_users; Go builds below the 2 GB threshold do not declare it (CODE_MANAGED_USERS_NOT_SUPPORTED, 9). Fully managed provisioning is unaffected. Default false.",
  },
  splitSystemUser: {
    type: "boolean",
    description: "UserManager.isSplitSystemUser (ro.fw.system_user_split; some Android 7-9 builds): a work profile cannot be set up from the system user (CODE_SPLIT_SYSTEM_USER_DEVICE_SYSTEM_USER, 14). Read at API 30 and below. Default false.",
  },
  paired: {
    type: "boolean",
    description: "A watch already paired with a phone (Settings.Secure.DEVICE_PAIRED): device-owner provisioning is refused with CODE_HAS_PAIRED (8). Read only with android.hardware.type.watch, at API 30 and below. Default false.",
  },
  profileOwner: { ...PACKAGE, description: "The user provisioning runs in already has a profile owner (this package): CODE_USER_HAS_PROFILE_OWNER (2) for both device owner and work profile. Default: none." },
  userProvisioning: {
    enum: ["allowed", "developer-mode-only"],
    description:
      "The build's OEM setting read by DevicePolicyManagerService.isProvisioningAllowed (Android 12+, a read-only system property, default allowed): developer-mode-only refuses every provisioning with CODE_PROVISIONING_NOT_ALLOWED_FOR_NON_DEVELOPER_USERS (15) unless adb is on (adbEnabled). Default allowed.",
  },
  adbEnabled: { type: "boolean", description: "USB debugging is on (Settings.Global.ADB_ENABLED): developer mode, which lifts userProvisioning: developer-mode-only. Default false." },
  userRestrictions: {
    type: "array",
    uniqueItems: true,
    maxItems: 2,
    items: { enum: [DISALLOW_ADD_MANAGED_PROFILE, DISALLOW_REMOVE_MANAGED_PROFILE] },
    description: `UserManager restrictions in force on the user, set by an admin other than the DPC being provisioned: ${DISALLOW_ADD_MANAGED_PROFILE} refuses a new work profile (CODE_ADD_MANAGED_PROFILE_DISALLOWED, 15, up to Android 11; CODE_CANNOT_ADD_MANAGED_PROFILE, 11, from Android 12); ${DISALLOW_REMOVE_MANAGED_PROFILE} keeps an existingWorkProfile from being replaced up to Android 11 (CODE_CANNOT_ADD_MANAGED_PROFILE). Default none.`,
  },
};

/** The state as written (DeviceState's share). */
export interface AndroidCapabilityState {
  systemFeatures?: Partial<Record<(typeof SYSTEM_FEATURES)[keyof typeof SYSTEM_FEATURES], boolean>>;
  lowRamDevice?: boolean;
  splitSystemUser?: boolean;
  paired?: boolean;
  profileOwner?: string;
  userRestrictions?: string[];
  userProvisioning?: "allowed" | "developer-mode-only";
  adbEnabled?: boolean;
}
