// SPDX-License-Identifier: MIT
/**
 * Apple's plist 1.0 DTD, checked on the safe reader's XML tree (../safe-xml.ts), and the conversion
 * of the checked tree to values. This module refuses what the DTD refuses (and what the `plist`
 * package would read silently wrong):
 *
 * - `<integer>` "should represent a (possibly signed) integer number in base 10" (the DTD's own
 *   comment, http://www.apple.com/DTDs/PropertyList-1.0.dtd) and must be a safe integer here;
 * - `<real>` a decimal number; `<date>` ISO 8601 UTC (`2026-11-22T01:02:03Z`); `<data>` base64;
 * - `<dict>` alternating `<key>`/value pairs, keys unique, `__proto__` refused;
 * - `<true/>`/`<false/>` empty, leaves without child elements, no stray text in containers;
 * - key, item and string-length limits with the offending path.
 */
import type { XmlNode } from "../safe-xml.js";
import { PlistError, type PlistDict, type PlistLimits, type PlistValue } from "./plist-types.js";

const LEAVES = new Set(["string", "integer", "real", "true", "false", "data", "date"]);
const INTEGER = /^\s*[+-]?\d+\s*$/;
const REAL = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;
const DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

const malformed = (message: string, path: string) => new PlistError("plist.malformed", message, path);
const at = (path: string, key: string) => (path ? `${path}.${key}` : key);

/** Checks the `<plist>` root and returns its one value element. */
export function validateDocument(root: XmlNode, limits: PlistLimits): XmlNode {
  if (root.name !== "plist") throw malformed(`root element is <${root.name}>, not <plist>`, "");
  if (root.children.length === 0) throw malformed("empty <plist>", "");
  if (root.children.length > 1) throw malformed(`<plist> holds ${root.children.length} values, not one`, "");
  if (root.text.trim() !== "") throw malformed("text inside <plist>", "");
  validate(root.children[0]!, limits, "");
  return root.children[0]!;
}

function validate(n: XmlNode, limits: PlistLimits, path: string): void {
  if (LEAVES.has(n.name)) {
    if (n.children.length) throw malformed(`<${n.name}> contains markup <${n.children[0]!.name}>`, path);
    if ((n.name === "true" || n.name === "false") && n.text.trim() !== "") throw malformed(`<${n.name}> is not empty`, path);
    if (n.text.length > limits.maxStringLength) throw new PlistError("plist.too-large", `<${n.name}> longer than ${limits.maxStringLength} characters`, path);
    const t = n.text.trim();
    if (n.name === "integer" && (!INTEGER.test(t) || !Number.isSafeInteger(Number(t)))) {
      throw malformed(`<integer> "${t.slice(0, 30)}" is not a base-10 integer in the safe range`, path);
    }
    if (n.name === "real" && !REAL.test(t)) throw malformed(`<real> "${t.slice(0, 30)}" is not a decimal number`, path);
    if (n.name === "date" && (!DATE.test(t) || Number.isNaN(Date.parse(t)))) throw malformed(`<date> "${t.slice(0, 30)}" is not an ISO 8601 UTC date`, path);
    if (n.name === "data") {
      const b = n.text.replace(/\s+/g, "");
      if (!BASE64.test(b) || b.length % 4 === 1) throw malformed("<data> is not base64", path);
    }
    return;
  }
  if (n.text.trim() !== "") throw malformed(`text inside <${n.name}>`, path);
  if (n.name === "array") {
    if (n.children.length > limits.maxArrayItems) throw new PlistError("plist.too-many-items", `array has more than ${limits.maxArrayItems} items`, path);
    n.children.forEach((c, i) => validate(c, limits, `${path}[${i}]`));
    return;
  }
  if (n.name !== "dict") throw malformed(`unknown plist element <${n.name}>`, path);
  if (n.children.length / 2 > limits.maxKeys) throw new PlistError("plist.too-many-keys", `dictionary has more than ${limits.maxKeys} keys`, path);
  const seen = new Set<string>();
  for (let i = 0; i < n.children.length; i += 2) {
    const k = n.children[i]!;
    const v = n.children[i + 1];
    if (k.name !== "key") throw malformed(`expected <key> in <dict>, found <${k.name}>`, path);
    if (k.children.length) throw malformed("<key> contains markup", path);
    const key = k.text;
    if (key === "__proto__") throw malformed("dictionary key __proto__ is refused", path);
    if (seen.has(key)) throw malformed(`duplicate key "${key.slice(0, 60)}"`, path);
    seen.add(key);
    if (!v) throw malformed(`key "${key.slice(0, 60)}" has no value`, path);
    if (v.name === "key") throw malformed(`key "${key.slice(0, 60)}" is followed by another <key>`, path);
    validate(v, limits, at(path, key));
  }
}

/**
 * The value of an element {@link validateDocument} accepted. The grammar has been checked, so each
 * leaf converts exactly (the same conversions the `plist` package makes, without its second XML
 * parse: `<integer>`/`<real>` as numbers, `<data>` as bytes, `<date>` as a Date).
 */
export function toValue(n: XmlNode): PlistValue {
  switch (n.name) {
    case "string":
      return n.text;
    case "integer":
    case "real":
      return Number(n.text.trim());
    case "true":
      return true;
    case "false":
      return false;
    case "data":
      return new Uint8Array(Buffer.from(n.text.replace(/\s+/g, ""), "base64"));
    case "date":
      return new Date(Date.parse(n.text.trim()));
    case "array":
      return n.children.map(toValue);
    default: {
      const d: PlistDict = {};
      for (let i = 0; i < n.children.length; i += 2) d[n.children[i]!.text] = toValue(n.children[i + 1]!);
      return d;
    }
  }
}
