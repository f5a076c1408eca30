// SPDX-License-Identifier: MIT
/**
 * What a Windows PC does in OOBE when it gets no Autopilot profile: the device is not registered, or the
 * request to the deployment service failed (a firewall or DNS filter blocking ztd.dds.microsoft.com, no route,
 * an outage). Sources:
 *
 * - Microsoft Learn, "Windows Autopilot troubleshooting FAQ" (MicrosoftDocs/memdocs autopilot/troubleshooting-faq.yml):
 *   the profile "is downloaded as soon as possible, and again after each reboot"; the registry value
 *   `HKLM\SOFTWARE\Microsoft\Provisioning\Diagnostics\Autopilot\IsAutopilotDisabled` = 1 "indicates that the device
 *   isn't registered with Windows Autopilot. This state could also indicate that the Windows Autopilot profile
 *   couldn't be downloaded because of network connectivity or firewall issues, or network timeouts"; without a
 *   profile CloudAssignedTenantDomain / CloudAssignedTenantId are blank (no company-branded page, no tenant match).
 * - Patch My PC, "The Autopilot profile doesn't decide if a device is corporate" (2025): when the profile fails to
 *   download, OOBE shows its default (consumer-looking) screens, and a work account signed in there still joins
 *   Microsoft Entra ID and enrolls in MDM by automatic enrollment.
 * - Blind trial 6 ticket 03 (crazy-max/WindowsSpyBlocker#522): a DNS block of ztd.dds.microsoft.com, then the
 *   join refused with 801c03ed "Administrator policy does not allow user … to device join" — the tenant's
 *   "Users may join devices" setting answering an ordinary OOBE join.
 *
 * So a user-driven (or hybrid user-driven) PC carries on: step `autopilot.profile` records IsAutopilotDisabled 1,
 * the sign-in page is the plain "Sign in with Microsoft" (step `oobe.signin`, where the user may still choose a
 * personal setup: the timeline's abandon), and the join is an ordinary user join (not an Autopilot one), which
 * the tenant's device settings (usersMayJoin, deviceQuota) and the MDM user scope then decide. Self-deploying and
 * pre-provisioned runs have no user at the device: without the profile nothing goes on, as before. Windows asks
 * again only after a reboot (the timeline's `reboot`), which is not a retry loop of its own.
 * Assumption (not published): whether Windows reports a distinct code for the failed profile request; none is
 * shown, the request's transport error is kept in the trace.
 */
import { decoded } from "../../protocol/common/context.js";
import type { EspPhase } from "./esp.js";
import type { ResolvedWindowsOptions } from "./options.js";
import type { EnrollRun } from "./run.js";

/** A person is at the device to go on through a plain OOBE (user-driven Entra or hybrid Autopilot). */
export const continuesWithoutProfile = (o: ResolvedWindowsOptions): boolean => o.kind === "autopilot" && (o.mode === "user-driven" || o.mode === "hybrid");

/** The plain-OOBE preparation: no tenant, no ZTD correlation id, no hybrid join (the Intune Connector's blob comes with a profile). */
export function withoutProfile<B extends { deviceName: string; prep: EspPhase; prepStart: number }>(run: EnrollRun, base: B, why: string): B & { hybrid: false; withoutProfile: string } {
  decoded(run.p, "autopilot.profile", { IsAutopilotDisabled: 1, why, then: "plain OOBE: the user's work account joins Microsoft Entra ID as an ordinary OOBE join" });
  return { ...base, hybrid: false, withoutProfile: why };
}
