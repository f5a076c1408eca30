// SPDX-License-Identifier: MIT
/**
 * Whether an Android device sends a request over cleartext (http://), for the app on whose behalf
 * it is sent. Published facts:
 * - Network Security Configuration (developer.android.com/privacy-and-security/security-config,
 *   "Opt out of cleartext traffic"): `cleartextTrafficPermitted` defaults to false for an app that
 *   targets Android 9 (API 28) or higher, true below.
 * - DownloadProvider enforces the requesting package's policy on every hop of a download, redirects
 *   included (AOSP platform/packages/providers/DownloadProvider, DownloadThread.executeDownload):
 *   `StopRequestException(STATUS_BAD_REQUEST, "Cleartext traffic not permitted for package <pkg>: <url>")`
 *   before any connection is opened; DownloadManager then reports STATUS_FAILED with COLUMN_REASON 400.
 * - ManagedProvisioning's DownloadPackageTask downloads the DPC through DownloadManager
 *   (shared/notes/android.md §4), so the request is ManagedProvisioning's.
 * Assumption (not published as such): ManagedProvisioning, a platform app, targets the API level of
 * the release it ships in and opts in to no cleartext (no usesCleartextTraffic, no network security
 * config allowing it), so its DPC download over http:// is refused from API 28 and carried below.
 * Field report matching it: h-mdm/hmdm-server#130 (Samsung Galaxy Tab A9+, QR with an http:// package
 * URL → "This device can't be setup" with a Reset button; fixed by serving the APK over https).
 */

/** The app whose policy applies to ManagedProvisioning's DPC download. */
export const MANAGED_PROVISIONING_PACKAGE = "com.android.managedprovisioning";

/** First API level at which an app targeting it has cleartext refused by default (Android 9). */
export const CLEARTEXT_REFUSED_BY_DEFAULT_FROM_API = 28;

/** DownloadProvider's STATUS_BAD_REQUEST, which DownloadManager passes through as COLUMN_REASON. */
export const CLEARTEXT_DOWNLOAD_STATUS = 400;

/** Whether a platform app (targeting its release's API level, no opt-in) may send cleartext on a device at `apiLevel`. */
export function platformAppCleartextPermitted(apiLevel: number): boolean {
  return apiLevel < CLEARTEXT_REFUSED_BY_DEFAULT_FROM_API;
}

/** DownloadThread's message for a refused hop (Uri.toSafeString keeps scheme and host, drops the path's detail). */
export function cleartextRefusedMessage(pkg: string, url: string): string {
  const u = new URL(url);
  return `Cleartext traffic not permitted for package ${pkg}: ${u.protocol}//${u.host}/...`;
}
