// SPDX-License-Identifier: MIT
/**
 * The setup wizard's dialogs as the device's release words them (devices/android-setup-texts/, setup-texts.ts): the
 * device-owner cancel dialog and the dialog for a refused checkProvisioningPreCondition, handed to the wizard
 * (protocol/android/precheck.ts) with the device's state. Without a table (a library caller's own Catalog) the wizard
 * uses its built-in Android 12L wording.
 */
import type { RefusalCause } from "../../protocol/android/precheck.js";
import type { AndroidDeviceState } from "../../protocol/android/setup-wizard.js";
import type { MpDialog } from "../../wire/android/managed-provisioning-text.js";
import type { PreconditionResult } from "../../wire/android/preconditions.js";
import type { FlowContext } from "../flow.js";
import type { SetupTextCatalog } from "./setup-texts.js";

/** setupdesign DeviceHelper.getDeviceName's default ("device", sud_default_device_name) when no setup wizard partner names the device. */
export const DEFAULT_DEVICE_NAME = "device";
/**
 * Strings with the device name carry it as %1$s (Android 14: work_profile_cant_be_added_contact_admin,
 * device_already_set_up, and the cancel dialog's stop_setup_reset_device_question / this_will_reset_take_back_first_screen).
 */
const withDeviceName = (text: string): string => text.replace(/%1\$s/g, DEFAULT_DEVICE_NAME);
/** What the wording adds when a dialog's strings carry the device name. */
const deviceNameNote = (...texts: (string | undefined)[]): string => (texts.some((t) => t?.includes("%1$s")) ? `; %1$s is the device name, shown as setupdesign's default "${DEFAULT_DEVICE_NAME}" (a setup wizard partner may name it otherwise)` : "");

/** The refusal dialog of the device's release, or undefined when no row has refusals. */
export function refusalDialogOf(texts: SetupTextCatalog, q: { managedProfile: boolean; orgOwned: boolean; result: PreconditionResult; cause?: RefusalCause }, apiLevel: number, manufacturer?: string): MpDialog | undefined {
  const r = texts.refusal({ managedProfile: q.managedProfile, orgOwned: q.orgOwned, code: q.result.name, ...(q.cause ? { cause: q.cause } : {}) }, apiLevel, manufacturer);
  if (!r) return undefined;
  const wording = `${r.note ?? `as on ${r.row.release}, API ${apiLevel}`} (row ${r.row.id}, ${q.managedProfile ? "managedProfile" : "deviceOwner"} ${r.key})${deviceNameNote(r.text.title?.text, r.text.message.text)}`;
  return {
    ...(r.text.title ? { title: withDeviceName(r.text.title.text) } : {}),
    message: withDeviceName(r.text.message.text),
    confirm: r.text.confirm?.text ?? (r.wipes ? "Reset" : "Ok"),
    wipes: r.wipes,
    wording,
  };
}

/** The device-owner cancel dialog and the refusal dialogs as its release words them, when the table has them. */
export function withReleaseDialogs(state: AndroidDeviceState, fc: FlowContext): AndroidDeviceState {
  const texts = fc.setupTexts;
  if (!texts) return state;
  const out: AndroidDeviceState = { ...state, refusalDialog: (q) => refusalDialogOf(texts, q, state.apiLevel, fc.identity.manufacturer) };
  const c = texts.cancelReset(state.apiLevel, fc.identity.manufacturer);
  if (!c) return out;
  const d = c.dialog;
  const wording = `${c.note ?? `as on ${c.row.release}, API ${state.apiLevel}`}${deviceNameNote(d.title?.text, d.message.text)}`;
  return { ...out, cancelResetDialog: { ...(d.title ? { title: withDeviceName(d.title.text) } : {}), message: withDeviceName(d.message.text), confirm: d.confirm.text, dismiss: d.dismiss.text, wipes: true, wording } };
}
