// SPDX-License-Identifier: MIT
/**
 * `java.util.Properties` text format (the NFC provisioning payload and its nested admin-extras
 * bundle): `key=value` / `key:value` / `key value` lines, `#`/`!` comments, backslash line
 * continuation and escapes (`\t \n \r \f \uXXXX`, any other `\c` → `c`).
 */
import { ProvisioningPayloadError } from "./errors.js";

const MAX_ENTRIES = 512;

function unescape(s: string): string {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== "\\") {
      out += c;
      continue;
    }
    const n = s[++i];
    if (n === undefined) break;
    if (n === "t") out += "\t";
    else if (n === "n") out += "\n";
    else if (n === "r") out += "\r";
    else if (n === "f") out += "\f";
    else if (n === "u") {
      const hex = s.slice(i + 1, i + 5);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new ProvisioningPayloadError("invalid-parameter", undefined, "(malformed \\uxxxx encoding in Properties text)");
      out += String.fromCharCode(parseInt(hex, 16));
      i += 4;
    } else out += n;
  }
  return out;
}

/** Logical lines: continuation lines joined, leading whitespace of continued lines dropped. */
function logicalLines(text: string): string[] {
  const physical = text.split(/\r\n|\r|\n/);
  const lines: string[] = [];
  let cur: string | undefined;
  for (const raw of physical) {
    const line = cur === undefined ? raw.replace(/^[ \t\f]+/, "") : raw.replace(/^[ \t\f]+/, "");
    if (cur === undefined && (line === "" || line[0] === "#" || line[0] === "!")) continue;
    const trailing = /\\+$/.exec(line)?.[0].length ?? 0;
    const joined = (cur ?? "") + (trailing % 2 === 1 ? line.slice(0, -1) : line);
    if (trailing % 2 === 1) cur = joined;
    else {
      lines.push(joined);
      cur = undefined;
    }
  }
  if (cur !== undefined) lines.push(cur);
  return lines;
}

export function parseProperties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of logicalLines(text)) {
    let i = 0;
    while (i < line.length && !/[=: \t\f]/.test(line[i]!)) i += line[i] === "\\" ? 2 : 1;
    const key = unescape(line.slice(0, i));
    let j = i;
    while (j < line.length && /[ \t\f]/.test(line[j]!)) j++;
    if (j < line.length && (line[j] === "=" || line[j] === ":")) j++;
    while (j < line.length && /[ \t\f]/.test(line[j]!)) j++;
    out.set(key, unescape(line.slice(j)));
    if (out.size > MAX_ENTRIES) throw new ProvisioningPayloadError("too-large", undefined, `(more than ${MAX_ENTRIES} Properties entries)`);
  }
  return out;
}

function escape(s: string, isKey: boolean): string {
  let out = "";
  for (const [idx, c] of [...s].entries()) {
    const code = c.codePointAt(0)!;
    if (c === "\\") out += "\\\\";
    else if (c === "\t") out += "\\t";
    else if (c === "\n") out += "\\n";
    else if (c === "\r") out += "\\r";
    else if (c === "\f") out += "\\f";
    else if ("=:#!".includes(c)) out += `\\${c}`;
    else if (c === " " && (isKey || idx === 0)) out += "\\ ";
    else if (code < 0x20 || code > 0x7e) {
      for (const unit of c.split("")) out += `\\u${unit.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`;
    } else out += c;
  }
  return out;
}

/** Serialises entries as `Properties.store` would (without the date comment). */
export function stringifyProperties(entries: Iterable<[string, string]>): string {
  let out = "";
  for (const [k, v] of entries) out += `${escape(k, true)}=${escape(v, false)}\n`;
  return out;
}
