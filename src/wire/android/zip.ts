// SPDX-License-Identifier: MIT
/**
 * The ZIP container of an APK (PKWARE APPNOTE): a minimal writer (stored entries) and a bounded,
 * hostile-input-safe reader: end-of-central-directory search, central directory, local headers,
 * CRC-32. Deflated entries are listed but not inflated here (the wire layer has no zlib); the
 * entries the setup wizard's checks need are stored by enrollsim's APK builder.
 */
import { ProtocolViolationError } from "../../errors/index.js";

export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated, … */
  method: number;
  /** The stored bytes (undefined for compressed entries). */
  data?: Uint8Array;
  compressedSize: number;
  size: number;
  crc32: number;
}

export type ZipProblem = "no-eocd" | "bad-central-directory" | "too-many-entries" | "bad-local-header" | "out-of-bounds" | "crc-mismatch" | "bad-name" | "multi-disk";

/** A damaged or hostile archive (an APK from a server): a typed protocol violation, `zip.<problem>`. */
export class ZipError extends ProtocolViolationError {
  constructor(
    readonly problem: ZipProblem,
    detail: string,
  ) {
    super(`zip.${problem}`, `ZIP ${problem}: ${detail}`);
  }
}

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_EOCD = 0x06054b50;

let table: Uint32Array | undefined;
export function crc32(b: Uint8Array): number {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < b.length; i++) c = table[(c ^ b[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A ZIP of stored (uncompressed) entries, in order, with an optional archive comment. */
export function buildZip(entries: { name: string; data: Uint8Array }[], comment = new Uint8Array(0)): Uint8Array {
  const enc = new TextEncoder();
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = enc.encode(e.name);
    const crc = crc32(e.data);
    const lh = new Uint8Array(30 + name.length);
    const lv = new DataView(lh.buffer);
    lv.setUint32(0, SIG_LOCAL, true);
    lv.setUint16(4, 10, true);
    lv.setUint16(6, 0x0800, true); // UTF-8 names
    lv.setUint16(8, 0, true);
    lv.setUint32(14, crc, true);
    lv.setUint32(18, e.data.length, true);
    lv.setUint32(22, e.data.length, true);
    lv.setUint16(26, name.length, true);
    lh.set(name, 30);
    const ch = new Uint8Array(46 + name.length);
    const cv = new DataView(ch.buffer);
    cv.setUint32(0, SIG_CENTRAL, true);
    cv.setUint16(4, 20, true);
    cv.setUint16(6, 10, true);
    cv.setUint16(8, 0x0800, true);
    cv.setUint16(10, 0, true);
    cv.setUint32(16, crc, true);
    cv.setUint32(20, e.data.length, true);
    cv.setUint32(24, e.data.length, true);
    cv.setUint16(28, name.length, true);
    cv.setUint32(42, offset, true);
    ch.set(name, 46);
    locals.push(lh, e.data);
    centrals.push(ch);
    offset += lh.length + e.data.length;
  }
  const cdSize = centrals.reduce((n, c) => n + c.length, 0);
  const eocd = new Uint8Array(22 + comment.length);
  const ev = new DataView(eocd.buffer);
  ev.setUint32(0, SIG_EOCD, true);
  ev.setUint16(8, entries.length, true);
  ev.setUint16(10, entries.length, true);
  ev.setUint32(12, cdSize, true);
  ev.setUint32(16, offset, true);
  ev.setUint16(20, comment.length, true);
  eocd.set(comment, 22);
  const out = new Uint8Array(offset + cdSize + eocd.length);
  let p = 0;
  for (const part of [...locals, ...centrals, eocd]) {
    out.set(part, p);
    p += part.length;
  }
  return out;
}

export interface ZipLimits {
  maxEntries?: number;
}

/** Reads a ZIP's entries; throws ZipError for anything malformed. Bytes after the EOCD record are ignored. */
export function readZip(bytes: Uint8Array, limits: ZipLimits = {}): Map<string, ZipEntry> {
  const maxEntries = limits.maxEntries ?? 4096;
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let eocd = -1;
  for (let i = bytes.length - 22; i >= 0 && i >= bytes.length - 22 - 65535 - 64; i--) {
    if (v.getUint32(i, true) === SIG_EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new ZipError("no-eocd", "end of central directory record not found (truncated or not a ZIP)");
  if (v.getUint16(eocd + 4, true) !== 0 || v.getUint16(eocd + 6, true) !== 0) throw new ZipError("multi-disk", "multi-disk archives are not APKs");
  const count = v.getUint16(eocd + 10, true);
  const cdSize = v.getUint32(eocd + 12, true);
  const cdOff = v.getUint32(eocd + 16, true);
  if (count > maxEntries) throw new ZipError("too-many-entries", `${count} entries (limit ${maxEntries})`);
  if (cdOff + cdSize > eocd) throw new ZipError("bad-central-directory", `central directory [${cdOff}, +${cdSize}) overlaps the EOCD at ${eocd}`);
  const out = new Map<string, ZipEntry>();
  const dec = new TextDecoder("utf-8", { fatal: true });
  let p = cdOff;
  for (let k = 0; k < count; k++) {
    if (p + 46 > cdOff + cdSize || v.getUint32(p, true) !== SIG_CENTRAL) throw new ZipError("bad-central-directory", `entry ${k} at ${p} is not a central directory header`);
    const method = v.getUint16(p + 10, true);
    const crc = v.getUint32(p + 16, true);
    const csize = v.getUint32(p + 20, true);
    const size = v.getUint32(p + 24, true);
    const nlen = v.getUint16(p + 28, true);
    const xlen = v.getUint16(p + 30, true);
    const clen = v.getUint16(p + 32, true);
    const loff = v.getUint32(p + 42, true);
    if (p + 46 + nlen + xlen + clen > cdOff + cdSize) throw new ZipError("bad-central-directory", `entry ${k} runs past the central directory`);
    let name: string;
    try {
      name = dec.decode(bytes.subarray(p + 46, p + 46 + nlen));
    } catch {
      throw new ZipError("bad-name", `entry ${k} name is not UTF-8`);
    }
    if (name.length === 0 || name.includes("\0")) throw new ZipError("bad-name", `entry ${k} has an empty or NUL name`);
    if (loff + 30 > cdOff || v.getUint32(loff, true) !== SIG_LOCAL) throw new ZipError("bad-local-header", `${name}: no local header at ${loff}`);
    const dataOff = loff + 30 + v.getUint16(loff + 26, true) + v.getUint16(loff + 28, true);
    if (dataOff + csize > cdOff) throw new ZipError("out-of-bounds", `${name}: data [${dataOff}, +${csize}) runs past the central directory`);
    let data: Uint8Array | undefined;
    if (method === 0) {
      if (csize !== size) throw new ZipError("bad-central-directory", `${name}: stored entry with different sizes`);
      data = bytes.subarray(dataOff, dataOff + size);
      if (crc32(data) !== crc) throw new ZipError("crc-mismatch", `${name}: CRC-32 mismatch`);
    }
    if (!out.has(name)) out.set(name, { name, method, data, compressedSize: csize, size, crc32: crc });
    p += 46 + nlen + xlen + clen;
  }
  return out;
}
