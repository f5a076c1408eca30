// SPDX-License-Identifier: MIT
/**
 * SyncML/OMA-DM status and alert codes a Windows device uses (MS-MDM, OMA-DM 1.2 representation
 * protocol; summarised in shared/notes/windows.md §9.5–9.6). Exported as JSON in src/_generated/windows/.
 */
export const SYNCML_STATUS: Record<string, string> = {
  "200": "OK",
  "202": "accepted for processing (asynchronous)",
  "212": "authentication accepted",
  "214": "operation cancelled",
  "215": "not executed",
  "216": "atomic roll back OK",
  "400": "bad request",
  "401": "invalid credentials",
  "403": "forbidden",
  "404": "not found",
  "405": "command not allowed",
  "406": "optional feature not supported",
  "407": "missing credentials",
  "415": "unsupported media type or format",
  "418": "already exists",
  "425": "permission denied",
  "500": "command failed",
  "507": "atomic failed",
  "516": "atomic roll back failed",
};

export const SYNCML_ALERT: Record<string, string> = {
  "1200": "server-initiated management session",
  "1201": "client-initiated management session",
  "1222": "next message (more messages in this package)",
  "1223": "session abort",
  "1224": "client event (LoginStatus, AADUserToken, async results)",
  "1225": "end of data for chunked object not received",
  "1226": "generic alert (async CSP completion, unenrollment request)",
};
