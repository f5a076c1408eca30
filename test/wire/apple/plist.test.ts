// SPDX-License-Identifier: MIT
/** XML plist codec: round trip, limits, hostile XML, typed access. */
import { describe, expect, it } from "vitest";
import { P, PlistError, buildPlist, parsePlist, parsePlistDict, precheckXml } from "../../../src/wire/apple/plist.js";
import { errorCode } from "../../support/error-code.js";

const wrap = (inner: string) => `<?xml version="1.0" encoding="UTF-8"?>\n<plist version="1.0">${inner}</plist>`;
const code = (fn: () => unknown): string => errorCode(fn, PlistError);

describe("plist codec", () => {
  it("round-trips every type", () => {
    const v = {
      s: "a <b> & c",
      i: -42,
      r: 1.5,
      t: true,
      f: false,
      d: new Uint8Array([0, 1, 2, 255]),
      date: new Date("2026-11-22T01:02:03Z"),
      a: [1, "x", { k: [] }],
      e: {},
    };
    const text = buildPlist(v);
    expect(text).toContain('<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN"');
    expect(parsePlist(text)).toEqual(v);
    expect(parsePlist(new Uint8Array(Buffer.from(text)))).toEqual(v);
  });

  it("reads self-closing elements, comments, CDATA and character references", () => {
    expect(parsePlist(wrap("<dict><!-- c --><key>a</key><string/><key>b</key><array/><key>c</key><string>&#65;&#x42;&lt;</string><key>d</key><string><![CDATA[<x>]]></string></dict>"))).toEqual({
      a: "",
      b: [],
      c: "AB<",
      d: "<x>",
    });
  });

  it("refuses DTDs with internal subsets, ENTITY declarations and unknown entities", () => {
    expect(code(() => parsePlist('<!DOCTYPE plist [<!ELEMENT plist ANY>]><plist version="1.0"><string/></plist>'))).toBe("plist.doctype");
    expect(code(() => parsePlist('<!DOCTYPE x SYSTEM "file:///etc/passwd"><plist><string/></plist>'))).toBe("plist.doctype");
    expect(code(() => precheckXml('<!DOCTYPE plist [<!ENTITY a "aaaa">]>'))).toBe("plist.entity");
    expect(code(() => parsePlist(wrap("<string>&xxe;</string>")))).toBe("plist.entity");
    expect(code(() => parsePlist(wrap("<string>a & b</string>")))).toBe("plist.malformed");
  });

  it("enforces size, depth, key and item limits", () => {
    expect(code(() => parsePlist(wrap("<string>x</string>"), { maxBytes: 10 }))).toBe("plist.too-large");
    const deep = "<array>".repeat(100) + "</array>".repeat(100);
    expect(code(() => parsePlist(wrap(deep)))).toBe("plist.too-deep");
    const many = "<dict>" + Array.from({ length: 20 }, (_, i) => `<key>k${i}</key><true/>`).join("") + "</dict>";
    expect(code(() => parsePlist(wrap(many), { maxKeys: 10 }))).toBe("plist.too-many-keys");
    const items = "<array>" + "<true/>".repeat(20) + "</array>";
    expect(code(() => parsePlist(wrap(items), { maxArrayItems: 10 }))).toBe("plist.too-many-items");
    expect(code(() => parsePlist(wrap(`<string>${"x".repeat(100)}</string>`), { maxStringLength: 50 }))).toBe("plist.too-large");
  });

  it("stays fast on pathological tags and long texts (no regex blow-up)", () => {
    const t0 = Date.now();
    expect(code(() => parsePlist(wrap(`<dict${" ".repeat(200_000)}!>`)))).toBe("plist.malformed");
    expect(code(() => parsePlist(wrap(`<string>${"&amp;".repeat(100_000)}x</string><x`)))).toBe("plist.malformed");
    const dt = '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">';
    expect(code(() => parsePlist(dt.repeat(30_000) + '<plist version="1.0"><true/></plist>'))).toBe("plist.doctype");
    expect(parsePlist(`${dt}\n<plist version="1.0"><true/></plist>`)).toBe(true);
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it("refuses malformed structure and values", () => {
    for (const bad of [
      "",
      "<plist>",
      wrap("<dict><key>a</key></dict>"),
      wrap("<dict><string>a</string></dict>"),
      wrap("<integer>1.5</integer>"),
      wrap("<integer>99999999999999999999</integer>"),
      wrap("<real>abc</real>"),
      wrap("<data>!!!</data>"),
      wrap("<date>yesterday</date>"),
      wrap("<foo/>"),
      wrap("<dict><key>a</key><true/><key>a</key><true/></dict>"),
      wrap("<dict><key>__proto__</key><dict/></dict>"),
      wrap("<string>x</string><string>y</string>"),
    ]) {
      expect(code(() => parsePlist(bad)), bad).toMatch(/^plist\./);
    }
    expect(code(() => parsePlist(new Uint8Array(Buffer.from("bplist00xxxx"))))).toBe("plist.binary");
    expect(code(() => parsePlist(new Uint8Array([0x3c, 0xff, 0xfe])))).toBe("plist.encoding");
  });

  it("typed accessors name key and expected type", () => {
    const d = parsePlistDict(wrap("<dict><key>n</key><string>1</string></dict>"), "test");
    expect(() => P.int(d, "n", "test")).toThrow(/n is string, expected integer/);
    expect(code(() => P.str(d, "missing", "test"))).toBe("plist.missing-key");
    expect(P.optBool(d, "missing", "test")).toBeUndefined();
    expect(code(() => parsePlistDict(wrap("<array/>"), "test"))).toBe("plist.wrong-type");
  });

  it("binary plists are refused with a typed error, as bytes and as text (behaviour kept from the hand-written reader)", () => {
    const bplist = new Uint8Array([...Buffer.from("bplist00"), 0x09, 0x08, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(code(() => parsePlist(bplist))).toBe("plist.binary");
    expect(code(() => parsePlist("bplist00\u0009"))).toBe("plist.binary");
  });

  it("refuses what the plist package would read silently wrong", () => {
    // DTD: "Contents should represent a (possibly signed) integer number in base 10"
    expect(code(() => parsePlist(wrap("<integer>0x1F</integer>")))).toBe("plist.malformed");
    expect(code(() => parsePlist(wrap("<real>1.5abc</real>")))).toBe("plist.malformed");
    expect(code(() => parsePlist(wrap("<string>a<b/>c</string>")))).toBe("plist.malformed");
    expect(code(() => parsePlist(wrap("<dict>junk<key>a</key><true/></dict>")))).toBe("plist.malformed");
    expect(code(() => parsePlist(wrap("<true>yes</true>")))).toBe("plist.malformed");
    expect(code(() => parsePlist(wrap("<null/>")))).toBe("plist.malformed");
    // a comment or CDATA inside a key: the package alone would read only "a"
    expect(parsePlist(wrap("<dict><key>a<!--x-->b</key><true/><key>c<![CDATA[<d>]]></key><false/></dict>"))).toEqual({ ab: true, "c<d>": false });
    // line ends are read as XML 1.0 says (CRLF and CR are LF); &#xD; is a CR
    expect(parsePlist(wrap("<string>a\r\nb\rc&#xD;</string>"))).toBe("a\nb\nc\r");
    expect(code(() => parsePlist("{ a = b; }"))).toBe("plist.malformed");
    expect(parsePlist(wrap("<dict><key> </key><string>  </string><key>n</key><integer> +7 </integer></dict>"))).toEqual({ " ": "  ", n: 7 });
  });

  it("round-trips strings the old writer damaged (CR, ]]>) and refuses what XML cannot carry", () => {
    // U+0085/U+2028/U+2029: xmldom (inside the plist package) would read them as LF (regression, found by fast-check)
    const v = { cr: "a\r\nb", cdataEnd: "x]]>y", amp: "&lt;", tab: "\tz\n\t", empty: "", "\u2028": "\u0085\u2029", " ": " " };
    expect(parsePlist(buildPlist(v))).toEqual(v);
    expect(code(() => buildPlist({ bad: "a\u0001b" }))).toBe("plist.wrong-type");
    expect(code(() => buildPlist({ n: Number.NaN }))).toBe("plist.wrong-type");
    expect(code(() => buildPlist({ d: new Date(Number.NaN) }))).toBe("plist.wrong-type");
  });

  it("bounds the parse tree: element count limit", () => {
    const items = "<array>" + "<true/>".repeat(200) + "</array>";
    expect(code(() => parsePlist(wrap(items), { maxNodes: 100 }))).toBe("plist.too-many-nodes");
  });
});
