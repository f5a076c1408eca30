// SPDX-License-Identifier: MIT
/**
 * What a Windows device shows when the directory join or registration is refused, from the
 * service's answer (protocol/windows/join.ts) and the DSREG table (wire/windows/dsreg.ts):
 *
 * - Autopilot, Device preparation: the ESP line of the phase that failed, "(Failed: …)" as Windows
 *   prints it. 0x801C03EA appears as "Registering your device for mobile management (Failed: 3,
 *   0x801C03EA)." (Troubleshoot Windows device enrollment errors in Intune); a missing Autopilot object
 *   during pre-provisioning shows the red failure screen and "HResult error code 0x801C03F3" in the
 *   Microsoft-Windows-User Device Registration/Admin log (Windows Autopilot known issues) — the line
 *   that fails is the Entra join, "Joining your organization's network". A refused TPM validation of that join
 *   (sub code MsaTicketTpmValidationFailed, 0x801C0003) fails "Securing your hardware (Failed: 0x801c0003)" with event
 *   204 in that log (rockenroll.tech, "Autopilot White Glove 0x801c0003 error").
 * - A user's join (Autopilot user-driven, OOBE, Settings): "Something went wrong." with the code; for
 *   0x801C0003 "This user is not authorized to enroll." (Troubleshoot Microsoft Entra join: 801C0003
 *   on "Something went wrong").
 * - 0x801C03ED (a user the tenant's "Users may join devices" leaves out) in OOBE or Settings: "Something went wrong.
 *   Confirm you are using the correct sign-in information and that your organization uses this feature. You can try
 *   to do this again or contact your system administrator with the error code 801c03ed", with the server's message
 *   ("Administrator policy does not allow user … to device join") under Additional problem information
 *   (crazy-max/WindowsSpyBlocker#522; the same first sentences Microsoft Learn prints for 80180026).
 * - A provisioning package: "A setup failure has occurred during bulk enrollment." (Intune docs).
 * - No HRESULT in the answer, or one outside the table: the server's code as unknown (raw value).
 */
import { caaForOAuthError, caaHex } from "../../wire/windows/caa.js";
import { dsregByHresult, parseDsregHresult } from "../../wire/windows/dsreg.js";
import { hresultHex } from "../../wire/windows/menroll.js";
import type { JoinOutcome } from "../../protocol/windows/join.js";
import type { Shown } from "../shown.js";

type Refused = Extract<JoinOutcome, { status: "refused" }>;

/** The outcome code for a refusal reason; 0x801C0003 refusals (join rights, quota) keep `windows.join.disallowed`. */
const OUTCOME: Record<string, string> = {
  "join-not-allowed": "windows.join.disallowed",
  "device-quota": "windows.join.disallowed",
  "device-object-missing": "windows.join.device-object-missing",
  "device-object-disabled": "windows.join.device-object-disabled",
  "device-object-pending": "windows.join.device-object-pending",
  "device-attestation-refused": "windows.join.device-not-authorized",
  // The attestation model refused the TPM's firmware (server/policy/tpm-attestation.ts): the same outcome as a forced verdict.
  "tpm-attestation-refused": "windows.autopilot.tpm-attestation",
  "autopilot-profile-conflict": "windows.join.device-not-authorized",
  // The join presented no MFA in its token where the tenant requires MFA to join (server/policy/join-mfa.ts).
  "mfa-required": "windows.join.mfa-required",
  // A provisioning package's bulk token (BPRT) refused when Windows redeems it (server/windows/drs.ts): AADSTS700082, invalid_grant.
  "bulk-token-expired": "windows.bulk.token-expired",
};

/** OOBE's and Settings' "Something went wrong" page for a refused join or enrollment, before the code. */
export const CONFIRM_SIGN_IN_TEXT = "Something went wrong. Confirm you are using the correct sign-in information and that your organization uses this feature. You can try to do this again or contact your system administrator with the error code";

export interface JoinFailure {
  code: string;
  message: string;
  shown: Shown;
  /** The ESP Device preparation line that failed (Autopilot), for the phase record. */
  espLine?: string;
}

export function joinFailure(r: Refused, where: { flowKind: string; attested: boolean; screen: string }): JoinFailure {
  if (r.oauthError) return redemptionFailure(r, where);
  const h = r.error ? parseDsregHresult(r.error) : undefined;
  const row = h !== undefined ? dsregByHresult(h) : undefined;
  const hex = h !== undefined ? hresultHex(h) : undefined;
  const code = (r.reason && OUTCOME[r.reason]) ?? (h === 0x801c0003 || h === 0x801c03ed ? "windows.join.disallowed" : "windows.join.refused");
  const server = `${r.serverError ? `${r.serverError}: ` : ""}${r.message} (HTTP ${r.httpStatus})`;
  let text: string;
  let espLine: string | undefined;
  if (where.flowKind === "autopilot" && h === 0x801c03ea) {
    espLine = `Registering your device for mobile management (Failed: 3, ${hex})`;
    text = `${espLine}.`;
  } else if (where.flowKind === "autopilot" && where.attested && r.serverSubCode === "MsaTicketTpmValidationFailed" && hex) {
    // The TPM validation of the attested join (blind trial 9 ticket 02, rockenroll.tech): the screen's line is "Securing
    // your hardware", the User Device Registration log's event 204 carries the code and the server's code and sub code.
    espLine = `Securing your hardware (Failed: ${hex.toLowerCase()})`;
    text = `${espLine}; Microsoft-Windows-User Device Registration/Admin event 204: error code ${hex.toLowerCase()} {"Code":"${r.serverError ?? ""}","SubCode":"${r.serverSubCode}"}`;
  } else if (where.flowKind === "autopilot" && where.attested && hex) {
    espLine = `Joining your organization's network (Failed: ${hex.toLowerCase()})`;
    text = `${espLine}; Microsoft-Windows-User Device Registration/Admin: HResult error code ${hex}`;
  } else if (where.flowKind === "autopilot" && where.attested) {
    // No HRESULT is published for this answer: the line fails, and the code it would print is not invented.
    espLine = "Joining your organization's network (Failed)";
    // The service's words are the failure's `serverSaid` (and in its message), not the device's text.
    text = `${espLine}; the HRESULT Windows reports for this is not published`;
  } else if (where.flowKind === "gpo") {
    // No UI: the User Device Registration log and dsregcmd /status "Previous Registration" (Troubleshoot hybrid joined devices).
    text = `dsregcmd /status: Error Phase : join, Client ErrorCode : ${hex ? hex.toLowerCase() : "(none)"}, Server ErrorCode : ${r.serverError ?? "(none)"}, Server Message : ${r.message}, Https Status : ${r.httpStatus}`;
  } else if (where.flowKind === "bulk") text = "A setup failure has occurred during bulk enrollment.";
  else if (h === 0x801c03ed) text = `${CONFIRM_SIGN_IN_TEXT} ${hex!.slice(2).toLowerCase()}. Server message: ${r.message}`;
  else if (h === 0x801c0003) text = `Something went wrong. This user is not authorized to enroll. You can try to do this again or contact your system administrator with the error code ${hex!.slice(2).toLowerCase()}`;
  else text = `Something went wrong.${hex ? ` Error code ${hex.slice(2).toLowerCase()}` : ""}`;
  const shown: Shown = {
    ...(hex ? { code: hex } : {}),
    ...(row?.name ? { name: row.name } : {}),
    text,
    screen: where.screen,
    // The service's own words (shown on screen too only where the surface prints them: 801c03ed, dsregcmd).
    serverSaid: `${r.serverError ? `${r.serverError}: ` : ""}${r.message}`,
    ...(row ? {} : { unknown: { raw: r.error ?? r.serverError ?? `HTTP ${r.httpStatus}` } }),
  };
  const meaning = row ? ` — ${row.name ? `${row.name}: ` : ""}${row.meaning}` : "";
  return { code, message: `${text}${hex && !text.includes(hex) ? ` (${hex})` : ""}${meaning} [server: ${server}]`, shown, ...(espLine ? { espLine } : {}) };
}

/**
 * The join's token redemption refused (an OAuth 2.0 error answer, e.g. a provisioning package's expired bulk token):
 * Windows reports the Web Account Manager's CAA code of the `error` (invalid_grant → 0xCAA20003
 * ERROR_ADAL_SERVER_ERROR_INVALID_GRANT; docs.workspot.com/docs/error-code-0xcaa20003), the AADSTS code is the cause.
 * A provisioning package shows its bulk-enrollment failure text (Intune docs) with that code.
 */
function redemptionFailure(r: Refused, where: { flowKind: string; screen: string }): JoinFailure {
  const { caa, known } = caaForOAuthError(r.oauthError!);
  const hex = caaHex(caa.code);
  const code = (r.reason && OUTCOME[r.reason]) ?? "windows.join.refused";
  // How the package's failure page prints the code beside its text is not published: the code is the shown code, not in the text.
  const text = where.flowKind === "bulk" ? "A setup failure has occurred during bulk enrollment." : `Something went wrong. Error code: ${hex.slice(2).toLowerCase()}`;
  const shown: Shown = {
    code: hex,
    name: caa.name,
    text,
    screen: where.screen,
    // Entra's error_description already begins with its AADSTS code.
    serverSaid: r.serverError && !r.message.startsWith(r.serverError) ? `${r.serverError}: ${r.message}` : r.message,
    ...(known ? {} : { unknown: { raw: r.oauthError! } }),
  };
  return { code, message: `${text}${text.includes(hex.slice(2).toLowerCase()) ? "" : ` (${hex})`} — ${caa.name}: ${caa.description} [server: ${r.oauthError}: ${r.message} (HTTP ${r.httpStatus})]`, shown };
}
