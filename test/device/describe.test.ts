// SPDX-License-Identifier: MIT
import { describe, expect, it } from "vitest";
import { catalogJson, formatCatalogTable } from "../../src/device/describe.js";
import { loadCatalog } from "../../src/runner/catalog-files.js";

const catalog = loadCatalog();

describe("formatCatalogTable", () => {
  const text = formatCatalogTable(catalog);
  const lines = text.trimEnd().split("\n");

  it("has a header and one row per model, sorted by id", () => {
    expect(lines[0]).toMatch(/^ID\s+PLATFORM\s+MANUFACTURER\s+MARKETING NAME\s+MODEL\s+RUNS\s+OS VERSIONS$/);
    expect(lines.slice(1).map((l) => l.split(/\s{2,}/)[0])).toEqual(catalog.ids());
    expect(text.endsWith("\n")).toBe(true);
  });

  it("aligns columns and leaves no trailing spaces", () => {
    const headers = ["PLATFORM", "MANUFACTURER", "MARKETING NAME", "MODEL", "RUNS", "OS VERSIONS"];
    const starts = headers.map((h) => lines[0]!.indexOf(h));
    const iphone = lines.find((l) => l.startsWith("iphone-15 "))!;
    expect(["ios", "Apple Inc.", "iPhone 15", "iPhone15,4", "iOS 17.0 and later", "17.5.1, 17.6.1"].map((v) => iphone.indexOf(v))).toEqual(starts);
    for (const l of lines) expect(l).toBe(l.trimEnd());
  });

  it("summarises several builds of one version", () => {
    const pixel = lines.find((l) => l.startsWith("pixel-8 "))!;
    expect(pixel).toMatch(/ 14 \(6 builds\)$/);
    const win = lines.find((l) => l.startsWith("windows-10-desktop "))!;
    expect(win).toContain("10.0.19045.4412, 10.0.19045.4651");
  });

  it("says which releases each model can run (catalog osSupport), a dash where none is published", () => {
    expect(lines.find((l) => l.startsWith("samsung-galaxy-s9 "))).toContain("Android API level 26 to 29");
    expect(lines.find((l) => l.startsWith("iphone-8 "))).toContain("iOS 11.0 to 16");
    expect(lines.find((l) => l.startsWith("windows-11-laptop "))).toMatch(/ {2}- +10\.0\./);
  });
});

describe("catalogJson", () => {
  it("is JSON with every model, sorted by id, round-tripping the catalog", () => {
    const doc = JSON.parse(catalogJson(catalog)) as { devices: { id: string; modelIdentifier: string }[] };
    expect(doc.devices.map((d) => d.id)).toEqual(catalog.ids());
    expect(doc.devices).toEqual(JSON.parse(JSON.stringify(catalog.list())));
    expect(doc.devices.find((d) => d.id === "iphone-15")!.modelIdentifier).toBe("iPhone15,4");
  });
});
