// SPDX-License-Identifier: MIT
/**
 * What Intune's app on the device shows when its status check finds the device noncompliant (protocol/android/
 * dialects/intune.ts). The device stays enrolled: the result is a background outcome, `android.compliance.noncompliant`.
 *
 * Texts (Microsoft Learn, Intune user help): the Company Portal's Device Settings Status reads "Not in Compliance"
 * ("Check compliance on your Android device"), the Microsoft Intune app's "Noncompliant" ("Check compliance status in
 * Microsoft Intune app"); the per-setting headings are those of "Company Portal device setting requirements for
 * Android" — "Rooted device detected", "Install Android security patch", "Update operating system version",
 * "Operating system isn't supported". That page has no heading for a failed Play Integrity verdict: the shown text then
 * names the admin-center setting and the verdict (an assumption, said in the screen).
 */
import type { BackgroundOutcome } from "../flow.js";
import { INTUNE_COMPLIANCE_STEP } from "../../protocol/android/dialects/intune.js";

export const NONCOMPLIANT = "android.compliance.noncompliant";

/** The user-help heading for one failing setting (compliance.ts names them), when one is published. */
function heading(failing: string): string | undefined {
  if (failing.startsWith("Rooted devices")) return "Rooted device detected";
  if (failing.startsWith("Minimum security patch level")) return "Install Android security patch";
  if (failing.startsWith("minimum OS")) return "Update operating system version";
  if (failing.startsWith("maximum OS")) return "Operating system isn't supported";
  return undefined;
}

export function noncompliantOutcome(c: { failing: string[] }, managementMode: "DEVICE_OWNER" | "PROFILE_OWNER", at: number): BackgroundOutcome {
  const portal = managementMode === "PROFILE_OWNER";
  const status = portal ? "Not in Compliance" : "Noncompliant";
  const headings = c.failing.map((f) => heading(f) ?? f);
  const unpublished = c.failing.some((f) => heading(f) === undefined);
  return {
    task: INTUNE_COMPLIANCE_STEP,
    ok: false,
    code: NONCOMPLIANT,
    at,
    message: `${status}: ${c.failing.join("; ")} — the device is enrolled, and conditional access that requires a compliant device blocks it`,
    shown: {
      code: status,
      name: headings[0] ?? status,
      text: headings.join("; "),
      // The failing settings as the EMM's compliance answer names them: the server's words, not the app's headings.
      serverSaid: c.failing.join("; "),
      screen: `${portal ? "Company Portal › Devices › this device › Device Settings Status" : "Microsoft Intune app › Devices › this device › Device settings status"}${unpublished ? " (no published heading for a Play Integrity failure: the admin-center setting and the verdict are shown)" : ""}`,
    },
  };
}
