// SPDX-License-Identifier: MIT
/**
 * JSON read from a file the user handed over (a run summary, a shard's report, a trace line): a
 * parse error names the file and the line:column where the text stops being JSON, not V8's bare
 * "Unexpected token" (which gives no position for some errors) or a character offset.
 *
 * `JSON.parse` does the parsing; only when it fails does {@link jsonErrorOffset} walk the text
 * with a small RFC 8259 scanner to find the first offending character.
 */
import { ReportError } from "./errors.js";

/** 1-based line and column of a character offset (lines end at \n). */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: offset - start + 1 };
}

/** Where RFC 8259 JSON text stops being valid: the offset and what was expected there; undefined when it is valid. */
export function jsonErrorOffset(text: string): { offset: number; expected: string } | undefined {
  let i = 0;
  const fail = (expected: string): never => {
    throw { offset: i, expected };
  };
  const ws = (): void => {
    while (i < text.length && " \t\n\r".includes(text[i]!)) i++;
  };
  const literal = (word: string): void => {
    for (const c of word) {
      if (text[i] !== c) fail(`"${word}"`);
      i++;
    }
  };
  const string = (): void => {
    i++; // opening quote
    for (;;) {
      if (i >= text.length) fail('a closing "');
      const c = text.charCodeAt(i);
      if (c === 0x22) return void i++;
      if (c < 0x20) fail("no control character inside a string");
      if (c === 0x5c) {
        i++;
        if (text[i] === "u") {
          i++;
          for (let k = 0; k < 4; k++, i++) if (!/[0-9a-fA-F]/.test(text[i] ?? "")) fail("4 hex digits after \\u");
          continue;
        }
        if (!'"\\/bfnrt'.includes(text[i] ?? "x")) fail('an escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)');
      }
      i++;
    }
  };
  const number = (): void => {
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m) fail("a number");
    i += m![0].length;
  };
  const value = (depth: number): void => {
    if (depth > 10_000) fail("less nesting");
    ws();
    const c = text[i];
    if (c === undefined) fail("a value (the text ends here: truncated?)");
    if (c === "{") {
      i++;
      ws();
      if (text[i] === "}") return void i++;
      for (;;) {
        ws();
        if (text[i] !== '"') fail(text[i] === undefined ? "a property name (the text ends here: truncated?)" : "a property name in double quotes");
        string();
        ws();
        if (text[i] !== ":") fail("':' after the property name");
        i++;
        value(depth + 1);
        ws();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "}") return void i++;
        fail(text[i] === undefined ? "',' or '}' (the text ends here: truncated?)" : "',' or '}' after the property value");
      }
    }
    if (c === "[") {
      i++;
      ws();
      if (text[i] === "]") return void i++;
      for (;;) {
        value(depth + 1);
        ws();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "]") return void i++;
        fail(text[i] === undefined ? "',' or ']' (the text ends here: truncated?)" : "',' or ']' after the array element");
      }
    }
    if (c === '"') return string();
    if (c === "t") return literal("true");
    if (c === "f") return literal("false");
    if (c === "n") return literal("null");
    if (c === "-" || (c >= "0" && c <= "9")) return number();
    fail("a value (object, array, string, number, true, false or null)");
  };
  try {
    value(0);
    ws();
    if (i < text.length) fail("the end of the text (something follows the JSON value)");
    return undefined;
  } catch (err) {
    if (typeof err === "object" && err !== null && "offset" in err) return err as { offset: number; expected: string };
    throw err;
  }
}

/**
 * Parses JSON text from `source` (a file name).
 * @throws {ReportError} `report.invalid-input`: `FILE:LINE:COLUMN: not valid JSON: expected …` (an empty file is said to be empty).
 */
export function parseJsonText(text: string, source: string, lineOffset = 0): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    if (text.trim() === "") throw new ReportError("report.invalid-input", `${source}: empty${lineOffset ? ` line ${lineOffset + 1}` : " file"}: expected JSON`);
    const at = jsonErrorOffset(text) ?? { offset: 0, expected: err instanceof Error ? err.message : String(err) };
    const { line, column } = lineColumn(text, at.offset);
    const found = at.offset < text.length ? ` but found ${JSON.stringify(text.slice(at.offset, at.offset + 12))}` : " but the text ends (truncated?)";
    throw new ReportError("report.invalid-input", `${source}:${line + lineOffset}:${column}: not valid JSON: expected ${at.expected}${found}`, { cause: err });
  }
}
