// SPDX-License-Identifier: MIT
/**
 * A slow front for the reference server (kill tests): it forwards every request to the server's
 * handler and holds back the answer to the requests `slow` picks for `ms`. The server has handled
 * such a request (its records hold it) before the device hears back — what a loaded server does — so
 * a process killed in between has sent a request whose answer it never got. The reference server
 * advertises the front's URLs (serveBehind), and the front presents a certificate from its CA.
 */
import { NodeCrypto } from "../../../src/platform/node/crypto.js";
import type { HttpHandler, HttpRequest } from "../../../src/ports/http.js";
import { bindHandler } from "../../../src/server/http.js";
import type { ReferenceServer } from "../../../src/server/reference-server.js";
import { issueServerCertificate } from "../../../src/server/scep/ca.js";
import { toPem } from "../../../src/wire/x509/certificate.js";

export interface SlowFront {
  urls: { http: string; https: string };
  close(): Promise<void>;
}

export async function slowFront(ref: ReferenceServer, slow: (req: HttpRequest) => boolean, ms: number): Promise<SlowFront> {
  const crypto = new NodeCrypto();
  const key = await crypto.generateKey("ec-p256");
  const cert = issueServerCertificate(ref.scep.id, key.spki, { dns: ["localhost"], ip: ["127.0.0.1"] }, crypto.digest("sha256", key.spki).subarray(0, 8), Date.now(), crypto);
  const handler: HttpHandler = async (req) => {
    const res = await ref.handler(req);
    if (slow(req)) await new Promise((r) => setTimeout(r, ms));
    return res;
  };
  const http = await bindHandler(handler);
  const https = await bindHandler(handler, { tls: { certPem: toPem(cert.der) + ref.caPem, keyPem: crypto.privateKeyPem(key), caPem: [ref.caPem] } });
  const urls = { http: http.url, https: https.url };
  ref.serveBehind(urls);
  return {
    urls,
    close: async () => {
      await http.close();
      await https.close();
    },
  };
}
