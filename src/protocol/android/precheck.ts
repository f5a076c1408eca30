// SPDX-License-Identifier: MIT
/**
 * The setup wizard's two ways of stopping short on the device's own account: a failed
 * DevicePolicyManager.checkProvisioningPreCondition (wire/android/preconditions.ts) with the dialog
 * ManagedProvisioning shows for it, and the user backing out of provisioning (the timeline's `abandon` at a
 * step of ManagedProvisioning's screens) with its cancel dialog. A dialog whose confirming button wipes the
 * device (organisation-owned and device-owner provisioning) leaves `factoryReset` on the outcome: the device
 * erases itself and a later attempt starts at the setup wizard's first screen (device/android/flows.ts).
 */
import { asSimError } from "../../errors/index.js";
import {
  ACTION_MANAGED_DEVICE,
  ACTION_MANAGED_PROFILE,
  checkProvisioningPrecondition,
  DISALLOW_REMOVE_MANAGED_PROFILE,
  PRECONDITION,
  type PreconditionResult,
  type ProvisioningAction,
  type ProvisioningCapabilities,
} from "../../wire/android/preconditions.js";
import { cancelDialog, dialogText, FACTORY_RESET_DIALOG, preconditionDialog, type MpDialog } from "../../wire/android/managed-provisioning-text.js";
import { decoded, type ProtocolContext } from "../common/context.js";

/** What the check reads of the device before provisioning; setup-wizard.ts's AndroidDeviceState extends it. */
export interface PrecheckDevice {
  apiLevel: number;
  /** The device-owner cancel dialog as the device's release words it (devices/android-setup-texts/); absent: the built-in one. */
  cancelResetDialog?: MpDialog;
  /**
   * The refusal dialog as the device's release words it (devices/android-setup-texts/ `refusals`), for a refused
   * precondition of a work-profile (`managedProfile`) or device-owner provisioning and the cause ManagedProvisioning's
   * code branches on; absent or undefined: the built-in (Android 12L) mapping.
   */
  refusalDialog?: (q: { managedProfile: boolean; orgOwned: boolean; result: PreconditionResult; cause?: RefusalCause }) => MpDialog | undefined;
  /** Provisioning runs in a secondary Android user (work profiles are not supported there). */
  secondaryUser?: boolean;
  /** A work profile already on the device, and the package of its profile owner. */
  existingWorkProfile?: { managedBy: string };
  hasDeviceOwner?: boolean;
  userSetupCompleted?: boolean;
  /** System features (PackageManager): managed_users, device_admin, type.watch; defaults in capabilitiesOf. */
  features?: { managedUsers?: boolean; deviceAdmin?: boolean; watch?: boolean };
  /** ActivityManager.isLowRamDevice (Android Go edition). */
  lowRamDevice?: boolean;
  splitSystemUser?: boolean;
  /** A watch paired with a phone. */
  paired?: boolean;
  /** The user's existing profile owner (package). */
  profileOwner?: string;
  /** UserManager restrictions set by another admin (no_add_managed_profile, no_remove_managed_profile). */
  userRestrictions?: string[];
  /** The build allows provisioning outside developer mode (DevicePolicyManagerService.isProvisioningAllowed). */
  provisioningAllowed?: boolean;
}

/** The causes ManagedProvisioning (Android 8.0–11) tells apart for CODE_CANNOT_ADD_MANAGED_PROFILE, in its order. */
export type RefusalCause = "user-cannot-have-profile" | "removal-disallowed";

/**
 * PreProvisioningController.showManagedProfileErrorAndClose's branches for CODE_CANNOT_ADD_MANAGED_PROFILE:
 * UserInfo.canHaveProfile() is false (not the system user), else isRemovingManagedProfileDisallowed() (a work profile
 * exists and DISALLOW_REMOVE_MANAGED_PROFILE is set), else neither.
 */
export function refusalCause(r: PreconditionResult, c: ProvisioningCapabilities): RefusalCause | undefined {
  if (r.action !== ACTION_MANAGED_PROFILE || r.value !== PRECONDITION.CANNOT_ADD_MANAGED_PROFILE) return undefined;
  if (c.user !== "system") return "user-cannot-have-profile";
  if (c.managedProfiles > 0 && c.userRestrictions.includes(DISALLOW_REMOVE_MANAGED_PROFILE)) return "removal-disallowed";
  return undefined;
}

/** What a refused or cancelled provisioning carries to the device layer (what it shows, whether it wiped itself). */
export interface WizardStop {
  code: string;
  step: string;
  message: string;
  dialog: MpDialog;
  precondition?: PreconditionResult;
  factoryReset?: boolean;
}

export function capabilitiesOf(d: PrecheckDevice): ProvisioningCapabilities {
  const f = d.features ?? {};
  const lowRam = d.lowRamDevice ?? false;
  return {
    apiLevel: d.apiLevel,
    features: { managedUsers: f.managedUsers ?? !lowRam, deviceAdmin: f.deviceAdmin ?? true, watch: f.watch ?? false },
    lowRamDevice: lowRam,
    splitSystemUser: d.splitSystemUser ?? false,
    user: d.secondaryUser ? "secondary" : "system",
    hasDeviceOwner: d.hasDeviceOwner ?? false,
    ...(d.profileOwner !== undefined ? { profileOwner: d.profileOwner } : {}),
    userSetupCompleted: d.userSetupCompleted ?? false,
    paired: d.paired ?? false,
    managedProfiles: d.existingWorkProfile ? 1 : 0,
    userRestrictions: d.userRestrictions ?? [],
    provisioningAllowed: d.provisioningAllowed ?? true,
  };
}

/** The DPM action a provisioning is checked as: organisation-owned triggers during setup are device-owner until the DPC picks a mode. */
export const actionFor = (managedProfile: boolean): ProvisioningAction => (managedProfile ? ACTION_MANAGED_PROFILE : ACTION_MANAGED_DEVICE);

/** Runs the check (inside the caller's step) and records it; a refusal with the dialog shown, or undefined. */
export function precondition(ctx: ProtocolContext, stepName: string, action: ProvisioningAction, device: PrecheckDevice, orgOwned: boolean): WizardStop | undefined {
  const caps = capabilitiesOf(device);
  const r = checkProvisioningPrecondition(action, caps);
  decoded(ctx, stepName, { checkProvisioningPreCondition: action, result: `${r.name} (${r.value})`, ...(r.value ? { because: r.because } : {}) });
  if (r.value === 0) return undefined;
  const managedProfile = action === ACTION_MANAGED_PROFILE;
  const cause = refusalCause(r, caps);
  const dialog = device.refusalDialog?.({ managedProfile, orgOwned, result: r, ...(cause ? { cause } : {}) }) ?? preconditionDialog(managedProfile, orgOwned, r.value);
  return {
    code: "android.provision.precondition",
    step: stepName,
    message: `${dialogText(dialog)} (provisioning not allowed: ${r.name} (${r.value}): ${r.because}${dialog.wipes ? "; the user taps Reset and the device erases itself" : ""})`,
    dialog,
    precondition: r,
    ...(dialog.wipes ? { factoryReset: true } : {}),
  };
}

/** Steps where the user is on ManagedProvisioning's own screens (consent, progress): Back there opens its cancel dialog. */
const CANCELLABLE = new Set(["android.provision.precheck", "android.provision.network", "android.provision.download", "android.provision.verify", "android.provision.install", "android.provision.owner"]);
/** The DPC's GET_PROVISIONING_MODE screen: backing out of it returns RESULT_CANCELED to ManagedProvisioning. */
const MODE_STEP = "android.provision.mode";

/**
 * `err` is the user abandoning at a ManagedProvisioning screen: the dialog they confirm and the outcome.
 * Undefined for anything else (the error propagates as it was).
 */
export function userCancelled(ctx: ProtocolContext, err: unknown, device: PrecheckDevice, orgOwned: boolean, deviceOwner: boolean): WizardStop | undefined {
  const e = asSimError(err);
  if (e.code !== "user.abandoned" || !e.step) return undefined;
  const resetRequired = deviceOwner || orgOwned;
  let dialog: MpDialog;
  let why: string;
  if (CANCELLABLE.has(e.step)) {
    dialog = resetRequired && device.cancelResetDialog ? device.cancelResetDialog : cancelDialog(resetRequired, device.apiLevel);
    why = `the user backed out of provisioning and confirmed ${dialog.confirm}`;
  } else if (e.step === MODE_STEP) {
    // PreProvisioningActivity: a RESULT_CANCELED from GET_PROVISIONING_MODE ends organisation-owned
    // provisioning with the factory-reset dialog, a personally owned one with "Can't set up device".
    dialog = orgOwned ? FACTORY_RESET_DIALOG : { title: FACTORY_RESET_DIALOG.title, message: FACTORY_RESET_DIALOG.message, confirm: "Ok", wipes: false };
    why = "the user backed out of the DPC's GET_PROVISIONING_MODE screen (RESULT_CANCELED)";
  } else return undefined;
  decoded(ctx, e.step, {
    dialog: dialog.title ?? dialog.message,
    text: dialogText(dialog),
    buttons: [dialog.dismiss, dialog.confirm].filter(Boolean),
    userAction: dialog.confirm,
    ...(dialog.wipes ? { wipeData: "the device erases itself; setup starts again at the first screen" } : { result: "RESULT_CANCELED to the DPC" }),
  });
  return {
    code: dialog.wipes ? "android.provision.cancelled-reset" : "android.provision.cancelled",
    step: e.step,
    message: `${dialogText(dialog)} [${dialog.confirm}] (${why}${dialog.wipes ? "; the device was factory reset" : "; provisioning stopped, the device is unchanged"})`,
    dialog,
    ...(dialog.wipes ? { factoryReset: true } : {}),
  };
}
