// SPDX-License-Identifier: MIT
/**
 * Layering rules (docs/architecture.md): imports point only downward, and node:* / I/O
 * libraries appear only in adapters, the server, the CLI/API and the listed file writers.
 */
import { readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = resolve(import.meta.dirname, "../src");

const RANKS: [prefix: string, rank: number][] = [
  ["ports/", 0],
  ["errors/", 0],
  ["_generated/", 0],
  ["platform/virtual/", 0.5],
  ["wire/", 1],
  ["protocol/", 2],
  ["device/", 3],
  ["runner/", 4],
  ["report/", 5],
  ["platform/node/", 6],
  ["server/", 7],
  ["api/", 8],
  ["cli/", 9],
  ["index.ts", 10],
];

/** Files below rank 6 that may touch node:* because they do file or process I/O. */
const IO_ALLOWED = new Set([
  "runner/catalog-files.ts",
  "runner/scenario/read.ts",
  "report/trace-file.ts",
  "report/json-file.ts",
  "report/private-file.ts",
]);
const IO_MODULES = /^(node:|fs$|path$|os$|http$|https$|net$|tls$|dns$|child_process$|worker_threads$|undici$)/;

export function rankOf(file: string): number {
  const hit = RANKS.find(([p]) => file.startsWith(p));
  if (!hit) throw new Error(`${file} is in no layer; add its folder to RANKS and docs/architecture.md`);
  return hit[1];
}

export interface Violation {
  file: string;
  spec: string;
  why: string;
}

/** Checks one file's import specifiers. Exported so the checker itself is tested. */
export function check(file: string, source: string): Violation[] {
  const out: Violation[] = [];
  const specs = [...source.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g)].map(
    (m) => m[1] ?? m[2]!,
  );
  const rank = rankOf(file);
  for (const spec of specs) {
    if (spec.startsWith(".")) {
      const target = relative(SRC, resolve(SRC, dirname(file), spec)).replace(/\.js$/, ".ts");
      const tr = rankOf(target);
      if (tr > rank) out.push({ file, spec, why: `imports ${target} (rank ${tr}) from rank ${rank}: upward import` });
    } else if (IO_MODULES.test(spec) && rank < 6 && !IO_ALLOWED.has(file)) {
      out.push({ file, spec, why: `imports ${spec} outside platform/server/cli and the listed I/O files` });
    }
  }
  return out;
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith(".ts") ? [p] : [];
  });
}

describe("architecture", () => {
  it("the checker catches an upward import and a stray node:* import", () => {
    expect(check("wire/x.ts", 'import { a } from "../protocol/scep/client.js";')).toHaveLength(1);
    expect(check("protocol/scep/y.ts", 'import { readFileSync } from "node:fs";')).toHaveLength(1);
    expect(check("device/z.ts", 'export { q } from "../runner/fleet.js";')).toHaveLength(1);
    expect(check("runner/fleet.ts", 'import { q } from "../wire/asn1/der.js";')).toHaveLength(0);
    expect(check("server/http.ts", 'import { createServer } from "node:http";')).toHaveLength(0);
  });

  it("no module in src/ imports a higher layer or node:* outside its allowance", () => {
    const violations = walk(SRC).flatMap((p) => check(relative(SRC, p), readFileSync(p, "utf8")));
    expect(violations.map((v) => `${v.file}: ${v.why}`)).toEqual([]);
  });
});
