// SPDX-License-Identifier: MIT
/**
 * checkProvisioningPreCondition from device capabilities: each result code comes from the state that the
 * AOSP check reads, in the order it reads it; and the dialog ManagedProvisioning shows for each.
 */
import { describe, expect, it } from "vitest";
import { ACTION_MANAGED_DEVICE as DO, ACTION_MANAGED_PROFILE as PO, checkProvisioningPrecondition, preconditionName, type ProvisioningCapabilities } from "../../../src/wire/android/preconditions.js";
import { cancelDialog, dialogText, preconditionDialog } from "../../../src/wire/android/managed-provisioning-text.js";

const base: ProvisioningCapabilities = {
  apiLevel: 34,
  features: { managedUsers: true, deviceAdmin: true, watch: false },
  lowRamDevice: false,
  splitSystemUser: false,
  user: "system",
  hasDeviceOwner: false,
  userSetupCompleted: false,
  paired: false,
  managedProfiles: 0,
  userRestrictions: [],
  provisioningAllowed: true,
};
const caps = (over: Partial<ProvisioningCapabilities>): ProvisioningCapabilities => ({ ...base, ...over, features: { ...base.features, ...over.features } });
const name = (action: typeof DO | typeof PO, over: Partial<ProvisioningCapabilities>) => checkProvisioningPrecondition(action, caps(over)).name;

describe("checkProvisioningPreCondition", () => {
  it("a clean phone may be provisioned either way", () => {
    expect(checkProvisioningPrecondition(DO, base)).toMatchObject({ value: 0, name: "CODE_OK" });
    expect(checkProvisioningPrecondition(PO, base)).toMatchObject({ value: 0, name: "CODE_OK" });
  });

  it("device owner: each refusal from the state the service reads", () => {
    expect(name(DO, { features: { managedUsers: true, deviceAdmin: false, watch: false } })).toBe("CODE_DEVICE_ADMIN_NOT_SUPPORTED");
    expect(name(DO, { hasDeviceOwner: true })).toBe("CODE_HAS_DEVICE_OWNER");
    expect(name(DO, { profileOwner: "com.example.dpc" })).toBe("CODE_USER_HAS_PROFILE_OWNER");
    expect(name(DO, { features: { managedUsers: true, deviceAdmin: true, watch: true }, paired: true, apiLevel: 28 })).toBe("CODE_HAS_PAIRED");
    expect(name(DO, { features: { managedUsers: true, deviceAdmin: true, watch: true }, paired: true })).toBe("CODE_OK"); // not read by the Android 15 source
    expect(name(DO, { paired: true })).toBe("CODE_OK"); // a phone's DEVICE_PAIRED is not read
    expect(name(DO, { user: "secondary" })).toBe("CODE_NOT_SYSTEM_USER");
    expect(name(DO, { userSetupCompleted: true })).toBe("CODE_USER_SETUP_COMPLETED");
    // the non-adb path never reads accounts or managed-users support
    expect(name(DO, { lowRamDevice: true, features: { managedUsers: false, deviceAdmin: true, watch: false } })).toBe("CODE_OK");
  });

  it("device owner: the first matching check wins (has a device owner before setup completed)", () => {
    expect(name(DO, { hasDeviceOwner: true, userSetupCompleted: true, user: "secondary" })).toBe("CODE_HAS_DEVICE_OWNER");
    expect(name(DO, { userSetupCompleted: true, user: "secondary" })).toBe("CODE_NOT_SYSTEM_USER");
    expect(name(DO, { userSetupCompleted: true, splitSystemUser: true, apiLevel: 28 })).toBe("CODE_OK"); // Android 9 split-user builds skip it
    expect(name(DO, { userSetupCompleted: true, splitSystemUser: true })).toBe("CODE_USER_SETUP_COMPLETED");
  });

  it("work profile: managed-users support, low RAM, split system user, users, restrictions", () => {
    expect(name(PO, { features: { managedUsers: false, deviceAdmin: true, watch: false } })).toBe("CODE_MANAGED_USERS_NOT_SUPPORTED");
    expect(name(PO, { lowRamDevice: true })).toBe("CODE_CANNOT_ADD_MANAGED_PROFILE");
    expect(name(PO, { splitSystemUser: true, apiLevel: 28 })).toBe("CODE_SPLIT_SYSTEM_USER_DEVICE_SYSTEM_USER");
    expect(name(PO, { splitSystemUser: true })).toBe("CODE_OK");
    expect(name(PO, { profileOwner: "com.example.dpc" })).toBe("CODE_USER_HAS_PROFILE_OWNER");
    expect(name(PO, { user: "secondary" })).toBe("CODE_CANNOT_ADD_MANAGED_PROFILE");
    expect(name(PO, { userRestrictions: ["no_add_managed_profile"], apiLevel: 28 })).toBe("CODE_ADD_MANAGED_PROFILE_DISALLOWED");
    expect(checkProvisioningPrecondition(PO, caps({ userRestrictions: ["no_add_managed_profile"], apiLevel: 28 })).value).toBe(15);
    expect(name(PO, { userRestrictions: ["no_add_managed_profile"], apiLevel: 33 })).toBe("CODE_CANNOT_ADD_MANAGED_PROFILE");
  });

  it("up to Android 11 an existing work profile may be replaced unless another admin forbids removing it; from Android 12 never", () => {
    expect(name(PO, { managedProfiles: 1, apiLevel: 30 })).toBe("CODE_OK");
    expect(name(PO, { managedProfiles: 1, apiLevel: 30, userRestrictions: ["no_remove_managed_profile"] })).toBe("CODE_CANNOT_ADD_MANAGED_PROFILE");
    expect(name(PO, { userRestrictions: ["no_remove_managed_profile"], apiLevel: 30 })).toBe("CODE_OK");
    expect(name(PO, { managedProfiles: 1, apiLevel: 31 })).toBe("CODE_CANNOT_ADD_MANAGED_PROFILE");
    expect(checkProvisioningPrecondition(PO, caps({ managedProfiles: 1 })).because).toContain("Android 12+ does not replace it");
  });

  it("Android 12+: a build that allows provisioning only in developer mode refuses both actions with 15", () => {
    expect(checkProvisioningPrecondition(DO, caps({ provisioningAllowed: false }))).toMatchObject({ value: 15, name: "CODE_PROVISIONING_NOT_ALLOWED_FOR_NON_DEVELOPER_USERS" });
    expect(name(PO, { provisioningAllowed: false })).toBe("CODE_PROVISIONING_NOT_ALLOWED_FOR_NON_DEVELOPER_USERS");
    expect(name(DO, { provisioningAllowed: false, apiLevel: 30 })).toBe("CODE_OK"); // not in the Android 9 source
    expect(dialogText(preconditionDialog(true, false, 15))).toContain("A work profile can’t be added to this device.");
  });

  it("value 15 is named by release; unknown values are not given a name", () => {
    expect(preconditionName(15, 30)).toBe("CODE_ADD_MANAGED_PROFILE_DISALLOWED");
    expect(preconditionName(15, 31)).toBe("CODE_PROVISIONING_NOT_ALLOWED_FOR_NON_DEVELOPER_USERS");
    expect(preconditionName(9, 34)).toBe("CODE_MANAGED_USERS_NOT_SUPPORTED");
    expect(preconditionName(42, 34)).toBe("(unknown 42)");
  });
});

describe("ManagedProvisioning's dialogs", () => {
  it("a refused work profile: 'Can't add work profile', or the factory-reset dialog when organisation-owned", () => {
    expect(dialogText(preconditionDialog(true, false, 9))).toBe("Can't add work profile. A work profile can’t be added to this device. If you have questions, contact your IT admin.");
    expect(dialogText(preconditionDialog(true, false, 2))).toBe("Can't add work profile. Contact your IT admin for help");
    expect(preconditionDialog(true, true, 11)).toMatchObject({ title: "Can't set up device", message: "Contact your IT admin for help", confirm: "Reset", wipes: true });
  });

  it("a refused device owner: 'Device is already set up' for an owner or a completed setup, else 'Can't set up device'", () => {
    expect(dialogText(preconditionDialog(false, true, 1))).toBe("Device is already set up. If you have questions, contact your IT admin");
    expect(dialogText(preconditionDialog(false, true, 4))).toBe("Device is already set up. If you have questions, contact your IT admin");
    expect(preconditionDialog(false, true, 7)).toMatchObject({ title: "Can't set up device", wipes: false });
  });

  it("the cancel dialog: reset for device owners (Android 7 wording before API 26), 'Stop setting up?' for work profiles", () => {
    expect(dialogText(cancelDialog(true, 34))).toBe("Stop setup & reset device? This will reset your device and take you back to the first screen");
    expect(cancelDialog(true, 34)).toMatchObject({ confirm: "Reset", dismiss: "Cancel", wipes: true });
    expect(cancelDialog(true, 25)).toMatchObject({ message: "Stop setting up and erase your device's data?", wipes: true });
    expect(cancelDialog(false, 34)).toMatchObject({ message: "Stop setting up?", confirm: "Yes", dismiss: "No", wipes: false });
  });
});
