// SPDX-License-Identifier: MIT
/**
 * macOS: the local account that installs a profile enrollment's profile. Installing the MDM enrollment
 * profile is a device-level change that macOS authorizes with an administrator's name and password
 * (Scalefusion, "Enroll Employee Owned (BYOD) Mac (macOS) Device", step 9: "If you are enrolling from a
 * non-administrator user, you will be asked to enter administrator credentials to confirm the
 * installation"; JumpCloud, "End User Prompt: Approve your MDM Profile": prerequisite "You must be granted
 * administrator privileges", then "Click Enroll, then enter the local administrator credentials when
 * prompted"). An administrator types their own password; a standard user (`state.account.admin: false`)
 * has no administrator credentials, so the profile is not installed. An administrator who walks away from
 * the prompt is the timeline's `abandon`/`idle` at step profile.admin-auth.
 *
 * Not published, not modelled: the prompt's exact wording (the shown text says so) and what a standard
 * user sees when an administrator types credentials for them (that is `admin: true` here: the install is
 * authorized either way). iPhone and iPad have no local accounts: nothing is asked there.
 */
import { decoded, step } from "../../protocol/common/context.js";
import type { FlowContext, FlowResult } from "../flow.js";
import { fail } from "./enroll.js";
import type { AppleDevice } from "./state.js";

/** What the Mac shows for a standard user; Apple's wording of the prompt is not published. */
export const ADMIN_PROMPT_TEXT = "An administrator's name and password are required to install the enrollment profile (prompt wording not published)";

/** undefined when the install is authorized (or nothing is asked: iOS/iPadOS), else the failure. */
export async function adminAuthorizesInstall(ctx: FlowContext, dev: AppleDevice): Promise<FlowResult | undefined> {
  if (dev.osName !== "macOS") return undefined;
  const admin = ctx.identity.state?.account?.admin ?? true;
  return step(
    ctx.protocol,
    "profile.admin-auth",
    async () => {
      decoded(ctx.protocol, "profile.admin-auth", {
        account: admin ? "administrator" : "standard",
        asks: "an administrator's name and password",
        answer: admin ? "the user's own administrator password" : "none: a standard user has no administrator credentials",
      });
      if (admin) return undefined;
      return fail(
        dev,
        "apple.profile.admin-required",
        "profile.admin-auth",
        `${ADMIN_PROMPT_TEXT}: the signed-in account is a standard user (state.account.admin: false) and has no administrator credentials; the profile is not installed and the Mac is not enrolled`,
        {
          text: ADMIN_PROMPT_TEXT,
          screen: "System Settings",
        },
      );
    },
    (r) => r !== undefined,
  );
}
