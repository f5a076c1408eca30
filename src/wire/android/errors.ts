// SPDX-License-Identifier: MIT
/**
 * Typed errors of Android provisioning payloads. Each carries the text the setup wizard
 * (AOSP ManagedProvisioning) logs or shows, so output can be matched against field logs.
 */
import { ProtocolViolationError } from "../../errors/index.js";

/** Texts of AOSP `IllegalProvisioningArgumentException`, `StoreUtils` and the provisioning UI. */
export const WIZARD_TEXT = {
  invalidType: "Extra has invalid type",
  invalidParameter: "Invalid parameter found!",
  compulsoryMissing: "Compulsory parameter not found!",
  invalidLocale: "Invalid locale format!",
  badBase64: "Incorrect format. Should be Url-safe Base64 encoded.",
  numberFormat: "Incorrect numberformat.",
  cantSetUp: "Can't set up device. Contact your IT admin for help.",
  adminMissing: "Can't use the admin app. It's missing components or corrupted",
  invalidMode: "Invalid provisioning mode chosen by the DPC",
} as const;

/**
 * ManagedProvisioning's dialog when a work profile is already on the device (DeleteManagedProfileDialog;
 * res/values/strings.xml delete_profile_title, opening_paragraph_delete_profile, sure_you_want_to_delete_profile,
 * buttons delete_profile / cancel_delete_profile; AOSP packages/apps/ManagedProvisioning, Apache-2.0).
 */
export const DELETE_PROFILE_TEXT = {
  title: "Delete existing profile?",
  opening: "You already have a work profile. It's managed using the following app:",
  warning: "If you continue, all apps and data in this profile will be deleted.",
  delete: "Delete",
  cancel: "Cancel",
} as const;

export type PayloadErrorReason =
  | "not-json"
  | "invalid-type"
  | "invalid-parameter"
  | "compulsory-missing"
  | "invalid-locale"
  | "bad-base64"
  | "number-format"
  | "unknown-extra"
  | "too-large"
  | "too-deep";

const TEXT_FOR: Record<PayloadErrorReason, string> = {
  "not-json": WIZARD_TEXT.invalidParameter,
  "invalid-type": WIZARD_TEXT.invalidType,
  "invalid-parameter": WIZARD_TEXT.invalidParameter,
  "compulsory-missing": WIZARD_TEXT.compulsoryMissing,
  "invalid-locale": WIZARD_TEXT.invalidLocale,
  "bad-base64": WIZARD_TEXT.badBase64,
  "number-format": WIZARD_TEXT.numberFormat,
  "unknown-extra": WIZARD_TEXT.invalidParameter,
  "too-large": WIZARD_TEXT.invalidParameter,
  "too-deep": WIZARD_TEXT.invalidType,
};

/**
 * A provisioning payload the setup wizard refuses. `code` is `android.payload.<reason>`; the
 * message starts with the wizard's own text, then names the extra and what was wrong.
 */
export class ProvisioningPayloadError extends ProtocolViolationError {
  readonly wizardText: string;
  constructor(
    readonly reason: PayloadErrorReason,
    readonly extra: string | undefined,
    detail: string,
  ) {
    const text = TEXT_FOR[reason];
    super(`android.payload.${reason}`, `${text}${extra ? ` [${extra}]` : ""} ${detail}`.trim());
    this.wizardText = text;
  }
}
