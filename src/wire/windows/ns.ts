// SPDX-License-Identifier: MIT
/** Namespaces, SOAP actions and token types of MS-MDE2 / MS-XCEP / MS-WSTEP / MS-MDM (shared/notes/windows.md §2). */
export const NS = {
  soap: "http://www.w3.org/2003/05/soap-envelope",
  wsa: "http://www.w3.org/2005/08/addressing",
  wsu: "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd",
  wsse: "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd",
  wst: "http://docs.oasis-open.org/ws-sx/ws-trust/200512",
  ac: "http://schemas.xmlsoap.org/ws/2006/12/authorization",
  discovery: "http://schemas.microsoft.com/windows/management/2012/01/enrollment",
  xcep: "http://schemas.microsoft.com/windows/pki/2009/01/enrollmentpolicy",
  enrollment: "http://schemas.microsoft.com/windows/pki/2009/01/enrollment",
  diag: "http://schemas.microsoft.com/2004/09/ServiceModel/Diagnostics",
  xsi: "http://www.w3.org/2001/XMLSchema-instance",
  xsd: "http://www.w3.org/2001/XMLSchema",
  syncml: "SYNCML:SYNCML1.2",
  metinf: "syncml:metinf",
} as const;

export const ACTION = {
  discover: `${NS.discovery}/IDiscoveryService/Discover`,
  discoverResponse: `${NS.discovery}/IDiscoveryService/DiscoverResponse`,
  getPolicies: `${NS.xcep}/IPolicy/GetPolicies`,
  getPoliciesResponse: `${NS.xcep}/IPolicy/GetPoliciesResponse`,
  rst: `${NS.enrollment}/RST/wstep`,
  rstrc: `${NS.enrollment}/RSTRC/wstep`,
  enrollFault: `${NS.enrollment}/IWindowsDeviceEnrollmentService/RequestSecurityTokenWindowsDeviceEnrollmentServiceErrorFault`,
  fault: "http://www.w3.org/2005/08/addressing/soap/fault",
} as const;

export const TOKEN = {
  deviceEnrollmentToken: "http://schemas.microsoft.com/5.0.0.0/ConfigurationManager/Enrollment/DeviceEnrollmentToken",
  issue: "http://docs.oasis-open.org/ws-sx/ws-trust/200512/Issue",
  renew: "http://docs.oasis-open.org/ws-sx/ws-trust/200512/Renew",
  pkcs10: "http://schemas.microsoft.com/windows/pki/2009/01/enrollment#PKCS10",
  pkcs7: "http://schemas.microsoft.com/windows/pki/2009/01/enrollment#PKCS7",
  base64binary: "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd#base64binary",
  userToken: "http://schemas.microsoft.com/5.0.0.0/ConfigurationManager/Enrollment/DeviceEnrollmentUserToken",
  jwt: "urn:ietf:params:oauth:token-type:jwt",
  provisionDoc: "http://schemas.microsoft.com/5.0.0.0/ConfigurationManager/Enrollment/DeviceEnrollmentProvisionDoc",
  passwordText: "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText",
} as const;

export const MIME = {
  soap: "application/soap+xml; charset=utf-8",
  syncml: "application/vnd.syncml.dm+xml",
  syncmlWbxml: "application/vnd.syncml.dm+wbxml",
} as const;

export const ANONYMOUS = "http://www.w3.org/2005/08/addressing/anonymous";
/** CSP list delimiter U+F000 (DMClient FirstSyncStatus Expected* lists). */
export const CSP_LIST_DELIMITER = "\uf000";
