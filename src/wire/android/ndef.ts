// SPDX-License-Identifier: MIT
/**
 * The NFC provisioning tag: an NDEF message whose first record is TNF MIME (2) with type
 * `application/com.android.managedprovisioning` and a Properties payload. Only the first record
 * is examined. Short records (SR, payload ≤ 255 bytes) have header 0xD2, long ones 0xC2 with a
 * 4-byte length.
 */
import { ProvisioningPayloadError } from "./errors.js";
import { NFC_MIME } from "./extras.js";

const MAX_PAYLOAD = 64 * 1024;

export function encodeNdefProvisioning(properties: string): Uint8Array {
  const type = new TextEncoder().encode(NFC_MIME);
  const payload = new TextEncoder().encode(properties);
  const short = payload.length <= 255;
  const head = short ? [0xd2, type.length, payload.length] : [0xc2, type.length, (payload.length >>> 24) & 0xff, (payload.length >>> 16) & 0xff, (payload.length >>> 8) & 0xff, payload.length & 0xff];
  const out = new Uint8Array(head.length + type.length + payload.length);
  out.set(head, 0);
  out.set(type, head.length);
  out.set(payload, head.length + type.length);
  return out;
}

/** The Properties text of the first record; typed errors for anything else. */
export function decodeNdefProvisioning(bytes: Uint8Array): string {
  const bad = (why: string) => new ProvisioningPayloadError("invalid-parameter", "NDEF", `(${why})`);
  if (bytes.length < 3) throw bad("message too short");
  const h = bytes[0]!;
  if ((h & 0x07) !== 2) throw bad(`first record TNF ${h & 0x07} is not MIME (2)`);
  if (!(h & 0x80)) throw bad("first record lacks the message-begin flag");
  const sr = (h & 0x10) !== 0;
  const il = (h & 0x08) !== 0;
  const typeLen = bytes[1]!;
  let p = 2;
  let len: number;
  if (sr) len = bytes[p++]!;
  else {
    if (bytes.length < 6) throw bad("truncated payload length");
    len = ((bytes[2]! << 24) >>> 0) + (bytes[3]! << 16) + (bytes[4]! << 8) + bytes[5]!;
    p = 6;
  }
  if (il) p += 1 + (bytes[p] ?? 0);
  if (len > MAX_PAYLOAD) throw new ProvisioningPayloadError("too-large", "NDEF", `(payload of ${len} bytes)`);
  if (p + typeLen + len > bytes.length) throw bad("record runs past the end of the message");
  const type = new TextDecoder().decode(bytes.subarray(p, p + typeLen));
  if (type !== NFC_MIME) throw bad(`MIME type "${type.slice(0, 80)}" is not ${NFC_MIME}`);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(p + typeLen, p + typeLen + len));
  } catch {
    throw bad("payload is not UTF-8");
  }
}
