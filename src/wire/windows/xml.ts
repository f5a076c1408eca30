// SPDX-License-Identifier: MIT
/**
 * A small, safe XML reader and writer for the Windows wire formats (SOAP 1.2, wap-provisioningdoc,
 * SyncML). Server input is hostile: any DOCTYPE or ENTITY declaration is refused before parsing
 * (entities are never expanded), and size, depth and node-count limits apply. Names keep their
 * prefix; namespaces are resolved from in-scope xmlns declarations. Readers match local names,
 * case-insensitively as a fallback, and record each leniency as a finding.
 */
import { ProtocolViolationError } from "../../errors/index.js";

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
}

export const DEFAULT_XML_LIMITS: XmlLimits = { maxBytes: 1 << 20, maxDepth: 64, maxNodes: 50_000 };

/** A protocol deviation the lenient reader accepted. */
export interface Finding {
  code: string;
  message: string;
}

const fail = (code: string, what: string, detail: string): ProtocolViolationError =>
  new ProtocolViolationError(`xml.${code}`, `${what}: ${detail}`);

const ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

function decodeEntities(s: string, what: string): string {
  if (!s.includes("&")) return s;
  return s.replace(/&([^;&\s]{0,12});?/g, (m, name: string) => {
    if (!m.endsWith(";")) throw fail("entity", what, `bare '&' or unterminated reference near "${m}"`);
    if (name in ENTITIES) return ENTITIES[name]!;
    const num = /^#(x[0-9a-fA-F]{1,6}|[0-9]{1,7})$/.exec(name);
    if (num) {
      const cp = num[1]!.startsWith("x") ? parseInt(num[1]!.slice(1), 16) : parseInt(num[1]!, 10);
      if (cp > 0x10ffff || cp === 0) throw fail("entity", what, `character reference ${m} out of range`);
      return String.fromCodePoint(cp);
    }
    throw fail("entity", what, `undeclared entity reference ${m} (entities are never expanded)`);
  });
}

const NAME = /^[A-Za-z_][\w.\-]*(?::[A-Za-z_][\w.\-]*)?$/;

/** Parses one XML document. DOCTYPE/ENTITY anywhere is refused up front. */
export function parseXml(input: string | Uint8Array, what: string, limits: Partial<XmlLimits> = {}): XmlNode {
  const lim = { ...DEFAULT_XML_LIMITS, ...limits };
  const size = typeof input === "string" ? input.length : input.length;
  if (size > lim.maxBytes) throw fail("too-large", what, `${size} bytes, more than ${lim.maxBytes}`);
  let text = typeof input === "string" ? input : new TextDecoder("utf-8", { fatal: false }).decode(input);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (/<!DOCTYPE/i.test(text)) throw fail("doctype", what, "DOCTYPE declarations are refused (never expanded)");
  if (/<!ENTITY/i.test(text)) throw fail("entity", what, "ENTITY declarations are refused (never expanded)");
  if (text.trim() === "") throw fail("empty", what, "empty document");

  let i = 0;
  let nodes = 0;
  const stack: { node: XmlNode; nsMap: Map<string, string> }[] = [];
  let root: XmlNode | undefined;
  const rootNs = new Map<string, string>([["xml", "http://www.w3.org/XML/1998/namespace"]]);

  const appendText = (t: string) => {
    const top = stack[stack.length - 1];
    if (top) top.node.text += t;
    else if (t.trim() !== "") throw fail("malformed", what, "character data outside the root element");
  };

  while (i < text.length) {
    const lt = text.indexOf("<", i);
    if (lt < 0) {
      appendText(decodeEntities(text.slice(i), what));
      break;
    }
    if (lt > i) appendText(decodeEntities(text.slice(i, lt), what));
    if (text.startsWith("<!--", lt)) {
      const end = text.indexOf("-->", lt + 4);
      if (end < 0) throw fail("malformed", what, "unterminated comment");
      i = end + 3;
    } else if (text.startsWith("<![CDATA[", lt)) {
      const end = text.indexOf("]]>", lt + 9);
      if (end < 0) throw fail("malformed", what, "unterminated CDATA section");
      appendText(text.slice(lt + 9, end));
      i = end + 3;
    } else if (text.startsWith("<?", lt)) {
      const end = text.indexOf("?>", lt + 2);
      if (end < 0) throw fail("malformed", what, "unterminated processing instruction");
      i = end + 2;
    } else if (text.startsWith("<!", lt)) {
      throw fail("malformed", what, "markup declarations are not allowed");
    } else if (text.startsWith("</", lt)) {
      const end = text.indexOf(">", lt);
      if (end < 0) throw fail("malformed", what, "unterminated end tag");
      const name = text.slice(lt + 2, end).trim();
      const top = stack.pop();
      if (!top || top.node.name !== name) {
        throw fail("malformed", what, `end tag </${name}> does not match <${top?.node.name ?? "(none)"}>`);
      }
      i = end + 1;
    } else {
      // start tag: scan to the closing '>' outside quotes
      let j = lt + 1;
      let quote = "";
      while (j < text.length) {
        const c = text[j]!;
        if (quote) {
          if (c === quote) quote = "";
        } else if (c === '"' || c === "'") quote = c;
        else if (c === ">") break;
        j++;
      }
      if (j >= text.length) throw fail("malformed", what, "unterminated start tag");
      let body = text.slice(lt + 1, j);
      const selfClosing = body.endsWith("/");
      if (selfClosing) body = body.slice(0, -1);
      const m = /^([^\s/>]+)/.exec(body);
      if (!m || !NAME.test(m[1]!)) throw fail("malformed", what, `bad element name near "${body.slice(0, 40)}"`);
      const name = m[1]!;
      const attrs: Record<string, string> = {};
      const attrRe = /\s+([^\s=]+)\s*=\s*("([^"]*)"|'([^']*)')/g;
      let rest = body.slice(name.length);
      let am: RegExpExecArray | null;
      let consumed = 0;
      while ((am = attrRe.exec(rest)) !== null) {
        if (am.index !== consumed) break;
        const an = am[1]!;
        if (!NAME.test(an)) throw fail("malformed", what, `bad attribute name "${an}"`);
        if (an in attrs) throw fail("malformed", what, `duplicate attribute "${an}" on <${name}>`);
        attrs[an] = decodeEntities(am[3] ?? am[4] ?? "", what);
        consumed = attrRe.lastIndex;
      }
      rest = rest.slice(consumed);
      if (rest.trim() !== "") throw fail("malformed", what, `unparsable attributes on <${name}>: "${rest.trim().slice(0, 40)}"`);
      if (++nodes > lim.maxNodes) throw fail("too-many-nodes", what, `more than ${lim.maxNodes} elements`);
      if (stack.length + 1 > lim.maxDepth) throw fail("too-deep", what, `nesting deeper than ${lim.maxDepth}`);
      const parentNs = stack[stack.length - 1]?.nsMap ?? rootNs;
      let nsMap = parentNs;
      for (const [an, av] of Object.entries(attrs)) {
        if (an === "xmlns" || an.startsWith("xmlns:")) {
          if (nsMap === parentNs) nsMap = new Map(parentNs);
          nsMap.set(an === "xmlns" ? "" : an.slice(6), av);
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
      const parent = stack[stack.length - 1];
      if (parent) parent.node.children.push(node);
      else if (root) throw fail("malformed", what, "more than one root element");
      else root = node;
      if (!selfClosing) stack.push({ node, nsMap });
      i = j + 1;
    }
  }
  if (stack.length) throw fail("malformed", what, `unclosed element <${stack[stack.length - 1]!.node.name}>`);
  if (!root) throw fail("malformed", what, "no root element");
  return root;
}

// ---- lenient readers ----------------------------------------------------------------------

/** First child with local name `local`; exact match first, then case-insensitive (a finding). */
export function child(node: XmlNode | undefined, local: string, findings?: Finding[]): XmlNode | undefined {
  if (!node) return undefined;
  const exact = node.children.find((c) => c.local === local);
  if (exact) return exact;
  const lower = local.toLowerCase();
  const loose = node.children.find((c) => c.local.toLowerCase() === lower);
  if (loose) findings?.push({ code: "xml.case", message: `<${loose.name}> accepted for ${local} (element names are case-sensitive)` });
  return loose;
}

/** All children with local name `local` (case-insensitive). */
export function childrenNamed(node: XmlNode | undefined, local: string): XmlNode[] {
  if (!node) return [];
  const lower = local.toLowerCase();
  return node.children.filter((c) => c.local.toLowerCase() === lower);
}

/** Follows a path of local names. */
export function path(node: XmlNode | undefined, names: string[], findings?: Finding[]): XmlNode | undefined {
  let cur = node;
  for (const n of names) cur = child(cur, n, findings);
  return cur;
}

/** Trimmed text at a path, or undefined when the element is missing or xsi:nil. */
export function textAt(node: XmlNode | undefined, names: string[], findings?: Finding[]): string | undefined {
  const n = path(node, names, findings);
  if (!n) return undefined;
  if (Object.entries(n.attrs).some(([k, v]) => k.endsWith(":nil") && v === "true")) return undefined;
  return n.text.trim();
}

/** Attribute by local name, case-insensitive. */
export function attr(node: XmlNode | undefined, local: string): string | undefined {
  if (!node) return undefined;
  const lower = local.toLowerCase();
  for (const [k, v] of Object.entries(node.attrs)) {
    const l = k.includes(":") ? k.slice(k.indexOf(":") + 1) : k;
    if (l.toLowerCase() === lower && !k.startsWith("xmlns")) return v;
  }
  return undefined;
}

// ---- writer -------------------------------------------------------------------------------

/** An element to write: name, attributes, children (elements or text). */
export interface El {
  n: string;
  a?: Record<string, string | undefined>;
  c?: (El | string | undefined | false)[];
}

export const el = (n: string, a?: Record<string, string | undefined>, ...c: (El | string | undefined | false)[]): El => ({ n, a, c });

export const escapeText = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
export const escapeAttr = (s: string): string => escapeText(s).replace(/"/g, "&quot;");

export interface WriteOptions {
  /** Newlines and indentation between elements (for robustness tests); default compact. */
  pretty?: boolean;
  declaration?: boolean;
}

/** Serialises an element tree; compact by default. */
export function writeXml(root: El, o: WriteOptions = {}): string {
  const out: string[] = [];
  if (o.declaration) out.push(`<?xml version="1.0" encoding="utf-8"?>${o.pretty ? "\n" : ""}`);
  const walk = (e: El, depth: number) => {
    const pad = o.pretty ? "  ".repeat(depth) : "";
    const attrs = Object.entries(e.a ?? {})
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => ` ${k}="${escapeAttr(v!)}"`)
      .join("");
    const kids = (e.c ?? []).filter((k): k is El | string => k !== undefined && k !== false);
    if (kids.length === 0) {
      out.push(`${pad}<${e.n}${attrs}/>${o.pretty ? "\n" : ""}`);
      return;
    }
    if (kids.every((k) => typeof k === "string")) {
      out.push(`${pad}<${e.n}${attrs}>${(kids as string[]).map(escapeText).join("")}</${e.n}>${o.pretty ? "\n" : ""}`);
      return;
    }
    out.push(`${pad}<${e.n}${attrs}>${o.pretty ? "\n" : ""}`);
    for (const k of kids) {
      if (typeof k === "string") out.push(`${o.pretty ? "  ".repeat(depth + 1) : ""}${escapeText(k)}${o.pretty ? "\n" : ""}`);
      else walk(k, depth + 1);
    }
    out.push(`${pad}</${e.n}>${o.pretty ? "\n" : ""}`);
  };
  walk(root, 0);
  return out.join("");
}

/** Re-serialises a parsed node (used for XML carried inside SyncML Data). Child order after text is approximate. */
export function nodeToXml(n: XmlNode): string {
  const attrs = Object.entries(n.attrs)
    .map(([k, v]) => ` ${k}="${escapeAttr(v)}"`)
    .join("");
  const inner = escapeText(n.text) + n.children.map(nodeToXml).join("");
  return inner ? `<${n.name}${attrs}>${inner}</${n.name}>` : `<${n.name}${attrs}/>`;
}
