// SPDX-License-Identifier: MIT
/**
 * Structural edits of a message body, for the `edit` fault (runner/faults): remove the elements (XML:
 * SyncML, SOAP, XML plists) or members (JSON: AMAPI, Headwind) a path selects, and write the document
 * back. The path is a small XPath subset, the same for both formats:
 *
 *     SyncML/SyncBody/Atomic/Replace/CmdID     every CmdID of every Replace inside every Atomic
 *     SyncML/SyncBody/Status[2..]              the second and later Status of the body
 *     SyncML/SyncHdr/Meta/*                    every child of the header's Meta
 *     policy/applications[1]                   (JSON) the first element of an array member
 *
 * Steps are element local names (namespace prefixes ignored) or JSON member names; `*` is any name;
 * `[N]` keeps the Nth match of that step among its siblings (1-based), `[N..]` the Nth and later. The
 * first step names the XML root element; JSON paths start below the top-level object.
 *
 * XML is read by the project's safe reader (safe-xml.ts: no DOCTYPE, no entities, size and depth
 * limits) and written back element by element. Text is kept for elements without child elements;
 * whitespace between elements and comments are not (no reader of these formats depends on them).
 */
import { readXml, xmlText, type XmlNode } from "./safe-xml.js";

export interface EditResult {
  body: Uint8Array;
  /** How many elements or members were removed (0: the path matched nothing, the body is unchanged). */
  removed: number;
}

export class BodyEditError extends Error {}

interface Step {
  name: string;
  from: number;
  /** Inclusive; Infinity for `[N..]` and for no index. */
  to: number;
}

const STEP = /^([A-Za-z_][\w.-]*|\*)(?:\[(\d{1,6})(\.\.)?\])?$/;

/** Parses a path; throws BodyEditError naming the bad step. */
export function parseEditPath(path: string): Step[] {
  const parts = path.split("/");
  if (!path || parts.some((p) => p === "")) throw new BodyEditError(`"${path}" is not a path of names separated by "/"`);
  return parts.map((p) => {
    const m = STEP.exec(p);
    if (!m) throw new BodyEditError(`"${p}" in "${path}" is not a name, "*", NAME[N] or NAME[N..]`);
    const n = m[2] === undefined ? undefined : Number(m[2]);
    if (n === 0) throw new BodyEditError(`"${p}" in "${path}": positions start at 1`);
    return { name: m[1]!, from: n ?? 1, to: n === undefined || m[3] ? Infinity : n };
  });
}

const named = (name: string, step: Step) => step.name === "*" || step.name === name;

/** Children of `kids` (name of each given by `nameOf`) selected by `step`, as indices. */
function select<T>(kids: readonly T[], nameOf: (k: T) => string, step: Step): number[] {
  const out: number[] = [];
  let nth = 0;
  kids.forEach((k, i) => {
    if (!named(nameOf(k), step)) return;
    nth++;
    if (nth >= step.from && nth <= step.to) out.push(i);
  });
  return out;
}

function removeXml(node: XmlNode, steps: Step[]): number {
  const [step, ...rest] = steps;
  const hits = select(node.children, (c) => c.local, step!);
  if (!rest.length) {
    node.children = node.children.filter((_, i) => !hits.includes(i));
    return hits.length;
  }
  return hits.reduce((n, i) => n + removeXml(node.children[i]!, rest), 0);
}

const escText = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const escAttr = (s: string) => escText(s).replace(/"/g, "&quot;");

function writeXml(n: XmlNode): string {
  const attrs = Object.entries(n.attrs)
    .map(([k, v]) => ` ${k}="${escAttr(v)}"`)
    .join("");
  const inner = n.children.length ? n.children.map(writeXml).join("") : escText(n.text);
  return `<${n.name}${attrs}>${inner}</${n.name}>`;
}

type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue };

function removeJson(v: JsonValue, steps: Step[]): number {
  const [step, ...rest] = steps;
  if (v === null || typeof v !== "object") return 0;
  if (Array.isArray(v)) {
    // An array is transparent: the step applies to its elements' members, or indexes it when its name is "*".
    if (step!.name === "*" && !rest.length) {
      const hits = select(v, () => "*", step!);
      for (const i of hits.reverse()) v.splice(i, 1);
      return hits.length;
    }
    return v.reduce<number>((n, e) => n + removeJson(e, steps), 0);
  }
  const keys = Object.keys(v);
  const hits = select(keys, (k) => k, step!).map((i) => keys[i]!);
  if (!rest.length) {
    for (const k of hits) delete v[k];
    return hits.length;
  }
  return hits.reduce((n, k) => n + removeJson(v[k]!, rest), 0);
}

/**
 * Removes what `path` selects from an XML or JSON body (chosen by its first non-blank character).
 * Throws BodyEditError when the body is neither (the fault then leaves it alone and says why).
 */
export function removeFromBody(body: Uint8Array, path: string): EditResult {
  const steps = parseEditPath(path);
  const text = xmlText(body).trimStart();
  if (text.startsWith("<")) {
    const root = readXml(text, { limits: { maxBytes: 4 << 20, maxDepth: 64, maxNodes: 100_000 }, fail: (code, detail) => new BodyEditError(`not editable XML (${code}): ${detail}`) });
    const [first, ...rest] = steps;
    if (!named(root.local, first!) || first!.from > 1) return { body, removed: 0 };
    if (!rest.length) throw new BodyEditError(`"${path}" would remove the root element`);
    const removed = removeXml(root, rest);
    if (!removed) return { body, removed };
    const decl = /^<\?xml[^>]*\?>/.exec(text)?.[0] ?? "";
    return { body: new TextEncoder().encode(decl + writeXml(root)), removed };
  }
  if (text.startsWith("{") || text.startsWith("[")) {
    let doc: JsonValue;
    try {
      doc = JSON.parse(text) as JsonValue;
    } catch (err) {
      throw new BodyEditError(`not editable JSON: ${(err as Error).message}`);
    }
    const removed = removeJson(doc, steps);
    return removed ? { body: new TextEncoder().encode(JSON.stringify(doc)), removed } : { body, removed };
  }
  throw new BodyEditError("the body is neither XML nor JSON");
}
