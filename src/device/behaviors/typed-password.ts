// SPDX-License-Identifier: MIT
/**
 * What the user types into a password field of a sign-in (the Windows identity provider's page, the Apple enrollment
 * portal, the account-driven sign-in, the Setup Assistant's legacy sign-in): the device's user mistypes the password at
 * the first `mistypedPasswords` password sign-ins of the device (`options.<platform>.mistypedPasswords`), each a
 * different typo, and types the right one after that. The count lives on the device's per-run storage (`disk`), so it
 * carries over the user's Try Again (timeline `tryAgain`) and a reboot, and starts again on a set-up from scratch.
 * Each mistyped password is noted in the transcript as the user's doing (a scenario input, not an injected fault).
 * The server answers it as a wrong password and counts it toward the tenant's lockout (server/policy/lockout.ts).
 */
import { note } from "../../protocol/common/context.js";
import type { FlowContext } from "../flow.js";

/** The `disk` key counting the password sign-ins the user has typed so far on this device. */
export const PASSWORDS_TYPED_DISK_KEY = "user.passwordsTyped";

/**
 * The password typed at this sign-in (`step` names it in the transcript): `right` once the user has mistyped
 * `mistypedPasswords` times on this device, else a wrong one (the right one with a typo, different each time).
 * Without a disk (a hand-built context) every sign-in counts as the first.
 */
export function typedPassword(ctx: Pick<FlowContext, "disk" | "protocol">, step: string, right: string, mistypedPasswords: number | undefined): string {
  if (!mistypedPasswords) return right;
  const typed = (ctx.disk?.get(PASSWORDS_TYPED_DISK_KEY) as number | undefined) ?? 0;
  ctx.disk?.set(PASSWORDS_TYPED_DISK_KEY, typed + 1);
  if (typed >= mistypedPasswords) return right;
  note(ctx.protocol, step, { user: "mistypes the password", mistyped: typed + 1, of: mistypedPasswords, input: "scenario (options mistypedPasswords)" });
  return `${right}~typo${typed + 1}`;
}
