// SPDX-License-Identifier: MIT
/**
 * The layering checker behind test/architecture.test.ts (docs/architecture.md). It reads every
 * module reference with the TypeScript compiler API, so nothing a regex would miss slips through:
 * `import … from`, `import type`, bare `import "x"`, `export … from`, `export * from`, dynamic
 * `import("x")`, `require("x")`, `import x = require("x")` and `typeof import("x")` types.
 *
 * Rules (each violation names the file, the specifier and why):
 * - rank: a module imports only its own rank or lower (RANKS);
 * - halves: server/ never imports device/, device/ never imports server/ (they share lower modules);
 * - I/O: below the platform adapters (rank < 6) no node:* built-in and no I/O library, except the
 *   files in IO_ALLOWED, each with its reason;
 * - cycles: no import circle among src/ modules (type-only imports count: a circle of types is
 *   still two modules that cannot be read, moved or tested apart);
 * - packages: a bare import in src/ names a Node built-in or a runtime dependency of package.json
 *   (not a devDependency such as vitest, which an installed enrollsim does not have).
 */
import ts from "typescript";
import { posix, relative, resolve, sep } from "node:path";

export const RANKS: [prefix: string, rank: number][] = [
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

/** Rank of the platform adapters: below it, no I/O. */
export const ADAPTER_RANK = 6;

/** Layers that must not import each other although their ranks would allow one direction. */
export const SEPARATED: [from: string, to: string, why: string][] = [
  ["server/", "device/", "the reference server and the devices it serves share lower modules (wire/, ports/), never each other"],
  ["device/", "server/", "a device knows its server only over the wire"],
];

/**
 * Files below the adapters that may use node:* or an I/O library, and why. Everything else below
 * rank 6 reaches files, sockets and processes through the injected ports.
 */
export const IO_ALLOWED: Record<string, string> = {
  "runner/catalog-files.ts": "reads the devices/*.yaml catalog at start (the runner's input, before any port exists)",
  "runner/scenario/read.ts": "reads the scenario file and the files it names (profileFile, …) with a size cap",
  "report/trace-file.ts": "writes the trace file the user asked for (--trace)",
  "report/json-file.ts": "writes the JSON report file the user asked for (--json)",
  "report/html/files.ts": "reads the HTML report page's assets (uPlot from node_modules, the page script and style) to inline them, hashes them for the page's CSP, and writes the report the user asked for (--html)",
  "report/private-file.ts": "creates files that can hold a secret (reports, QR PNGs, logs) 0600 in 0700 directories, whatever the umask",
};

/** node:* built-ins, their bare aliases, and the I/O libraries of package.json. */
const IO_LIBRARIES = new Set(["better-sqlite3", "pino", "undici", "ws", "prom-client"]);
const BUILTINS = new Set([
  "assert", "async_hooks", "buffer", "child_process", "cluster", "console", "crypto", "dgram", "diagnostics_channel", "dns", "events",
  "fs", "fs/promises", "http", "http2", "https", "inspector", "module", "net", "os", "path", "perf_hooks", "process", "querystring",
  "readline", "repl", "stream", "string_decoder", "timers", "tls", "tty", "url", "util", "v8", "vm", "worker_threads", "zlib",
]); // prettier-ignore

export function isIoModule(spec: string): boolean {
  if (spec.startsWith("node:")) return true;
  const pkg = packageOf(spec);
  return BUILTINS.has(spec) || BUILTINS.has(pkg) || IO_LIBRARIES.has(pkg);
}

export function rankOf(file: string): number {
  const hit = RANKS.find(([p]) => file.startsWith(p));
  if (!hit) throw new Error(`${file} is in no layer; add its folder to RANKS and docs/architecture.md`);
  return hit[1];
}

export interface ModuleRef {
  spec: string;
  kind: "import" | "import-type" | "side-effect" | "export-from" | "dynamic-import" | "require" | "import-equals" | "type-query";
  /** Erased at compile time (import type, export type, typeof import()). */
  typeOnly: boolean;
  line: number;
}

/** Every module reference in a TypeScript source, read from its syntax tree. */
export function moduleRefs(fileName: string, source: string): ModuleRef[] {
  const sf = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const out: ModuleRef[] = [];
  const add = (lit: ts.Node | undefined, kind: ModuleRef["kind"], typeOnly: boolean) => {
    if (!lit || !ts.isStringLiteralLike(lit)) return;
    out.push({ spec: lit.text, kind, typeOnly, line: sf.getLineAndCharacterOfPosition(lit.getStart(sf)).line + 1 });
  };
  const visit = (n: ts.Node): void => {
    if (ts.isImportDeclaration(n)) {
      const c = n.importClause;
      const typeOnly = !!c && (c.isTypeOnly || (!c.name && !!c.namedBindings && ts.isNamedImports(c.namedBindings) && c.namedBindings.elements.length > 0 && c.namedBindings.elements.every((e) => e.isTypeOnly)));
      add(n.moduleSpecifier, !c ? "side-effect" : typeOnly ? "import-type" : "import", typeOnly);
    } else if (ts.isExportDeclaration(n) && n.moduleSpecifier) {
      const typeOnly = n.isTypeOnly || (!!n.exportClause && ts.isNamedExports(n.exportClause) && n.exportClause.elements.length > 0 && n.exportClause.elements.every((e) => e.isTypeOnly));
      add(n.moduleSpecifier, "export-from", typeOnly);
    } else if (ts.isImportEqualsDeclaration(n) && ts.isExternalModuleReference(n.moduleReference)) {
      add(n.moduleReference.expression, "import-equals", n.isTypeOnly);
    } else if (ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.ImportKeyword) {
      add(n.arguments[0], "dynamic-import", false);
    } else if (ts.isCallExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === "require" && n.arguments.length === 1) {
      add(n.arguments[0], "require", false);
    } else if (ts.isImportTypeNode(n) && ts.isLiteralTypeNode(n.argument)) {
      add(n.argument.literal, "type-query", true);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

/** The src/-relative module a relative specifier names (".js" → ".ts"; "./x" and "./x/index"). */
export function resolveRelative(file: string, spec: string, exists: (f: string) => boolean = () => true): string {
  const base = posix.normalize(posix.join(posix.dirname(file), spec));
  const candidates = base.endsWith(".js") ? [base.replace(/\.js$/, ".ts")] : [base, `${base}.ts`, `${base}/index.ts`];
  return candidates.find(exists) ?? candidates[0]!;
}

export interface Violation {
  file: string;
  spec: string;
  line: number;
  why: string;
}

/** The package a bare specifier names ("@scope/pkg/sub" → "@scope/pkg", "yargs/helpers" → "yargs"). */
export function packageOf(spec: string): string {
  return spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]!;
}

/**
 * Checks one file's module references against the rank, halves and I/O rules, and, given the
 * runtime dependencies, that every bare import is a built-in or one of them.
 */
export function check(file: string, source: string, exists?: (f: string) => boolean, dependencies?: ReadonlySet<string>): Violation[] {
  const out: Violation[] = [];
  const rank = rankOf(file);
  for (const r of moduleRefs(file, source)) {
    const v = (why: string) => out.push({ file, spec: r.spec, line: r.line, why });
    if (r.spec.startsWith(".")) {
      const target = resolveRelative(file, r.spec, exists);
      if (target.startsWith("..")) {
        v(`reaches outside src/ (${target})`);
        continue;
      }
      const tr = rankOf(target);
      if (tr > rank) v(`imports ${target} (rank ${tr}) from rank ${rank}: upward import`);
      for (const [from, to, why] of SEPARATED) if (file.startsWith(from) && target.startsWith(to)) v(`${from} imports ${target}: ${why}`);
    } else {
      if (isIoModule(r.spec) && rank < ADAPTER_RANK && !(file in IO_ALLOWED)) {
        v(`${r.kind} of ${r.spec} below the platform adapters (rank ${rank}); reach I/O through a port, or list the file in IO_ALLOWED with a reason`);
      }
      const builtin = r.spec.startsWith("node:") || BUILTINS.has(r.spec) || BUILTINS.has(packageOf(r.spec));
      if (dependencies && !builtin && !r.typeOnly && !dependencies.has(packageOf(r.spec))) {
        v(`imports ${packageOf(r.spec)}, which is not a runtime dependency in package.json`);
      }
    }
  }
  return out;
}

/** Import circles among the given modules (Tarjan's strongly connected components), each as a path. */
export function findCycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const strong = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!idx.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(scc.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!idx.has(v)) strong(v);
  return out;
}

/** The relative-import graph of src/ files (src/-relative paths → the modules they import). */
export function importGraph(files: { file: string; source: string }[]): Map<string, string[]> {
  const known = new Set(files.map((f) => f.file));
  const graph = new Map<string, string[]>();
  for (const { file, source } of files) {
    const targets = moduleRefs(file, source)
      .filter((r) => r.spec.startsWith("."))
      .map((r) => resolveRelative(file, r.spec, (f) => known.has(f)));
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** src/-relative path of an absolute file (posix separators). */
export function srcRelative(src: string, abs: string): string {
  return relative(resolve(src), resolve(abs)).split(sep).join("/");
}
