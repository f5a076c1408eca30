// SPDX-License-Identifier: MIT
/** Small dictionaries of plain strings are written from a template: the bytes must be the library's own. */
import { build as plistBuild } from "plist";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildPlist, type PlistDict } from "../../../src/wire/apple/plist.js";

/** What the plist library writes for `v` in Apple's layout (the path buildPlist takes for everything else). */
const library = (v: PlistDict): string => plistBuild(v as never, { indent: "\t", offset: -1 } as never) + "\n";
const plain = fc.stringMatching(/^[A-Za-z0-9 ._:@+/=,-]{0,40}$/);

describe("plist template for small dictionaries of plain strings", () => {
  it("writes the Idle status of a check-in byte for byte as the library does", () => {
    const idle = { UDID: "00008030-001A2B3C4D5E6F70", Status: "Idle" };
    expect(buildPlist(idle)).toBe(library(idle));
    expect(buildPlist({ EnrollmentID: "4F1E2D3C", Status: "Idle" })).toBe(library({ EnrollmentID: "4F1E2D3C", Status: "Idle" }));
    // the same shape again, other values: the template's values are never a previous message's
    expect(buildPlist({ UDID: "OTHER", Status: "Idle" })).toBe(library({ UDID: "OTHER", Status: "Idle" }));
  });

  it("equals the library for any small dictionary of plain strings, in any key order, with undefined values skipped", () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          plain.filter((k) => k.length > 0),
          fc.option(plain, { nil: undefined }),
          { maxKeys: 10 },
        ),
        (d) => {
          const v = d as PlistDict;
          const defined = Object.fromEntries(Object.entries(d).filter(([, x]) => x !== undefined)) as PlistDict;
          expect(buildPlist(v)).toBe(library(defined));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("leaves everything else to the library: characters it escapes or refuses, other types, placeholders in values", () => {
    for (const v of [{ a: "x & <y>" }, { a: "line\r\nbreak" }, { "k&": "v" }, { a: "~0~" }, { a: "é" }, { a: 1 }, { a: true }, { a: ["x"] }, { a: { b: "c" } }] as PlistDict[]) expect(buildPlist(v)).toBe(library(v));
    expect(() => buildPlist({ a: "\u0001" })).toThrow(/cannot write the plist/);
    expect(buildPlist({})).toBe(library({}));
    expect(buildPlist({ a: "", b: "x" })).toBe(library({ a: "", b: "x" })); // an empty string is <string/>
  });
});
