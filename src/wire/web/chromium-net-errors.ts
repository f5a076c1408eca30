// SPDX-License-Identifier: MIT
/**
 * What a Chromium-based web view shows when a page cannot be loaded: the net error (name and value from
 * Chromium's net/base/net_error_list.h, shown on the page as "net::ERR_NAME_NOT_RESOLVED" — net_errors.cc
 * ErrorToString prefixes "net::") and the page Chromium draws for it. Which heading and summary a net error
 * gets is Chromium's table `net_error_options` in components/error_page/common/localized_error.cc
 * (IDS_ERRORPAGES_HEADING_NOT_AVAILABLE → "This site can’t be reached", …_PAGE_NOT_WORKING → "This page isn’t
 * working", …_INSECURE_CONNECTION → "This site can’t provide a secure connection"); the English strings are
 * components/error_page_strings.grdp, `{host}` the page's host. A certificate error does not get that page but
 * Chrome's SSL interstitial (components/security_interstitials, IDS_SSL_V2_HEADING "Your connection is not
 * private", IDS_SSL_V2_PRIMARY_PARAGRAPH) with the error in capitals, "NET::ERR_CERT_AUTHORITY_INVALID".
 *
 * Keys are the simulator's transport cases (errors/index.ts TransportDetail, or the bare kind where the
 * adapter could not tell). A case with no row has no net error of its own here (an HTTP status is a
 * response; a redirect to another host is followed) and is reported as unknown, never guessed.
 */

export interface ChromiumNetError {
  /** "ERR_NAME_NOT_RESOLVED" (net_error_list.h label with the ERR_ prefix). */
  name: string;
  /** Its value in net_error_list.h (negative). */
  value: number;
  /** "error" = the net error page; "interstitial" = the SSL interstitial of a certificate error. */
  page: "error" | "interstitial";
  heading: string;
  /** The page's summary line; `{host}` is the page's host. */
  summary: string;
}

const NOT_AVAILABLE = "This site can’t be reached";
const NOT_WORKING = "This page isn’t working";
const INSECURE = "This site can’t provide a secure connection";
const NOT_PRIVATE = "Your connection is not private";
const ATTACKERS = "Attackers might be trying to steal your information from {host} (for example, passwords, messages, or credit cards).";

const e = (name: string, value: number, heading: string, summary: string): ChromiumNetError => ({ name, value, page: "error", heading, summary });
const cert = (name: string, value: number): ChromiumNetError => ({ name, value, page: "interstitial", heading: NOT_PRIVATE, summary: ATTACKERS });

const NAME_NOT_RESOLVED = e("ERR_NAME_NOT_RESOLVED", -105, NOT_AVAILABLE, "{host}’s server IP address could not be found.");
const CONNECTION_REFUSED = e("ERR_CONNECTION_REFUSED", -102, NOT_AVAILABLE, "{host} refused to connect.");
const CONNECTION_TIMED_OUT = e("ERR_CONNECTION_TIMED_OUT", -118, NOT_AVAILABLE, "{host} took too long to respond.");
const TIMED_OUT = e("ERR_TIMED_OUT", -7, NOT_AVAILABLE, "{host} took too long to respond.");
const CONNECTION_RESET = e("ERR_CONNECTION_RESET", -101, NOT_AVAILABLE, "The connection was reset.");
const SSL_PROTOCOL_ERROR = e("ERR_SSL_PROTOCOL_ERROR", -107, INSECURE, "{host} sent an invalid response.");

/** The net error Chromium's network stack reports for each transport case. */
export const CHROMIUM_NET_ERRORS: Readonly<Record<string, ChromiumNetError>> = {
  // The host resolver reports NXDOMAIN, a resolver that gave up and a failed answer alike as ERR_NAME_NOT_RESOLVED.
  "dns.nxdomain": NAME_NOT_RESOLVED,
  "dns.timeout": NAME_NOT_RESOLVED,
  "dns.servfail": NAME_NOT_RESOLVED,
  "dns.no-address": NAME_NOT_RESOLVED,
  dns: NAME_NOT_RESOLVED,
  "connect.refused": CONNECTION_REFUSED,
  refused: CONNECTION_REFUSED,
  "connect.timeout": CONNECTION_TIMED_OUT,
  "timeout.response": TIMED_OUT,
  timeout: TIMED_OUT,
  "reset.before-response": CONNECTION_RESET,
  "reset.mid-body": CONNECTION_RESET,
  reset: CONNECTION_RESET,
  "redirect.loop": e("ERR_TOO_MANY_REDIRECTS", -310, NOT_WORKING, "{host} redirected you too many times."),
  "tls.untrusted": cert("ERR_CERT_AUTHORITY_INVALID", -202),
  "tls.expired": cert("ERR_CERT_DATE_INVALID", -201),
  "tls.not-yet-valid": cert("ERR_CERT_DATE_INVALID", -201),
  "tls.wrong-host": cert("ERR_CERT_COMMON_NAME_INVALID", -200),
  "tls.weak-signature": cert("ERR_CERT_WEAK_SIGNATURE_ALGORITHM", -213),
  "tls.weak-key": cert("ERR_CERT_WEAK_KEY", -211),
  "tls.protocol-version": e("ERR_SSL_VERSION_OR_CIPHER_MISMATCH", -113, INSECURE, "{host} uses an unsupported protocol."),
  "tls.client-cert-refused": e("ERR_BAD_SSL_CLIENT_AUTH_CERT", -117, INSECURE, "{host} didn’t accept your login certificate, or one may not have been provided."),
  // A handshake failure the adapter could not classify: Chromium's generic one.
  tls: SSL_PROTOCOL_ERROR,
};

/** "net::ERR_NAME_NOT_RESOLVED" as the error page prints it; the interstitial prints "NET::ERR_…". */
export const chromiumCode = (n: ChromiumNetError): string => `${n.page === "interstitial" ? "NET" : "net"}::${n.name}`;

/** The page's text: heading, summary with the host, and the code line. */
export const chromiumPageText = (n: ChromiumNetError, host: string): string => `${n.heading}. ${n.summary.replaceAll("{host}", host)} ${chromiumCode(n)}`;
