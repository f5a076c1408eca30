// SPDX-License-Identifier: MIT
/**
 * XML for the Windows wire formats (SOAP 1.2, wap-provisioningdoc, SyncML): parsing through the
 * shared safe xml2js wrapper (../safe-xml.ts: size cap, DOCTYPE/ENTITY refused before parsing,
 * depth and node limits), lenient local-name readers that record each leniency as a finding, and
 * the element writer for outgoing messages.
 */
import { ProtocolViolationError } from "../../errors/index.js";
import { readXml, xmlText, type XmlLimits, type XmlNode } from "../safe-xml.js";

export type { XmlLimits, XmlNode } from "../safe-xml.js";

export const DEFAULT_XML_LIMITS: XmlLimits = { maxBytes: 1 << 20, maxDepth: 64, maxNodes: 50_000 };

/** A protocol deviation the lenient reader accepted. */
export interface Finding {
  code: string;
  message: string;
}

/** Parses one XML document; every failure is a ProtocolViolationError `xml.*` naming `what`. */
export function parseXml(input: string | Uint8Array, what: string, limits: Partial<XmlLimits> = {}): XmlNode {
  const lim = { ...DEFAULT_XML_LIMITS, ...limits };
  const fail = (code: string, detail: string) => new ProtocolViolationError(`xml.${code}`, `${what}: ${detail}`);
  if (input.length > lim.maxBytes) throw fail("too-large", `${input.length} bytes, more than ${lim.maxBytes}`);
  return readXml(xmlText(input), { limits: lim, fail });
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

const ENTITY: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" };
const entity = (ch: string): string => ENTITY[ch]!;
// One pass, and none when nothing needs escaping (base64 CSRs, certificates and most values): the same
// text as replacing &, then <, then > (and then " for attributes) in turn, without three copies of it.
export const escapeText = (s: string): string => (/[&<>]/.test(s) ? s.replace(/[&<>]/g, entity) : s);
export const escapeAttr = (s: string): string => (/[&<>"]/.test(s) ? s.replace(/[&<>"]/g, entity) : s);

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
    let attrs = "";
    if (e.a) for (const k of Object.keys(e.a)) if (e.a[k] !== undefined) attrs += ` ${k}="${escapeAttr(e.a[k])}"`;
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
