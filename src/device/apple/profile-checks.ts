// SPDX-License-Identifier: MIT
/** The device's checks of a profile before it installs anything of it, with what it notes in the transcript. */
import { asSimError } from "../../errors/index.js";
import { decoded, deviceNow, note, step } from "../../protocol/common/context.js";
import { AppleErrors, type AppleError } from "../../wire/apple/errors.js";
import { isDict, type PlistDict } from "../../wire/apple/plist.js";
import type { ParsedProfile } from "../../wire/apple/profile.js";
import { capabilityRefusal } from "./mdm-capabilities.js";
import { checkProfile } from "./profile-schema.js";
import type { AppleDevice } from "./state.js";

/** "iPhone", "iPad", "Mac" (or the model identifier): what TargetDeviceType is compared with. */
function deviceKind(dev: AppleDevice): string {
  const m = dev.ctx.identity.modelIdentifier;
  return dev.osName === "macOS" ? "Mac" : (/^(iPhone|iPad|iPod)/.exec(m)?.[1] ?? (m || "iPhone"));
}

/** The refusal of a profile by Apple's schemas or the MDM payload's ServerCapabilities; ignored keys are noted. */
export function schemaRefusal(dev: AppleDevice, parsed: ParsedProfile): AppleError | undefined {
  const checked = checkProfile(parsed, { ...dev.ruleContext(), kind: deviceKind(dev) });
  if (checked.ignored.length) {
    note(dev.ctx.protocol, "profile.install", { findings: checked.ignored.map((i) => ({ code: "profile.key-ignored", message: `${i.where}: ${i.key} ignored (${i.why})` })) });
  }
  if (checked.refusal) {
    note(dev.ctx.protocol, "profile.install", {
      findings: [
        {
          code: "profile.schema",
          message: checked.refusal.unpublished ? `refused, no published text for this condition: ${checked.refusal.unpublished.raw}` : (checked.refusal.chain.at(-1)!.suggestion ?? checked.refusal.chain.at(-1)!.LocalizedDescription),
        },
      ],
    });
    return checked.refusal;
  }
  const mdm = parsed.profile.payloads.find((p) => p.kind === "mdm");
  const os = { os: dev.osName, version: dev.osVersion, sharedIPad: dev.sharedIPad };
  return mdm?.kind === "mdm" ? capabilityRefusal(os, mdm) : undefined;
}

/**
 * The profile's ConsentText (TopLevel.yaml): "The system always displays the agreement in a dialog,
 * and the user needs to agree before the system can install the profile", in the user's language,
 * else `default`, else `en`, else the first. Step `profile.consent`; a user who does not agree is
 * the timeline's `abandon` there: nothing is installed (MCInstallationErrorDomain 4024, the user
 * canceled the installation). Interactive installs only (the profile flows).
 */
export async function userConsents(dev: AppleDevice, parsed: ParsedProfile): Promise<AppleError | undefined> {
  const consent = parsed.profile.raw.ConsentText;
  if (!isDict(consent)) return undefined;
  const texts = Object.entries(consent).filter((e): e is [string, string] => typeof e[1] === "string");
  const chosen = texts.find(([k]) => k === "default") ?? texts.find(([k]) => k === "en") ?? texts[0];
  try {
    await step(dev.ctx.protocol, "profile.consent", async () => decoded(dev.ctx.protocol, "profile.consent", { shown: chosen?.[1] ?? "", language: chosen?.[0] ?? null, agreed: true }));
    return undefined;
  } catch (err) {
    if (asSimError(err).code !== "user.abandoned") throw err;
    decoded(dev.ctx.protocol, "profile.consent", { agreed: false, note: "the user did not agree: the profile is not installed" });
    return AppleErrors.consentDeclined();
  }
}

/** The user cannot remove this profile (PayloadRemovalDisallowed on a supervised iPhone or iPad; TopLevel.yaml "Requires a supervised device"). */
export function removalDisallowed(dev: AppleDevice, parsed: { raw: PlistDict }): boolean {
  return parsed.raw.PayloadRemovalDisallowed === true && dev.osName === "iOS" && dev.supervised;
}

/**
 * When the system removes the profile by itself (device clock, ms), or undefined: `RemovalDate`, or
 * `DurationUntilRemoval` seconds after the install, "whichever field yields the earliest date"
 * (TopLevel.yaml). An enrollment profile removed this way takes the MDM enrollment with it.
 */
export function removalTime(raw: PlistDict, installedAt: number): number | undefined {
  const at = [raw.RemovalDate instanceof Date ? raw.RemovalDate.getTime() : undefined, typeof raw.DurationUntilRemoval === "number" ? installedAt + raw.DurationUntilRemoval * 1000 : undefined].filter(
    (t): t is number => t !== undefined && Number.isFinite(t),
  );
  return at.length ? Math.min(...at) : undefined;
}

/** The profile's removal time has come on the device's clock. */
export const removalDue = (dev: AppleDevice, removeAt: number | undefined): boolean => removeAt !== undefined && deviceNow(dev.ctx.protocol) >= removeAt;

/** The result of the system removing an enrollment profile at its removal date (the caller sends CheckOut when the profile asks). */
export const REMOVED_ON_DATE = {
  code: "apple.profile.removed-on-date",
  message: "the enrollment profile's RemovalDate / DurationUntilRemoval passed: the system removed it, and with it the MDM enrollment",
};
