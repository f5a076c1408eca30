// SPDX-License-Identifier: MIT
/**
 * The one safe way to read XML from a server or device (SOAP, wap-provisioningdoc, SyncML, XML
 * plists). Parsing is xml2js (a strict sax parser underneath); this wrapper makes it safe for
 * hostile input and turns every failure into the caller's typed error:
 *
 * - a size cap, checked before anything else;
 * - DOCTYPE and ENTITY declarations refused before parsing (entities are never expanded); a caller
 *   may allow one exact DOCTYPE (Apple's plist DOCTYPE, which has no internal subset);
 * - depth, element-count and children-per-element limits enforced while sax reads, so a hostile
 *   document is stopped before xml2js builds a large tree;
 * - strictness xml2js leaves out: duplicate attributes, a second root element, `&#0;`.
 *
 * Namespaces are resolved here from in-scope xmlns declarations (not by sax), so an undeclared
 * prefix is not fatal: the element keeps its prefix with `ns` undefined and readers may record a
 * finding (xml.undeclared-prefix). xml2js is synchronous for string input (`async: false`), so
 * codecs built on this stay pure and synchronous.
 */
import xml2js from "xml2js";
import { SimError } from "../errors/index.js";

export interface XmlNode {
  /** Qualified name as written ("s:Envelope"). */
  name: string;
  /** Local name ("Envelope"). */
  local: string;
  prefix?: string;
  /** Resolved namespace URI; undefined when undeclared or none. */
  ns?: string;
  attrs: Record<string, string>;
  children: XmlNode[];
  /** Concatenated character data directly inside this element (CDATA included, untrimmed). */
  text: string;
}

export interface XmlLimits {
  maxBytes: number;
  maxDepth: number;
  maxNodes: number;
  /** Child elements of one element (bounds memory before the tree is built). */
  maxChildren?: number;
}

export type SafeXmlFailure = "too-large" | "doctype" | "entity" | "empty" | "malformed" | "too-deep" | "too-many-nodes" | "too-many-children";

export interface SafeXmlPolicy {
  limits: XmlLimits;
  /** The only DOCTYPE accepted (anchored at `<!DOCTYPE`); any other DOCTYPE is refused. */
  allowDoctype?: RegExp;
  /** Builds the caller's typed error. */
  fail(code: SafeXmlFailure, detail: string): Error;
}

/** Decodes a body as UTF-8 (replacement characters for bad bytes) and drops a BOM. */
export function xmlText(input: string | Uint8Array): string {
  const text = typeof input === "string" ? input : new TextDecoder("utf-8", { fatal: false }).decode(input);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Refuses ENTITY declarations and every DOCTYPE except the allowed one, before any parsing. */
export function precheckDeclarations(text: string, policy: Pick<SafeXmlPolicy, "allowDoctype" | "fail">): void {
  const only = policy.allowDoctype;
  if (!only && /<!DOCTYPE/i.test(text)) throw policy.fail("doctype", "DOCTYPE declarations are refused (never expanded)");
  if (/<!ENTITY/i.test(text)) throw policy.fail("entity", "ENTITY declarations are refused (entities are never expanded)");
  if (only) {
    const re = /<!DOCTYPE/gi;
    const allowed = new RegExp(only.source, "y");
    let seen = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      if (++seen > 1) throw policy.fail("doctype", "more than one DOCTYPE");
      allowed.lastIndex = m.index;
      if (!allowed.test(text)) throw policy.fail("doctype", "a DOCTYPE other than the expected one (internal subsets are refused)");
    }
  }
  if (/&#(?:0+|x0+);/i.test(text)) throw policy.fail("entity", "character reference to U+0000 is not allowed");
}

/**
 * xml2js's object for one element (explicitChildren + preserveChildrenOrder + explicitCharkey).
 * xml2js also stores each child under its element name in the same object, so its own keys must
 * be names no XML element can have: with the defaults ("_", "$", "$$") an element named `_`
 * overwrites the text and xml2js throws a TypeError (found by test/fuzz/windows-xml.test.ts).
 */
interface X2jNode {
  "#name": string;
  "#attrs"?: Record<string, string>;
  "#text"?: string;
  "#children"?: X2jNode[];
}

interface SaxLike {
  onopentagstart: (t: { name: string; attributes: object }) => void;
  onopentag: (t: unknown) => void;
  onclosetag: (name: string) => void;
  ontext: (t: string) => void;
  oncdata: (t: string) => void;
}

const X2J_OPTIONS: xml2js.ParserOptions = {
  attrkey: "#attrs",
  charkey: "#text",
  childkey: "#children",
  explicitChildren: true,
  preserveChildrenOrder: true,
  explicitCharkey: true,
  explicitRoot: false,
  strict: true,
  async: false,
};

/**
 * sax drops a repeated attribute silently (first wins); a duplicate is a well-formedness error
 * and a parser differential, so it is refused. sax asks `tag.attributes.hasOwnProperty(name)`
 * before adding each attribute; this object answers it. Its method lives on the prototype, so
 * xml2js (which copies own enumerable keys) never sees it.
 */
class GuardedAttributes {
  [name: string]: unknown;
  hasOwnProperty(k: string): boolean {
    if (Object.prototype.hasOwnProperty.call(this, k)) throw duplicateAttribute(k);
    return false;
  }
}
/** Set by readXml for the document being read (readXml is synchronous and not re-entrant). */
let duplicateAttribute: (name: string) => Error = (k) => new Error(`duplicate attribute ${k}`);

const WHITESPACE = /^\s+$/;

const XML_NS = "http://www.w3.org/XML/1998/namespace";

/** Parses one XML document with xml2js under the policy's limits. DOCTYPE/ENTITY are checked first. */
export function readXml(text: string, policy: SafeXmlPolicy): XmlNode {
  const { limits: lim, fail } = policy;
  if (text.length > lim.maxBytes) throw fail("too-large", `${text.length} characters, more than ${lim.maxBytes}`);
  precheckDeclarations(text, policy);
  if (text.trim() === "") throw fail("empty", "empty document");
  // XML 1.0 §2.11: a conforming parser reads CRLF and a lone CR as LF (sax does not); a CR the
  // sender meant is written &#xD; and survives.
  if (text.includes("\r")) text = text.replace(/\r\n?/g, "\n");

  const parser = new xml2js.Parser(X2J_OPTIONS);
  const sax = (parser as unknown as { saxParser: SaxLike }).saxParser;
  // Limits and strictness, enforced as sax reads (before xml2js grows its tree).
  const counts: number[] = [];
  let nodes = 0;
  let rootClosed = false;
  let tag = "";
  duplicateAttribute = (k) => fail("malformed", `duplicate attribute "${k}" on <${tag}>`);
  const open = sax.onopentag;
  const close = sax.onclosetag;
  const text0 = sax.ontext;
  const cdata0 = sax.oncdata;
  sax.onopentagstart = (t) => {
    tag = t.name;
    t.attributes = new GuardedAttributes();
    if (rootClosed) throw fail("malformed", "more than one root element");
    if (++nodes > lim.maxNodes) throw fail("too-many-nodes", `more than ${lim.maxNodes} elements`);
    if (counts.length + 1 > lim.maxDepth) throw fail("too-deep", `nesting deeper than ${lim.maxDepth}`);
    if (counts.length && lim.maxChildren !== undefined && ++counts[counts.length - 1]! > lim.maxChildren) {
      throw fail("too-many-children", `more than ${lim.maxChildren} child elements in one element`);
    }
  };
  sax.onopentag = (t) => {
    counts.push(0);
    open.call(sax, t);
  };
  sax.onclosetag = (name) => {
    counts.pop();
    if (counts.length === 0) rootClosed = true;
    close.call(sax, name);
  };
  sax.ontext = (t) => {
    if (counts.length === 0 && t.trim() !== "") throw fail("malformed", "character data outside the root element");
    // xml2js drops an element's text when it is only whitespace, unless the element had CDATA;
    // whitespace is data (a plist <string> or <key> of spaces), so it goes in as xml2js's CDATA
    // path, which appends the same text and only marks the element to keep it.
    if (WHITESPACE.test(t)) cdata0.call(sax, t);
    else text0.call(sax, t);
  };

  let result: X2jNode | undefined;
  let error: unknown;
  parser.on("end", (r: X2jNode) => (result ??= r));
  parser.on("error", (e: unknown) => (error ??= e));
  try {
    parser.parseString(text);
  } catch (e) {
    error ??= e;
  }
  if (error !== undefined) {
    if (error instanceof SimError) throw error; // a limit or strictness check above
    const msg = String((error as Error)?.message ?? error).split("\n");
    const where = msg.slice(1).join(" ").trim();
    const code: SafeXmlFailure = /character entity/i.test(msg[0]!) ? "entity" : "malformed";
    throw fail(code, `${msg[0]}${where ? ` (${where})` : ""}`);
  }
  if (!result || counts.length) throw fail("malformed", counts.length ? "unclosed element" : "no root element");
  return convert(result, new Map([["xml", XML_NS]]));
}

function convert(x: X2jNode, parentNs: Map<string, string>): XmlNode {
  const name = x["#name"];
  const attrs: Record<string, string> = { ...x["#attrs"] };
  let nsMap = parentNs;
  for (const an in attrs) {
    if (an === "xmlns" || an.startsWith("xmlns:")) {
      if (nsMap === parentNs) nsMap = new Map(parentNs);
      nsMap.set(an === "xmlns" ? "" : an.slice(6), attrs[an]!);
    }
  }
  const colon = name.indexOf(":");
  const prefix = colon >= 0 ? name.slice(0, colon) : undefined;
  const node: XmlNode = {
    name,
    local: colon >= 0 ? name.slice(colon + 1) : name,
    ...(prefix !== undefined ? { prefix } : {}),
    ns: nsMap.get(prefix ?? "") || undefined,
    attrs,
    children: [],
    text: x["#text"] ?? "",
  };
  for (const c of x["#children"] ?? []) node.children.push(convert(c, nsMap));
  return node;
}
