// SPDX-License-Identifier: MIT
/**
 * The internet responder: a small HTTP server on 127.0.0.1 that plays the internet hosts a device
 * reaches on its network (scenario `networks:`) apart from the MDM server, chosen by the Host header,
 * so the simulator never touches the real internet:
 *
 * - the platforms' connectivity checks with the answers the platforms expect
 *   (protocol/common/connectivity.ts: connectivitycheck.gstatic.com/generate_204 → 204,
 *   www.msftconnecttest.com/connecttest.txt → "Microsoft Connect Test",
 *   captive.apple.com/hotspot-detect.html → the "Success" page);
 * - a PAC file (any path ending in .pac, on any host: a local web server's proxy configuration)
 *   that sends every request DIRECT;
 * - any other path: a captive portal's sign-in page when a portal redirects there, else 404.
 */
import type { HttpHandler, HttpResponse } from "../ports/http.js";
import { CONNECTIVITY_CHECKS } from "../protocol/common/connectivity.js";
import { bindHandler, type BoundServer } from "./http.js";

const utf8 = (s: string) => new Uint8Array(Buffer.from(s, "utf8"));
const answer = (status: number, type: string, text: string, url: string): HttpResponse => {
  const body = utf8(text);
  return { status, headers: { ...(type ? { "content-type": type } : {}) }, body, url };
};

/** A PAC file that sends every request DIRECT (FindProxyForURL, the Netscape PAC format). */
export const DIRECT_PAC = 'function FindProxyForURL(url, host) {\n  return "DIRECT";\n}\n';

export const internetHandler: HttpHandler = async (req) => {
  const host = (req.headers?.host ?? "").toLowerCase().replace(/:\d+$/, "");
  const path = new URL(req.url, "http://responder.invalid").pathname; // a path (node:http) or a full URL (in-memory adapter)
  for (const c of Object.values(CONNECTIVITY_CHECKS)) {
    const u = new URL(c.url);
    if (u.hostname !== host || u.pathname !== path) continue;
    return answer(c.status, c.status === 204 ? "" : c.url.endsWith(".txt") ? "text/plain" : "text/html", "body" in c ? c.body : "", req.url);
  }
  if (path.endsWith(".pac")) return answer(200, "application/x-ns-proxy-autoconfig", DIRECT_PAC, req.url);
  if (host.startsWith("portal.") || path.includes("login")) return answer(200, "text/html", `<html><head><title>Sign in to ${host}</title></head><body><form method="post">Sign in to the network</form></body></html>`, req.url);
  return answer(404, "text/plain", `not found on ${host || "the internet responder"}\n`, req.url);
};

/** Starts the responder on 127.0.0.1 (an ephemeral port). */
export function startInternetResponder(): Promise<BoundServer> {
  return bindHandler(internetHandler);
}
