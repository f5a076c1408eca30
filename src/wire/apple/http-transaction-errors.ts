// SPDX-License-Identifier: MIT
/**
 * MCHTTPTransactionErrorDomain: the errors of the device's own HTTP transactions for profiles and
 * MDM (profile download, check-in). Codes and meanings from Apple's MDM Protocol Reference, "Error
 * Codes" (developer.apple.com/library/content/documentation/Miscellaneous/Reference/
 * MobileDeviceManagementProtocolRef/3-MDM_Protocol/MDM_Protocol.html, TP40017387-CH3-SW77; Apple
 * notes the values may change between releases). Field evidence that an HTTP error status of a
 * check-in surfaces as 23001: a 401/412 answered by a load balancer during the profile install,
 * device log "A connection to the server could not be established" MCHTTPTransactionErrorDomain
 * 23001 (emm.how/t/xenmobile-re-enrolment-ssl-offload-and-session-reuse/297).
 */
export const MC_HTTP_TRANSACTION_DOMAIN = "MCHTTPTransactionErrorDomain";

export const MC_HTTP_TRANSACTION_ERRORS = {
  badIdentity: { code: 23000, meaning: "Bad identity" },
  badServerResponse: { code: 23001, meaning: "Bad server response" },
  invalidServerCertificate: { code: 23002, meaning: "Invalid server certificate" },
} as const;

/**
 * The transaction error an HTTP status of a profile/MDM transaction is, or undefined for a status
 * no source ties to one (not an HTTP error status: 1xx, 3xx left unfollowed, values outside
 * 100–599), which the caller reports raw. Every 4xx/5xx is a response the transaction cannot use.
 */
export function mcHttpTransactionErrorFor(status: number): (typeof MC_HTTP_TRANSACTION_ERRORS)[keyof typeof MC_HTTP_TRANSACTION_ERRORS] | undefined {
  return Number.isInteger(status) && status >= 400 && status <= 599 ? MC_HTTP_TRANSACTION_ERRORS.badServerResponse : undefined;
}
