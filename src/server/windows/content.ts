// SPDX-License-Identifier: MIT
/**
 * Stand-in MSI content the reference server serves at /windows/content/<name>.msi: fixed bytes per
 * app name and its baked files (wire/windows/msi-package.ts), so the MsiInstallJob's FileHash (SHA-256, hex, as the
 * EnterpriseDesktopAppManagement CSP expects) is the hash of what a device downloads.
 */
import { standInMsi } from "../../wire/windows/msi-package.js";

export const MSI_CONTENT_PREFIX = "/windows/content/";

export function msiContent(name: string, files?: Readonly<Record<string, string>>): Uint8Array {
  return standInMsi(name, files);
}

/** The app name of a content path (`/windows/content/<name>.msi`), or undefined. */
export function msiContentName(path: string): string | undefined {
  const m = /^\/windows\/content\/([^/]+)\.msi$/.exec(path);
  if (!m) return undefined;
  try {
    return decodeURIComponent(m[1]!);
  } catch {
    return undefined;
  }
}
