// SPDX-License-Identifier: MIT
/**
 * What a Windows device shows for a failure. During MDM enrollment (discovery, policy, token,
 * certificate auth) the enrollment client reports MENROLL_E_* HRESULTs (MDMRegistration.h):
 * a certificate problem is MENROLL_E_INVALIDSSLCERT (a discovery certificate out of date
 * MENROLL_E_DISCOVERY_SEC_CERT_DATE_INVALID), a name, connection or timeout problem
 * MENROLL_E_CONNECTIVITY, with the WinHTTP HRESULT as the cause the event log records. After
 * enrollment (OMA-DM sessions, the ESP, Autopilot and join services) the WinHTTP HRESULT itself is
 * what is reported. SOAP faults map through MS-MDE2's ErrorType/subcode table (wire/windows/menroll.ts);
 * an HRESULT outside the table is shown as unknown with its raw value.
 */
import { ProtocolViolationError, TransportError } from "../../errors/index.js";
import { ERRORTYPE_TO_MENROLL, hresultHex, MENROLL, SUBCODE_TO_MENROLL, uiTextFor, type MenrollCode } from "../../wire/windows/menroll.js";
import type { FlowResult } from "../flow.js";
import type { SoapFault } from "../../wire/windows/soap.js";
import { httpStatusHresult, WINHTTP, winHttpHresult, type WinHttpError } from "../../wire/windows/winhttp.js";
import { transportCase, type Shown, type ShownInput, type TransportCase } from "../shown.js";
import { fillScreenText, screenFor, type WindowsBuildTable, type WindowsSurface } from "../windows-builds.js";
import { GPO_EVENT_SCREEN, gpoCredentialOf, gpoEventShown, type GpoCredential } from "./gpo-event.js";

/**
 * Which WinHTTP error each transport case is (see wire/windows/winhttp.ts for the meanings). No
 * entry for a redirect to another host: WinHTTP follows it, so Windows shows nothing of its own.
 */
const WINHTTP_FOR: Partial<Record<TransportCase, string>> = {
  "tls.untrusted": "ERROR_WINHTTP_SECURE_INVALID_CA",
  "tls.expired": "ERROR_WINHTTP_SECURE_CERT_DATE_INVALID",
  "tls.not-yet-valid": "ERROR_WINHTTP_SECURE_CERT_DATE_INVALID",
  "tls.weak-signature": "ERROR_WINHTTP_SECURE_INVALID_CERT",
  "tls.weak-key": "ERROR_WINHTTP_SECURE_INVALID_CERT",
  "tls.wrong-usage": "ERROR_WINHTTP_SECURE_CERT_WRONG_USAGE",
  "tls.policy": "ERROR_WINHTTP_SECURE_INVALID_CERT",
  "tls.wrong-host": "ERROR_WINHTTP_SECURE_CERT_CN_INVALID",
  "tls.protocol-version": "ERROR_WINHTTP_SECURE_CHANNEL_ERROR",
  "tls.client-cert-required": "ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED",
  "tls.client-cert-refused": "ERROR_WINHTTP_SECURE_CHANNEL_ERROR",
  // WinHTTP failing on a server's mid-connection renegotiation: 12152 (NeySlim/ultimate-ca-manager#326, device/tls-renegotiation.ts).
  "tls.renegotiation": "ERROR_WINHTTP_INVALID_SERVER_RESPONSE",
  tls: "ERROR_WINHTTP_SECURE_FAILURE",
  "dns.nxdomain": "ERROR_WINHTTP_NAME_NOT_RESOLVED",
  "dns.timeout": "ERROR_WINHTTP_NAME_NOT_RESOLVED",
  "dns.servfail": "ERROR_WINHTTP_NAME_NOT_RESOLVED",
  "dns.no-address": "ERROR_WINHTTP_NAME_NOT_RESOLVED",
  dns: "ERROR_WINHTTP_NAME_NOT_RESOLVED",
  "connect.refused": "ERROR_WINHTTP_CANNOT_CONNECT",
  "connect.timeout": "ERROR_WINHTTP_TIMEOUT",
  "reset.before-response": "ERROR_WINHTTP_CONNECTION_ERROR",
  "reset.mid-body": "ERROR_WINHTTP_CONNECTION_ERROR",
  reset: "ERROR_WINHTTP_CONNECTION_ERROR",
  "timeout.response": "ERROR_WINHTTP_TIMEOUT",
  timeout: "ERROR_WINHTTP_TIMEOUT",
  "redirect.loop": "ERROR_WINHTTP_REDIRECT_FAILED",
  "too-large": "ERROR_WINHTTP_RESPONSE_DRAIN_OVERFLOW",
};

/**
 * The hybrid join before GPO auto-enrollment is another task (Automatic-Device-Join): it records its failure in the
 * User Device Registration log and dsregcmd /status (join-shown.ts), not in Event 76.
 */
const isJoinStep = (step: string | undefined): boolean => step?.startsWith("join.") ?? false;
const GPO_JOIN_SCREEN = "dsregcmd /status and Event Viewer (Microsoft-Windows-User Device Registration › Admin), no UI: Automatic-Device-Join task";

/** Steps the MDM enrollment client runs (MS-MDE2): failures there surface as MENROLL_E_*. */
const ENROLLMENT_STEP = /^(discovery|policy|xcep|enroll|wstep|auth)(\.|$)/;

/** Where the user meets the failure, by step and flow. */
export function windowsScreen(step: string | undefined, flow: string | undefined): string {
  if (step?.startsWith("esp.")) return "Enrollment Status Page";
  // The hybrid join before GPO auto-enrollment is the Automatic-Device-Join task's, with its own record (join-shown.ts).
  if (flow === "windows-gpo" && isJoinStep(step)) return GPO_JOIN_SCREEN;
  if (flow === "windows-gpo") return GPO_EVENT_SCREEN;
  if (flow === "windows-byod") return "Settings › Accounts › Access work or school";
  if (flow === "windows-bulk") return "Provisioning package install (OOBE, or Settings › Accounts › Access work or school › Add or remove a provisioning package)";
  if (flow === "windows-tenant-attach") return "Configuration Manager client logs, no UI";
  if (flow?.startsWith("windows-")) return "OOBE (out-of-box experience)";
  return "Settings › Accounts › Access work or school";
}

const menrollShown = (m: MenrollCode, screen: string, cause?: Shown["cause"]): Shown => ({
  code: hresultHex(m.hresult),
  name: m.name,
  text: uiTextFor(m),
  screen,
  ...(cause ? { cause } : {}),
});

const winHttpShown = (w: WinHttpError, screen: string): Shown => ({ code: hresultHex(winHttpHresult(w)), name: w.name, text: w.meaning, screen });

/**
 * A thrown failure (transport, or a server message the client cannot use); undefined when Windows shows nothing of its own
 * (scenario or internal errors). The GPO task has no UI: its failures are Event 76's line for the code (gpo-event.ts).
 */
export function windowsShownForError(input: ShownInput): Shown | undefined {
  const shown = shownForThrown(input);
  if (!shown || input.flow !== "windows-gpo" || isJoinStep(input.step ?? input.error.step)) return shown;
  return gpoEventShown(shown, gpoCredentialOf((input.options as { windows?: { gpoCredential?: GpoCredential } } | undefined)?.windows));
}

function shownForThrown(input: ShownInput): Shown | undefined {
  const e = input.error;
  const step = input.step ?? e.step;
  const screen = windowsScreen(step, input.flow);
  const enrolling = step !== undefined && ENROLLMENT_STEP.test(step);
  // The user closed the enrollment wizard at one of its prompts (timeline abandon: the MFA prompt,
  // the redirect confirmation, the sign-in page): the enrollment client reports the cancel as
  // MENROLL_E_USER_CANCELED (MDMRegistration.h; ConfigMgr co-management error table: "the user
  // ignores or cancels the MFA prompt"). By step, not screen: Autopilot's auth.* steps inside OOBE show it
  // too; abandoning at OOBE's or the ESP's own steps (autopilot.*, join.*, esp.*) shows nothing of its own.
  if (e.code === "user.abandoned") return enrolling ? menrollShown(MENROLL.MENROLL_E_USER_CANCELED!, screen) : undefined;
  if (e instanceof TransportError) {
    const c = transportCase(e);
    if (!c) return undefined;
    if (c === "http-status") {
      if (e.status === undefined) return undefined;
      const h = httpStatusHresult(e.status);
      return { code: hresultHex(h.hresult), ...(h.name ? { name: h.name } : {}), text: `The server answered HTTP ${e.status}.`, screen };
    }
    const wname = WINHTTP_FOR[c];
    if (!wname) return undefined; // "other": an adapter failure nobody classified; no code is invented for it
    const w = WINHTTP[wname]!;
    if (!enrolling) return winHttpShown(w, screen);
    const cause = { code: hresultHex(winHttpHresult(w)), name: w.name };
    if (c.startsWith("tls")) {
      const m = (c === "tls.expired" || c === "tls.not-yet-valid") && step!.startsWith("discovery") ? MENROLL.MENROLL_E_DISCOVERY_SEC_CERT_DATE_INVALID! : MENROLL.MENROLL_E_INVALIDSSLCERT!;
      return menrollShown(m, screen, cause);
    }
    if (/^(dns|connect|reset|timeout)/.test(c)) return menrollShown(MENROLL.MENROLL_E_CONNECTIVITY!, screen, cause);
    return winHttpShown(w, screen);
  }
  if (e instanceof ProtocolViolationError && enrolling) {
    // The enrollment client could not use the server's message.
    const m = e.code === "soap.empty" ? MENROLL.MENROLL_E_EMPTY_MESSAGE! : MENROLL.MENROLL_E_DEVICE_MESSAGE_FORMAT_ERROR!;
    return menrollShown(m, screen);
  }
  return undefined;
}

/**
 * A SOAP fault from an enrollment endpoint: MS-MDE2 ErrorType / subcode → MENROLL_E_*. A fault
 * whose ErrorType and subcode are both outside the table is what Windows calls
 * MENROLL_E_DEVICE_UNKNOWN_ERROR; the raw value is kept as `unknown.raw`.
 */
export function windowsShownForFault(f: Pick<SoapFault, "name" | "hresult" | "errorType" | "subcode" | "code" | "uiText"> & Partial<Pick<SoapFault, "reason" | "detailMessage">>, step: string, flow?: string): Shown {
  const screen = windowsScreen(step, flow);
  const byType = f.errorType ? ERRORTYPE_TO_MENROLL[f.errorType.toLowerCase()] : undefined;
  const bySub = f.subcode ? SUBCODE_TO_MENROLL[f.subcode.toLowerCase()] : undefined;
  // The fault's own text (detail Message, else Reason) is the server's words: Windows shows the MENROLL text for the code.
  // (MS-MDE2 §2.2.10, errata of 2023-06-12, adds a CustomServerError detail message that applicable Windows versions use;
  // not modelled, so no Windows surface here shows the server's words.)
  const said = f.detailMessage ?? f.reason;
  const shown: Shown = { code: hresultHex(f.hresult), name: f.name, text: f.uiText, screen, ...(said ? { serverSaid: said } : {}) };
  if (!byType && !bySub) shown.unknown = { raw: f.errorType ?? f.subcode ?? f.code ?? "(no fault code)" };
  return shown;
}

/**
 * A Windows flow outcome with what the device shows: SOAP faults carry theirs already; a failed
 * ESP or device-preparation phase shows the phase's screen text (esp.ts holds those texts).
 */
export function withWindowsShown<R extends FlowResult & { windows?: { esp: { result: string; screen?: string; phase: string }[] } }>(out: R, flow: string, credential: GpoCredential = "user"): R {
  const r = shownOf(out, flow);
  if (r.ok || flow !== "windows-gpo" || isJoinStep(r.step)) return r;
  // The GPO task has no UI: every outcome is Event 76's line for its code (gpo-event.ts), wherever the code came from.
  if (r.shown) return { ...r, shown: gpoEventShown(r.shown, credential) };
  // A refusal the task reports by HRESULT only (state.ts: "Event 76: Auto MDM Enroll: … (Unknown Win32 Error code: 0x…)").
  const code = /^Event 76: .*?Error code: (0x[0-9a-f]{8})\)/i.exec(r.message ?? "")?.[1];
  return code ? { ...r, shown: gpoEventShown({ code: `0x${code.slice(2).toUpperCase()}`, text: "", screen: GPO_EVENT_SCREEN }, credential) } : r;
}

function shownOf<R extends FlowResult & { windows?: { esp: { result: string; screen?: string; phase: string }[] } }>(out: R, flow: string): R {
  if (out.ok) return out;
  // A shown the ESP built names its phase already ("Enrollment Status Page (DeviceSetup)"), one the Task Scheduler log holds (the GPO task did not start, state.ts): kept.
  const own = (screen: string) => screen.startsWith("Enrollment Status Page (") || screen.startsWith("Event Viewer (Task Scheduler");
  if (out.shown) return { ...out, shown: { ...out.shown, screen: own(out.shown.screen) ? out.shown.screen : windowsScreen(out.step, flow) } };
  // Outcomes the flow names by constant ("MENROLL_E_USER_CANCELED (0x8018002A): …"): the table gives code and text.
  const named = /\b(MENROLL_E_[A-Z0-9_]+)\b/.exec(out.message ?? "")?.[1];
  if (named && MENROLL[named]) return { ...out, shown: menrollShown(MENROLL[named]!, windowsScreen(out.step, flow)) };
  const failed = [...(out.windows?.esp ?? [])].reverse().find((p) => p.result !== "success" && p.result !== "skipped" && p.screen);
  if (!failed?.screen) return out;
  const code = /\b(0x[0-9a-f]{8})\b/i.exec(failed.screen)?.[1] ?? /error code ([0-9a-f]{8})\b/i.exec(failed.screen)?.[1];
  return { ...out, shown: { ...(code ? { code: code.startsWith("0x") ? code : `0x${code}` } : {}), text: failed.screen, screen: failed.phase === "DevicePreparation" ? "Enrollment Status Page (Device preparation)" : `Enrollment Status Page (${failed.phase})` } };
}

/** The build table's surface for a screen `windowsScreen` names; undefined for screens with no enrollment error page (logs, packages). */
export function surfaceOf(screen: string): WindowsSurface | undefined {
  if (screen.startsWith("OOBE")) return "oobe";
  if (screen.startsWith("Settings")) return "settings";
  if (screen.startsWith("Enrollment Status Page")) return "esp";
  return undefined;
}

/**
 * The text the device's build shows for this code on this surface, where the build table publishes one
 * (devices/windows/builds.yaml: Windows 11 25H2's OOBE page for 80180006, fleetdm/fleet#49329). Elsewhere the
 * text stays the one the code's table gives (wire/windows/menroll.ts).
 */
export function withBuildScreen<R extends FlowResult & { serverDetail?: { message?: string; correlationId?: string } }>(out: R, builds: WindowsBuildTable | undefined, version: string): R {
  if (out.ok || !out.shown?.code || !builds?.length) return out;
  const surface = surfaceOf(out.shown.screen);
  const row = surface ? screenFor(builds, version, surface, out.shown.code) : undefined;
  if (!row) return out;
  return { ...out, shown: { ...out.shown, text: fillScreenText(row.text, out.shown.code, out.serverDetail) } };
}
