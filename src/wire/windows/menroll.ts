// SPDX-License-Identifier: MIT
/**
 * MENROLL_E_* HRESULTs with the user-visible text family Windows shows, and the SOAP fault
 * subcode / DeviceEnrollmentServiceError ErrorType mappings.
 * Source: MicrosoftDocs/win32 MDMRegistration.h error values and MS-MDE2 §2.2.10, as summarised in
 * shared/notes/windows.md §7 (hand-transcribed table; not generated from a machine-readable source).
 */
export interface MenrollCode {
  name: string;
  hresult: number;
  meaning: string;
  uiText: string;
}

const CONNECTIVITY = "There was a problem connecting to the server. Try again later or contact your support person.";
const AUTH = "There was a problem authenticating your account or device. Try again or contact your support person.";
const CERT = "There was a certificate error. Contact your support person.";

const rows: [number, string, string, string][] = [
  [0x80180001, "MENROLL_E_DEVICE_MESSAGE_FORMAT_ERROR", "invalid message from server", "There was an error communicating with the server. You can try to do this again or contact your system administrator with the error code {0}"],
  [0x80180002, "MENROLL_E_DEVICE_AUTHENTICATION_ERROR", "server failed to authenticate the user", AUTH],
  [0x80180003, "MENROLL_E_DEVICE_AUTHORIZATION_ERROR", "user not authorized", "This user isn't authorized to enroll. You can try to do this again or contact your system administrator with the error code {0}"],
  [0x80180004, "MENROLL_E_DEVICE_CERTIFCATEREQUEST_ERROR", "certificate request failed", CERT],
  [0x80180005, "MENROLL_E_DEVICE_CONFIGMGRSERVER_ERROR", "management server failure", CONNECTIVITY],
  [0x80180006, "MENROLL_E_DEVICE_INTERNALSERVICE_ERROR", "unhandled server exception", CONNECTIVITY],
  [0x80180007, "MENROLL_E_DEVICE_INVALIDSECURITY_ERROR", "security token invalid", AUTH],
  [0x80180008, "MENROLL_E_DEVICE_UNKNOWN_ERROR", "unknown server error", CONNECTIVITY],
  [0x80180009, "MENROLL_E_ENROLLMENT_IN_PROGRESS", "another enrollment running", "Another enrollment is in progress. Try again later."],
  [0x8018000a, "MENROLL_E_DEVICE_ALREADY_ENROLLED", "already enrolled", "This device is already enrolled. You can contact your system administrator with the error code {0}"],
  [0x8018000b, "MENROLL_E_DEVICE_NOT_ENROLLED", "not enrolled", ""],
  [0x8018000d, "MENROLL_E_DISCOVERY_SEC_CERT_DATE_INVALID", "discovery server certificate date invalid", CERT],
  [0x8018000e, "MENROLL_E_PASSWORD_NEEDED", "password needed, not supplied", AUTH],
  [0x8018000f, "MENROLL_E_WAB_ERROR", "web-auth broker error", AUTH],
  [0x80180010, "MENROLL_E_CONNECTIVITY", "DNS/timeout/network", CONNECTIVITY],
  [0x80180012, "MENROLL_E_INVALIDSSLCERT", "invalid TLS certificate", CERT],
  [0x80180013, "MENROLL_E_DEVICECAPREACHED", "device limit reached", "Looks like there are too many devices or users for this account. Contact your system administrator with the error code {0}"],
  [0x80180014, "MENROLL_E_DEVICENOTSUPPORTED", "platform/version unsupported", "This feature isn't supported. Contact your system administrator with the error code {0}"],
  [0x80180015, "MENROLL_E_NOTSUPPORTED", "MDM not supported", "This feature isn't supported. Contact your system administrator with the error code {0}"],
  [0x80180016, "MENROLL_E_NOTELIGIBLETORENEW", "renewal rejected", "The server did not accept the request. Contact your system administrator with the error code {0}"],
  [0x80180017, "MENROLL_E_INMAINTENANCE", "maintenance", "The service is in maintenance. You can try to do this again later or contact your system administrator with the error code {0}"],
  [0x80180018, "MENROLL_E_USERLICENSE", "license problem", "There was an error with your license. Contact your system administrator with the error code {0}"],
  [0x80180019, "MENROLL_E_ENROLLMENTDATAINVALID", "enrollment data rejected", "Looks like the server isn't correctly configured. You can try to do this again or contact your system administrator with the error code {0}"],
  [0x8018001a, "MENROLL_E_INSECUREREDIRECT", "redirected to HTTP", ""],
  [0x8018001b, "MENROLL_E_PLATFORM_WRONG_STATE", "invalid operation", ""],
  [0x8018001c, "MENROLL_E_PLATFORM_LICENSE_ERROR", "edition doesn't support this enrollment type", ""],
  [0x8018001d, "MENROLL_E_PLATFORM_UNKNOWN_ERROR", "unknown client error", ""],
  [0x8018001e, "MENROLL_E_PROV_CSP_CERTSTORE", "provisioning failed in CertificateStore", ""],
  [0x8018001f, "MENROLL_E_PROV_CSP_W7", "provisioning failed in w7 APPLICATION", ""],
  [0x80180020, "MENROLL_E_PROV_CSP_DMCLIENT", "provisioning failed in DMClient", ""],
  [0x80180021, "MENROLL_E_PROV_CSP_PFW", "provisioning failed in the PFW CSP", ""],
  [0x80180022, "MENROLL_E_PROV_CSP_MISC", "provisioning failed in another CSP", ""],
  [0x80180023, "MENROLL_E_PROV_UNKNOWN", "provisioning failed, cause unknown", ""],
  [0x80180024, "MENROLL_E_PROV_SSLCERTNOTFOUND", "client certificate not found", ""],
  [0x80180025, "MENROLL_E_PROV_CSP_APPMGMT", "provisioning failed in the AppMgmt CSP", ""],
  // Text: Microsoft Learn, "Troubleshoot Windows device enrollment problems in Microsoft Intune", Error 80180026.
  [0x80180026, "MENROLL_E_DEVICE_MANAGEMENT_BLOCKED", "MDM enrollment blocked", "Something went wrong. Confirm you are using the correct sign-in information and that your organization uses this feature. You can try to do this again or contact your system administrator with the error code {0}"],
  [0x80180027, "MENROLL_E_CERTPOLICY_PRIVATEKEYCREATION_FAILED", "key creation failed", ""],
  [0x80180028, "MENROLL_E_CERTAUTH_FAILED_TO_FIND_CERT", "certificate auth requested, no certificate", ""],
  [0x80180029, "MENROLL_E_EMPTY_MESSAGE", "HTTP 200 with empty body", ""],
  [0x8018002a, "MENROLL_E_USER_CANCELED", "user cancelled", ""],
  [0x8018002b, "MENROLL_E_MDM_NOT_CONFIGURED", "MDM not configured", ""],
];

export const MENROLL: Record<string, MenrollCode> = Object.fromEntries(
  rows.map(([hresult, name, meaning, uiText]) => [name, { name, hresult, meaning, uiText }]),
);

export const menrollByHresult = (h: number): MenrollCode | undefined => rows.map((r) => MENROLL[r[1]]!).find((c) => c.hresult === h);

/** SOAP fault subcode (local part, case-insensitive) → constant. */
export const SUBCODE_TO_MENROLL: Record<string, string> = {
  messageformat: "MENROLL_E_DEVICE_MESSAGE_FORMAT_ERROR",
  authentication: "MENROLL_E_DEVICE_AUTHENTICATION_ERROR",
  authorization: "MENROLL_E_DEVICE_AUTHORIZATION_ERROR",
  certificaterequest: "MENROLL_E_DEVICE_CERTIFCATEREQUEST_ERROR",
  enrollmentserver: "MENROLL_E_DEVICE_CONFIGMGRSERVER_ERROR",
  internalservicefault: "MENROLL_E_DEVICE_INTERNALSERVICE_ERROR",
  invalidsecurity: "MENROLL_E_DEVICE_INVALIDSECURITY_ERROR",
};

/** DeviceEnrollmentServiceError ErrorType (case-insensitive) → constant; wins over the subcode. */
export const ERRORTYPE_TO_MENROLL: Record<string, string> = {
  devicecapreached: "MENROLL_E_DEVICECAPREACHED",
  devicenotsupported: "MENROLL_E_DEVICENOTSUPPORTED",
  notsupported: "MENROLL_E_NOTSUPPORTED",
  noteligibletorenew: "MENROLL_E_NOTELIGIBLETORENEW",
  inmaintenance: "MENROLL_E_INMAINTENANCE",
  userlicense: "MENROLL_E_USERLICENSE",
  invalidenrollmentdata: "MENROLL_E_ENROLLMENTDATAINVALID",
};

export const hresultHex = (h: number): string => `0x${(h >>> 0).toString(16).toUpperCase().padStart(8, "0")}`;

/** The text a user sees for a code, with the code filled in. */
export function uiTextFor(c: MenrollCode): string {
  return (c.uiText || "Something went wrong. Error code {0}").replace("{0}", hresultHex(c.hresult));
}
