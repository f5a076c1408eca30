// SPDX-License-Identifier: MIT
/**
 * The Web Account Manager / Microsoft Entra (AAD) broker's error codes, the `CAA…` values Windows
 * shows when a work-account sign-in fails (Autopilot OOBE "Something went wrong", Settings › Access
 * work or school, the Auto MDM Enroll task's Event 76, Company Portal, Teams). Source: Microsoft,
 * Windows Runtime API reference, `Windows.Security.Authentication.Web.Core.WebProviderError.ErrorCode`
 * (MicrosoftDocs/winrt-api, windows.security.authentication.web.core/webprovidererror_errorcode.md):
 * the tables "HTTP API error returns" (0xCAA3xxxx = 0xCAA30000 | HTTP status), "INET API error
 * returns" (0xCAA7xxxx, the URL-moniker downloads of a web page), "Internet API error returns"
 * (0xCAA8xxxx = 0xCAA80000 | the WinHTTP/WinINet error number) and the ADAL server and protocol
 * errors (0xCAA2xxxx: the OAuth 2.0 `error` of the token endpoint's answer; 0xCAA9xxxx). Only rows of
 * those tables are here; a value outside them is shown as unknown with its raw value.
 * Microsoft's user-facing descriptions of 0xCAA20003/20004/70004/70007/82EE2/82EE7: "Why am I having
 * trouble signing in to Microsoft Teams?" (support.microsoft.com, status code table).
 */
export interface CaaCode {
  code: number;
  name: string;
  description: string;
}

const rows: [number, string, string][] = [
  // HTTP API error returns (0xCAA30000 | status)
  [0xcaa3012c, "ERROR_HTTP_STATUS_AMBIGUOUS", "The server couldn't decide what to return."],
  [0xcaa3012d, "ERROR_HTTP_STATUS_MOVED", "The requested resource has been assigned to a new permanent URI."],
  [0xcaa3012e, "ERROR_HTTP_STATUS_REDIRECT", "The requested resource resides temporarily under a different URI."],
  [0xcaa3012f, "ERROR_HTTP_STATUS_REDIRECT_METHOD", "The response to the request can be found under a different URI and should be retrieved using a GET HTTP verb on that resource."],
  [0xcaa30130, "ERROR_HTTP_STATUS_NOT_MODIFIED", "The requested resource has not been modified."],
  [0xcaa30131, "ERROR_HTTP_STATUS_USE_PROXY", "The requested resource must be accessed through the proxy given by the location field."],
  [0xcaa30133, "ERROR_HTTP_STATUS_REDIRECT_KEEP_VERB", "The redirected request keeps the same HTTP verb. HTTP/1.1 behavior."],
  [0xcaa30190, "ERROR_HTTP_STATUS_BAD_REQUEST", "The request could not be processed by the server due to invalid syntax."],
  [0xcaa30191, "ERROR_HTTP_STATUS_DENIED", "The requested resource requires user authentication."],
  [0xcaa30192, "ERROR_HTTP_STATUS_PAYMENT_REQ", "Not currently implemented in the HTTP protocol."],
  [0xcaa30193, "ERROR_HTTP_STATUS_FORBIDDEN", "The server understood the request, but is refusing to fulfill it."],
  [0xcaa30194, "ERROR_HTTP_STATUS_NOT_FOUND", "The server has not found anything matching the requested URI (Uniform Resource Identifier)."],
  [0xcaa30195, "ERROR_HTTP_STATUS_BAD_METHOD", "The HTTP verb used is not allowed."],
  [0xcaa30196, "ERROR_HTTP_STATUS_NONE_ACCEPTABLE", "No responses acceptable to the client were found."],
  [0xcaa30197, "ERROR_HTTP_STATUS_PROXY_AUTH_REQ", "Proxy authentication required."],
  [0xcaa30198, "ERROR_HTTP_STATUS_REQUEST_TIMEOUT", "The server timed out waiting for the request."],
  [0xcaa30199, "ERROR_HTTP_STATUS_CONFLICT", "The request could not be completed due to a conflict with the current state of the resource. The user should resubmit with more information."],
  [0xcaa3019a, "ERROR_HTTP_STATUS_GONE", "The requested resource is no longer available at the server, and no forwarding address is known."],
  [0xcaa3019b, "ERROR_HTTP_STATUS_LENGTH_REQUIRED", "The server refuses to accept the request without a defined content length."],
  [0xcaa3019c, "ERROR_HTTP_STATUS_PRECOND_FAILED", "The precondition given in one or more of the request header fields evaluated to false when it was tested on the server."],
  [0xcaa3019d, "ERROR_HTTP_STATUS_REQUEST_TOO_LARGE", "The server is refusing to process a request because the request entity is larger than the server is willing or able to process."],
  [0xcaa3019e, "ERROR_HTTP_STATUS_URI_TOO_LONG", "The server is refusing to service the request because the request URI is longer than the server is willing to interpret."],
  [0xcaa3019f, "ERROR_HTTP_STATUS_UNSUPPORTED_MEDIA", "The server is refusing to service the request because the entity of the request is in a format not supported by the requested resource for the requested method."],
  [0xcaa301c1, "ERROR_HTTP_STATUS_RETRY_WITH", "The request should be retried after doing the appropriate action."],
  [0xcaa301f4, "ERROR_HTTP_STATUS_SERVER_ERROR", "The server encountered an unexpected condition that prevented it from fulfilling the request."],
  [0xcaa301f5, "ERROR_HTTP_STATUS_NOT_SUPPORTED", "The server does not support the functionality required to fulfill the request."],
  [0xcaa301f6, "ERROR_HTTP_STATUS_BAD_GATEWAY", "The server, while acting as a gateway or proxy, received an invalid response from the upstream server it accessed in attempting to fulfill the request."],
  [0xcaa301f7, "ERROR_HTTP_STATUS_SERVICE_UNAVAIL", "The service is temporarily overloaded."],
  [0xcaa301f8, "ERROR_HTTP_STATUS_GATEWAY_TIMEOUT", "The request was timed out waiting for a gateway."],
  [0xcaa301f9, "ERROR_HTTP_STATUS_VERSION_NOT_SUP", "The server does not support, or refuses to support, the HTTP protocol version that was used in the request message."],
  // INET API error returns (URL-moniker download of the sign-in page)
  [0xcaa70003, "ERROR_INET_CANNOT_CONNECT", "The attempt to connect to the Internet has failed."],
  [0xcaa70004, "ERROR_INET_RESOURCE_NOT_FOUND", "The server or proxy was not found."],
  [0xcaa70006, "ERROR_INET_DATA_NOT_AVAILABLE", "An Internet connection was established, but the data cannot be retrieved."],
  [0xcaa70007, "ERROR_INET_DOWNLOAD_FAILURE", "The download has failed (the connection was interrupted)."],
  [0xcaa7000a, "ERROR_INET_CONNECTION_TIMEOUT", "The Internet connection has timed out."],
  [0xcaa7000d, "ERROR_INET_SECURITY_PROBLEM", "A security problem was encountered. Please check settings for IE."],
  [0xcaa70010, "ERROR_INET_INVALID_CERTIFICATE", "Certificate is invalid."],
  [0xcaa70011, "ERROR_INET_REDIRECT_FAILED", "Redirect request failed."],
  // Internet API error returns (WinHTTP token requests; low word = the WinHTTP error number)
  [0xcaa82ee2, "ERROR_ADAL_INTERNET_TIMEOUT", "The request has timed out."],
  [0xcaa82ee7, "ERROR_ADAL_INTERNET_NAME_NOT_RESOLVED", "The server name could not be resolved."],
  [0xcaa82efd, "ERROR_ADAL_INTERNET_CANNOT_CONNECT", "The attempt to connect to the server failed."],
  [0xcaa82efe, "ERROR_ADAL_INTERNET_CONNECTION_ABORTED", "The connection with the server has been terminated."],
  [0xcaa82eff, "ERROR_ADAL_INTERNET_CONNECTION_RESET", "The connection with the server has been reset."],
  [0xcaa82f05, "ERROR_ADAL_INTERNET_SEC_CERT_DATE_INVALID", "SSL certificate date that was received from the server is bad. The certificate is expired."],
  [0xcaa82f06, "ERROR_ADAL_INTERNET_SEC_CERT_CN_INVALID", "SSL certificate common name (host name field) is incorrect."],
  [0xcaa82f0c, "ERROR_ADAL_INTERNET_CLIENT_AUTH_CERT_NEEDED", "The server is requesting client authentication."],
  [0xcaa82f0d, "ERROR_ADAL_INTERNET_INVALID_CA", "The function is unfamiliar with the Certificate Authority that generated the server's certificate."],
  [0xcaa82f7c, "ERROR_ADAL_INTERNET_REDIRECT_FAILED", "The redirection failed."],
  [0xcaa82f7d, "ERROR_ADAL_INTERNET_SECURE_CHANNEL_ERROR", "Indicates that an error occurred having to do with a secure channel."],
  [0xcaa82f89, "ERROR_ADAL_INTERNET_SECURE_INVALID_CERT", "Indicates that a certificate is invalid."],
  [0xcaa82f8a, "ERROR_ADAL_INTERNET_SECURE_CERT_REVOKED", "Indicates that a certificate has been revoked."],
  [0xcaa82f8b, "ERROR_ADAL_INTERNET_SECURE_CERT_WRONG_USAGE", "Indicates that a certificate is not valid for the requested usage."],
  [0xcaa82f8f, "ERROR_ADAL_INTERNET_SECURE_FAILURE", "One or more errors were found in the Secure Sockets Layer (SSL) certificate sent by the server."],
  [0xcaa82f98, "ERROR_ADAL_INTERNET_RESPONSE_DRAIN_OVERFLOW", "Returned when an incoming response exceeds an internal WinHTTP size limit."],
  // ADAL server errors: the OAuth 2.0 `error` of the token endpoint's JSON answer
  [0xcaa20001, "ERROR_ADAL_SERVER_ERROR_UNAUTHORIZED_CLIENT", "The client is not authorized to request an authorization code using this method."],
  [0xcaa20002, "ERROR_ADAL_SERVER_ERROR_INVALID_REQUEST", "The request is missing a required parameter, includes an invalid parameter value, includes a parameter more than once, or is otherwise malformed."],
  [0xcaa20003, "ERROR_ADAL_SERVER_ERROR_INVALID_GRANT", "Authorization grant failed for this assertion."],
  [0xcaa20004, "ERROR_ADAL_SERVER_ERROR_ACCESS_DENIED", "The resource owner or authorization server denied the request."],
  [0xcaa20005, "ERROR_ADAL_SERVER_ERROR_TEMPORARILY_UNAVAILABLE", "The authorization server is currently unable to handle the request due to a temporary overloading or maintenance of the server."],
  [0xcaa20006, "ERROR_ADAL_SERVER_ERROR_UNSUPPORTED_RESPONSE_TYPE", "The authorization server does not support obtaining an authorization code using this method."],
  [0xcaa20007, "ERROR_ADAL_SERVER_ERROR_INVALID_SCOPE", "The requested scope is invalid, unknown, or malformed."],
  [0xcaa20008, "ERROR_ADAL_SERVER_ERROR_RECEIVED", "The authorization server encountered an unexpected condition that prevented it from fulfilling the request."],
  [0xcaa20009, "ERROR_ADAL_SERVER_ERROR_INVALID_CLIENT", "Client authentication failed (e.g., unknown client, no client authentication included, or unsupported authentication method)."],
  [0xcaa2000a, "ERROR_ADAL_SERVER_ERROR_UNSUPPORTED_UNSUPPORTED_GRANT_TYPE", "The authorization grant type is not supported by the authorization server."],
  [0xcaa2000b, "ERROR_ADAL_SERVER_ERROR_INVALID_RESOURCE", "The resource is invalid due to configuration state or not existing."],
  [0xcaa2000c, "ERROR_ADAL_SERVER_ERROR_INTERACTION_REQUIRED", "The request requires user interaction."],
  [0xcaa20064, "ERROR_ADAL_SERVER_ERROR_CODE_UNKNOWN", "Server return error code, but it is unknown."],
  // ADAL protocol errors
  [0xcaa90015, "ERROR_ADAL_OAUTH_RESPONSE_INVALID", "Server returned invalid OAuth response"],
  [0xcaa90018, "ERROR_ADAL_COULDNOT_DISCOVER_USERREALM", "Could not discover a user realm."],
  [0xcaa9001f, "ERROR_ADAL_INTEGRATED_AUTH_WITHOUT_FEDERATION", "Integrated Windows authentication supported only in federation flow."],
];

const BY_CODE = new Map(rows.map(([code, name, description]) => [code >>> 0, { code: code >>> 0, name, description }]));
const BY_NAME = new Map([...BY_CODE.values()].map((r) => [r.name, r]));

export const caaByCode = (code: number): CaaCode | undefined => BY_CODE.get(code >>> 0);
export const caaByName = (name: string): CaaCode | undefined => BY_NAME.get(name);

/** "0xCAA70007". */
export const caaHex = (code: number): string => `0x${(code >>> 0).toString(16).toUpperCase().padStart(8, "0")}`;

/** An HTTP error status as the broker reports it (0xCAA30000 | status); undefined when the table has no row for it. */
export const caaForHttpStatus = (status: number): CaaCode | undefined => caaByCode((0xcaa30000 | (status & 0xffff)) >>> 0);

/** The OAuth 2.0 `error` values (RFC 6749 §5.2, §4.1.2.1; OpenID Connect interaction_required) the ADAL table names. */
const OAUTH_ERROR: Record<string, number> = {
  unauthorized_client: 0xcaa20001,
  invalid_request: 0xcaa20002,
  invalid_grant: 0xcaa20003,
  access_denied: 0xcaa20004,
  temporarily_unavailable: 0xcaa20005,
  unsupported_response_type: 0xcaa20006,
  invalid_scope: 0xcaa20007,
  server_error: 0xcaa20008,
  invalid_client: 0xcaa20009,
  unsupported_grant_type: 0xcaa2000a,
  invalid_resource: 0xcaa2000b,
  interaction_required: 0xcaa2000c,
};

/**
 * The token endpoint's `error`: its row, or ERROR_ADAL_SERVER_ERROR_CODE_UNKNOWN (the table's own
 * code for "Server return error code, but it is unknown") with the raw value kept by the caller.
 */
export function caaForOAuthError(error: string): { caa: CaaCode; known: boolean } {
  const c = OAUTH_ERROR[error];
  return c !== undefined ? { caa: caaByCode(c)!, known: true } : { caa: caaByCode(0xcaa20064)!, known: false };
}

/** An OAuth 2.0 error answer (RFC 6749 §5.2) with Microsoft Entra's AADSTS codes. */
export interface OAuthErrorBody {
  error: string;
  description?: string;
  /** AADSTS numbers: `error_codes`, else every "AADSTSnnnn" in the description, in order. */
  aadsts: number[];
}

/** Parses a token endpoint's JSON error; undefined when the body is not one (no string `error`). */
export function parseOAuthError(body: Uint8Array | string): OAuthErrorBody | undefined {
  const text = typeof body === "string" ? body.slice(0, 64 * 1024) : new TextDecoder().decode(body.subarray(0, 64 * 1024));
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!v || typeof v !== "object") return undefined;
  const o = v as { error?: unknown; error_description?: unknown; error_codes?: unknown };
  if (typeof o.error !== "string" || !o.error) return undefined;
  const description = typeof o.error_description === "string" ? o.error_description : undefined;
  const listed = Array.isArray(o.error_codes) ? o.error_codes.filter((n): n is number => typeof n === "number" && Number.isInteger(n)) : [];
  const inText = [...(description ?? "").matchAll(/AADSTS(\d{4,7})/g)].map((m) => Number(m[1]));
  return { error: o.error, ...(description !== undefined ? { description } : {}), aadsts: listed.length ? listed : inText };
}

/**
 * An OAuth 2.0 error answer as Microsoft Entra's token endpoint writes it (the reference server's
 * identity provider, and what a test expects): `AADSTSnnnn: text` first in the description.
 */
export function oauthErrorJson(error: string, aadsts: number, text: string): string {
  return JSON.stringify({ error, error_description: `AADSTS${aadsts}: ${text}`, error_codes: [aadsts] });
}
