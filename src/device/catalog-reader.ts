// SPDX-License-Identifier: MIT
/**
 * Reading a catalog file's YAML nodes with their locations (device/catalog.ts): every mistake is a
 * `ScenarioError` at `file:line:column` with what was expected and, for an unknown key, a did-you-mean.
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument } from "yaml";
import type { Document, Node, Pair, YAMLMap } from "yaml";
import { ScenarioError } from "../errors/index.js";
import { closest } from "../errors/suggest.js";

/**
 * Parses one catalog data file (unique keys, positions kept) into a `Reader`; malformed YAML is a `ScenarioError`
 * at the parser's own file:line:column. Shared by the device models, agents, Windows builds and setup texts.
 */
export function readYaml(text: string, fileName: string): Reader {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const r = new Reader(doc, lineCounter, fileName);
  const yamlError = doc.errors[0];
  if (yamlError) throw new ScenarioError(`invalid YAML: ${yamlError.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "")}`, r.locAt(yamlError.pos[0]), "well-formed YAML");
  return r;
}

export class Reader {
  constructor(
    readonly doc: Document,
    private readonly lines: LineCounter,
    private readonly fileName: string,
  ) {}

  locAt(offset: number): string {
    const { line, col } = this.lines.linePos(offset);
    return `${this.fileName}:${line}:${col}`;
  }

  loc(node: Node | null | undefined): string {
    return this.locAt(node?.range?.[0] ?? 0);
  }

  fail(node: Node | null | undefined, message: string, expected: string): never {
    throw new ScenarioError(`${message} (expected ${expected})`, this.loc(node), expected);
  }

  resolve(node: unknown): Node | null {
    if (isAlias(node)) return (node.resolve(this.doc) as Node | undefined) ?? null;
    return (node as Node | null) ?? null;
  }

  map(node: unknown, what: string, expected: string): MapReader {
    const n = this.resolve(node);
    if (!isMap(n)) this.fail(n, `${what} must be a mapping, got ${describe(n)}`, expected);
    return new MapReader(this, n, what);
  }

  scalarString(node: Node | null, expected: string, pattern?: RegExp): string {
    const n = this.resolve(node);
    const value = isScalar(n) ? n.value : undefined;
    if (typeof value !== "string" || value.trim() === "") {
      const hint = typeof value === "number" ? ' (quote it, e.g. "17.10", so YAML does not read a number)' : "";
      this.fail(n, `expected a string, got ${describe(n)}${hint}`, expected);
    }
    if (pattern && !pattern.test(value)) this.fail(n, `"${value}" is not valid`, expected);
    return value;
  }
}

export function describe(node: Node | null | undefined): string {
  if (node === null || node === undefined) return "nothing";
  if (isMap(node)) return "a mapping";
  if (isSeq(node)) return "a list";
  if (isScalar(node)) return node.value === null ? "nothing" : JSON.stringify(node.value);
  return "an unsupported node";
}

export class MapReader {
  constructor(
    readonly r: Reader,
    readonly self: YAMLMap,
    private readonly what: string,
  ) {}

  private pair(key: string): Pair | undefined {
    return this.self.items.find((p) => isScalar(p.key) && p.key.value === key);
  }

  /** True when the key is present with a non-null value. */
  has(key: string): boolean {
    const value = this.r.resolve(this.pair(key)?.value);
    return value !== null && !(isScalar(value) && value.value === null);
  }

  /** The value node of `key`, or null when absent. */
  node(key: string): Node | null {
    return this.r.resolve(this.pair(key)?.value);
  }

  private required(key: string, expected: string): Node {
    const n = this.node(key);
    if (!this.has(key)) {
      const at = (this.pair(key)?.key as Node | undefined) ?? this.self;
      this.r.fail(at, `${this.what} is missing required field "${key}"`, `${key}: ${expected}`);
    }
    return n!;
  }

  str(key: string, pattern?: RegExp, expected = "a non-empty string"): string {
    return this.r.scalarString(this.required(key, expected), expected, pattern);
  }

  optStr(key: string, pattern?: RegExp, expected = "a non-empty string"): string | undefined {
    return this.has(key) ? this.str(key, pattern, expected) : undefined;
  }

  oneOf<T extends string>(key: string, values: readonly T[]): T {
    const expected = `one of ${values.join(", ")}`;
    const node = this.required(key, expected);
    const value = this.r.scalarString(node, expected);
    if (!values.includes(value as T)) this.r.fail(node, `${key} "${value}" is not known`, expected);
    return value as T;
  }

  int(key: string, min: number, max: number): number {
    const expected = `an integer from ${min} to ${max}`;
    const n = this.required(key, expected);
    const value = isScalar(n) ? n.value : undefined;
    if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
      this.r.fail(n, `${key} must be ${expected}, got ${describe(n)}`, expected);
    }
    return value;
  }

  bool(key: string): boolean {
    const n = this.required(key, "true or false");
    const value = isScalar(n) ? n.value : undefined;
    if (typeof value !== "boolean") this.r.fail(n, `${key} must be true or false, got ${describe(n)}`, "true or false");
    return value;
  }

  map(key: string, expected: string): MapReader {
    return this.r.map(this.required(key, expected), key, expected);
  }

  private seq(key: string, expected: string): Node[] {
    const n = this.required(key, expected);
    if (!isSeq(n) || n.items.length === 0) this.r.fail(n, `${key} must be ${expected}, got ${describe(n)}`, expected);
    return n.items.map((item) => this.r.resolve(item) ?? n);
  }

  /** A non-empty list of mappings, each read by `read`. */
  list<T>(key: string, expected: string, read: (item: MapReader) => T): T[] {
    return this.seq(key, expected).map((node, i) => read(this.r.map(node, `${key}[${i}]`, expected)));
  }

  /** A non-empty list of strings, each checked by `check` (which may fail at the node). */
  strings(key: string, expected: string, pattern?: RegExp, check?: (value: string, node: Node) => void): string[] {
    return this.seq(key, expected).map((node) => {
      const value = this.r.scalarString(node, expected, pattern);
      check?.(value, node);
      return value;
    });
  }

  /**
   * Rejects keys outside `allowed` before anything else is read, so a typo (`osVersion`) is
   * reported as such rather than as a missing field.
   */
  only(allowed: readonly string[]): this {
    for (const p of this.self.items) {
      const key = isScalar(p.key) ? String(p.key.value) : "?";
      if (allowed.includes(key)) continue;
      // Prefix or case slips first, then the edit-distance suggestion every scenario error uses.
      const near = allowed.find((a) => a.toLowerCase() === key.toLowerCase() || a.startsWith(key) || key.startsWith(a)) ?? closest(key, allowed);
      const hint = near ? `; did you mean "${near}"?` : "";
      this.r.fail(p.key as Node, `unknown field "${key}" in ${this.what}${hint}`, `one of ${allowed.join(", ")}`);
    }
    return this;
  }
}
