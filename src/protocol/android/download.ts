// SPDX-License-Identifier: MIT
/**
 * DownloadPackageTask: GET the DPC APK from PROVISIONING_DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION
 * with the optional Cookie header, bounded in size, following at most a few redirects on the
 * same host (a redirect to another host is refused), and detecting truncated bodies. An http:// hop is
 * refused before any connection when the requesting app's cleartext policy refuses it. Every way the
 * download can fail — an HTTP error, a refused or reset connection, a timeout, a TLS failure — is
 * DownloadManager failing the download, so it is a result here (the wizard's ERROR_DOWNLOAD_FAILED),
 * not a transport failure of the run; only an abort (run deadline, fleet stop) is rethrown.
 */
import { TransportError } from "../../errors/index.js";
import type { ProtocolContext } from "../common/context.js";
import { decoded } from "../common/context.js";
import { exchange } from "../common/exchange.js";
import { CLEARTEXT_DOWNLOAD_STATUS, cleartextRefusedMessage } from "../../wire/android/cleartext.js";

export const STEP_DOWNLOAD = "android.provision.download";
const MAX_REDIRECTS = 5;

export type DownloadResult =
  | { ok: true; bytes: Uint8Array; url: string; redirects: number }
  | {
      ok: false;
      reason: "redirect-off-host" | "too-many-redirects" | "truncated" | "http-error" | "too-large" | "transport" | "cleartext-not-permitted";
      detail: string;
      status?: number;
      /** For reason "transport": what failed (TransportError detail, or its kind where the adapter could not tell). */
      transport?: string;
    };

export interface DownloadOptions {
  cookieHeader?: string;
  maxBytes?: number;
  /**
   * The requesting app's cleartext policy (wire/android/cleartext.ts): `refused` makes every http:// hop
   * fail before a connection is opened, as DownloadProvider does; `permitted` sends it.
   */
  cleartext: { policy: "permitted" } | { policy: "refused"; requester: string };
}

export async function downloadApk(ctx: ProtocolContext, location: string, options: DownloadOptions): Promise<DownloadResult> {
  const origin = new URL(location);
  let url = location;
  const c = options.cleartext;
  const refusedHop = (hop: string): DownloadResult | undefined => {
    if (c.policy !== "refused" || new URL(hop).protocol !== "http:") return undefined;
    decoded(ctx, STEP_DOWNLOAD, { url: hop, refused: "cleartext", requester: c.requester, status: CLEARTEXT_DOWNLOAD_STATUS });
    return { ok: false, reason: "cleartext-not-permitted", detail: cleartextRefusedMessage(c.requester, hop), status: CLEARTEXT_DOWNLOAD_STATUS };
  };
  for (let redirects = 0; ; redirects++) {
    const refused = refusedHop(url);
    if (refused) return refused;
    const headers: Record<string, string> = { "user-agent": "AndroidDownloadManager/14", accept: "*/*" };
    if (options.cookieHeader) headers.cookie = options.cookieHeader;
    let res;
    try {
      res = await exchange(ctx, STEP_DOWNLOAD, { method: "GET", url, headers, maxBytes: options.maxBytes ?? ctx.maxResponseBytes }, { acceptStatus: [301, 302, 303, 307, 308] });
    } catch (e) {
      if (e instanceof TransportError && (e.kind === "http-status" || e.kind === "too-large"))
        return { ok: false, reason: e.kind === "too-large" ? "too-large" : "http-error", detail: e.message, ...(e.status !== undefined ? { status: e.status } : {}) };
      if (e instanceof TransportError && e.kind !== "aborted") return { ok: false, reason: "transport", detail: e.message, transport: e.detail ?? e.kind };
      throw e;
    }
    if (res.status >= 300) {
      const loc = res.headers.location;
      if (!loc) return { ok: false, reason: "http-error", detail: `HTTP ${res.status} without Location` };
      let next: URL;
      try {
        next = new URL(loc, url);
      } catch {
        return { ok: false, reason: "http-error", detail: `HTTP ${res.status} with a bad Location` };
      }
      // DownloadProvider checks each hop's scheme before connecting: a redirect to http:// meets the cleartext policy first.
      const cleartextHop = refusedHop(next.toString());
      if (cleartextHop) return cleartextHop;
      if (next.host !== origin.host || next.protocol !== origin.protocol)
        return { ok: false, reason: "redirect-off-host", detail: `redirect from ${origin.host} to ${next.protocol}//${next.host} refused` };
      if (redirects >= MAX_REDIRECTS) return { ok: false, reason: "too-many-redirects", detail: `more than ${MAX_REDIRECTS} redirects` };
      url = next.toString();
      continue;
    }
    const declared = res.headers["content-length"];
    if (declared !== undefined && /^\d+$/.test(declared) && Number(declared) !== res.body.length)
      return { ok: false, reason: "truncated", detail: `Content-Length ${declared}, received ${res.body.length} bytes` };
    decoded(ctx, STEP_DOWNLOAD, { url, bytes: res.body.length, redirects, sessionHeader: options.cookieHeader ? "sent" : "none" });
    return { ok: true, bytes: res.body, url, redirects };
  }
}
