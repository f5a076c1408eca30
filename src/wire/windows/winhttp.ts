// SPDX-License-Identifier: MIT
/**
 * The WinHTTP / WinINet errors Windows reports for a transport failure, as HRESULTs
 * (HRESULT_FROM_WIN32: 0x80070000 | code). Names, numbers and meanings: MicrosoftDocs/win32
 * desktop-src/WinHttp/error-messages.md ("Error Messages (Winhttp.h)", learn.microsoft.com/windows/win32/winhttp/error-messages:
 * every ERROR_WINHTTP_* the page numbers is a row); WinINet uses the same
 * numbers for the same conditions (ERROR_INTERNET_*, KB 182888 for 12045). These are what the
 * DeviceManagement-Enterprise-Diagnostics-Provider event log and the ESP show when a request fails
 * below HTTP (e.g. 0x80072F8F when the clock is wrong and the server certificate fails to verify).
 */
export interface WinHttpError {
  name: string;
  /** Win32 error number (12xxx). */
  win32: number;
  /** From the WinHTTP error page. */
  meaning: string;
}

const rows: [number, string, string][] = [
  [12002, "ERROR_WINHTTP_TIMEOUT", "The request has timed out."],
  [12007, "ERROR_WINHTTP_NAME_NOT_RESOLVED", "The server name cannot be resolved."],
  [12029, "ERROR_WINHTTP_CANNOT_CONNECT", "Returned if connection to the server failed."],
  [12030, "ERROR_WINHTTP_CONNECTION_ERROR", "The connection with the server has been reset or terminated, or an incompatible SSL protocol was encountered."],
  [12037, "ERROR_WINHTTP_SECURE_CERT_DATE_INVALID", "A required certificate is not within its validity period (CERT_E_EXPIRED)."],
  [12038, "ERROR_WINHTTP_SECURE_CERT_CN_INVALID", "A certificate CN name does not match the passed value (CERT_E_CN_NO_MATCH)."],
  [12044, "ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED", "The server requests client authentication."],
  [12045, "ERROR_WINHTTP_SECURE_INVALID_CA", "A certificate chain terminated in a root certificate that is not trusted (CERT_E_UNTRUSTEDROOT)."],
  [12057, "ERROR_WINHTTP_SECURE_CERT_REV_FAILED", "Revocation cannot be checked because the revocation server was offline."],
  [12152, "ERROR_WINHTTP_INVALID_SERVER_RESPONSE", "The server response cannot be parsed."],
  [12156, "ERROR_WINHTTP_REDIRECT_FAILED", "The redirection failed because either the scheme changed or all attempts made to redirect failed (default is five attempts)."],
  [12157, "ERROR_WINHTTP_SECURE_CHANNEL_ERROR", "An error occurred having to do with a secure channel (SEC_E_* / SEC_I_*)."],
  [12169, "ERROR_WINHTTP_SECURE_INVALID_CERT", "A certificate is invalid (CERT_E_ROLE, CERT_E_PURPOSE, CERT_E_CHAINING, …)."],
  [12170, "ERROR_WINHTTP_SECURE_CERT_REVOKED", "A certificate has been revoked (CRYPT_E_REVOKED)."],
  [12175, "ERROR_WINHTTP_SECURE_FAILURE", "One or more errors were found in the SSL certificate sent by the server."],
  [12184, "ERROR_WINHTTP_RESPONSE_DRAIN_OVERFLOW", "An incoming response exceeds an internal WinHTTP size limit."],
  [12179, "ERROR_WINHTTP_SECURE_CERT_WRONG_USAGE", "A certificate is not valid for the requested usage (CERT_E_WRONG_USAGE)."],
  // Automatic proxy (WPAD/PAC) outcomes, same page: WinHttpGetProxyForUrl / WinHttpDetectAutoProxyConfigUrl.
  [12166, "ERROR_WINHTTP_BAD_AUTO_PROXY_SCRIPT", "An error occurred executing the script code in the Proxy Auto-Configuration (PAC) file."],
  [12167, "ERROR_WINHTTP_UNABLE_TO_DOWNLOAD_SCRIPT", "The PAC file could not be downloaded. For example, the server referenced by the PAC URL may not have been reachable, or the server returned a 404 NOT FOUND response."],
  [12180, "ERROR_WINHTTP_AUTODETECTION_FAILED", "Returned by WinHttpDetectAutoProxyConfigUrl if WinHTTP was unable to discover the URL of the Proxy Auto-Configuration (PAC) file."],
  [12178, "ERROR_WINHTTP_AUTO_PROXY_SERVICE_ERROR", "Returned by WinHttpGetProxyForUrl when a proxy for the specified URL cannot be located."],
  [12177, "ERROR_WINHTTP_SCRIPT_EXECUTION_ERROR", "An error was encountered while executing a script."],
  [12176, "ERROR_WINHTTP_UNHANDLED_SCRIPT_TYPE", "The script type is not supported."],
  // The rest of the page (every ERROR_WINHTTP_* it gives a number for). ERROR_WINHTTP_CLIENT_CERT_NO_PRIVATE_KEY and
  // ERROR_WINHTTP_CLIENT_CERT_NO_ACCESS_PRIVATE_KEY are on the page without a number: not in the table.
  [12001, "ERROR_WINHTTP_OUT_OF_HANDLES", "Obsolete; no longer used."],
  [12004, "ERROR_WINHTTP_INTERNAL_ERROR", "An internal error has occurred."],
  [12005, "ERROR_WINHTTP_INVALID_URL", "The URL is not valid."],
  [12006, "ERROR_WINHTTP_UNRECOGNIZED_SCHEME", 'The URL specified a scheme other than "http:" or "https:".'],
  [12009, "ERROR_WINHTTP_INVALID_OPTION", "A request to WinHttpQueryOption or WinHttpSetOption specified an invalid option value."],
  [12011, "ERROR_WINHTTP_OPTION_NOT_SETTABLE", "The requested option cannot be set, only queried."],
  [12012, "ERROR_WINHTTP_SHUTDOWN", "The WinHTTP function support is being shut down or unloaded."],
  [12015, "ERROR_WINHTTP_LOGIN_FAILURE", "The login attempt failed."],
  [12017, "ERROR_WINHTTP_OPERATION_CANCELLED", "The operation was canceled, usually because the handle on which the request was operating was closed before the operation completed."],
  [12018, "ERROR_WINHTTP_INCORRECT_HANDLE_TYPE", "The type of handle supplied is incorrect for this operation."],
  [12019, "ERROR_WINHTTP_INCORRECT_HANDLE_STATE", "The requested operation cannot be carried out because the handle supplied is not in the correct state."],
  [12032, "ERROR_WINHTTP_RESEND_REQUEST", "The WinHTTP function failed. The desired function can be retried on the same request handle."],
  [12100, "ERROR_WINHTTP_CANNOT_CALL_BEFORE_OPEN", "Returned by the HttpRequest object if a requested operation cannot be performed before calling the Open method."],
  [12101, "ERROR_WINHTTP_CANNOT_CALL_BEFORE_SEND", "Returned by the HttpRequest object if a requested operation cannot be performed before calling the Send method."],
  [12102, "ERROR_WINHTTP_CANNOT_CALL_AFTER_SEND", "Returned by the HttpRequest object if a requested operation cannot be performed after calling the Send method."],
  [12103, "ERROR_WINHTTP_CANNOT_CALL_AFTER_OPEN", "Returned by the HttpRequest object if a specified option cannot be requested after the Open method has been called."],
  [12150, "ERROR_WINHTTP_HEADER_NOT_FOUND", "The requested header cannot be located."],
  [12154, "ERROR_WINHTTP_INVALID_QUERY_REQUEST", "Obsolete; no longer used."],
  [12155, "ERROR_WINHTTP_HEADER_ALREADY_EXISTS", "Obsolete; no longer used."],
  [12172, "ERROR_WINHTTP_NOT_INITIALIZED", "Obsolete; no longer used."],
  [12181, "ERROR_WINHTTP_HEADER_COUNT_EXCEEDED", "Returned by WinHttpReceiveResponse when a larger number of headers were present in a response than WinHTTP could receive."],
  [12182, "ERROR_WINHTTP_HEADER_SIZE_OVERFLOW", "Returned by WinHttpReceiveResponse when the size of headers received exceeds the limit for the request handle."],
  [12183, "ERROR_WINHTTP_CHUNKED_ENCODING_HEADER_SIZE_OVERFLOW", "Returned by WinHttpReceiveResponse when an overflow condition is encountered in the course of parsing chunked encoding."],
];

export const WINHTTP: Record<string, WinHttpError> = Object.fromEntries(rows.map(([win32, name, meaning]) => [name, { name, win32, meaning }]));

/** HRESULT_FROM_WIN32 for a WinHTTP error: 12175 → 0x80072F8F. */
export const winHttpHresult = (e: WinHttpError): number => (0x80070000 | (e.win32 & 0xffff)) >>> 0;

export const winHttpByWin32 = (n: number): WinHttpError | undefined => Object.values(WINHTTP).find((e) => e.win32 === n);

/**
 * An HTTP error status as Windows reports it: FACILITY_HTTP (25) HRESULTs, 0x80190000 | status
 * (0x80190190 = HTTP 400, as in enrollment logs; shared/notes/windows.md §7.2), with the winerror.h
 * HTTP_E_STATUS_* names for the statuses that have one.
 */
const HTTP_NAMES: Record<number, string> = {
  300: "HTTP_E_STATUS_AMBIGUOUS",
  301: "HTTP_E_STATUS_MOVED",
  302: "HTTP_E_STATUS_REDIRECT",
  303: "HTTP_E_STATUS_REDIRECT_METHOD",
  304: "HTTP_E_STATUS_NOT_MODIFIED",
  305: "HTTP_E_STATUS_USE_PROXY",
  307: "HTTP_E_STATUS_REDIRECT_KEEP_VERB",
  400: "HTTP_E_STATUS_BAD_REQUEST",
  401: "HTTP_E_STATUS_DENIED",
  402: "HTTP_E_STATUS_PAYMENT_REQ",
  403: "HTTP_E_STATUS_FORBIDDEN",
  404: "HTTP_E_STATUS_NOT_FOUND",
  405: "HTTP_E_STATUS_BAD_METHOD",
  406: "HTTP_E_STATUS_NONE_ACCEPTABLE",
  407: "HTTP_E_STATUS_PROXY_AUTH_REQ",
  408: "HTTP_E_STATUS_REQUEST_TIMEOUT",
  409: "HTTP_E_STATUS_CONFLICT",
  410: "HTTP_E_STATUS_GONE",
  411: "HTTP_E_STATUS_LENGTH_REQUIRED",
  412: "HTTP_E_STATUS_PRECOND_FAILED",
  413: "HTTP_E_STATUS_REQUEST_TOO_LARGE",
  414: "HTTP_E_STATUS_URI_TOO_LONG",
  415: "HTTP_E_STATUS_UNSUPPORTED_MEDIA",
  416: "HTTP_E_STATUS_RANGE_NOT_SATISFIABLE",
  417: "HTTP_E_STATUS_EXPECTATION_FAILED",
  500: "HTTP_E_STATUS_SERVER_ERROR",
  501: "HTTP_E_STATUS_NOT_SUPPORTED",
  502: "HTTP_E_STATUS_BAD_GATEWAY",
  503: "HTTP_E_STATUS_SERVICE_UNAVAIL",
  504: "HTTP_E_STATUS_GATEWAY_TIMEOUT",
  505: "HTTP_E_STATUS_VERSION_NOT_SUP",
};

export function httpStatusHresult(status: number): { hresult: number; name?: string } {
  return { hresult: (0x80190000 | (status & 0xffff)) >>> 0, ...(HTTP_NAMES[status] ? { name: HTTP_NAMES[status] } : {}) };
}

/**
 * A SOAP fault the server sent in an HTTP 200 answer to a certificate renewal (ROBO). SOAP 1.2's
 * HTTP binding sends a fault with 400/500 (W3C SOAP 1.2 Part 2 §7.5.1.2), and MS-MDE2 servers answer
 * faults with 500; Windows does not read a fault out of a success answer: it records the renewal as
 * failed with the HTTP status as FACILITY_HTTP HRESULT, 0x801900C8 (HTTP 200), in the enrollment's
 * RenewErrorCode, with RenewStatus 3 and EnrollmentState 3 (fleetdm/fleet#50611: a server answering
 * every ROBO renewal 200 + SOAP fault; fleetdm/fleet#42144: a 200 answer Windows could not use during
 * enrollment shows "Server error code: 801900c8"). The fault's own text is kept as the reason.
 */
export function faultInSuccessAnswer<F extends { name: string; hresult: number; hresultHex: string; uiText: string; reason?: string }>(f: F): F {
  const h = httpStatusHresult(200).hresult;
  const hex = `0x${h.toString(16).toUpperCase().padStart(8, "0")}`;
  return { ...f, name: "HTTP 200 carrying a SOAP fault", hresult: h, hresultHex: hex, uiText: `The server answered HTTP 200 with content Windows could not use (${hex}).` };
}
