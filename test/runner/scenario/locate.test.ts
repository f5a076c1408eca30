// SPDX-License-Identifier: MIT
import { LineCounter, parseDocument } from "yaml";
import { describe, expect, it } from "vitest";
import { SourceLocator, formatPath, pointerToPath } from "../../../src/runner/scenario/locate.js";
import { closest, editDistance, listNames } from "../../../src/runner/scenario/suggest.js";

describe("paths", () => {
  it("formats paths the way authors write them", () => {
    expect(formatPath([])).toBe("the scenario");
    expect(formatPath(["groups", 0, "options", "scep", "url"])).toBe("groups[0].options.scep.url");
    expect(formatPath(["expect", "latency", "scep.pkioperation", "p95"])).toBe('expect.latency["scep.pkioperation"].p95');
  });

  it("turns JSON pointers into segments, numbers only for list indexes", () => {
    const data = { groups: [{ options: { "a/b": 1, "0": 2 } }] };
    expect(pointerToPath("/groups/0/options/a~1b", data)).toEqual(["groups", 0, "options", "a/b"]);
    expect(pointerToPath("/groups/0/options/0", data)).toEqual(["groups", 0, "options", "0"]);
    expect(pointerToPath("", data)).toEqual([]);
  });
});

describe("SourceLocator", () => {
  const text = "name: x\ngroups:\n  - name: a\n    count:\n    opts: &o { k: 1 }\n  - opts: *o\n";
  const lines = new LineCounter();
  const locator = new SourceLocator(parseDocument(text, { lineCounter: lines }), lines, "f.yaml");

  it("points at values, keys, empty values and missing keys", () => {
    expect(locator.where(["groups", 0, "name"])).toBe("f.yaml:3:11");
    expect(locator.where(["groups", 0, "name"], "key")).toBe("f.yaml:3:5");
    expect(locator.where(["groups", 0, "count"])).toBe("f.yaml:4:5"); // empty value: its key
    expect(locator.where(["groups", 0, "flow"])).toBe("f.yaml:3:5"); // missing: its mapping
    expect(locator.where(["groups", 7])).toBe("f.yaml:3:3"); // missing item: the list
    expect(locator.where([])).toBe("f.yaml:1:1");
  });

  it("follows aliases to the anchored node", () => {
    expect(locator.where(["groups", 1, "opts", "k"])).toBe("f.yaml:5:19");
    expect(locator.firstAliasOffset()).toBe(text.indexOf("*o"));
  });
});

describe("suggestions", () => {
  it("counts a transposition as one edit", () => {
    expect(editDistance("cuont", "count")).toBe(1);
    expect(editDistance("Flow", "flow")).toBe(0);
    expect(editDistance("abc", "xyz")).toBe(3);
  });

  it("suggests only close names", () => {
    expect(closest("cuont", ["name", "model", "count", "flow"])).toBe("count");
    expect(closest("zzzzz", ["name", "model", "count", "flow"])).toBeUndefined();
  });

  it("shortens long lists", () => {
    expect(listNames(["a", "b", "c"], 2)).toBe("a, b, … and 1 more");
    expect(listNames([])).toBe("(none)");
  });
});
