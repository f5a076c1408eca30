// SPDX-License-Identifier: MIT
/**
 * The error constants AOSP ManagedProvisioning's tasks report to the setup wizard, and the
 * DownloadManager COLUMN_REASON values behind a failed DPC download. Sources:
 * - ManagedProvisioning `task/DownloadPackageTask.java` (ERROR_DOWNLOAD_FAILED = 0 when
 *   DownloadManager reports STATUS_FAILED, ERROR_OTHER = 1 when there is no network),
 *   `task/VerifyPackageTask.java` (ERROR_HASH_MISMATCH = 0, ERROR_DEVICE_ADMIN_MISSING = 1),
 *   `task/InstallPackageTask.java` (ERROR_PACKAGE_INVALID = 0, ERROR_INSTALLATION_FAILED = 1)
 *   (AOSP, Apache-2.0; values as in Android 10+; older releases numbered them differently);
 * - DevicePolicyManager pre-condition codes: ./preconditions.ts;
 * - android.app.DownloadManager ERROR_* (COLUMN_REASON; an HTTP error status is reported as the
 *   status itself), developer.android.com reference.
 * The screen texts are the wizard's own strings in ./errors.ts (WIZARD_TEXT).
 */
export interface ProvisioningErrorConstant {
  /** "DownloadPackageTask.ERROR_DOWNLOAD_FAILED" */
  task: string;
  name: string;
  value: number;
}

const c = (task: string, name: string, value: number): ProvisioningErrorConstant => ({ task, name, value });

export const PROVISIONING_ERRORS = {
  downloadFailed: c("DownloadPackageTask", "ERROR_DOWNLOAD_FAILED", 0),
  downloadOther: c("DownloadPackageTask", "ERROR_OTHER", 1),
  hashMismatch: c("VerifyPackageTask", "ERROR_HASH_MISMATCH", 0),
  adminMissing: c("VerifyPackageTask", "ERROR_DEVICE_ADMIN_MISSING", 1),
  packageInvalid: c("InstallPackageTask", "ERROR_PACKAGE_INVALID", 0),
  installationFailed: c("InstallPackageTask", "ERROR_INSTALLATION_FAILED", 1),
} as const;

/** DownloadManager COLUMN_REASON values for STATUS_FAILED (below 1000 the reason is an HTTP status). */
export const DOWNLOAD_REASONS: Record<number, string> = {
  1000: "ERROR_UNKNOWN",
  1001: "ERROR_FILE_ERROR",
  1002: "ERROR_UNHANDLED_HTTP_CODE",
  1004: "ERROR_HTTP_DATA_ERROR",
  1005: "ERROR_TOO_MANY_REDIRECTS",
  1006: "ERROR_INSUFFICIENT_SPACE",
  1007: "ERROR_DEVICE_NOT_FOUND",
  1008: "ERROR_CANNOT_RESUME",
  1009: "ERROR_FILE_ALREADY_EXISTS",
};

export const reasonName = (n: number): string | undefined => DOWNLOAD_REASONS[n];

/**
 * google.rpc.Code names (googleapis google/rpc/code.proto), the `status` of an Android Management
 * API error body, which Android Device Policy receives when it redeems an enrollment token.
 */
export const GOOGLE_RPC_STATUS = new Set([
  "OK",
  "CANCELLED",
  "UNKNOWN",
  "INVALID_ARGUMENT",
  "DEADLINE_EXCEEDED",
  "NOT_FOUND",
  "ALREADY_EXISTS",
  "PERMISSION_DENIED",
  "RESOURCE_EXHAUSTED",
  "FAILED_PRECONDITION",
  "ABORTED",
  "OUT_OF_RANGE",
  "UNIMPLEMENTED",
  "INTERNAL",
  "UNAVAILABLE",
  "DATA_LOSS",
  "UNAUTHENTICATED",
]);
