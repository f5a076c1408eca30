// SPDX-License-Identifier: MIT
/**
 * XML property lists (Apple's plist 1.0 DTD), parsed and built without an XML library so every
 * limit is enforced while reading: body size, nesting depth, keys per dictionary, items per
 * array, string length. Hostile XML is refused up front: any DOCTYPE other than Apple's plain
 * plist DOCTYPE (no internal subset), any ENTITY declaration, any entity reference other than the
 * five predefined ones and numeric character references. Nothing is ever expanded.
 *
 * Value model: string, number (integer or real; `<integer>` must be a safe integer), boolean,
 * Uint8Array (`<data>`), Date (`<date>`), arrays and plain objects (`<dict>`). Binary plists
 * (`bplist00`) are refused with a typed error (devices send XML on the MDM channels).
 */
import { ProtocolViolationError } from "../../errors/index.js";

export type PlistValue = string | number | boolean | Uint8Array | Date | PlistValue[] | PlistDict;
export interface PlistDict {
  [key: string]: PlistValue;
}

export interface PlistLimits {
  maxBytes: number;
  maxDepth: number;
  maxKeys: number;
  maxArrayItems: number;
  maxStringLength: number;
}

export const DEFAULT_PLIST_LIMITS: PlistLimits = {
  maxBytes: 4 * 1024 * 1024,
  maxDepth: 32,
  maxKeys: 4096,
  maxArrayItems: 65_536,
  maxStringLength: 1024 * 1024,
};

export type PlistErrorCode =
  | "plist.too-large"
  | "plist.too-deep"
  | "plist.too-many-keys"
  | "plist.too-many-items"
  | "plist.doctype"
  | "plist.entity"
  | "plist.binary"
  | "plist.encoding"
  | "plist.malformed"
  | "plist.wrong-type"
  | "plist.missing-key";

/** A plist the reader refuses; `path` names the offending element ("Command.Queries[2]"). */
export class PlistError extends ProtocolViolationError {
  constructor(
    code: PlistErrorCode,
    message: string,
    readonly path?: string,
  ) {
    super(code, path ? `${message} (at ${path})` : message);
  }
}

const APPLE_DOCTYPE = /^<!DOCTYPE\s+plist\s+PUBLIC\s+"-\/\/Apple(?: Computer)?\/\/DTD PLIST 1\.0\/\/EN"\s+"http:\/\/www\.apple\.com\/DTDs\/PropertyList-1\.0\.dtd"\s*>/;

/**
 * The XML pre-check: refuses DTDs and entity declarations before any parsing. Exported so other
 * XML readers of server input can reuse it.
 */
export function precheckXml(text: string): void {
  if (/<!ENTITY/i.test(text)) throw new PlistError("plist.entity", "XML contains an ENTITY declaration; refused (entities are never expanded)");
  const re = /<!DOCTYPE/gi;
  const apple = new RegExp(APPLE_DOCTYPE.source.slice(1), "y");
  let seen = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (++seen > 1) throw new PlistError("plist.doctype", "XML contains more than one DOCTYPE");
    apple.lastIndex = m.index;
    if (!apple.test(text)) {
      throw new PlistError("plist.doctype", "XML contains a DOCTYPE other than Apple's plist 1.0 DOCTYPE (internal subsets are refused)");
    }
  }
}

const PREDEFINED: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function unescapeText(s: string, path: string): string {
  if (!s.includes("&")) return s;
  if (/&(?![A-Za-z][A-Za-z0-9]{0,11};|#x[0-9a-fA-F]{1,6};|#[0-9]{1,7};)/.test(s)) throw new PlistError("plist.malformed", "bare or malformed '&' in text", path);
  return s.replace(/&([^;&\s]{0,12});/g, (whole, name: string) => {
    if (name in PREDEFINED) return PREDEFINED[name]!;
    const m = /^#(x[0-9a-fA-F]{1,6}|[0-9]{1,7})$/.exec(name);
    if (m) {
      const cp = m[1]!.startsWith("x") ? parseInt(m[1]!.slice(1), 16) : parseInt(m[1]!, 10);
      if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) || cp === 0) throw new PlistError("plist.malformed", `invalid character reference ${whole}`, path);
      return String.fromCodePoint(cp);
    }
    throw new PlistError("plist.entity", `entity reference ${whole} is not allowed (only the five predefined entities)`, path);
  });
}

interface Tag {
  name: string;
  close: boolean;
  selfClosing: boolean;
  end: number;
}

class Reader {
  pos = 0;
  constructor(
    readonly s: string,
    readonly limits: PlistLimits,
  ) {}

  fail(message: string, path: string): never {
    throw new PlistError("plist.malformed", `${message} near offset ${this.pos}`, path);
  }

  /** Skips whitespace, comments and processing instructions. */
  skipMisc(path: string): void {
    for (;;) {
      while (this.pos < this.s.length && /\s/.test(this.s[this.pos]!)) this.pos++;
      if (this.s.startsWith("<!--", this.pos)) {
        const e = this.s.indexOf("-->", this.pos + 4);
        if (e < 0) this.fail("unterminated comment", path);
        this.pos = e + 3;
      } else if (this.s.startsWith("<?", this.pos)) {
        const e = this.s.indexOf("?>", this.pos + 2);
        if (e < 0) this.fail("unterminated processing instruction", path);
        this.pos = e + 2;
      } else if (this.s.startsWith("<!DOCTYPE", this.pos)) {
        const e = this.s.indexOf(">", this.pos);
        if (e < 0) this.fail("unterminated DOCTYPE", path);
        this.pos = e + 1;
      } else return;
    }
  }

  tag(path: string): Tag {
    this.skipMisc(path);
    if (this.s[this.pos] !== "<") this.fail("expected an element", path);
    const end = this.s.indexOf(">", this.pos);
    if (end < 0) this.fail("unterminated tag", path);
    const inner = this.s.slice(this.pos + 1, end);
    // Plist tags are short; bounding them keeps the tag regex linear on hostile input.
    if (inner.length > 256) this.fail("tag longer than 256 characters", path);
    const m = /^(\/?)([A-Za-z][A-Za-z0-9_.-]*)((?:\s+[A-Za-z_:][A-Za-z0-9_.:-]*\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)$/.exec(inner);
    if (!m) this.fail(`malformed tag <${inner.slice(0, 40)}>`, path);
    this.pos = end + 1;
    return { name: m[2]!, close: m[1] === "/", selfClosing: m[4] === "/", end };
  }

  /** Text up to the closing tag `</name>`; no child elements allowed. */
  text(name: string, path: string): string {
    const close = `</${name}>`;
    const e = this.s.indexOf(close, this.pos);
    if (e < 0) this.fail(`missing ${close}`, path);
    let raw = this.s.slice(this.pos, e);
    if (raw.length > this.limits.maxStringLength) throw new PlistError("plist.too-large", `<${name}> longer than ${this.limits.maxStringLength} characters`, path);
    if (raw.startsWith("<![CDATA[") && raw.endsWith("]]>")) raw = raw.slice(9, -3);
    else if (raw.includes("<")) this.fail(`<${name}> contains markup`, path);
    else raw = unescapeText(raw, path);
    this.pos = e + close.length;
    return raw;
  }

  value(path: string, depth: number): PlistValue {
    if (depth > this.limits.maxDepth) throw new PlistError("plist.too-deep", `nesting deeper than ${this.limits.maxDepth}`, path);
    const t = this.tag(path);
    if (t.close) this.fail(`unexpected </${t.name}>`, path);
    switch (t.name) {
      case "true":
      case "false":
        if (!t.selfClosing) this.expectClose(t.name, path);
        return t.name === "true";
      case "string":
        return t.selfClosing ? "" : this.text("string", path);
      case "integer": {
        const txt = t.selfClosing ? "" : this.text("integer", path).trim();
        if (!/^[+-]?(?:\d+|0x[0-9a-fA-F]+)$/.test(txt)) throw new PlistError("plist.malformed", `<integer> "${txt.slice(0, 30)}" is not an integer`, path);
        const n = Number(txt.replace(/^\+/, ""));
        if (!Number.isSafeInteger(n)) throw new PlistError("plist.malformed", `<integer> ${txt.slice(0, 30)} is out of range`, path);
        return n;
      }
      case "real": {
        const txt = t.selfClosing ? "" : this.text("real", path).trim();
        const n = Number(txt);
        if (txt === "" || Number.isNaN(n)) throw new PlistError("plist.malformed", `<real> "${txt.slice(0, 30)}" is not a number`, path);
        return n;
      }
      case "data": {
        const txt = t.selfClosing ? "" : this.text("data", path).replace(/\s+/g, "");
        if (!/^[A-Za-z0-9+/]*={0,2}$/.test(txt) || txt.length % 4 === 1) throw new PlistError("plist.malformed", "<data> is not base64", path);
        return new Uint8Array(Buffer.from(txt, "base64"));
      }
      case "date": {
        const txt = t.selfClosing ? "" : this.text("date", path).trim();
        const d = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$/.test(txt) ? new Date(txt) : new Date(NaN);
        if (Number.isNaN(d.getTime())) throw new PlistError("plist.malformed", `<date> "${txt.slice(0, 30)}" is not an ISO 8601 UTC date`, path);
        return d;
      }
      case "array": {
        const out: PlistValue[] = [];
        if (t.selfClosing) return out;
        for (;;) {
          this.skipMisc(path);
          if (this.s.startsWith("</array>", this.pos)) {
            this.pos += 8;
            return out;
          }
          if (out.length >= this.limits.maxArrayItems) throw new PlistError("plist.too-many-items", `array has more than ${this.limits.maxArrayItems} items`, path);
          out.push(this.value(`${path}[${out.length}]`, depth + 1));
        }
      }
      case "dict": {
        const out: PlistDict = {};
        if (t.selfClosing) return out;
        let n = 0;
        for (;;) {
          const k = this.tag(path);
          if (k.close && k.name === "dict") return out;
          if (k.name !== "key" || k.close) this.fail(`expected <key> in <dict>, found <${k.close ? "/" : ""}${k.name}>`, path);
          const key = k.selfClosing ? "" : this.text("key", path);
          if (key === "__proto__") throw new PlistError("plist.malformed", "dictionary key __proto__ is refused", path);
          if (Object.prototype.hasOwnProperty.call(out, key)) throw new PlistError("plist.malformed", `duplicate key "${key.slice(0, 60)}"`, path);
          if (++n > this.limits.maxKeys) throw new PlistError("plist.too-many-keys", `dictionary has more than ${this.limits.maxKeys} keys`, path);
          out[key] = this.value(path ? `${path}.${key}` : key, depth + 1);
        }
      }
      default:
        return this.fail(`unknown plist element <${t.name}>`, path);
    }
  }

  expectClose(name: string, path: string): void {
    const t = this.tag(path);
    if (!t.close || t.name !== name) this.fail(`expected </${name}>`, path);
  }
}

/** Parses an XML plist body. Every failure is a {@link PlistError}. */
export function parsePlist(body: Uint8Array | string, limits: Partial<PlistLimits> = {}): PlistValue {
  const l = { ...DEFAULT_PLIST_LIMITS, ...limits };
  const size = typeof body === "string" ? body.length : body.length;
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
  if (text.trim() === "") throw new PlistError("plist.malformed", "empty plist body");
  precheckXml(text);
  const r = new Reader(text, l);
  const root = r.tag("");
  if (root.name !== "plist" || root.close) r.fail("root element is not <plist>", "");
  if (root.selfClosing) throw new PlistError("plist.malformed", "empty <plist/>");
  const v = r.value("", 1);
  r.expectClose("plist", "");
  r.skipMisc("");
  if (r.pos !== text.length) r.fail("content after </plist>", "");
  return v;
}

/** Parses a plist whose root must be a dictionary. */
export function parsePlistDict(body: Uint8Array | string, what: string, limits?: Partial<PlistLimits>): PlistDict {
  const v = parsePlist(body, limits);
  if (!isDict(v)) throw new PlistError("plist.wrong-type", `${what}: root is ${typeName(v)}, expected a dictionary`);
  return v;
}

export const isDict = (v: unknown): v is PlistDict =>
  typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array) && !(v instanceof Date);

/** The plist type name of a value, as the schemas spell it. */
export function typeName(v: unknown): string {
  if (typeof v === "string") return "string";
  if (typeof v === "boolean") return "boolean";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "real";
  if (v instanceof Uint8Array) return "data";
  if (v instanceof Date) return "date";
  if (Array.isArray(v)) return "array";
  if (isDict(v)) return "dictionary";
  return typeof v;
}

// ---------------------------------------------------------------------------------------------
// Building

const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const isoDate = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, "Z");

function write(v: PlistValue | undefined, indent: string, out: string[]): void {
  if (typeof v === "string") out.push(`${indent}<string>${esc(v)}</string>`);
  else if (typeof v === "boolean") out.push(`${indent}<${v}/>`);
  else if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new PlistError("plist.wrong-type", `cannot write non-finite number ${v}`);
    out.push(Number.isInteger(v) ? `${indent}<integer>${v}</integer>` : `${indent}<real>${v}</real>`);
  } else if (v instanceof Uint8Array) out.push(`${indent}<data>${Buffer.from(v).toString("base64")}</data>`);
  else if (v instanceof Date) out.push(`${indent}<date>${isoDate(v)}</date>`);
  else if (Array.isArray(v)) {
    if (v.length === 0) out.push(`${indent}<array/>`);
    else {
      out.push(`${indent}<array>`);
      for (const x of v) write(x, indent + "\t", out);
      out.push(`${indent}</array>`);
    }
  } else if (isDict(v)) {
    const keys = Object.keys(v).filter((k) => v[k] !== undefined);
    if (keys.length === 0) out.push(`${indent}<dict/>`);
    else {
      out.push(`${indent}<dict>`);
      for (const k of keys) {
        out.push(`${indent}\t<key>${esc(k)}</key>`);
        write(v[k], indent + "\t", out);
      }
      out.push(`${indent}</dict>`);
    }
  } else throw new PlistError("plist.wrong-type", `cannot write a ${typeof v} into a plist`);
}

/** Builds a pretty XML plist (tabs, Apple's header and DOCTYPE). Undefined dictionary values are skipped. */
export function buildPlist(v: PlistValue): string {
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    '<plist version="1.0">',
  ];
  write(v, "", out);
  out.push("</plist>", "");
  return out.join("\n");
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
