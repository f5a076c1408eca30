// SPDX-License-Identifier: MIT
/**
 * Layering rules (docs/architecture.md), checked on the syntax tree of every src/ module
 * (test/support/architecture-checker.ts): imports point only downward, server/ and device/ never
 * import each other, node:* and I/O libraries appear only at and above the platform adapters (and
 * in the listed files), and no import circle exists.
 */
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { IO_ALLOWED, check, findCycles, importGraph, moduleRefs, srcRelative } from "./support/architecture-checker.js";

const SRC = resolve(import.meta.dirname, "../src");

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith(".ts") ? [p] : [];
  });
}

const PACKAGE = JSON.parse(readFileSync(resolve(SRC, "../package.json"), "utf8")) as { dependencies?: Record<string, string> };
const DEPENDENCIES = new Set(Object.keys(PACKAGE.dependencies ?? {}));

const files = () => walk(SRC).map((p) => ({ file: srcRelative(SRC, p), source: readFileSync(p, "utf8") }));

describe("architecture checker", () => {
  it("reads every form of module reference from the syntax tree", () => {
    const src = [
      'import a from "./a.js";',
      'import type { B } from "./b.js";',
      'import { type C } from "./c.js";',
      'import "./d.js";',
      'export { e } from "./e.js";',
      'export * from "./f.js";',
      'export type { G } from "./g.js";',
      'const h = await import("./h.js");',
      'import i = require("./i.js");',
      'const j = require("./j.js");',
      'let k: typeof import("./k.js");',
      "// import { no } from './comment.js';",
      "const s = \"import x from './string.js'\";",
    ].join("\n");
    const refs = moduleRefs("device/x.ts", src);
    expect(refs.map((r) => [r.spec, r.kind, r.typeOnly])).toEqual([
      ["./a.js", "import", false],
      ["./b.js", "import-type", true],
      ["./c.js", "import-type", true],
      ["./d.js", "side-effect", false],
      ["./e.js", "export-from", false],
      ["./f.js", "export-from", false],
      ["./g.js", "export-from", true],
      ["./h.js", "dynamic-import", false],
      ["./i.js", "import-equals", false],
      ["./j.js", "require", false],
      ["./k.js", "type-query", true],
    ]);
    expect(refs.map((r) => r.line)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it("catches an upward import in each reference form, and allows a downward one", () => {
    for (const form of [
      'import { a } from "../protocol/scep/client.js";',
      'import type { A } from "../protocol/scep/client.js";',
      'import "../protocol/scep/client.js";',
      'export { a } from "../protocol/scep/client.js";',
      'export * from "../protocol/scep/client.js";',
      'const m = import("../protocol/scep/client.js");',
      'type T = typeof import("../protocol/scep/client.js");',
    ]) {
      expect(check("wire/x.ts", form), form).toHaveLength(1);
    }
    expect(check("runner/fleet.ts", 'import { q } from "../wire/asn1/der.js";')).toHaveLength(0);
    expect(check("device/z.ts", 'export { q } from "../runner/fleet.js";')[0]!.why).toMatch(/upward/);
  });

  it("keeps server/ and device/ apart in both directions", () => {
    expect(check("server/apple/x.ts", 'import { t } from "../../device/apple/device-ca.js";')[0]!.why).toMatch(/server\/ imports device/);
    expect(
      check("device/apple/x.ts", 'import type { S } from "../../server/apple/server.js";')
        .map((v) => v.why)
        .join(),
    ).toMatch(/device\/ imports server/);
    expect(check("server/apple/x.ts", 'import { t } from "../../wire/apple/device-ca.js";')).toHaveLength(0);
  });

  it("forbids node:* and I/O libraries below the adapters, also as bare or dynamic imports, except the listed files", () => {
    expect(check("protocol/scep/y.ts", 'import { readFileSync } from "node:fs";')).toHaveLength(1);
    expect(check("protocol/scep/y.ts", 'import { readFileSync } from "fs";')).toHaveLength(1);
    expect(check("device/y.ts", 'const { request } = await import("node:http");')).toHaveLength(1);
    expect(check("runner/y.ts", 'import Database from "better-sqlite3";')).toHaveLength(1);
    expect(check("report/y.ts", 'import pino from "pino";')).toHaveLength(1);
    expect(check("wire/y.ts", 'import "node:net";')).toHaveLength(1);
    expect(check("wire/y.ts", 'import { Agent } from "undici";')).toHaveLength(1);
    expect(check("wire/y.ts", 'import { readFile } from "fs/promises";')).toHaveLength(1);
    expect(check("wire/y.ts", 'import YAML from "yaml";')).toHaveLength(0);
    expect(check("server/http.ts", 'import { createServer } from "node:http";')).toHaveLength(0);
    expect(check("platform/node/fs.ts", 'import { readFile } from "node:fs/promises";')).toHaveLength(0);
    for (const [file, why] of Object.entries(IO_ALLOWED)) {
      expect(why.length, file).toBeGreaterThan(20);
      expect(check(file, 'import { readFileSync } from "node:fs";')).toHaveLength(0);
    }
  });

  it("allows bare imports of built-ins and runtime dependencies only (type-only imports aside)", () => {
    const deps = new Set(["yaml", "@scope/pkg"]);
    expect(check("runner/x.ts", 'import YAML from "yaml";', undefined, deps)).toHaveLength(0);
    expect(check("runner/x.ts", 'import { a } from "@scope/pkg/sub";', undefined, deps)).toHaveLength(0);
    expect(check("server/x.ts", 'import { createServer } from "node:http";', undefined, deps)).toHaveLength(0);
    expect(check("runner/x.ts", 'import fc from "fast-check";', undefined, deps)[0]!.why).toMatch(/fast-check, which is not a runtime dependency/);
    expect(check("cli/x.ts", 'const v = await import("vitest");', undefined, deps)).toHaveLength(1);
    expect(check("runner/x.ts", 'import type { Options } from "some-types";', undefined, deps)).toHaveLength(0);
  });

  it("finds import circles, including a self-import, and none in a tree", () => {
    const g = (edges: Record<string, string[]>) => new Map(Object.entries(edges));
    expect(findCycles(g({ "a.ts": ["b.ts"], "b.ts": ["c.ts"], "c.ts": ["a.ts"], "d.ts": ["a.ts"] }))).toEqual([["a.ts", "b.ts", "c.ts"]]);
    expect(findCycles(g({ "a.ts": ["a.ts"] }))).toEqual([["a.ts"]]);
    expect(findCycles(g({ "a.ts": ["b.ts", "c.ts"], "b.ts": ["c.ts"], "c.ts": [] }))).toEqual([]);
    const graph = importGraph([
      { file: "device/a.ts", source: 'import type { B } from "./b.js";' },
      { file: "device/b.ts", source: 'export { a } from "./a.js";' },
    ]);
    expect(findCycles(graph)).toEqual([["device/a.ts", "device/b.ts"]]);
  });

  it("places a module in no layer → a clear error", () => {
    expect(() => check("nowhere/x.ts", "")).toThrow(/in no layer/);
  });
});

describe("architecture of src/", () => {
  it("no module imports a higher layer, the other half, or I/O outside its allowance", () => {
    const violations = files().flatMap(({ file, source }) => check(file, source, undefined, DEPENDENCIES));
    expect(violations.map((v) => `${v.file}:${v.line}: ${v.spec}: ${v.why}`)).toEqual([]);
  });

  it("has no import circles", () => {
    expect(findCycles(importGraph(files())).map((c) => c.join(" ↔ "))).toEqual([]);
  });
});
