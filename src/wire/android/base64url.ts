// SPDX-License-Identifier: MIT
/**
 * URL-safe base64 as ManagedProvisioning reads checksums (`Base64.decode(s, URL_SAFE)`):
 * alphabet A–Z a–z 0–9 - _, `=` padding optional, `+` and `/` refused ("Incorrect format.
 * Should be Url-safe Base64 encoded."). Like android.util.Base64, characters outside the alphabet
 * other than `+`/`/` (colons, whitespace) are skipped — which is why colon-hex checksums decode
 * to the wrong bytes and end in a hash mismatch instead of a format error.
 */
import { ProvisioningPayloadError } from "./errors.js";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const VALUE = new Map<string, number>([...ALPHABET].map((c, i) => [c, i]));

export interface DecodedBase64 {
  bytes: Uint8Array;
  /** Characters skipped by the decoder (outside the URL-safe alphabet). */
  skipped: number;
}

export function decodeUrlSafeBase64(s: string, extra?: string): DecodedBase64 {
  if (/[+/]/.test(s)) throw new ProvisioningPayloadError("bad-base64", extra, `("+" or "/" found: standard base64, not URL-safe)`);
  const body = s.replace(/=+\s*$/, "");
  const pad = s.length - s.trimEnd().length === 0 ? s.length - body.length : 0;
  if (pad > 2) throw new ProvisioningPayloadError("bad-base64", extra, "(too much padding)");
  const out: number[] = [];
  let acc = 0;
  let bits = 0;
  let skipped = 0;
  for (const c of body) {
    const v = VALUE.get(c);
    if (v === undefined) {
      if (c === "=") throw new ProvisioningPayloadError("bad-base64", extra, "(padding inside the value)");
      skipped++;
      continue;
    }
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push((acc >> bits) & 0xff);
    }
  }
  const chars = body.length - skipped;
  if (chars % 4 === 1) throw new ProvisioningPayloadError("bad-base64", extra, "(bad base-64 length)");
  return { bytes: Uint8Array.from(out), skipped };
}

/** URL-safe base64; padded unless `pad` is false (ManagedProvisioning logs with NO_PADDING). */
export function encodeUrlSafeBase64(bytes: Uint8Array, pad = true): string {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
  const url = b.replace(/\+/g, "-").replace(/\//g, "_");
  return pad ? url : url.replace(/=+$/, "");
}

export const toHex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex");
