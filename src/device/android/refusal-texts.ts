// SPDX-License-Identifier: MIT
/**
 * The `refusals` part of a setup text row (devices/android-setup-texts/, devices/README.md "Android setup wizard texts"):
 * the dialog AOSP ManagedProvisioning shows when DevicePolicyManager.checkProvisioningPreCondition refuses a
 * provisioning, per action, per result code and, where the release's code branches on it, per cause. The mapping is
 * PreProvisioningController.showManagedProfileErrorAndClose / showDeviceOwnerErrorAndClose (Android 8.0–11,
 * preprovisioning/PreProvisioningController.java; Android 12+, PreProvisioningActivityController.java) at the release
 * the row names, and the strings are that release's res/values/strings.xml. Before Android 8.0 ManagedProvisioning
 * picked its message from the device's state, not from a code (uiflows/PreProvisioningController.showProvisioningError):
 * no row covers it.
 *
 * Keys: a result code's name as the release's DevicePolicyManager spells it (`CODE_CANNOT_ADD_MANAGED_PROFILE`; 15 is
 * CODE_ADD_MANAGED_PROFILE_DISALLOWED up to Android 11 and CODE_PROVISIONING_NOT_ALLOWED_FOR_NON_DEVELOPER_USERS from 12),
 * optionally with the cause the release's code branches on for CODE_CANNOT_ADD_MANAGED_PROFILE (`/user-cannot-have-profile`:
 * UserInfo.canHaveProfile is false, the user is not the system user; `/removal-disallowed`: a work profile exists and
 * DISALLOW_REMOVE_MANAGED_PROFILE is set), and `other` for the switch's default branch. `organisationOwned` is the
 * factory-reset dialog Android 12+ shows instead of any per-code one for an organisation-owned provisioning.
 */
import { PRECONDITION } from "../../wire/android/preconditions.js";
import type { MapReader } from "../catalog-reader.js";

export interface RefusalText {
  /** The string resource and its text; `%1$s` is the device name (setupdesign DeviceHelper.getDeviceName). */
  title?: { string: string; text: string };
  message: { string: string; text: string };
  /** The dialog's one button where the row names it (the factory-reset dialog's Reset). */
  confirm?: { string: string; text: string };
}

export interface RefusalTable {
  /** The code that maps codes to strings at this release (https URL). */
  source: string;
  managedProfile: Record<string, RefusalText>;
  deviceOwner: Record<string, RefusalText>;
  organisationOwned?: RefusalText;
}

export const REFUSAL_CAUSES = ["user-cannot-have-profile", "removal-disallowed"] as const;
export type RefusalCause = (typeof REFUSAL_CAUSES)[number];

const CODE_NAMES = [...Object.keys(PRECONDITION).map((k) => `CODE_${k}`), "CODE_ADD_MANAGED_PROFILE_DISALLOWED", "CODE_PROVISIONING_NOT_ALLOWED_FOR_NON_DEVELOPER_USERS"].filter((n) => n !== "CODE_OK");
/** Every key a refusal map may have. */
export const REFUSAL_KEYS = [...CODE_NAMES, ...REFUSAL_CAUSES.map((c) => `CODE_CANNOT_ADD_MANAGED_PROFILE/${c}`), "other"];

type TextReader = (m: MapReader, key: string) => { string: string; text: string };

function readRefusal(m: MapReader, readText: TextReader, withConfirm: boolean): RefusalText {
  const keys = withConfirm ? ["title", "message", "confirm"] : ["title", "message"];
  m.only(keys);
  return { ...(m.has("title") ? { title: readText(m, "title") } : {}), message: readText(m, "message"), ...(withConfirm && m.has("confirm") ? { confirm: readText(m, "confirm") } : {}) };
}

function readMap(m: MapReader, readText: TextReader): Record<string, RefusalText> {
  m.only(REFUSAL_KEYS);
  if (!m.has("other")) m.r.fail(m.self, 'a refusal map is missing required field "other" (the dialog of the code switch\'s default branch)', "other: {title: {string, text}, message: {string, text}}");
  const out: Record<string, RefusalText> = {};
  for (const k of REFUSAL_KEYS) if (m.has(k)) out[k] = readRefusal(m.map(k, "{title?, message}"), readText, false);
  return out;
}

export function readRefusals(m: MapReader, readText: TextReader): RefusalTable {
  m.only(["source", "managedProfile", "deviceOwner", "organisationOwned"]);
  return {
    source: m.str("source", /^https:\/\//, "the https URL of the code that maps result codes to strings (PreProvisioningController.java at the release)"),
    managedProfile: readMap(m.map("managedProfile", "a mapping of result code names to dialogs"), readText),
    deviceOwner: readMap(m.map("deviceOwner", "a mapping of result code names to dialogs"), readText),
    ...(m.has("organisationOwned") ? { organisationOwned: readRefusal(m.map("organisationOwned", "{title?, message, confirm}"), readText, true) } : {}),
  };
}

/** The row's dialog for a refusal: the code with its cause, the code, else the default branch; the key it was found under. */
export function lookupRefusal(t: RefusalTable, managedProfile: boolean, orgOwned: boolean, code: string, cause?: RefusalCause): { key: string; text: RefusalText; wipes: boolean } {
  if (managedProfile && orgOwned && t.organisationOwned) return { key: "organisationOwned", text: t.organisationOwned, wipes: true };
  const map = managedProfile ? t.managedProfile : t.deviceOwner;
  for (const key of [cause ? `${code}/${cause}` : undefined, code, "other"]) if (key && map[key]) return { key, text: map[key]!, wipes: false };
  return { key: "other", text: map.other!, wipes: false };
}
