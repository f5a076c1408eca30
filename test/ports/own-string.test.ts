// ownString (src/ports/own-string.ts): a value cut from a large document and kept must not keep
// the document alive. Measured on the real heap: 400 documents of 64 KiB each, one 36-character
// value kept from each; with plain slices the 25 MiB of documents stay reachable, with ownString
// they are collected.
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { ownString } from "../../src/ports/own-string.js";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

/** Heap bytes still reachable after keeping one value cut from each of `n` fresh 64 KiB documents. */
function keptBytes(keep: (s: string) => string, n = 400): { bytes: number; kept: string[] } {
  gc();
  const before = process.memoryUsage().heapUsed;
  const kept: string[] = [];
  for (let i = 0; i < n; i++) {
    const doc = `<plist>${String(i).padStart(8, "0")}${"x".repeat(65_536)}<string>com.apple.mgmt.External.${String(i).padStart(12, "0")}</string></plist>`;
    const m = /<string>([^<]+)<\/string>/.exec(doc)!;
    kept.push(keep(m[1]!));
  }
  gc();
  return { bytes: process.memoryUsage().heapUsed - before, kept };
}

describe("ownString", () => {
  it("keeps the value, not the document it was cut from", () => {
    const sliced = keptBytes((s) => s);
    const owned = keptBytes(ownString);
    expect(owned.kept).toEqual(sliced.kept); // same values
    expect(owned.kept[7]).toBe("com.apple.mgmt.External.000000000007");
    expect(sliced.bytes).toBeGreaterThan(20 * 1024 * 1024); // the documents stayed (what the push registry did)
    expect(owned.bytes).toBeLessThan(2 * 1024 * 1024); // about 400 short strings
  });

  it("returns short strings as they are, and any string unchanged in value", () => {
    expect(ownString("")).toBe("");
    expect(ownString("abc")).toBe("abc");
    const long = "é".repeat(50) + "\u{1F600}";
    expect(ownString(long)).toBe(long);
  });
});
