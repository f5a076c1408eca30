// SPDX-License-Identifier: MIT
/**
 * Byte edits of a message body, for the `edit` fault (runner/faults): bytes put before the body
 * (`prefix`: a BOM, NUL bytes, a PHP notice or a proxy banner a server emits before its output), after
 * it (`append`: a trailing newline, a debug footer), and every occurrence of a byte string replaced
 * (`replace`: a middlebox that rewrites a host name or a Content-Type inside the document). They act
 * on the bytes, never on a parse of them, so they reach what the structural edits (body-edit.ts)
 * cannot: what comes before or after the document, and bodies that are neither XML nor JSON (a CMS
 * envelope, an APK).
 *
 * A value is text (encoded UTF-8; YAML escapes such as "\0" or "\uFEFF" give control characters and
 * a BOM) or `{ hex: "EF BB BF" }` for bytes that are not UTF-8 text (whitespace between digit pairs
 * is ignored).
 */

export type ByteValue = string | { hex: string };

export interface ByteReplacement {
  find: ByteValue;
  with: ByteValue;
}

export interface ByteEdits {
  prefix?: ByteValue;
  append?: ByteValue;
  /** One replacement or several, applied in order; each replaces every occurrence. */
  replace?: ByteReplacement | ByteReplacement[];
}

export class ByteValueError extends Error {}

/** Hex digit pairs, whitespace between pairs allowed: "EFBBBF", "ef bb bf". */
export const HEX_BYTES = "^\\s*([0-9A-Fa-f]{2}\\s*)*$";

/** The bytes a value stands for; throws ByteValueError for hex that is not whole digit pairs. */
export function bytesOf(v: ByteValue): Uint8Array {
  if (typeof v === "string") return new Uint8Array(Buffer.from(v, "utf8"));
  if (!new RegExp(HEX_BYTES).test(v.hex)) throw new ByteValueError(`"${v.hex}" is not hex digit pairs`);
  return new Uint8Array(Buffer.from(v.hex.replace(/\s+/g, ""), "hex"));
}

/** Every occurrence of `find` in `body` replaced by `by` (none: the same array back). */
export function replaceAll(body: Uint8Array, find: Uint8Array, by: Uint8Array): Uint8Array {
  if (find.length === 0) return body;
  const src = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const parts: Uint8Array[] = [];
  let from = 0;
  for (let at = src.indexOf(find, from); at !== -1; at = src.indexOf(find, from)) {
    parts.push(body.subarray(from, at), by);
    from = at + find.length;
  }
  if (parts.length === 0) return body;
  parts.push(body.subarray(from));
  return new Uint8Array(Buffer.concat(parts));
}

/** `body` with the replacements, then the prefix and the suffix; the same array when nothing changed. */
export function editBytes(body: Uint8Array, e: ByteEdits): Uint8Array {
  let out = body;
  const reps = e.replace === undefined ? [] : Array.isArray(e.replace) ? e.replace : [e.replace];
  for (const r of reps) out = replaceAll(out, bytesOf(r.find), bytesOf(r.with));
  const before = e.prefix === undefined ? new Uint8Array(0) : bytesOf(e.prefix);
  const after = e.append === undefined ? new Uint8Array(0) : bytesOf(e.append);
  if (before.length === 0 && after.length === 0) return out;
  return new Uint8Array(Buffer.concat([before, out, after]));
}
