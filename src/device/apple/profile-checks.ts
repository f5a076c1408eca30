// SPDX-License-Identifier: MIT
/** The device's checks of a profile before it installs anything of it, with what it notes in the transcript. */
import { note } from "../../protocol/common/context.js";
import type { AppleError } from "../../wire/apple/errors.js";
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
      findings: [{ code: "profile.schema", message: checked.refusal.unpublished ? `refused, no published text for this condition: ${checked.refusal.unpublished.raw}` : checked.refusal.chain.at(-1)!.LocalizedDescription }],
    });
    return checked.refusal;
  }
  const mdm = parsed.profile.payloads.find((p) => p.kind === "mdm");
  const os = { os: dev.osName, version: dev.osVersion, sharedIPad: dev.sharedIPad };
  return mdm?.kind === "mdm" ? capabilityRefusal(os, mdm) : undefined;
}
