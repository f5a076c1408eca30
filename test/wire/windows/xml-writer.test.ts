// SPDX-License-Identifier: MIT
/**
 * The Windows XML writer (wire/windows/xml.ts) escapes text and attributes in one pass, and not at
 * all when nothing needs it: the bytes must be those of replacing &, <, > (and " in attributes) in
 * turn, for any text — an ampersand already written as an entity is escaped again, never taken as one.
 */
import { describe, expect, it } from "vitest";
import { el, escapeAttr, escapeText, parseXml, writeXml } from "../../../src/wire/windows/xml.js";

const sequentialText = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const sequentialAttr = (s: string) => sequentialText(s).replace(/"/g, "&quot;");

describe("Windows XML writer escaping", () => {
  it("escapes as the sequential replacements do, over 2,000 random strings of markup characters", () => {
    let seed = 3;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const alphabet = ["&", "<", ">", '"', "'", "a", "Z", "0", " ", "&amp;", "&lt;", "é", "\n"];
    for (let i = 0; i < 2000; i++) {
      const s = Array.from({ length: Math.floor(next() * 12) }, () => alphabet[Math.floor(next() * alphabet.length)]).join("");
      expect(escapeText(s), JSON.stringify(s)).toBe(sequentialText(s));
      expect(escapeAttr(s), JSON.stringify(s)).toBe(sequentialAttr(s));
    }
  });

  it("writes attributes in order, leaves out undefined ones, and reads back the same values", () => {
    const text = writeXml(el("ac:ContextItem", { Name: 'Device"Name', Skip: undefined, Empty: "" }, el("ac:Value", {}, "DESKTOP-<&>1")));
    expect(text).toBe('<ac:ContextItem Name="Device&quot;Name" Empty=""><ac:Value>DESKTOP-&lt;&amp;&gt;1</ac:Value></ac:ContextItem>');
    const back = parseXml(text, "test");
    expect(back.attrs).toEqual({ Name: 'Device"Name', Empty: "" });
    expect(back.children[0]!.text).toBe("DESKTOP-<&>1");
  });
});
