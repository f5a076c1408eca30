// SPDX-License-Identifier: MIT
/**
 * What a device shows the user (and puts in its logs) when enrollment fails: the platform's own
 * code, its name, the text and the screen it appears on. Each platform maps failures with its
 * published tables (windows/shown.ts, apple/shown.ts, android/shown.ts); a code a table does not
 * hold is reported as unknown with the raw value, never replaced by a plausible one.
 */
import { TransportError, type SimError, type TransportDetail } from "../errors/index.js";

/**
 * What a device meets when a step fails, in three parts kept apart (blind trial 9): the device's own words (`text`,
 * `code`, `name`, `screen`, `cause`: the platform's table), the server's words (`serverSaid`: labelled as the server's,
 * never taken for the device's), and enrollsim's diagnosis (the failure's `message`, for the support engineer, which
 * may quote both). `expect.shown` matches the device's own words only; where a real surface does display the server's
 * words (an Apple MDM server's 403 `message` in Setup Assistant), the table puts them into `text` on purpose and says
 * so with its source.
 */
export interface Shown {
  /** The code as the platform shows it: "0x80180012", "NSURLErrorDomain -1202", "ERROR_DOWNLOAD_FAILED"; absent when the screen shows none (an ESP timeout). */
  code?: string;
  /** Symbolic name: "MENROLL_E_INVALIDSSLCERT", "NSURLErrorServerCertificateUntrusted", "DownloadPackageTask.ERROR_DOWNLOAD_FAILED". */
  name?: string;
  /** The device's own words, from the platform's published table; never enrollsim's explanation of why. */
  text: string;
  /** Where it appears: "Settings › Access work or school", "Enrollment Status Page", "Setup Assistant", "setup wizard", … */
  screen: string;
  /** The lower-level code behind it (the WinHTTP HRESULT in the event log, DownloadManager's COLUMN_REASON). */
  cause?: { code: string; name?: string };
  /**
   * The server sent a code the platform's table does not hold: `raw` is its value. `code` is then
   * what the platform itself shows for an unrecognised server code (Windows: MENROLL_E_DEVICE_UNKNOWN_ERROR)
   * or the raw value where the platform passes it through.
   */
  /**
   * The server's own words as the device received them: a refusal's reason (an AMAPI error's `message`), a SOAP fault's
   * Reason text, an MDM server's 403 `message`. Reported labelled "the server said"; not matched by `expect.shown`
   * (assert on them with `expect.answered`, which reads the server's answer itself).
   */
  serverSaid?: string;
  /**
   * The device's own log lines for the failure, which are not on its screen (mdmclient's CloudConfig lines on a Mac,
   * micromdm/micromdm#854). The device's words, so `expect.shown` matches them; reported labelled "the device logged".
   */
  logged?: string[];
  unknown?: {
    raw: string;
    /**
     * What `raw` is: a code the server sent (default), or a condition the device found that has no
     * published code or text of its own (`condition`: bytes before a profile, a field check Apple documents no text for).
     */
    of?: "condition";
  };
}

/** A failure that ended a flow, as the device meets it. */
export interface ShownInput {
  error: SimError;
  /** Step the failure happened in (defaults to the error's step). */
  step?: string;
  /** Flow name ("windows-autopilot", "ios-ade", …): decides the screen where the step alone does not. */
  flow?: string;
  /** The group's flow options (windows-gpo: the GPO's credential type that Event 76 names). */
  options?: unknown;
}

/**
 * The transport case a device distinguishes: the adapter's or fault's `detail` when set, else what
 * the kind alone says. A TLS failure with no detail stays "tls" (a generic secure-channel failure),
 * never a guessed certificate problem.
 */
export type TransportCase = TransportDetail | "tls" | "reset" | "timeout" | "dns" | "refused" | "http-status" | "too-large" | "other";

export function transportCase(e: TransportError): TransportCase | undefined {
  if (e.detail) return e.detail;
  switch (e.kind) {
    case "refused":
      return "connect.refused";
    case "tls":
    case "reset":
    case "timeout":
    case "dns":
    case "http-status":
    case "too-large":
    case "other":
      return e.kind;
    default:
      return undefined; // "aborted": the run or the device stopped it; the device shows nothing of its own
  }
}

/** The host of the URL a transport error names ("GET https://host/path: …"), for texts that quote it. */
export function hostOf(e: SimError): string {
  const m = /\bhttps?:\/\/([^/\s:]+)/.exec(e.message);
  return m?.[1] ?? "the server";
}
