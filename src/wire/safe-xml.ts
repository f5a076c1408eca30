// SPDX-License-Identifier: MIT
/**
 * The one safe way to read XML from a server or device (SOAP, wap-provisioningdoc, SyncML, XML
 * plists). Parsing is sax in strict mode (the parser xml2js creates and configures); the element
 * tree is built here from sax's events: building xml2js's own object tree and converting it made
 * every read 2.7-4.6 times slower (bench/codecs.mjs, docs/performance.md). This wrapper makes it
 * safe for hostile input and turns every failure into the caller's typed error:
 *
 * - a size cap, checked before anything else;
 * - DOCTYPE and ENTITY declarations refused before parsing (entities are never expanded); a caller
 *   may allow one exact DOCTYPE (Apple's plist DOCTYPE, which has no internal subset);
 * - depth, element-count and children-per-element limits enforced while sax reads, so a hostile
 *   document is stopped before a large tree is built;
 * - strictness xml2js leaves out: duplicate attributes, a second root element, `&#0;`.
 *
 * Namespaces are resolved here from in-scope xmlns declarations (not by sax), so an undeclared
 * prefix is not fatal: the element keeps its prefix with `ns` undefined and readers may record a
 * finding (xml.undeclared-prefix). sax is synchronous, so codecs built on this stay pure and
 * synchronous.
 */
import xml2js from "xml2js";
import { SimError } from "../errors/index.js";
import { ownString } from "../ports/own-string.js";

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

interface SaxTag {
  name: string;
  attributes: object;
}

interface SaxLike {
  onopentagstart: (t: SaxTag) => void;
  onopentag: (t: SaxTag) => void;
  onclosetag: (name: string) => void;
  ontext: (t: string) => void;
  oncdata: (t: string) => void;
  onerror: (e: Error) => void;
  write(text: string): SaxLike;
  close(): SaxLike;
}

/** Only what selects xml2js's sax parser: strict, no trimming or normalising, no sax namespaces. */
const X2J_OPTIONS: xml2js.ParserOptions = { strict: true, xmlns: false, async: false };

/**
 * sax drops a repeated attribute silently (first wins); a duplicate is a well-formedness error
 * and a parser differential, so it is refused. sax asks `tag.attributes.hasOwnProperty(name)`
 * before adding each attribute; this object answers it. Its method lives on the prototype, so
 * the copy of the attributes (own enumerable keys) never sees it.
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

const XML_NS = "http://www.w3.org/XML/1998/namespace";

/** Parses one XML document with xml2js's sax parser under the policy's limits. DOCTYPE/ENTITY are checked first. */
export function readXml(text: string, policy: SafeXmlPolicy): XmlNode {
  const { limits: lim, fail } = policy;
  if (text.length > lim.maxBytes) throw fail("too-large", `${text.length} characters, more than ${lim.maxBytes}`);
  precheckDeclarations(text, policy);
  if (text.trim() === "") throw fail("empty", "empty document");
  // XML 1.0 §2.11: a conforming parser reads CRLF and a lone CR as LF (sax does not); a CR the
  // sender meant is written &#xD; and survives.
  if (text.includes("\r")) text = text.replace(/\r\n?/g, "\n");
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);

  // xml2js is used only for the sax parser it creates: its own object tree (a property per child
  // name, defined with defineProperty, then converted again) made each read 2.7-4.6x slower.
  const sax = takeSax();
  // Limits and strictness are enforced as sax reads; the tree is built here, element by element.
  const stack: { node: XmlNode; ns: Map<string, string>; children: number }[] = [];
  let root: XmlNode | undefined;
  let nodes = 0;
  let tag = "";
  duplicateAttribute = (k) => fail("malformed", `duplicate attribute "${k}" on <${tag}>`);
  sax.onopentagstart = (t) => {
    tag = t.name;
    t.attributes = new GuardedAttributes();
    if (root && stack.length === 0) throw fail("malformed", "more than one root element");
    if (++nodes > lim.maxNodes) throw fail("too-many-nodes", `more than ${lim.maxNodes} elements`);
    if (stack.length + 1 > lim.maxDepth) throw fail("too-deep", `nesting deeper than ${lim.maxDepth}`);
    const parent = stack[stack.length - 1];
    if (parent && lim.maxChildren !== undefined && ++parent.children > lim.maxChildren) {
      throw fail("too-many-children", `more than ${lim.maxChildren} child elements in one element`);
    }
  };
  sax.onopentag = (t) => {
    const parent = stack[stack.length - 1];
    const { node, ns } = element(t, parent?.ns ?? ROOT_NS);
    if (parent) parent.node.children.push(node);
    else root = node;
    stack.push({ node, ns, children: 0 });
  };
  sax.onclosetag = () => {
    // sax hands text out as substrings of the document: an element's text gets its own copy, so
    // one value kept per device (a UDID, a push magic) does not keep the whole message alive
    // (the reference server kept two check-in bodies per enrolled Apple device; ports/own-string.ts).
    const top = stack.pop();
    if (top) top.node.text = ownString(top.node.text);
  };
  // Character data and CDATA alike are the element's text, whitespace included (a plist <string>
  // or <key> of spaces is data).
  sax.ontext = (t) => {
    const top = stack[stack.length - 1];
    if (top) top.node.text += t;
    else if (t.trim() !== "") throw fail("malformed", "character data outside the root element");
  };
  sax.oncdata = (t) => {
    const top = stack[stack.length - 1];
    if (top) top.node.text += t;
  };
  sax.onerror = (e) => {
    throw e;
  };
  try {
    sax.write(text).close();
    // A clean close() leaves sax re-initialised (sax's end() runs its constructor again): the
    // next document may use it. A parser that threw is in an unknown state and is dropped.
    releaseSax(sax);
  } catch (error) {
    if (error instanceof SimError) throw error; // a limit or strictness check above
    const msg = String((error as Error)?.message ?? error).split("\n");
    const where = msg.slice(1).join(" ").trim();
    const code: SafeXmlFailure = /character entity/i.test(msg[0]!) ? "entity" : "malformed";
    throw fail(code, `${msg[0]}${where ? ` (${where})` : ""}`);
  }
  if (!root || stack.length) throw fail("malformed", stack.length ? "unclosed element" : "no root element");
  return root;
}

const ROOT_NS = new Map([["xml", XML_NS]]);

/**
 * One spare sax parser, reused by the next document: creating xml2js's Parser (an EventEmitter,
 * option processing, a sax parser) for every read was ≈ 4-5 µs of the ≈ 16-34 µs an Apple Idle
 * report takes to read (docs/performance.md "Server CPU per steady check-in"). readXml is
 * synchronous and not re-entrant, so one spare is enough; it is taken before use, so a nested or
 * failed read never shares it.
 */
let spareSax: SaxLike | undefined;
function takeSax(): SaxLike {
  const sax = spareSax ?? (new xml2js.Parser(X2J_OPTIONS) as unknown as { saxParser: SaxLike }).saxParser;
  spareSax = undefined;
  return sax;
}
const ignore = (): void => {};
function releaseSax(sax: SaxLike): void {
  // The handlers close over the document just read: unhook them so the spare keeps nothing alive.
  sax.onopentagstart = sax.onopentag = sax.ontext = sax.oncdata = ignore;
  sax.onclosetag = ignore;
  sax.onerror = (e) => {
    throw e;
  };
  spareSax = sax;
}

/** One element with its namespace resolved from the in-scope declarations (its own included). */
function element(t: SaxTag, parentNs: Map<string, string>): { node: XmlNode; ns: Map<string, string> } {
  const name = t.name;
  // sax stores attributes on the GuardedAttributes object; a plain copy of its own keys.
  const attrs: Record<string, string> = { ...(t.attributes as Record<string, string>) };
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
    text: "",
  };
  return { node, ns: nsMap };
}
