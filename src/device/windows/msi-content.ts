// SPDX-License-Identifier: MIT
/**
 * The download half of an EnterpriseDesktopAppManagement MSI job: the device fetches the
 * ContentURL over its own HTTP client (its trust, its site firewall), checks the FileHash
 * (SHA-256, hex) and only then runs the installer. Failures are the values Windows reports in the
 * job's Status/LastError (EnterpriseDesktopAppManagement CSP: Status 30 = download failed) and in the
 * 1226 alert:
 *  - HTTP 404: BG_E_HTTP_ERROR_404 0x80190194; other HTTP errors 0x8019xxxx = 0x80190000 | status
 *    (BITS error codes, bitsmsg.h: BG_E_HTTP_ERROR_<status>);
 *  - no connection / TLS / timeout: WININET/WinHTTP errors as the download service reports them
 *    (0x80072EFD ERROR_INTERNET_CANNOT_CONNECT, 0x80072F8F ERROR_INTERNET_SECURE_FAILURE,
 *    0x80072EE2 ERROR_INTERNET_TIMEOUT, 0x80072EE7 ERROR_INTERNET_NAME_NOT_RESOLVED);
 *  - hash mismatch: CRYPT_E_HASH_VALUE 0x80091007 "The hash value is not correct" (Intune LOB app
 *    troubleshooting lists it for a package whose hash differs from the uploaded one).
 */
import { TransportError } from "../../errors/index.js";
import type { ProtocolContext } from "../../protocol/common/context.js";
import { exchange } from "../../protocol/common/exchange.js";
import { bakedFiles } from "../../wire/windows/msi-package.js";

/**
 * Packages are megabytes to gigabytes (AzureBabyMDM's 7-Zip MSI is 1.7 MB, over the 1 MiB limit of
 * protocol responses): the download has its own limit. Bodies are held in memory, hence a cap.
 */
export const MSI_MAX_BYTES = 64 * 1024 * 1024;

/** `files`: what the package has baked in (wire/windows/msi-package.ts), read by the agent it installs. */
export type MsiDownload = { ok: true; bytes: number; files?: Record<string, string> } | { ok: false; lastError: string; text: string };

export type MsiContentFetcher = (url: string, fileHash: string | undefined) => Promise<MsiDownload>;

const hex = (n: number): string => `0x${(n >>> 0).toString(16).toUpperCase().padStart(8, "0")}`;

export function transportHresult(err: TransportError): number {
  if (err.kind === "http-status") return 0x80190000 | (err.status ?? 0);
  if (err.kind === "dns") return 0x80072ee7;
  if (err.kind === "tls") return 0x80072f8f;
  if (err.kind === "timeout") return 0x80072ee2;
  return 0x80072efd;
}

/** Downloads over `ctx.http` and checks the SHA-256 FileHash. */
export function msiContentFetcher(ctx: ProtocolContext): MsiContentFetcher {
  return async (url, fileHash) => {
    let body: Uint8Array;
    try {
      body = (await exchange(ctx, "esp.msi.download", { method: "GET", url, maxBytes: MSI_MAX_BYTES })).body;
    } catch (err) {
      if (!(err instanceof TransportError) || err.kind === "aborted") throw err;
      const code = transportHresult(err);
      return { ok: false, lastError: hex(code), text: `download of ${url} failed (${hex(code)}): ${err.message}` };
    }
    const got = Buffer.from(ctx.crypto.digest("sha256", body)).toString("hex");
    if (!fileHash || got.toLowerCase() !== fileHash.trim().toLowerCase()) {
      return { ok: false, lastError: hex(0x80091007), text: `CRYPT_E_HASH_VALUE (0x80091007): the hash value is not correct — FileHash ${fileHash ?? "(none)"}, content ${got} (${body.length} bytes)` };
    }
    const files = bakedFiles(body);
    return { ok: true, bytes: body.length, ...(Object.keys(files).length ? { files } : {}) };
  };
}
