// SPDX-License-Identifier: MIT
/**
 * What a Windows PC shows when the work-account sign-in at the identity provider fails (Autopilot and
 * provisioning OOBE, the Auto MDM Enroll task): the Web Account Manager's CAA code
 * (wire/windows/caa.ts, Microsoft's WebProviderError.ErrorCode tables), built from what happened on the
 * wire, never picked per scenario:
 *
 * - a transport failure: the OOBE sign-in is a web page, so a failure while loading it is a URL-moniker
 *   (INET, 0xCAA7xxxx) error — a connection interrupted is ERROR_INET_DOWNLOAD_FAILURE 0xCAA70007, the
 *   captive-portal case of the Autopilot "Something went wrong" reports; the Auto MDM Enroll task asks
 *   for its token with WinHTTP, so its failures are the Internet API (0xCAA8xxxx) errors of the same
 *   WinHTTP error numbers the rest of the device reports (device/windows/shown.ts);
 * - an HTTP error status: 0xCAA30000 | status (HTTP 404 → CAA30194, the auto-enroll report of
 *   fleetdm/fleet#19734);
 * - an OAuth 2.0 error answer: its `error` (invalid_grant → CAA20003, access_denied → CAA20004, …)
 *   with Microsoft Entra's AADSTS codes as the cause; an `error` outside the table is
 *   ERROR_ADAL_SERVER_ERROR_CODE_UNKNOWN (0xCAA20064) with the raw value.
 *
 * OOBE (and the Settings › Access work or school sign-in dialog, the same web host) shows "Something went
 * wrong" with the code in the letters the screen uses ("caa70007"); when the
 * sign-in page could not be reached at all (no name, no connection) OOBE's own page id OOBEIDPS
 * stands on the screen and the CAA code is its cause. The GPO task writes Event 76
 * ("Auto MDM Enroll: Failed (Unknown Win32 Error code: 0xcaa…)"). A case the tables do not hold
 * (an HTTP status without a row, an unclassified adapter failure) is shown as unknown with its raw value.
 */
import type { TransportError } from "../../errors/index.js";
import { caaByCode, caaForHttpStatus, caaForOAuthError, caaHex, type CaaCode, type OAuthErrorBody } from "../../wire/windows/caa.js";
import type { Shown } from "../shown.js";
import { transportCase, type TransportCase } from "../shown.js";
import { event76Line, event76Text, type GpoCredential } from "./gpo-event.js";

/** The web page's download (OOBE) and the broker's WinHTTP token request (background task). */
export type SignInChannel = "web" | "broker";

const WEB: Partial<Record<TransportCase, number>> = {
  "dns.nxdomain": 0xcaa70004,
  "dns.timeout": 0xcaa70004,
  "dns.servfail": 0xcaa70004,
  "dns.no-address": 0xcaa70004,
  dns: 0xcaa70004,
  "connect.refused": 0xcaa70003,
  refused: 0xcaa70003,
  "connect.timeout": 0xcaa7000a,
  "timeout.response": 0xcaa7000a,
  timeout: 0xcaa7000a,
  "reset.before-response": 0xcaa70007,
  "reset.mid-body": 0xcaa70007,
  reset: 0xcaa70007,
  "tls.untrusted": 0xcaa70010,
  "tls.expired": 0xcaa70010,
  "tls.not-yet-valid": 0xcaa70010,
  "tls.wrong-host": 0xcaa70010,
  "tls.weak-signature": 0xcaa70010,
  "tls.weak-key": 0xcaa70010,
  "tls.wrong-usage": 0xcaa70010,
  "tls.policy": 0xcaa70010,
  "tls.protocol-version": 0xcaa7000d,
  "tls.client-cert-required": 0xcaa7000d,
  "tls.client-cert-refused": 0xcaa7000d,
  tls: 0xcaa7000d,
  "redirect.loop": 0xcaa70011,
};

const BROKER: Partial<Record<TransportCase, number>> = {
  "dns.nxdomain": 0xcaa82ee7,
  "dns.timeout": 0xcaa82ee7,
  "dns.servfail": 0xcaa82ee7,
  "dns.no-address": 0xcaa82ee7,
  dns: 0xcaa82ee7,
  "connect.refused": 0xcaa82efd,
  refused: 0xcaa82efd,
  "connect.timeout": 0xcaa82ee2,
  "timeout.response": 0xcaa82ee2,
  timeout: 0xcaa82ee2,
  "reset.before-response": 0xcaa82eff,
  "reset.mid-body": 0xcaa82efe,
  reset: 0xcaa82eff,
  "tls.untrusted": 0xcaa82f0d,
  "tls.expired": 0xcaa82f05,
  "tls.not-yet-valid": 0xcaa82f05,
  "tls.wrong-host": 0xcaa82f06,
  "tls.weak-signature": 0xcaa82f89,
  "tls.weak-key": 0xcaa82f89,
  "tls.policy": 0xcaa82f89,
  "tls.wrong-usage": 0xcaa82f8b,
  "tls.protocol-version": 0xcaa82f7d,
  "tls.client-cert-refused": 0xcaa82f7d,
  "tls.client-cert-required": 0xcaa82f0c,
  tls: 0xcaa82f8f,
  "redirect.loop": 0xcaa82f7c,
  "too-large": 0xcaa82f98,
};

/** What went wrong at the identity provider, as the device met it. */
export type SignInFailure =
  | { kind: "transport"; error: TransportError; pageLoaded: boolean }
  | { kind: "refused"; httpStatus: number; oauth?: OAuthErrorBody }
  /** The client library's own verdict (a CAA9xxxx row), e.g. integrated authentication without federation. */
  | { kind: "adal"; code: number; detail: string };

export interface SignInShown {
  /** The CAA code, when the tables hold one. */
  caa?: CaaCode;
  /** The OOBE page never loaded (no name, no connection): OOBE shows its OOBEIDPS page. */
  pageUnreachable: boolean;
  shown: Omit<Shown, "screen">;
  /** One line for the outcome message. */
  message: string;
}

const NO_CONNECTION = /^(dns|connect|refused)/;

/** The CAA code and what the screen (or Event 76) says for a failed sign-in. */
export function signInShown(f: SignInFailure, channel: SignInChannel, where: "oobe" | "settings" | "event76", credential: GpoCredential = "user"): SignInShown {
  let caa: CaaCode | undefined;
  let raw: string | undefined;
  let detail: string;
  let aadsts: number[] = [];
  let pageUnreachable = false;
  if (f.kind === "transport") {
    const c = transportCase(f.error);
    if (c === "http-status" && f.error.status !== undefined) {
      caa = caaForHttpStatus(f.error.status);
      if (!caa) raw = `HTTP ${f.error.status}`;
    } else {
      const n = c ? (channel === "web" ? WEB : BROKER)[c] : undefined;
      caa = n !== undefined ? caaByCode(n) : undefined;
      if (!caa) raw = `${f.error.code}${f.error.detail ? ` (${f.error.detail})` : ""}`;
      pageUnreachable = where === "oobe" && !f.pageLoaded && !!c && NO_CONNECTION.test(c);
    }
    detail = f.error.message;
  } else if (f.kind === "adal") {
    caa = caaByCode(f.code);
    if (!caa) raw = caaHex(f.code);
    detail = f.detail;
  } else if (f.oauth) {
    const m = caaForOAuthError(f.oauth.error);
    caa = m.caa;
    if (!m.known) raw = `error=${f.oauth.error}`;
    aadsts = f.oauth.aadsts;
    detail = `HTTP ${f.httpStatus} ${f.oauth.error}${f.oauth.description ? `: ${f.oauth.description}` : ""}`;
  } else {
    caa = caaForHttpStatus(f.httpStatus);
    if (!caa) raw = `HTTP ${f.httpStatus}`;
    detail = `HTTP ${f.httpStatus}`;
  }
  const hex = caa ? caaHex(caa.code) : undefined;
  const cause = aadsts.length ? { cause: { code: `AADSTS${aadsts[0]}` } } : {};
  const unknown = raw !== undefined ? { unknown: { raw } } : {};
  const codeText = hex ? `${caa!.name} (${hex}): ${caa!.description}` : `unknown sign-in error (${raw})`;
  if (where === "event76") {
    const text = hex ? event76Text(caa!.code, credential) : event76Line(`Unknown Win32 Error code: ${raw}`, credential);
    return { ...(caa ? { caa } : {}), pageUnreachable, shown: { ...(hex ? { code: hex, name: caa!.name } : {}), text, ...cause, ...unknown }, message: `Event 76: ${text} — ${codeText} — ${detail}` };
  }
  if (pageUnreachable) {
    const text = "Something went wrong. OOBEIDPS.";
    return { ...(caa ? { caa } : {}), pageUnreachable, shown: { text, ...(hex ? { cause: { code: hex, name: caa!.name } } : {}), ...unknown }, message: `${text} ${codeText} — ${detail}` };
  }
  const text = `Something went wrong. Error code: ${hex ? hex.slice(2).toLowerCase() : raw}`;
  return { ...(caa ? { caa } : {}), pageUnreachable, shown: { ...(hex ? { code: hex, name: caa!.name } : {}), text, ...cause, ...unknown }, message: `${text} — ${codeText} — ${detail}` };
}

/**
 * The identity provider ended the sign-in on its own page (an AD FS, Okta or other federated provider's error or block
 * page, Entra's own): the web host shows that page as the provider wrote it, and the sign-in goes no further. Windows
 * publishes no code of its own for a sign-in left on a page, so none is shown (`unknown`, a condition).
 */
export function pageShown(page: { title?: string; heading?: string; text: string }, httpStatus: number): SignInShown {
  const first = page.heading ?? page.title ?? "";
  const text = page.text.startsWith(first) ? page.text : `${first} ${page.text}`.trim();
  return {
    pageUnreachable: false,
    // The web host displays the provider's page: its words are the server's, shown on purpose.
    shown: { text, serverSaid: text, unknown: { raw: `identity provider page (HTTP ${httpStatus})`, of: "condition" } },
    message: `The identity provider ended the sign-in on its own page: "${text.slice(0, 300)}" (HTTP ${httpStatus}; the sign-in does not complete; no Windows code is published for this)`,
  };
}
