// SPDX-License-Identifier: MIT
/**
 * A vendor enrollment deadline as device state over time: a Samsung device assigned a Knox Mobile Enrollment Advanced
 * Profile (Knox Suite) must be enrolled in the EMM by the profile's date, or Knox locks it. Samsung, Knox Admin Portal
 * "View device states" (docs.samsungknox.com/admin/knox-admin-portal/how-to-guides/view-device-states/): "Locked due to
 * timeout — If a device assigned an Advanced Profile isn't enrolled in an EMM by the specified date, it's automatically
 * locked." Not published, so assumptions: how the date reaches the device (enrollsim's KME document carries
 * `advancedProfile.enrollBy`), the text of the device's lock screen, and how the admin unlocks it (not modelled; the
 * fix is a later date, or enrolling in time).
 */
import { decoded, step, type ProtocolContext } from "../../protocol/common/context.js";
import type { FlowResult } from "../flow.js";

/** Where the device keeps the deadline of the profile Knox assigned it (survives a restart, not a factory reset). */
export const PORTAL_DEADLINE_KEY = "android.kme.enrollBy";
export const PORTAL_LOCKED = "android.portal.locked-deadline";
export const LOCKED_STATE_TEXT = "Locked due to timeout";

/** The KME document's Advanced Profile deadline (ms since epoch), if it has one. */
export function kmeDeadline(text: string): number | undefined {
  try {
    const v = (JSON.parse(text) as { advancedProfile?: { enrollBy?: unknown } }).advancedProfile?.enrollBy;
    const t = typeof v === "string" ? Date.parse(v) : Number.NaN;
    return Number.isFinite(t) ? t : undefined;
  } catch {
    return undefined;
  }
}

/** The locked outcome when the device's clock is past the deadline and it is not enrolled; undefined otherwise. */
export async function deadlineLock(ctx: ProtocolContext, enrollBy: number | undefined, when: "before setup" | "after setup"): Promise<FlowResult | undefined> {
  if (enrollBy === undefined || ctx.clock.now() <= enrollBy) return undefined;
  const by = new Date(enrollBy).toISOString();
  await step(ctx, "android.portal.deadline", async () => decoded(ctx, "android.portal.deadline", { enrollBy: by, now: new Date(ctx.clock.now()).toISOString(), enrolled: false, checked: when, effect: "Knox locks the device" }));
  return {
    ok: false,
    code: PORTAL_LOCKED,
    step: "android.portal.deadline",
    message: `Knox locked the device: its Knox Mobile Enrollment Advanced Profile requires enrollment in the EMM by ${by}, and it was not enrolled by then (${when})`,
    shown: { text: LOCKED_STATE_TEXT, screen: "Knox Admin Portal › device state (Knox Mobile Enrollment); the device is locked — its lock screen text is not published" },
    keychain: { identities: [] },
  };
}
