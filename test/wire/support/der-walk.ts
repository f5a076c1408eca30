// SPDX-License-Identifier: MIT
/**
 * A tiny independent DER walker that records byte offsets (node-forge's objects do not), so
 * mutation annotations can name the element a flipped byte sits in.
 */
export interface Tlv {
  tag: number;
  /** Offset of the tag byte. */
  start: number;
  /** Offset of the first content byte. */
  contentStart: number;
  /** Offset just past the element. */
  end: number;
  children?: Tlv[];
}

function readTlv(der: Uint8Array, at: number, limit: number): Tlv {
  const tag = der[at]!;
  let p = at + 1;
  const first = der[p++]!;
  let length = first;
  if (first & 0x80) {
    const n = first & 0x7f;
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + der[p++]!;
  }
  const tlv: Tlv = { tag, start: at, contentStart: p, end: p + length };
  if (tlv.end > limit) throw new Error(`element at ${at} runs past ${limit}`);
  if (tag & 0x20) tlv.children = walk(der, p, tlv.end);
  return tlv;
}

/** The elements between `from` and `to`. */
export function walk(der: Uint8Array, from = 0, to = der.length): Tlv[] {
  const out: Tlv[] = [];
  for (let p = from; p < to; ) {
    const t = readTlv(der, p, to);
    out.push(t);
    p = t.end;
  }
  return out;
}

/**
 * The element at a slash path of child indexes from the top element; negative indexes count
 * from the end. "1/0/-1/0/-1" in a SignedData ContentInfo is the first SignerInfo's signature.
 */
export function elementAt(der: Uint8Array, path: string): Tlv {
  let el = walk(der)[0]!;
  for (const seg of path.split("/").filter(Boolean)) {
    const kids = el.children ?? [];
    const i = Number(seg);
    const next = kids[i < 0 ? kids.length + i : i];
    if (!next) throw new Error(`no element ${seg} under offset ${el.start} (path ${path})`);
    el = next;
  }
  return el;
}
