// SPDX-License-Identifier: MIT
/**
 * Samsung Knox attestation blob (Knox SDK com.samsung.android.knox.integrity.AttestationPolicy, "Below is the format of
 * the blob containing the attestation results", docs.samsungknox.com/devref/knox-sdk/reference/com/samsung/android/
 * knox/integrity/AttestationPolicy.html):
 *
 *   1. Exitcode (1 byte) | Error_str_len (1 byte) | Error String, e.g. (0|7|"Success")
 *   2. Version_number (1 byte)
 *   3. Size_of_data (2 bytes) | Data — subsections Type (1 byte) | length (2 bytes) | data:
 *        0x01 measurement (seven 32-byte SHA-256 hashes), 0x02 verdict ("Yes", "No", "Unknown"), 0x03 nonce (32 bytes),
 *        0x04 SEAndroid status (no longer used), 0x05 serial number (4 bytes), 0x06 warranty …
 *   4. Signature (256 bytes): PKCS #1 v1.5 RSA with SHA-256 over the Data segment
 *   5. Cert_len1 (2 bytes) | certificate1, 6. Cert_len2 (2 bytes) | certificate2
 *
 * Assumptions, because the published text stops there or Samsung's keys are not ours: the 0x06 warranty subsection
 * carries one byte, 0x00 or 0x01 (the warranty bit); multi-byte lengths are big-endian; the signature is 256 zero bytes
 * and both certificates are empty — the simulator cannot sign as a Samsung device key, so a reader of this blob
 * learns what the device claims, it does not verify it. Types this file does not model are kept and skipped.
 */
import forge from "node-forge";
import { ProtocolViolationError } from "../../errors/index.js";

export type KnoxVerdict = "Yes" | "No" | "Unknown";

export interface KnoxAttestationData {
  /** Seven SHA-256 measurements of the boot chain. */
  measurements: Uint8Array[];
  verdict: KnoxVerdict;
  /** The server's nonce (32 bytes). */
  nonce: Uint8Array;
  /** Four bytes of the device's serial. */
  serial: Uint8Array;
  warrantyBit: 0 | 1;
}

const sub = (type: number, data: Uint8Array): number[] => [type, (data.length >> 8) & 0xff, data.length & 0xff, ...data];

export function encodeKnoxBlob(d: KnoxAttestationData): Uint8Array {
  const data = [...sub(0x01, new Uint8Array(d.measurements.flatMap((m) => [...m]))), ...sub(0x02, new TextEncoder().encode(d.verdict)), ...sub(0x03, d.nonce), ...sub(0x05, d.serial), ...sub(0x06, new Uint8Array([d.warrantyBit]))];
  const status = new TextEncoder().encode("Success");
  return new Uint8Array([0, status.length, ...status, 1, (data.length >> 8) & 0xff, data.length & 0xff, ...data, ...new Uint8Array(256), 0, 0, 0, 0]);
}

const bad = (detail: string) => new ProtocolViolationError("android.knox-attestation.malformed", `Knox attestation blob: ${detail}`);

/** Reads a blob (at most 16 KiB); a device-side error exit code is returned as such, malformed input throws. */
export function readKnoxBlob(b: Uint8Array): { exitCode: number; error: string; data?: KnoxAttestationData } {
  if (b.length < 3 || b.length > 16 * 1024) throw bad(`${b.length} bytes`);
  let i = 0;
  const need = (n: number) => {
    if (i + n > b.length) throw bad("truncated");
  };
  const exitCode = b[i++]!;
  const elen = b[i++]!;
  need(elen);
  const error = new TextDecoder().decode(b.subarray(i, i + elen));
  i += elen;
  if (exitCode !== 0) return { exitCode, error };
  need(3);
  i++; // version
  const size = (b[i]! << 8) | b[i + 1]!;
  i += 2;
  need(size);
  const data = b.subarray(i, i + size);
  i += size;
  need(256);
  i += 256;
  for (let c = 0; c < 2; c++) {
    need(2);
    const n = (b[i]! << 8) | b[i + 1]!;
    i += 2 + n;
    need(0);
  }
  if (i !== b.length) throw bad("bytes after the certificates");
  const out: Partial<KnoxAttestationData> = {};
  for (let j = 0; j < data.length;) {
    if (j + 3 > data.length) throw bad("truncated subsection");
    const type = data[j]!;
    const len = (data[j + 1]! << 8) | data[j + 2]!;
    const v = data.subarray(j + 3, j + 3 + len);
    if (v.length !== len) throw bad(`subsection 0x${type.toString(16)} runs past the data`);
    j += 3 + len;
    if (type === 0x01) {
      if (len !== 7 * 32) throw bad("measurement is not seven SHA-256 hashes");
      out.measurements = Array.from({ length: 7 }, (_, k) => v.subarray(k * 32, k * 32 + 32));
    } else if (type === 0x02) {
      const s = new TextDecoder().decode(v);
      if (s !== "Yes" && s !== "No" && s !== "Unknown") throw bad(`verdict ${JSON.stringify(s.slice(0, 20))}`);
      out.verdict = s;
    } else if (type === 0x03) {
      if (len !== 32) throw bad("nonce is not 32 bytes");
      out.nonce = v;
    } else if (type === 0x05) out.serial = v;
    else if (type === 0x06) {
      if (len !== 1 || v[0]! > 1) throw bad("warranty is not one byte 0 or 1");
      out.warrantyBit = v[0] as 0 | 1;
    }
  }
  if (!out.measurements || !out.verdict || !out.nonce) throw bad("measurement, verdict or nonce missing");
  return { exitCode, error, data: { measurements: out.measurements, verdict: out.verdict, nonce: out.nonce, serial: out.serial ?? new Uint8Array(0), warrantyBit: out.warrantyBit ?? 0 } };
}

/**
 * Firmware defects in how the device's attestation framework fills the blob. `rkp-wrong-address`: Samsung KBA 360039680333
 * (docs.samsungknox.com/admin/knox-mobile-enrollment/kbas/kba-360039680333): on SM-G950W running Android N "the attestation
 * framework references the wrong memory address for the Real-time Kernel Protection (RKP) environment. The incorrect
 * reference causes invalid values to be included in the affected blob"; fixed in Android O. Which of the blob's values
 * are RKP's is not published: enrollsim writes the last of the seven measurements from the wrong address.
 */
export const KNOX_BLOB_DEFECTS = ["rkp-wrong-address"] as const;
export type KnoxBlobDefect = (typeof KNOX_BLOB_DEFECTS)[number];

const sha256 = (s: string): Uint8Array => new Uint8Array(Buffer.from(forge.md.sha256.create().update(s, "utf8").digest().getBytes(), "binary"));

/**
 * The seven boot-chain measurements of firmware `build`: the maker's (official) or not. enrollsim's stand-in for the
 * values Samsung's server knows per official firmware (the real measurements are not published): the same function on
 * both sides, so the reference server can tell a blob whose values are not those of the firmware it names.
 */
export function firmwareMeasurements(build: string, firmware: "official" | "custom", defect?: KnoxBlobDefect): Uint8Array[] {
  const m = Array.from({ length: 7 }, (_, k) => sha256(`${firmware}:${build}:${k}`));
  if (defect === "rkp-wrong-address") m[6] = sha256(`rkp-wrong-address:${build}`);
  return m;
}

/** Whether `measurements` are exactly the official ones of `build`. */
export function officialMeasurements(build: string, measurements: readonly Uint8Array[]): boolean {
  const want = firmwareMeasurements(build, "official");
  return measurements.length === want.length && measurements.every((m, i) => Buffer.from(m).equals(Buffer.from(want[i]!)));
}

/**
 * The header that carries the blob on Knox Mobile Enrollment's second profile request (after its 401 nonce challenge):
 * enrollsim's name, base64 of the blob; how the real KME client sends it is not published.
 */
export const KME_ATTESTATION_HEADER = "x-knox-attestation-blob";
/**
 * KME's answer to a blob it cannot use, as the device logs it: Samsung KBA 360039680333, `GET_PROFILE:onFailure -
 * statusCode:400 message:{"error":"com.samsung.knox.mdm.commons.rest.exception.ServerNestedRuntimeException: { "error" :
 * "invalid nonce/blob"}"}`.
 */
export const KME_INVALID_NONCE_BLOB = 'com.samsung.knox.mdm.commons.rest.exception.ServerNestedRuntimeException: { "error" : "invalid nonce/blob"}';
