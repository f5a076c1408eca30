// SPDX-License-Identifier: MIT
/**
 * What AOSP ManagedProvisioning shows when provisioning is not allowed and when the user backs out,
 * from its res/values/strings.xml and the code that picks the strings (LineageOS
 * android_packages_apps_ManagedProvisioning, branch lineage-19.1 = Android 12L, Apache-2.0):
 * - PreProvisioningActivityController.showManagedProfileErrorAndClose / showDeviceOwnerErrorAndClose:
 *   the dialog for a failed checkProvisioningPreCondition, per action and code; an organisation-owned
 *   provisioning gets only the factory-reset dialog (showFactoryResetDialog, one button: Reset);
 * - ProvisioningActivity.decideCancelProvisioningDialog and PreProvisioningActivity.onBackPressed: a
 *   device-owner or organisation-owned provisioning asks "Stop setup & reset device?" (Reset wipes the device:
 *   DevicePolicyManager.wipeData), a personally owned work profile asks "Stop setting up?" (Yes: RESULT_CANCELED
 *   to the DPC). Android 8.0 (lineage-15.0) through 12L use these strings; Android 7.x
 *   (cm-14.1, DeviceOwnerProvisioningActivity) asked "Stop setting up and erase your device's data?".
 * This is the built-in wording, used when no setup text table is loaded (a library caller's own Catalog): a device with
 * the shipped table shows its release's refusal dialog (devices/android-setup-texts/aosp-refusals-*.yaml, Android 8.0–14,
 * device/android/release-dialogs.ts).
 */
import { PRECONDITION } from "./preconditions.js";

export const MP_STRINGS = {
  cantSetUpDevice: "Can't set up device",
  contactAdminForHelp: "Contact your IT admin for help",
  cantAddWorkProfile: "Can't add work profile",
  workProfileCantBeAdded: "A work profile can’t be added to this device. If you have questions, contact your IT admin.",
  deviceAlreadySetUp: "Device is already set up",
  ifQuestionsContactAdmin: "If you have questions, contact your IT admin",
  reset: "Reset",
  ok: "Ok",
} as const;

export interface MpDialog {
  title?: string;
  message: string;
  /** The confirming button (the one the modelled user taps). */
  confirm: string;
  /** The other button, if the dialog has one. */
  dismiss?: string;
  /** Confirming wipes the device (DevicePolicyManager.wipeData): setup starts again at the first screen. */
  wipes: boolean;
  /** Which release's wording this is, when it comes from the per-release table (devices/android-setup-texts/). */
  wording?: string;
}

/**
 * The built-in cancel dialog (user pressed Back / Cancel during provisioning). A device whose catalog has the per-release
 * table (devices/android-setup-texts/, `cancelReset`) shows its release's device-owner dialog instead (precheck.ts).
 */
export function cancelDialog(resetRequired: boolean, apiLevel: number): MpDialog {
  if (!resetRequired) return { message: "Stop setting up?", confirm: "Yes", dismiss: "No", wipes: false };
  if (apiLevel <= 25) return { message: "Stop setting up and erase your device's data?", confirm: "Reset", dismiss: "Cancel", wipes: true };
  return { title: "Stop setup & reset device?", message: "This will reset your device and take you back to the first screen", confirm: "Reset", dismiss: "Cancel", wipes: true };
}

/** The factory-reset dialog of an organisation-owned provisioning that cannot go on. */
export const FACTORY_RESET_DIALOG: MpDialog = { title: MP_STRINGS.cantSetUpDevice, message: MP_STRINGS.contactAdminForHelp, confirm: MP_STRINGS.reset, wipes: true };

/** The dialog for a failed precondition `value` of `action`; organisation-owned: the factory-reset dialog. */
export function preconditionDialog(managedProfile: boolean, orgOwned: boolean, value: number): MpDialog {
  const close = (title: string, message: string): MpDialog => ({ title, message, confirm: MP_STRINGS.ok, wipes: false });
  if (managedProfile) {
    if (orgOwned) return FACTORY_RESET_DIALOG;
    // 15 here is CODE_PROVISIONING_NOT_ALLOWED_FOR_NON_DEVELOPER_USERS: 12L is the only release whose mapping is used.
    if (value === PRECONDITION.MANAGED_USERS_NOT_SUPPORTED || value === PRECONDITION.CANNOT_ADD_MANAGED_PROFILE || value === 15) return close(MP_STRINGS.cantAddWorkProfile, MP_STRINGS.workProfileCantBeAdded);
    return close(MP_STRINGS.cantAddWorkProfile, MP_STRINGS.contactAdminForHelp);
  }
  if (value === PRECONDITION.HAS_DEVICE_OWNER || value === PRECONDITION.USER_SETUP_COMPLETED) return close(MP_STRINGS.deviceAlreadySetUp, MP_STRINGS.ifQuestionsContactAdmin);
  return close(MP_STRINGS.cantSetUpDevice, MP_STRINGS.contactAdminForHelp);
}

/** "Title. Message" as the simulator prints a dialog. */
export const dialogText = (d: MpDialog): string => (d.title ? `${d.title}${/[?.!]$/.test(d.title) ? "" : "."} ${d.message}` : d.message);
