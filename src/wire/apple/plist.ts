// SPDX-License-Identifier: MIT
/**
 * XML property lists (Apple's plist 1.0 DTD), read through the shared safe XML wrapper
 * (../safe-xml.ts) and written by the `plist` package:
 *
 * - body size cap; binary plists (`bplist00`) refused with a typed error (devices send XML on the
 *   MDM channels); UTF-8 required;
 * - Apple's plain plist DOCTYPE accepted, any other DOCTYPE (internal subsets included) and any
 *   ENTITY declaration refused before parsing; only the five predefined entities and numeric
 *   character references are read; nothing is ever expanded;
 * - depth, element, key, item and string-length limits, enforced on the tree;
 * - the DTD's grammar, which the `plist` package does not check (it reads `<integer>1.5</integer>`
 *   as 1, an unknown date as Invalid Date, keeps the last of two equal keys): checked on the same
 *   tree (./plist-grammar.ts), which is then converted to values directly. The document is parsed
 *   once: handing a re-serialisation of the checked tree to the `plist` package (xmldom) and
 *   cross-checking its result doubled the cost of every plist read (the enrolment profile was the
 *   largest codec item of an Apple enrolment; docs/performance.md) and added nothing once the
 *   grammar is checked.
 *
 * Value model: string, number (integer or real; `<integer>` must be a safe base-10 integer),
 * boolean, Uint8Array (`<data>`), Date (`<date>`), arrays and plain objects (`<dict>`).
 */
import { build as plistBuild } from "plist";
import { precheckDeclarations, readXml, type SafeXmlFailure } from "../safe-xml.js";
import { toValue, validateDocument } from "./plist-grammar.js";
import { DEFAULT_PLIST_LIMITS, PlistError, isDict, typeName, type PlistDict, type PlistErrorCode, type PlistLimits, type PlistValue } from "./plist-types.js";

export { DEFAULT_PLIST_LIMITS, PlistError, isDict, typeName } from "./plist-types.js";
export type { PlistDict, PlistErrorCode, PlistLimits, PlistValue } from "./plist-types.js";

/** Apple's plist DOCTYPE, exactly as CFPropertyList writes it (older systems say "Apple Computer"). */
const APPLE_DOCTYPE = /<!DOCTYPE\s+plist\s+PUBLIC\s+"-\/\/Apple(?: Computer)?\/\/DTD PLIST 1\.0\/\/EN"\s+"http:\/\/www\.apple\.com\/DTDs\/PropertyList-1\.0\.dtd"\s*>/;

const XML_FAILURES: Record<SafeXmlFailure, PlistErrorCode> = {
  "too-large": "plist.too-large",
  doctype: "plist.doctype",
  entity: "plist.entity",
  empty: "plist.malformed",
  malformed: "plist.malformed",
  "too-deep": "plist.too-deep",
  "too-many-nodes": "plist.too-many-nodes",
  "too-many-children": "plist.too-many-items",
};
const xmlFail = (code: SafeXmlFailure, detail: string) => new PlistError(XML_FAILURES[code], detail);

/**
 * The XML pre-check: refuses ENTITY declarations and every DOCTYPE but Apple's, before any
 * parsing. Exported so other XML readers of server input can reuse it.
 */
export function precheckXml(text: string): void {
  precheckDeclarations(text, { allowDoctype: APPLE_DOCTYPE, fail: xmlFail });
}

/** Parses an XML plist body. Every failure is a {@link PlistError}. */
export function parsePlist(body: Uint8Array | string, limits: Partial<PlistLimits> = {}): PlistValue {
  const l = { ...DEFAULT_PLIST_LIMITS, ...limits };
  const size = body.length;
  if (size > l.maxBytes) throw new PlistError("plist.too-large", `plist of ${size} bytes is larger than the ${l.maxBytes}-byte limit`);
  let text: string;
  if (typeof body === "string") text = body;
  else {
    if (body.length >= 8 && Buffer.from(body.subarray(0, 8)).toString("latin1") === "bplist00") {
      throw new PlistError("plist.binary", "binary plist (bplist00) is not supported on this channel; send an XML plist");
    }
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(body);
    } catch {
      throw new PlistError("plist.encoding", "plist is not valid UTF-8");
    }
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.startsWith("bplist")) throw new PlistError("plist.binary", "binary plist (bplist00) is not supported on this channel; send an XML plist");
  if (text.trim() === "") throw new PlistError("plist.malformed", "empty plist body");
  const tree = readXml(text, {
    limits: { maxBytes: l.maxBytes, maxDepth: l.maxDepth + 1, maxNodes: l.maxNodes, maxChildren: Math.max(2 * l.maxKeys, l.maxArrayItems) + 1 },
    allowDoctype: APPLE_DOCTYPE,
    fail: xmlFail,
  });
  // One parse: the tree the grammar was checked on is converted directly (./plist-grammar.ts).
  return toValue(validateDocument(tree, l));
}

/** Parses a plist whose root must be a dictionary. */
export function parsePlistDict(body: Uint8Array | string, what: string, limits?: Partial<PlistLimits>): PlistDict {
  const v = parsePlist(body, limits);
  if (!isDict(v)) throw new PlistError("plist.wrong-type", `${what}: root is ${typeName(v)}, expected a dictionary`);
  return v;
}

// ---------------------------------------------------------------------------------------------
// Building

/** Refuses what a plist cannot carry, before the `plist` package writes it. */
function checkWritable(v: unknown, path: string, depth: number): void {
  if (depth > 256) throw new PlistError("plist.wrong-type", "value nested deeper than 256 (a cycle?)", path);
  if (typeof v === "string" || typeof v === "boolean" || v instanceof Uint8Array) return;
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new PlistError("plist.wrong-type", `cannot write non-finite number ${v}`, path);
  } else if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) throw new PlistError("plist.wrong-type", "cannot write an invalid Date", path);
  } else if (Array.isArray(v)) v.forEach((x, i) => checkWritable(x, `${path}[${i}]`, depth + 1));
  else if (isDict(v)) {
    for (const k of Object.keys(v)) if (v[k] !== undefined) checkWritable(v[k], path ? `${path}.${k}` : k, depth + 1);
  } else throw new PlistError("plist.wrong-type", `cannot write a ${v === null ? "null" : typeof v} into a plist`, path);
}

/**
 * Small dictionaries of plain strings (the Idle status of every check-in, `{ UDID, Status }`, and
 * the like) are written from a template: the library writes the layout once per key sequence with
 * placeholder values, and each message fills in its values. Only characters the XML writer passes
 * through unchanged are allowed (no escaping, nothing it could refuse), in keys and values alike,
 * so the bytes are the library's own (test/wire/apple/plist-template.test.ts compares them); any
 * other value takes the library's path. Building the Idle plist with xmlbuilder was ≈ 3 % of the
 * simulator's CPU per steady Apple check-in.
 */
const PLAIN = /^[A-Za-z0-9 ._:@+/=,-]+$/; // non-empty: the library writes "" as <string/>
const MAX_TEMPLATE_KEYS = 8;
const templates = new Map<string, string[]>();

/** The dictionary's keys and values when it is a small dictionary of plain strings (undefined values skipped). */
function flatStrings(v: PlistValue): [string, string][] | undefined {
  if (!isDict(v)) return undefined;
  const out: [string, string][] = [];
  for (const k in v) {
    if (!Object.prototype.hasOwnProperty.call(v, k)) continue;
    const x = v[k];
    if (x === undefined) continue;
    if (typeof x !== "string" || out.length === MAX_TEMPLATE_KEYS || !PLAIN.test(k) || !PLAIN.test(x)) return undefined;
    out.push([k, x]);
  }
  return out;
}

function fromTemplate(entries: [string, string][]): string | undefined {
  const shape = entries.map(([k]) => k).join("\u0000");
  let parts = templates.get(shape);
  if (!parts) {
    // Placeholders the layout cannot otherwise contain: "~" is in no plain key and not in the header.
    const dict: PlistDict = {};
    entries.forEach(([k], i) => (dict[k] = `~${i}~`));
    const text = plistBuild(dict, { indent: "\t", offset: -1 } as Parameters<typeof plistBuild>[1]) + "\n";
    parts = text.split(/~\d+~/);
    if (parts.length !== entries.length + 1) return undefined; // not a layout this can fill: the library writes it
    if (templates.size >= 256) templates.clear();
    templates.set(shape, parts);
  }
  let out = parts[0]!;
  for (let i = 0; i < entries.length; i++) out += entries[i]![1] + parts[i + 1]!;
  return out;
}

/**
 * Builds a pretty XML plist in Apple's layout (tabs, root value unindented, Apple's header and
 * DOCTYPE, final newline). Undefined dictionary values are skipped.
 */
export function buildPlist(v: PlistValue): string {
  const flat = flatStrings(v);
  const fast = flat && fromTemplate(flat);
  if (fast !== undefined) return fast;
  checkWritable(v, "", 0);
  try {
    return plistBuild(v, { indent: "\t", offset: -1 } as Parameters<typeof plistBuild>[1]) + "\n";
  } catch (e) {
    // xmlbuilder refuses characters XML 1.0 cannot carry (U+0000–U+0008, U+FFFE, lone surrogates …).
    throw new PlistError("plist.wrong-type", `cannot write the plist: ${(e as Error)?.message ?? String(e)}`);
  }
}

export const buildPlistBytes = (v: PlistValue): Uint8Array => new Uint8Array(Buffer.from(buildPlist(v), "utf8"));

// ---------------------------------------------------------------------------------------------
// Typed access

function need<T>(d: PlistDict, key: string, what: string, type: string, ok: (v: unknown) => v is T): T {
  const v = d[key];
  if (v === undefined) throw new PlistError("plist.missing-key", `${what}: required key ${key} is missing`);
  if (!ok(v)) throw new PlistError("plist.wrong-type", `${what}: ${key} is ${typeName(v)}, expected ${type}`);
  return v;
}
function may<T>(d: PlistDict, key: string, what: string, type: string, ok: (v: unknown) => v is T): T | undefined {
  return d[key] === undefined ? undefined : need(d, key, what, type, ok);
}
const isStr = (v: unknown): v is string => typeof v === "string";
const isBool = (v: unknown): v is boolean => typeof v === "boolean";
const isInt = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v);
const isData = (v: unknown): v is Uint8Array => v instanceof Uint8Array;
const isArr = (v: unknown): v is PlistValue[] => Array.isArray(v);

export const P = {
  str: (d: PlistDict, k: string, what: string) => need(d, k, what, "string", isStr),
  optStr: (d: PlistDict, k: string, what: string) => may(d, k, what, "string", isStr),
  bool: (d: PlistDict, k: string, what: string) => need(d, k, what, "boolean", isBool),
  optBool: (d: PlistDict, k: string, what: string) => may(d, k, what, "boolean", isBool),
  int: (d: PlistDict, k: string, what: string) => need(d, k, what, "integer", isInt),
  optInt: (d: PlistDict, k: string, what: string) => may(d, k, what, "integer", isInt),
  data: (d: PlistDict, k: string, what: string) => need(d, k, what, "data", isData),
  optData: (d: PlistDict, k: string, what: string) => may(d, k, what, "data", isData),
  dict: (d: PlistDict, k: string, what: string) => need(d, k, what, "dictionary", isDict),
  optDict: (d: PlistDict, k: string, what: string) => may(d, k, what, "dictionary", isDict),
  arr: (d: PlistDict, k: string, what: string) => need(d, k, what, "array", isArr),
  optArr: (d: PlistDict, k: string, what: string) => may(d, k, what, "array", isArr),
};
