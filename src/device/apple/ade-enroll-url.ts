// SPDX-License-Identifier: MIT
/**
 * Setup Assistant and the enrollment URLs of the cloud configuration (ADE), and what the device
 * records when the enrollment URL gives it no profile.
 *
 * Which URL: Apple's Device Assignment `Profile` object has `url` (where the device POSTs its signed
 * MachineInfo) and `configuration_web_url` ("the URL that the clients load into a web view during
 * setup … the web view looks for a page with MIME type application/x-apple-aspen-config",
 * developer.apple.com/documentation/devicemanagement/profile). With `configuration_web_url` the
 * device opens the web view; else it POSTs to `url`. Apple's define-profile service refuses a
 * profile without `url` (400 CONFIG_URL_REQUIRED, "The MDM server URL is missing in the uploaded
 * profile", developer.apple.com/documentation/devicemanagement/define-profile), so Apple never hands
 * a device a cloud configuration with neither; one can still reach a device from a cloud
 * configuration served by the server under test (`options.apple.ade.cloudConfigUrl`) or given in
 * `options.apple.ade.cloudConfig`. The device then has nowhere to ask: it does not fall back to any
 * URL of its own.
 *
 * What the user sees when Setup Assistant gets no profile: "Retrieving Enrollment Profile", then
 * the Remote Management pane again (micromdm/micromdm#846, a Mac: "It says 'Retrieving Enrollment
 * Profile' and returns to the screen"). No error text of the pane is published for this, so the
 * condition is reported as unknown with what the device met; the published quote is a Mac's, an
 * iPhone or iPad is assumed to behave the same (no iOS source found). Tapping Continue again on that
 * pane is the timeline's `tryAgain` (the flow asks the enrollment URL again).
 *
 * What macOS logs: mdmclient, for a 500 from the enrollment URL on macOS 13.1 (micromdm/micromdm#854):
 *   CloudConfig: Get activation profile returning error after 0.25 secs
 *   CloudConfig: Error returning activation profile.   Error = 500; Datasize = 0
 * The same lines are written for any error status (the status in place of 500), with the request's
 * time; `Datasize = 0` is what the only published line shows for an error answer (an assumption for
 * other statuses). No log line is published for iOS/iPadOS, nor for the web-view path.
 */
import { note } from "../../protocol/common/context.js";
import type { FlowResult } from "../flow.js";
import type { Shown } from "../shown.js";
import { fail } from "./enroll-common.js";
import { appleScreen } from "./shown.js";
import type { AppleDevice } from "./state.js";

/** The on-screen text of the Remote Management pane while it fetches the profile (micromdm#846). */
export const RETRIEVING_TEXT = "Retrieving Enrollment Profile";

/**
 * Statuses the enrollment URL may answer that the flow reads itself rather than throwing: every 4xx and
 * 5xx. A redirect the HTTP client could not follow (another scheme) stays a transport failure.
 */
export const ENROLL_URL_STATUSES: readonly number[] = Array.from({ length: 200 }, (_, i) => i + 400);

/**
 * The User-Agent of the MachineInfo POST from a Mac: cloudconfigurationd's, not mdmclient's
 * (MicroMDM's server log in micromdm/micromdm#854, macOS 13.1: `user_agent=CloudConfiguration-OSX/1.0
 * path=/mdm/enroll`, logfmt unquoted, so the whole value). An iPhone/iPad's is not published: the
 * device's usual one stays. The web view sends its browser's (not modelled: the device's usual one).
 */
export const MAC_MACHINEINFO_UA = "CloudConfiguration-OSX/1.0";

/** A sample of step ade.enroll is failed when the answer is an error the flow ends on (401 and 403 are read: a challenge, an error body). */
export const failedAnswer = (res: { status: number }): boolean => res.status >= 400 && res.status !== 401 && res.status !== 403;

/** How the device asks: the web view at `configuration_web_url`, or the MachineInfo POST to `url`. */
export type EnrollVia = "web-view" | "machineinfo-post";

/** The URL the device asks for its enrollment profile, or undefined when the cloud configuration names none. */
export function enrollmentRequest(webUrl: string | undefined, url: string | undefined): { via: EnrollVia; url: string } | undefined {
  if (webUrl) return { via: "web-view", url: webUrl };
  if (url) return { via: "machineinfo-post", url };
  return undefined;
}

function backAtPane(flow: string, condition: string, cause?: string, mdmclient?: string[]): Shown {
  return {
    // The pane's text is what the screen shows; mdmclient's CloudConfig lines (micromdm/micromdm#854) are the Mac's own
    // words too, but in its log, not on the pane: kept apart (`logged`), matched by expect.shown all the same.
    text: RETRIEVING_TEXT,
    ...(mdmclient ? { logged: [...mdmclient] } : {}),
    screen: appleScreen("ade.enroll", flow),
    unknown: { raw: condition, of: "condition" },
    ...(cause ? { cause: { code: cause } } : {}),
  };
}

/**
 * The web view shows whatever page the server answered (Apple: the user may navigate during
 * authentication; only a page of MIME type application/x-apple-aspen-config ends it). What such a
 * page says is the server's; the device adds no text of its own, so the status is what is shown.
 */
function inWebView(flow: string, status: number): Shown {
  return { text: `HTTP ${status}`, screen: `${appleScreen("ade.enroll", flow)} (web view)`, unknown: { raw: `HTTP ${status} in the web view`, of: "condition" }, cause: { code: `HTTP ${status}` } };
}

/** mdmclient's CloudConfig lines for an error answer (macOS, MachineInfo POST), or undefined where none is published. */
export function mdmclientLines(dev: AppleDevice, via: EnrollVia, status: number, elapsedMs: number): string[] | undefined {
  if (dev.osName !== "macOS" || via !== "machineinfo-post") return undefined;
  const secs = (Math.max(0, elapsedMs) / 1000).toFixed(2);
  return [`CloudConfig: Get activation profile returning error after ${secs} secs`, `CloudConfig: Error returning activation profile.   Error = ${status}; Datasize = 0`];
}

function record(dev: AppleDevice, via: EnrollVia, lines: string[] | undefined, what: Record<string, unknown>): void {
  note(dev.ctx.protocol, "ade.enroll", {
    ...what,
    via,
    ...(lines ? { process: "mdmclient", log: lines, source: "micromdm/micromdm#854 (macOS 13.1)" } : { log: null, why: `no published ${dev.osName} log line for this answer${via === "web-view" ? " in the web view" : ""}` }),
    then: via === "web-view" ? "the web view shows the server's page; no profile" : "Setup Assistant returns to the Remote Management pane",
  });
}

/** The cloud configuration has neither `url` nor `configuration_web_url`: nothing is asked, the pane comes back. */
export function noEnrollmentUrl(dev: AppleDevice, flow: string): FlowResult {
  note(dev.ctx.protocol, "ade.enroll", {
    cloudConfig: "neither url nor configuration_web_url",
    request: null,
    why: "the device has no enrollment URL of its own to fall back to; Apple's define-profile refuses such a profile (400 CONFIG_URL_REQUIRED)",
    then: "Setup Assistant returns to the Remote Management pane",
  });
  return fail(
    dev,
    "apple.ade.no-enrollment-url",
    "ade.enroll",
    `the cloud configuration has neither url nor configuration_web_url, so Setup Assistant has nowhere to get the enrollment profile: "${RETRIEVING_TEXT}", then the Remote Management pane again`,
    backAtPane(flow, "cloud configuration without url or configuration_web_url"),
  );
}

/** The enrollment URL answered an error status other than the ones Setup Assistant reads (401 challenge, 403 error body). */
export function enrollUrlStatus(dev: AppleDevice, flow: string, req: { via: EnrollVia; url: string }, status: number, bytes: number, elapsedMs: number): FlowResult {
  const lines = mdmclientLines(dev, req.via, status, elapsedMs);
  record(dev, req.via, lines, { status, bytes });
  const code = `apple.ade.enroll-http-status.${status}`;
  if (req.via === "web-view") return fail(dev, code, "ade.enroll", `the web view at ${req.url} answered HTTP ${status} instead of an enrollment profile: it shows the server's page and no profile comes`, inWebView(flow, status));
  return fail(
    dev,
    code,
    "ade.enroll",
    `the enrollment URL (POST ${req.url}) answered HTTP ${status} instead of an enrollment profile: "${RETRIEVING_TEXT}", then the Remote Management pane again${lines ? `; mdmclient: ${lines[1]}` : ""}`,
    backAtPane(flow, `HTTP ${status} from the enrollment URL`, `HTTP ${status}`, lines),
  );
}

/**
 * The MachineInfo POST was answered 2xx with something that is not an enrollment profile (a web
 * page, JSON). (In the web view such a page is the server's sign-in page, which the flow does not
 * walk: that stays a protocol violation there.)
 */
export function enrollUrlNotAProfile(dev: AppleDevice, flow: string, url: string, status: number, contentType: string): FlowResult {
  record(dev, "machineinfo-post", undefined, { status, contentType: contentType || null, expected: "application/x-apple-aspen-config" });
  return fail(
    dev,
    "apple.ade.enroll-not-a-profile",
    "ade.enroll",
    `the enrollment URL (POST ${url}) answered HTTP ${status} with Content-Type "${contentType || "(none)"}", not an enrollment profile (application/x-apple-aspen-config): "${RETRIEVING_TEXT}", then the Remote Management pane again`,
    backAtPane(flow, `Content-Type "${contentType || "(none)"}" from the enrollment URL`),
  );
}
