// SPDX-License-Identifier: MIT
/**
 * Where a downloaded .mobileconfig's content starts. A profile is a DER CMS SignedData (first byte
 * 0x30, a SEQUENCE) or a property list (XML, optionally after whitespace, or `bplist00`). A server or
 * a middlebox that emits bytes before it (NUL bytes, a BOM, a PHP notice, a proxy banner) leaves a
 * body that starts with neither; the envelope or plist is still there, further in
 * (fleetdm/fleet#35208: `plutil -lint` → "Unexpected character 0 at line 1", `security cms -D` finds
 * the XML). This finds that offset so the device can report the condition as what it is.
 */
import { parseSignedData } from "../cms/signed-data.js";
import { parsePlist } from "./plist.js";

/** How far into the body a misplaced envelope or plist is looked for, and how many DER starts are tried. */
const SCAN_BYTES = 4096;
const DER_TRIES = 16;

const PLIST_STARTS = ["<?xml", "<!DOCTYPE plist", "<plist", "bplist00"].map((t) => Buffer.from(t, "latin1"));

export interface MisplacedContent {
  /** Bytes before the content. */
  offset: number;
  kind: "cms" | "plist";
  /** The first bytes of the body (at most 8), hex, for the report. */
  leading: string;
}

/** Whether the body starts with a profile's content (after whitespace, for XML). */
export function startsAsProfile(bytes: Uint8Array): boolean {
  if (bytes[0] === 0x30) return true;
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 64));
  const text = b.toString("latin1").trimStart();
  return PLIST_STARTS.some((p) => text.startsWith(p.toString("latin1")));
}

/**
 * The content found after leading bytes: a CMS SignedData that parses from a later 0x30, or a
 * property list that parses from its start marker; undefined when the body starts as a profile or holds neither within the first 4 KiB.
 */
export function misplacedContent(bytes: Uint8Array): MisplacedContent | undefined {
  if (bytes.length === 0 || startsAsProfile(bytes)) return undefined;
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, SCAN_BYTES));
  const leading = Buffer.from(b.subarray(0, 8))
    .toString("hex")
    .replace(/(..)(?!$)/g, "$1 ");
  let tries = 0;
  for (let at = b.indexOf(0x30, 1); at !== -1 && tries < DER_TRIES; at = b.indexOf(0x30, at + 1), tries++) {
    try {
      parseSignedData(bytes.subarray(at), "signed profile");
      return { offset: at, kind: "cms", leading };
    } catch {
      // not an envelope at this offset
    }
  }
  // A plist marker counts only where a whole plist follows (inside a cut CMS envelope the XML is there too, cut short).
  const plist = PLIST_STARTS.map((p) => b.indexOf(p)).filter((i) => i > 0);
  if (plist.length === 0) return undefined;
  const offset = Math.min(...plist);
  try {
    parsePlist(bytes.subarray(offset));
    return { offset, kind: "plist", leading };
  } catch {
    return undefined;
  }
}
