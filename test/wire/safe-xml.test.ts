// SPDX-License-Identifier: MIT
/** The shared safe XML wrapper around xml2js: strictness xml2js leaves out, and its regressions. */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { parseXml } from "../../src/wire/windows/xml.js";
import { errorCode } from "../support/error-code.js";

const code = (fn: () => unknown): string => errorCode(fn);

describe("safe XML wrapper", () => {
  it("an element named like an xml2js key (_) is an ordinary element (regression: xml2js TypeError)", () => {
    const n = parseXml("<a>t<_>x</_><b/></a>", "t");
    expect(n.text).toBe("t");
    expect(n.children.map((c) => [c.name, c.text])).toEqual([
      ["_", "x"],
      ["b", ""],
    ]);
  });

  it("refuses what sax would accept silently: duplicate attributes, a second root, text after the root", () => {
    expect(code(() => parseXml('<a x="1" x="2"/>', "t"))).toBe("xml.malformed");
    expect(code(() => parseXml("<a/><b/>", "t"))).toBe("xml.malformed");
    expect(code(() => parseXml("<a/>tail", "t"))).toBe("xml.malformed");
    expect(parseXml("<a/>  <!-- c -->\n", "t").name).toBe("a");
  });

  it("a document read after one that failed half-way (or succeeded) is read as if first (the parser is reused only after a clean close)", () => {
    const good = '<r a="1"><x>one</x><y><![CDATA[two]]></y></r>';
    const shape = (n: ReturnType<typeof parseXml>) => [n.name, n.attrs, n.children.map((c) => [c.name, c.text])];
    const expected = [
      "r",
      { a: "1" },
      [
        ["x", "one"],
        ["y", "two"],
      ],
    ];
    expect(shape(parseXml(good, "t"))).toEqual(expected);
    const failures: [() => unknown, string][] = [
      [() => parseXml("<a><b><c><d/></c></b></a>", "t", { maxDepth: 2 }), "xml.too-deep"], // thrown from a handler mid-document
      [() => parseXml("<a><b></a>", "t"), "xml.malformed"], // sax's own error mid-document
      [() => parseXml("<a><b>", "t"), "xml.malformed"], // unclosed at close()
      [() => parseXml('<a x="1" x="2">', "t"), "xml.malformed"], // duplicate attribute, inside an open tag
    ];
    for (const [fn, c] of failures) {
      expect(code(fn)).toBe(c);
      expect(shape(parseXml(good, "t"))).toEqual(expected);
      expect(shape(parseXml(good, "t"))).toEqual(expected);
    }
    // A line number starts again at 1 for the next document.
    parseXml("<a>\n\n\n</a>", "t");
    expect(() => parseXml("<a>\n<b></a>", "t")).toThrow(/Line: 1/);
  });

  it("names the position of a syntax error", () => {
    expect(() => parseXml("<a>\n<b></a>", "t")).toThrow(/Line: 1/);
  });

  it("keeps undeclared prefixes (ns undefined) and resolves declared ones, inherited and overridden", () => {
    const n = parseXml('<s:E xmlns:a="urn:a"><a:x/><b:y/><a:z xmlns:a="urn:other"/></s:E>', "t");
    expect([n.prefix, n.ns]).toEqual(["s", undefined]);
    expect(n.children.map((c) => c.ns)).toEqual(["urn:a", undefined, "urn:other"]);
  });

  it("a kept element text does not keep its whole document alive (no view into the parsed string)", () => {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    const pad = "x".repeat(64 * 1024);
    const kept: string[] = [];
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 200; i++) {
      // a fresh 64 KiB document each time (the padding is concatenated, so each document is its own string)
      const doc = `<a><pad>${pad}${i}</pad><udid>00008110-00${String(i).padStart(14, "0")}</udid></a>`;
      kept.push(parseXml(doc, "t").children[1]!.text);
    }
    gc();
    const grown = process.memoryUsage().heapUsed - before;
    expect(kept[7]).toBe("00008110-0000000000000007");
    // 200 documents of 64 KiB are 12.5 MiB (25 MiB as two-byte strings); 200 UDIDs are a few KiB
    expect(grown).toBeLessThan(2 * 1024 * 1024);
  });
});
