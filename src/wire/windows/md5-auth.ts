// SPDX-License-Identifier: MIT
/**
 * SyncML `syncml:auth-md5` credentials (OMA DM security; notes §9.7):
 *   cred = MD5(name ":" secret); digest = MD5(base64(cred) ":" nonce); Cred/Data = base64(digest)
 * Servers differ on the nonce: the raw bytes (spec) or its base64 text (some servers) — a knob.
 */
import type { CryptoPort } from "../../ports/crypto.js";

export type NonceEncoding = "raw" | "b64text";

const enc = new TextEncoder();
const concat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};

export function md5Credential(name: string, secret: string, nonce: Uint8Array, crypto: CryptoPort, encoding: NonceEncoding = "raw"): string {
  const cred = Buffer.from(crypto.digest("md5", enc.encode(`${name}:${secret}`))).toString("base64");
  const n = encoding === "raw" ? nonce : enc.encode(Buffer.from(nonce).toString("base64"));
  return Buffer.from(crypto.digest("md5", concat(enc.encode(`${cred}:`), n))).toString("base64");
}
