// SPDX-License-Identifier: MIT
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ReportError } from "../../src/report/errors.js";
import { jsonErrorOffset, lineColumn, parseJsonText } from "../../src/report/json-text.js";

const message = (text: string): string => {
  try {
    parseJsonText(text, "run.json");
  } catch (err) {
    expect(err).toBeInstanceOf(ReportError);
    return (err as ReportError).message;
  }
  throw new Error("parsed");
};

describe("parseJsonText", () => {
  it("names the file and the line:column where the JSON breaks, with what was expected", () => {
    expect(message('{\n  "a": 1,\n  "b": tru }')).toBe('run.json:3:11: not valid JSON: expected "true" but found " }"');
    expect(message('{\n  "a": }')).toMatch(/^run\.json:2:8: not valid JSON: expected a value/);
    expect(message('{"a": 1,\n "b"')).toMatch(/^run\.json:2:5: not valid JSON: expected ':' after the property name but the text ends \(truncated\?\)$/);
    expect(message('{"a": [1, 2')).toMatch(/^run\.json:1:12: .*truncated/);
    expect(message('{"a": 1}\n{"b": 2}')).toMatch(/^run\.json:2:1: not valid JSON: expected the end of the text/);
    expect(message("")).toBe("run.json: empty file: expected JSON");
  });

  it("returns the value of valid JSON", () => {
    expect(parseJsonText('{"a":[1,"x",null,true]}', "f")).toEqual({ a: [1, "x", null, true] });
  });

  it("the scanner agrees with JSON.parse on what is valid (property)", () => {
    fc.assert(
      fc.property(fc.oneof(fc.json(), fc.string()), (text) => {
        let valid = true;
        try {
          JSON.parse(text);
        } catch {
          valid = false;
        }
        expect(jsonErrorOffset(text) === undefined).toBe(valid);
      }),
      { numRuns: 300, seed: 11 },
    );
  });

  it("lineColumn counts from 1", () => {
    expect(lineColumn("ab\ncd", 0)).toEqual({ line: 1, column: 1 });
    expect(lineColumn("ab\ncd", 4)).toEqual({ line: 2, column: 2 });
  });
});
