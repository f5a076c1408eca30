// SPDX-License-Identifier: MIT
/**
 * NSURLErrorDomain codes an iPhone, iPad or Mac reports when a request of profile download,
 * Setup Assistant (Remote Management) or an MDM check-in fails below HTTP. Names and numbers:
 * Apple Foundation reference (URLError.Code / NSURLError*, developer.apple.com, "URL Loading
 * System Error Codes"); `text` is the NSLocalizedDescription CFNetwork puts in the error (the string
 * a profile-install alert, a Setup Assistant error sheet and device logs carry), `{host}` the
 * server's host name.
 */
export interface NsUrlError {
  name: string;
  code: number;
  text: string;
}

const PRETEND = "You might be connecting to a server that is pretending to be “{host}” which could put your confidential information at risk.";

const rows: [number, string, string][] = [
  [-1001, "NSURLErrorTimedOut", "The request timed out."],
  [-1003, "NSURLErrorCannotFindHost", "A server with the specified hostname could not be found."],
  [-1004, "NSURLErrorCannotConnectToHost", "Could not connect to the server."],
  [-1005, "NSURLErrorNetworkConnectionLost", "The network connection was lost."],
  [-1007, "NSURLErrorHTTPTooManyRedirects", "too many HTTP redirects"],
  [-1009, "NSURLErrorNotConnectedToInternet", "The Internet connection appears to be offline."],
  [-1011, "NSURLErrorBadServerResponse", "The operation couldn’t be completed. (NSURLErrorDomain error -1011.)"],
  [-1017, "NSURLErrorCannotParseResponse", "cannot parse response"],
  [-1200, "NSURLErrorSecureConnectionFailed", "An SSL error has occurred and a secure connection to the server cannot be made."],
  [-1201, "NSURLErrorServerCertificateHasBadDate", `The certificate for this server has expired. ${PRETEND}`],
  [-1202, "NSURLErrorServerCertificateUntrusted", `The certificate for this server is invalid. ${PRETEND}`],
  [-1203, "NSURLErrorServerCertificateHasUnknownRoot", `The certificate for this server was signed by an unknown certifying authority. ${PRETEND}`],
  [-1204, "NSURLErrorServerCertificateNotYetValid", `The certificate for this server is not yet valid. ${PRETEND}`],
  [-1205, "NSURLErrorClientCertificateRejected", "The server “{host}” did not accept the certificate."],
  [-1206, "NSURLErrorClientCertificateRequired", "The server “{host}” requires a client certificate."],
];

export const NSURL_ERRORS: Record<string, NsUrlError> = Object.fromEntries(rows.map(([code, name, text]) => [name, { name, code, text }]));

export const nsUrlErrorByCode = (code: number): NsUrlError | undefined => Object.values(NSURL_ERRORS).find((e) => e.code === code);

export const nsUrlText = (e: NsUrlError, host: string): string => e.text.replaceAll("{host}", host);
