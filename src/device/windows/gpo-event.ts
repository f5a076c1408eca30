// SPDX-License-Identifier: MIT
/**
 * What a PC records when the GPO auto-enrollment task fails: the task has no UI, so the failure is one line of
 * Event ID 76 in Event Viewer › Applications and Services Logs › Microsoft › Windows ›
 * DeviceManagement-Enterprise-Diagnostics-Provider › Admin. Microsoft Learn, "Troubleshooting Windows 10 Group
 * Policy-based auto-enrollment in Intune" (Event 76 example):
 *   Auto MDM Enroll: Device Credential (0x0), Failed (Unknown Win32 Error code: 0x8018002b)
 * The credential label is the MDM Group Policy's own setting (Computer Configuration › Administrative Templates ›
 * Windows Components › MDM › "Enable automatic MDM enrollment using default Azure AD credentials", "Select
 * Credential Type to Use": User Credential / Device Credential; registry UseAADCredentialType 1 = user, 2 = device).
 * The value in parentheses after the label is NOT published: Learn's example prints 0x0, field reports print 0x1
 * with the same "Device Credential" label (IntuneDocs#3335), so it does not encode the credential type; enrollsim
 * prints Learn's 0x0 and says so here. The failure part is Windows' message text for the HRESULT where one is
 * published for this event, else "Unknown Win32 Error code: 0x…" (lower-case hex, as Event 76 writes it).
 * Every failed outcome of the windows-gpo flow gets its shown text from here (shown.ts); the task that does not
 * start at all (Task Scheduler event 7016, state.ts) keeps its own event.
 */
import { hresultHex } from "../../wire/windows/menroll.js";
import type { Shown } from "../shown.js";

/** The GPO's "Select Credential Type to Use" (scenario option windows.gpoCredential). */
export type GpoCredential = "user" | "device";

/** The screen every GPO outcome is recorded on. */
export const GPO_EVENT_SCREEN = "Event Viewer (DeviceManagement-Enterprise-Diagnostics-Provider), no UI: Auto MDM Enroll task";

/**
 * Windows' message text Event 76 prints for an HRESULT instead of "Unknown Win32 Error code", where a field
 * report quotes it: 0x80190190 (HTTP 400) "Bad request (400)." — Event 76 "Auto MDM Enroll: Device Credential (0x1),
 * Failed (Bad request (400).)" reported with the MmpcEnrollmentFlag left at 2 (Quest KBs, fleetdm issue tracker).
 * Others are not published for this event: they print as unknown.
 */
const EVENT76_MESSAGE: Record<number, string> = { 0x80190190: "Bad request (400)." };

/** The credential type a scenario's Windows options set for the GPO (default user: the setting Learn's GPO procedure selects). */
export const gpoCredentialOf = (raw: { gpoCredential?: GpoCredential } | undefined): GpoCredential => raw?.gpoCredential ?? "user";

/** Event 76's line with this failure part (Windows' message text, or the unknown-code form). */
export function event76Line(failed: string, credential: GpoCredential = "user"): string {
  return `Auto MDM Enroll: ${credential === "device" ? "Device Credential" : "User Credential"} (0x0), Failed (${failed})`;
}

/** Event 76's line for a failed auto-enrollment with this HRESULT. */
export function event76Text(hresult: number, credential: GpoCredential = "user"): string {
  const h = hresult >>> 0;
  return event76Line(EVENT76_MESSAGE[h] ?? `Unknown Win32 Error code: ${hresultHex(h).toLowerCase()}`, credential);
}

/**
 * A GPO outcome's shown, on the Event 76 screen with Event 76's line built from its code. One with no code (nothing
 * published for the condition) keeps its text; one the Task Scheduler log holds (7016: the task never ran) is kept.
 */
export function gpoEventShown(shown: Shown, credential: GpoCredential = "user"): Shown {
  if (shown.screen.startsWith("Event Viewer (Task Scheduler")) return shown;
  const code = shown.code && /^0x[0-9a-f]{8}$/i.test(shown.code) ? Number.parseInt(shown.code, 16) : undefined;
  return { ...shown, screen: GPO_EVENT_SCREEN, ...(code !== undefined ? { text: event76Text(code, credential) } : {}) };
}
