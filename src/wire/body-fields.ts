// SPDX-License-Identifier: MIT
/**
 * Reads the values a path selects in a message body, for the `match.field` selector of a fault
 * (runner/faults/request-match.ts): "the request whose RequestVersion is 9.0", "the check-in whose
 * OSVersion is 17.*". Pure and bounded: one parse of at most {@link MAX_FIELD_BODY} bytes, never a
 * throw for what a device sends (a body of another format, or one that does not parse, has no fields).
 *
 * The path is the one `edit.remove` uses (wire/body-edit.ts: names or `*`, each optionally `[N]` or
 * `[N..]`, separated by `/`), read per format:
 *
 *   XML plist (`<plist>` root; also the plist inside a CMS SignedData, as Apple's signed MachineInfo and
 *   profiles carry it): dictionary keys below the root dictionary (`OSVersion`, `a/b`); an array is
 *   transparent, like JSON's.
 *   Other XML (SOAP, SyncML): element local names from the root element, namespace prefixes ignored
 *   (`Envelope/Body/Discover/request/RequestVersion`); the value is the element's text, trimmed.
 *   JSON: member names below the top-level object (`device/model`); arrays are transparent.
 *
 * Values are strings: numbers and booleans as JSON writes them, dates as ISO 8601, data as base64;
 * a dictionary, object or element with child elements has no value of its own.
 */
import { BodyEditError, parseEditPath } from "./body-edit.js";
import { readXml, xmlText, type XmlNode } from "./safe-xml.js";
import { parsePlist } from "./apple/plist.js";
import { parseSignedData } from "./cms/signed-data.js";

/** Bodies longer than this have no fields (a fault selector never parses a megabyte download). */
export const MAX_FIELD_BODY = 1 << 20;

export class FieldPathError extends Error {}

type Step = ReturnType<typeof parseEditPath>[number];

/** The parsed path, or a FieldPathError naming the bad step (for the loader's message). */
export function parseFieldPath(path: string): Step[] {
  try {
    return parseEditPath(path);
  } catch (err) {
    if (err instanceof BodyEditError) throw new FieldPathError(err.message);
    throw err;
  }
}

const named = (name: string, step: Step) => step.name === "*" || step.name === name;

/** Indices of `kids` selected by `step` (`[N]`: the Nth of that name, 1-based). */
function pick<T>(kids: readonly T[], nameOf: (k: T) => string, step: Step): T[] {
  const out: T[] = [];
  let nth = 0;
  for (const k of kids) {
    if (!named(nameOf(k), step)) continue;
    nth++;
    if (nth >= step.from && nth <= step.to) out.push(k);
  }
  return out;
}

function xmlValues(node: XmlNode, steps: Step[], out: string[]): void {
  const [step, ...rest] = steps;
  for (const c of pick(node.children, (k) => k.local, step!)) {
    if (rest.length) xmlValues(c, rest, out);
    else if (c.children.length === 0) out.push(c.text.trim());
  }
}

type Tree = null | boolean | number | string | Date | Uint8Array | Tree[] | { [k: string]: Tree };

const isMap = (v: Tree): v is { [k: string]: Tree } => v !== null && typeof v === "object" && !Array.isArray(v) && !(v instanceof Date) && !(v instanceof Uint8Array);

function scalar(v: Tree): string | undefined {
  if (v === null) return "null";
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString("base64");
  return undefined;
}

function treeValues(v: Tree, steps: Step[], out: string[]): void {
  const [step, ...rest] = steps;
  if (Array.isArray(v)) {
    for (const e of v) treeValues(e, steps, out);
    return;
  }
  if (!isMap(v)) return;
  for (const k of pick(Object.keys(v), (x) => x, step!)) {
    const child = v[k]!;
    if (rest.length) treeValues(child, rest, out);
    else if (Array.isArray(child)) child.forEach((e) => pushScalar(e, out));
    else pushScalar(child, out);
  }
}

function pushScalar(v: Tree, out: string[]): void {
  const s = scalar(v);
  if (s !== undefined) out.push(s);
}

const PLIST_START = /^\s*(<\?xml[^>]*>\s*)?(<!DOCTYPE[^>]*>\s*)?<plist[\s>]/;

/** The document a body holds: the body itself, or a CMS SignedData's content (a DER SEQUENCE first). */
function documentOf(body: Uint8Array): Uint8Array {
  if (body[0] !== 0x30) return body;
  try {
    return parseSignedData(body, "body").content ?? new Uint8Array(0);
  } catch {
    return new Uint8Array(0);
  }
}

/**
 * The values `path` selects in `body` (see the file comment); [] when the body is of no readable
 * format, does not parse, is larger than {@link MAX_FIELD_BODY}, or the path selects nothing.
 */
export function readFields(body: Uint8Array | undefined, path: string | Step[]): string[] {
  if (!body || body.length === 0 || body.length > MAX_FIELD_BODY) return [];
  const steps = typeof path === "string" ? parseFieldPath(path) : path;
  const doc = documentOf(body);
  const text = xmlText(doc).trimStart();
  const out: string[] = [];
  try {
    if (PLIST_START.test(text)) {
      treeValues(parsePlist(text) as Tree, steps, out);
    } else if (text.startsWith("<")) {
      const root = readXml(text, { limits: { maxBytes: MAX_FIELD_BODY, maxDepth: 64, maxNodes: 100_000 }, fail: (code, detail) => new FieldPathError(`${code}: ${detail}`) });
      const [first, ...rest] = steps;
      if (!named(root.local, first!) || first!.from > 1) return [];
      if (!rest.length) return root.children.length === 0 ? [root.text.trim()] : [];
      xmlValues(root, rest, out);
    } else if (text.startsWith("{") || text.startsWith("[")) {
      treeValues(JSON.parse(text) as Tree, steps, out);
    }
  } catch {
    return []; // a body that does not parse has no fields: the selector does not match, the request goes on
  }
  return out;
}
