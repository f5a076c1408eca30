// SPDX-License-Identifier: MIT
/**
 * What an iPhone, iPad or Mac shows for a failure: the error domain and code, the user text and
 * where it appears. Transport failures are NSURLErrorDomain codes (wire/apple/nsurl-errors.ts);
 * profile and MDM refusals are the device's own error chain (wire/apple/errors.ts); a 403 error
 * body's `code` is looked up in Apple's MDM error schemas (mdm/errors/*.yaml, generated into
 * wire/apple/generated-data.ts) and one outside them is reported as unknown with the raw value.
 */
import { TransportError } from "../../errors/index.js";
import { describeAppleError as describeChain, type AppleError } from "../../wire/apple/errors.js";
import { MDM_ERROR_CODES } from "../../wire/apple/generated-data.js";
import { NSURL_ERRORS, nsUrlText } from "../../wire/apple/nsurl-errors.js";
import { MC_HTTP_TRANSACTION_DOMAIN, mcHttpTransactionErrorFor } from "../../wire/apple/http-transaction-errors.js";
import { hostOf, transportCase, type Shown, type ShownInput, type TransportCase } from "../shown.js";

/**
 * NSURLError for each transport case. A wrong host name fails server trust evaluation like an
 * untrusted chain (-1202). No entry: the case has no NSURLError of its own (URLSession follows a
 * redirect to another host; an HTTP status is a response, not an NSURLError).
 */
const NSURL_FOR: Partial<Record<TransportCase, string>> = {
  "tls.untrusted": "NSURLErrorServerCertificateUntrusted",
  "tls.expired": "NSURLErrorServerCertificateHasBadDate",
  "tls.not-yet-valid": "NSURLErrorServerCertificateNotYetValid",
  "tls.wrong-host": "NSURLErrorServerCertificateUntrusted",
  // A chain that breaks the OS's trust rules (device/trust.ts) fails SecTrust evaluation like an
  // untrusted one: "The certificate for this server is invalid" (HT210176: "connections … will fail").
  "tls.weak-signature": "NSURLErrorServerCertificateUntrusted",
  "tls.weak-key": "NSURLErrorServerCertificateUntrusted",
  "tls.wrong-usage": "NSURLErrorServerCertificateUntrusted",
  "tls.policy": "NSURLErrorServerCertificateUntrusted",
  "tls.protocol-version": "NSURLErrorSecureConnectionFailed",
  "tls.client-cert-required": "NSURLErrorClientCertificateRequired",
  "tls.client-cert-refused": "NSURLErrorClientCertificateRejected",
  tls: "NSURLErrorSecureConnectionFailed",
  "dns.nxdomain": "NSURLErrorCannotFindHost",
  "dns.timeout": "NSURLErrorCannotFindHost",
  "dns.servfail": "NSURLErrorCannotFindHost",
  "dns.no-address": "NSURLErrorCannotFindHost",
  dns: "NSURLErrorCannotFindHost",
  "connect.refused": "NSURLErrorCannotConnectToHost",
  "connect.timeout": "NSURLErrorTimedOut",
  "reset.before-response": "NSURLErrorNetworkConnectionLost",
  "reset.mid-body": "NSURLErrorNetworkConnectionLost",
  reset: "NSURLErrorNetworkConnectionLost",
  "timeout.response": "NSURLErrorTimedOut",
  timeout: "NSURLErrorTimedOut",
  "redirect.loop": "NSURLErrorHTTPTooManyRedirects",
};

/** Where the user meets the failure, by step and flow ("ios-ade", "macos-profile", …). */
export function appleScreen(step: string | undefined, flow: string | undefined): string {
  const mac = flow?.startsWith("macos-") ?? false;
  // User-initiated enrollment in the browser (portal.ts): the enrollment portal's page and Safari's download prompt.
  if (step === "portal.login" || step === "profile.download-prompt") return "Safari";
  if (step?.startsWith("ade.") || flow?.endsWith("-ade")) return "Setup Assistant › Remote Management";
  if (step?.startsWith("account.") || flow?.includes("account") || flow?.includes("byod")) return mac ? "System Settings › Privacy & Security › Profiles (Sign in to work or school account)" : "Settings › General › VPN & Device Management › Sign In to Work or School Account";
  return mac ? "System Settings › Privacy & Security › Profiles (Profile Installation Failed)" : "Settings › Profile Downloaded › Install (Profile Installation Failed)";
}

/**
 * A page load in Safari (WebKit): the enrollment portal and, in user-initiated enrollment, the profile download the
 * user starts there. A failed load is Safari's own error page, not a Settings alert. WebKit reports the failure to
 * its view as the NSURLError of the load (WKNavigationDelegate didFailProvisionalNavigation, developer.apple.com);
 * the wording of Safari's page is Safari's and is not published, so the NSURLError and its description are shown.
 */
function inSafari(step: string | undefined, flow: string | undefined): boolean {
  return step === "portal.login" || (step === "profile.download" && (flow === "ios-profile" || flow === "macos-profile"));
}

const SAFARI_PAGE = "Safari, its page for a failed load (Safari's own wording is not published: the NSURLError WebKit reports for the load is shown)";

/** A thrown failure; undefined when the device shows no error of its own for it. */
export function appleShownForError(input: ShownInput): Shown | undefined {
  const e = input.error;
  if (!(e instanceof TransportError)) return undefined;
  const c = transportCase(e);
  const name = c ? NSURL_FOR[c] : undefined;
  if (!name) return undefined;
  const n = NSURL_ERRORS[name]!;
  const step = input.step ?? e.step;
  return { code: `NSURLErrorDomain ${n.code}`, name: n.name, text: nsUrlText(n, hostOf(e)), screen: inSafari(step, input.flow) ? SAFARI_PAGE : appleScreen(step, input.flow) };
}

/**
 * The device's own error chain (profile or MDM refusal): the outermost error is the alert. Where its recovery
 * suggestion is published (the installer's payload refusals, wire/apple/payload-errors.ts), the alert is its title
 * and that suggestion, as the captured logs' outermost "Desc" and "Sugg"; the inner errors are in the trace.
 */
export function appleShownForChain(err: AppleError, step: string, flow?: string, os?: "iOS" | "macOS"): Shown {
  const [top, ...inner] = err.chain;
  // macOS's own published text for the condition (no published domain or code behind it): the condition stays unknown-coded.
  if (err.macos && (os === "macOS" || flow?.startsWith("macos-"))) return { text: err.macos.text, screen: appleScreen(step, flow), unknown: { raw: err.unpublished?.raw ?? describeChain(err), of: "condition" } };
  // An app's own alert for the installer's refusal (Safari on a queued download): no code on screen, the installer's is its cause.
  if (err.alert) return { text: err.alert.text, screen: err.alert.screen, cause: { code: `${top!.ErrorDomain} ${top!.ErrorCode}` }, ...(err.unpublished ? { unknown: { raw: err.unpublished.raw, of: "condition" as const } } : {}) };
  const lines = top!.suggestion ? [top!.LocalizedDescription, top!.suggestion] : [top!.LocalizedDescription, ...inner.map((i) => i.LocalizedDescription)];
  return {
    code: `${top!.ErrorDomain} ${top!.ErrorCode}`,
    text: lines.map((t) => (/[.!?:]$/.test(t) ? t : `${t}.`)).join(" "),
    screen: appleScreen(step, flow),
    ...(err.underlying ? { cause: { code: err.underlying } } : inner.length ? { cause: { code: `${inner.at(-1)!.ErrorDomain} ${inner.at(-1)!.ErrorCode}` } } : {}),
    // No published text for this condition: say so, with the condition as found.
    ...(err.unpublished ? { unknown: { raw: err.unpublished.raw, of: "condition" as const } } : {}),
  };
}

/**
 * A server's 403 error body (`code`, optional user `message`), against Apple's MDM error schemas. The device DOES
 * display the server's words here, on purpose: the schemas (mdm/errors/*.yaml, key `message`) define it as "A
 * description of the error suitable for displaying to the user … the client will make a best-effort attempt to display
 * the message" (`description` is "only … for logging purposes and will not be displayed"), so `message` is the shown
 * text and also what the server said.
 */
export function appleShownForServerCode(raw: string | undefined, message: string | undefined, step: string, flow?: string): Shown {
  const screen = appleScreen(step, flow);
  const said = message ? { serverSaid: message } : {};
  const known = raw ? MDM_ERROR_CODES.find((k) => k.code === raw) : undefined;
  if (known) return { code: known.code, name: known.title, text: message || known.meaning, screen, ...said };
  return { code: raw ?? "(no code)", text: message || `The server refused the request${raw ? ` with code "${raw}"` : " without an error code"}.`, screen, unknown: { raw: raw ?? "" }, ...said };
}

/**
 * Apple's documented error codes a server may put in a 403 body to a device during Setup Assistant
 * (mdm/errors/*.yaml, e.g. com.apple.softwareupdate.required); any other code is one Setup Assistant
 * cannot interpret.
 */
export function isAppleServerCode(raw: string | undefined): boolean {
  return raw !== undefined && MDM_ERROR_CODES.some((k) => k.code === raw);
}

/**
 * Setup Assistant (ADE) when the enrollment URL refuses with a 403 whose code is not one of Apple's
 * documented codes (an MDM vendor's own, such as Intune's DeviceTypeNotSupported for a blocked
 * platform): it got no profile and cannot read the reason, and shows "The configuration for your
 * iPhone/iPad/Mac could not be downloaded from <organization>: Invalid Profile" (Microsoft Learn,
 * "Troubleshoot iOS/iPadOS device enrollment errors": the device-type restriction's symptom). The body's
 * `message` belongs to that unknown schema and is not shown. The organization is the cloud
 * configuration's `department` (the organization name of Apple Business Manager is not modelled).
 * No code is on screen; the raw server code is kept as unknown. The published text is iOS/iPadOS's; a
 * Mac gets the same sentence with "Mac" (no published macOS text was found).
 */
export function appleAdeInvalidProfile(raw: string | undefined, device: "iPhone" | "iPad" | "Mac", organization: string | undefined, step: string, flow?: string): Shown {
  const from = organization ? ` from ${organization}` : "";
  return { text: `The configuration for your ${device} could not be downloaded${from}: Invalid Profile`, screen: appleScreen(step, flow), ...(raw !== undefined ? { unknown: { raw } } : {}) };
}

/**
 * An MDM or profile HTTP transaction the server answered with an error status (check-in,
 * profile download): MCHTTPTransactionErrorDomain (wire/apple/http-transaction-errors.ts), with the
 * HTTP status as its cause. A status outside the table is reported raw.
 */
export function appleShownForHttpStatus(status: number, text: string, step: string, flow?: string): Shown {
  const screen = appleScreen(step, flow);
  const m = mcHttpTransactionErrorFor(status);
  if (!m) return { code: `HTTP ${status}`, text, screen, unknown: { raw: String(status) } };
  return { code: `${MC_HTTP_TRANSACTION_DOMAIN} ${m.code}`, name: m.meaning, text, screen, cause: { code: `HTTP ${status}` } };
}
