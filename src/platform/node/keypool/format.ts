// SPDX-License-Identifier: MIT
/**
 * Pool file format: an 8-byte magic/version header `ESKPOOL1`, then records of
 * `uint32 BE length ‖ PKCS#8 DER`, appended only. Parsing validates every record's framing
 * (length and outer DER SEQUENCE) without importing keys, so corruption is caught at load.
 */
import type { KeySpec } from "../../../ports/crypto.js";
import { KeyPoolError } from "./errors.js";

/** File header: format name and version in one. */
export const POOL_MAGIC = Buffer.from("ESKPOOL1", "latin1");
/** An RSA-4096 PKCS#8 key is ~2.4 KB; anything above this is a corrupt length prefix. */
export const MAX_RECORD_BYTES = 16 * 1024;

/** Every spec the pool can hold, with what `generateKeyPairSync` needs and what import must yield. */
export const KEY_SPECS: Record<KeySpec, { kind: "rsa" | "ec"; bits: number; type: "rsa" | "ec"; options: object }> = {
  rsa2048: { kind: "rsa", bits: 2048, type: "rsa", options: { modulusLength: 2048, publicExponent: 0x10001 } },
  rsa3072: { kind: "rsa", bits: 3072, type: "rsa", options: { modulusLength: 3072, publicExponent: 0x10001 } },
  rsa4096: { kind: "rsa", bits: 4096, type: "rsa", options: { modulusLength: 4096, publicExponent: 0x10001 } },
  "ec-p256": { kind: "ec", bits: 256, type: "ec", options: { namedCurve: "prime256v1" } },
  "ec-p384": { kind: "ec", bits: 384, type: "ec", options: { namedCurve: "secp384r1" } },
};

/** Checks a spec from user input (CLI `--alg`, scenario) and narrows it. */
export function parseKeySpec(spec: string): KeySpec {
  if (Object.hasOwn(KEY_SPECS, spec)) return spec as KeySpec;
  throw new KeyPoolError(
    "keypool.bad-argument",
    `unknown key spec "${spec}"; expected one of ${Object.keys(KEY_SPECS).join(", ")}`,
  );
}

/** One framed record, ready to append in a single write. */
export function encodeRecord(der: Uint8Array): Buffer {
  const out = Buffer.alloc(4 + der.length);
  out.writeUInt32BE(der.length, 0);
  out.set(der, 4);
  return out;
}

/** A record cut short by an interrupted write: where it starts and how many of its bytes exist. */
export interface PartialTail {
  /** Zero-based index of the incomplete record. */
  index: number;
  /** Byte offset where it starts (the length the file should be truncated to). */
  offset: number;
  /** Bytes present / bytes the record needs (header included). */
  present: number;
  expected: number | undefined;
}

export interface ParsedPool {
  /** Complete records' DER, as views into the input buffer. */
  records: Buffer[];
  /** Bytes covered by the header and complete records. */
  validLength: number;
  tail?: PartialTail;
}

/** Total length of the DER TLV starting at `der[0]` if it is a SEQUENCE, or undefined. */
function derSequenceLength(der: Buffer): number | undefined {
  if (der.length < 2 || der[0] !== 0x30) return undefined;
  const first = der[1]!;
  if (first < 0x80) return 2 + first;
  const n = first & 0x7f;
  if (n === 0 || n > 3 || der.length < 2 + n) return undefined;
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + der[2 + i]!;
  return 2 + n + len;
}

/**
 * Splits a pool file into records. Throws {@link KeyPoolError} for a bad magic or a complete
 * record that is not a plausible DER SEQUENCE; reports (does not throw for) a partial last record.
 */
export function parsePool(file: string, data: Buffer): ParsedPool {
  if (data.length < POOL_MAGIC.length || !data.subarray(0, POOL_MAGIC.length).equals(POOL_MAGIC)) {
    const found = JSON.stringify(data.subarray(0, POOL_MAGIC.length).toString("latin1"));
    throw new KeyPoolError(
      "keypool.bad-magic",
      `${file} is not an enrollsim key pool (header ${found}, expected "ESKPOOL1"); ` +
        `it was not modified: move it away and regenerate the pool`,
      file,
    );
  }
  const records: Buffer[] = [];
  let offset = POOL_MAGIC.length;
  while (offset < data.length) {
    const index = records.length;
    const remaining = data.length - offset;
    const corrupt = (why: string): never => {
      throw new KeyPoolError(
        "keypool.corrupt-record",
        `${file}: record ${index} at byte ${offset} is corrupt (${why}); ` +
          `records before it are intact: truncate the file to ${offset} bytes or regenerate the pool`,
        file,
        index,
      );
    };
    if (remaining < 4) return { records, validLength: offset, tail: { index, offset, present: remaining, expected: undefined } };
    const length = data.readUInt32BE(offset);
    if (length === 0 || length > MAX_RECORD_BYTES) corrupt(`length ${length} is outside 1..${MAX_RECORD_BYTES}`);
    const body = data.subarray(offset + 4, offset + 4 + length);
    if (body.length > 0 && body[0] !== 0x30) corrupt("data is not a DER SEQUENCE");
    if (body.length < length) {
      return { records, validLength: offset, tail: { index, offset, present: remaining, expected: 4 + length } };
    }
    if (derSequenceLength(body) !== length) corrupt(`DER length does not match the record length ${length}`);
    records.push(body);
    offset += 4 + length;
  }
  return { records, validLength: offset };
}
