// SPDX-License-Identifier: MIT
/**
 * Activation predicates (com.apple.activation.simple `Predicate`, Apple's predicate format
 * strings) — a documented subset, pure and bounded:
 *
 *   expr    := or
 *   or      := and (("OR" | "||") and)*
 *   and     := unary (("AND" | "&&") unary)*
 *   unary   := ("NOT" | "!") unary | "(" expr ")" | "TRUEPREDICATE" | "FALSEPREDICATE" | compare
 *   compare := operand ("==" | "=" | "!=" | "<>" | "<" | "<=" | ">" | ">=" | "BEGINSWITH" | "ENDSWITH" | "CONTAINS") operand
 *            | operand "IN" "{" literal ("," literal)* "}"
 *   operand := "@status(" dotted.item.name ")" | 'string' | "string" | number | TRUE | FALSE
 *
 * Keywords are case-insensitive. Comparisons of a `*.version` status item (or of two version-like
 * strings with an ordering operator) are version-aware ("17.10" > "17.9"). A status item the
 * device has no value for compares false (except `!=`). Anything else (SUBQUERY, ANY, MATCHES,
 * key paths without @status, unknown status items, …) is `Error.UnableToParsePredicate`; an
 * ordering comparison between a string and a number is `Error.UnableToEvaluatePredicate`.
 * Limits: 4096 characters, nesting 32, 512 tokens, IN sets of 64 elements.
 */
import { compareVersions } from "../../wire/version.js";

export type PredicateValue = string | number | boolean | null;
export type PredicateResult = { ok: true; value: boolean } | { ok: false; code: "Error.UnableToParsePredicate" | "Error.UnableToEvaluatePredicate"; description: string };

export const PREDICATE_LIMITS = { maxLength: 4096, maxDepth: 32, maxTokens: 512, maxSet: 64 } as const;

type Tok = { t: "str"; v: string } | { t: "num"; v: number } | { t: "status"; v: string } | { t: "op"; v: string } | { t: "word"; v: string } | { t: "punct"; v: string };

class PredicateError extends Error {
  constructor(
    readonly code: "Error.UnableToParsePredicate" | "Error.UnableToEvaluatePredicate",
    msg: string,
  ) {
    super(msg);
  }
}
const parseErr = (msg: string): never => {
  throw new PredicateError("Error.UnableToParsePredicate", msg);
};

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    if (out.length > PREDICATE_LIMITS.maxTokens) parseErr(`more than ${PREDICATE_LIMITS.maxTokens} tokens`);
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      let v = "";
      i++;
      while (i < src.length && src[i] !== c) {
        if (src[i] === "\\" && i + 1 < src.length) i++;
        v += src[i++];
      }
      if (i >= src.length) parseErr("unterminated string");
      i++;
      out.push({ t: "str", v });
      continue;
    }
    const num = /^-?\d+(\.\d+)?/.exec(src.slice(i, i + 40));
    if (num && (c !== "-" || /\d/.test(src[i + 1] ?? ""))) {
      out.push({ t: "num", v: Number(num[0]) });
      i += num[0].length;
      continue;
    }
    if (src.startsWith("@status(", i)) {
      const end = src.indexOf(")", i);
      if (end < 0) parseErr("unterminated @status(");
      const name = src.slice(i + 8, end).trim();
      if (!/^[a-z][a-z0-9-]*(\.[a-z0-9-]+)*$/i.test(name) || name.length > 128) parseErr(`bad status item name "${name.slice(0, 40)}"`);
      out.push({ t: "status", v: name });
      i = end + 1;
      continue;
    }
    const op = /^(==|!=|<>|<=|>=|&&|\|\||=|<|>|!)/.exec(src.slice(i, i + 2));
    if (op) {
      out.push({ t: "op", v: op[0] });
      i += op[0].length;
      continue;
    }
    if ("(){},".includes(c)) {
      out.push({ t: "punct", v: c });
      i++;
      continue;
    }
    const w = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i, i + 64));
    if (w) {
      out.push({ t: "word", v: w[0].toUpperCase() });
      i += w[0].length;
      continue;
    }
    parseErr(`unexpected character "${c}" at ${i}`);
  }
  return out;
}

type Node =
  | { k: "and" | "or"; a: Node; b: Node }
  | { k: "not"; a: Node }
  | { k: "const"; v: boolean }
  | { k: "cmp"; op: string; l: Operand; r: Operand }
  | { k: "in"; l: Operand; set: PredicateValue[] };
type Operand = { k: "lit"; v: PredicateValue } | { k: "status"; name: string };

const CMP = new Set(["==", "=", "!=", "<>", "<", "<=", ">", ">=", "BEGINSWITH", "ENDSWITH", "CONTAINS"]);

class Parser {
  private i = 0;
  constructor(
    private readonly toks: Tok[],
    private readonly known: (name: string) => boolean,
  ) {}
  private peek(): Tok | undefined {
    return this.toks[this.i];
  }
  private is(t: Tok["t"], v?: string): boolean {
    const x = this.peek();
    return !!x && x.t === t && (v === undefined || x.v === v);
  }
  private expect(t: Tok["t"], v: string): void {
    if (!this.is(t, v)) parseErr(`expected "${v}"${this.peek() ? ` at token ${this.i}` : " at end"}`);
    this.i++;
  }
  parse(): Node {
    const n = this.or(0);
    if (this.i < this.toks.length) parseErr(`unexpected token at ${this.i}`);
    return n;
  }
  private depth(d: number): void {
    if (d > PREDICATE_LIMITS.maxDepth) parseErr(`nested deeper than ${PREDICATE_LIMITS.maxDepth}`);
  }
  private or(d: number): Node {
    this.depth(d);
    let a = this.and(d);
    while (this.is("word", "OR") || this.is("op", "||")) {
      this.i++;
      a = { k: "or", a, b: this.and(d) };
    }
    return a;
  }
  private and(d: number): Node {
    let a = this.unary(d);
    while (this.is("word", "AND") || this.is("op", "&&")) {
      this.i++;
      a = { k: "and", a, b: this.unary(d) };
    }
    return a;
  }
  private unary(d: number): Node {
    this.depth(d);
    if (this.is("word", "NOT") || this.is("op", "!")) {
      this.i++;
      return { k: "not", a: this.unary(d + 1) };
    }
    if (this.is("punct", "(")) {
      this.i++;
      const n = this.or(d + 1);
      this.expect("punct", ")");
      return n;
    }
    if (this.is("word", "TRUEPREDICATE") || this.is("word", "FALSEPREDICATE")) return { k: "const", v: (this.toks[this.i++] as { v: string }).v === "TRUEPREDICATE" };
    const l = this.operand();
    const op = this.peek();
    if (op && op.t === "word" && op.v === "IN") {
      this.i++;
      this.expect("punct", "{");
      const set: PredicateValue[] = [];
      for (;;) {
        const x = this.operand();
        if (x.k !== "lit") parseErr("IN {…} takes literals only");
        set.push((x as { v: PredicateValue }).v);
        if (set.length > PREDICATE_LIMITS.maxSet) parseErr(`IN set larger than ${PREDICATE_LIMITS.maxSet}`);
        if (this.is("punct", ",")) {
          this.i++;
          continue;
        }
        this.expect("punct", "}");
        break;
      }
      return { k: "in", l, set };
    }
    if (!op || !((op.t === "op" || op.t === "word") && CMP.has(op.v))) parseErr(`expected a comparison operator${op ? ` at token ${this.i}` : " at end"}`);
    this.i++;
    return { k: "cmp", op: (op as { v: string }).v, l, r: this.operand() };
  }
  private operand(): Operand {
    const x = this.toks[this.i++];
    if (!x) return parseErr("expected an operand at end");
    if (x.t === "str" || x.t === "num") return { k: "lit", v: x.v };
    if (x.t === "word" && (x.v === "TRUE" || x.v === "YES")) return { k: "lit", v: true };
    if (x.t === "word" && (x.v === "FALSE" || x.v === "NO")) return { k: "lit", v: false };
    if (x.t === "word" && (x.v === "NIL" || x.v === "NULL")) return { k: "lit", v: null };
    if (x.t === "status") {
      if (!this.known(x.v)) parseErr(`status item ${x.v} is not supported in predicates`);
      return { k: "status", name: x.v };
    }
    return parseErr(`unsupported operand at token ${this.i - 1}${x.t === "word" ? ` (${x.v.slice(0, 32)})` : ""}`);
  }
}

const versionLike = (s: string) => /^\d+(\.\d+){0,4}$/.test(s);
const cmpVersions = compareVersions;

function evaluate(n: Node, status: (name: string) => PredicateValue | undefined): boolean {
  switch (n.k) {
    case "const":
      return n.v;
    case "not":
      return !evaluate(n.a, status);
    case "and":
      return evaluate(n.a, status) && evaluate(n.b, status);
    case "or":
      return evaluate(n.a, status) || evaluate(n.b, status);
    case "in": {
      const v = value(n.l, status);
      return v !== null && n.set.some((s) => s === v);
    }
    case "cmp": {
      const l = value(n.l, status);
      const r = value(n.r, status);
      const isVersion = (n.l.k === "status" && n.l.name.endsWith(".version")) || (n.r.k === "status" && n.r.name.endsWith(".version"));
      if (n.op === "!=" || n.op === "<>") return !eq(l, r, isVersion);
      if (n.op === "==" || n.op === "=") return eq(l, r, isVersion);
      if (l === null || r === null) return false;
      if (n.op === "BEGINSWITH" || n.op === "ENDSWITH" || n.op === "CONTAINS") {
        if (typeof l !== "string" || typeof r !== "string") throw new PredicateError("Error.UnableToEvaluatePredicate", `${n.op} needs strings`);
        return n.op === "BEGINSWITH" ? l.startsWith(r) : n.op === "ENDSWITH" ? l.endsWith(r) : l.includes(r);
      }
      let c: number;
      if (typeof l === "string" && typeof r === "string") c = (isVersion || (versionLike(l) && versionLike(r))) && versionLike(l) && versionLike(r) ? cmpVersions(l, r) : l < r ? -1 : l > r ? 1 : 0;
      else if (typeof l === "number" && typeof r === "number") c = l - r;
      else throw new PredicateError("Error.UnableToEvaluatePredicate", `cannot order ${typeof l} against ${typeof r}`);
      return n.op === "<" ? c < 0 : n.op === "<=" ? c <= 0 : n.op === ">" ? c > 0 : c >= 0;
    }
  }
}

function eq(l: PredicateValue, r: PredicateValue, isVersion: boolean): boolean {
  if (isVersion && typeof l === "string" && typeof r === "string" && versionLike(l) && versionLike(r)) return cmpVersions(l, r) === 0;
  return l === r;
}

function value(o: Operand, status: (name: string) => PredicateValue | undefined): PredicateValue {
  if (o.k === "lit") return o.v;
  const v = status(o.name);
  return v === undefined ? null : v;
}

/**
 * Parses and evaluates `src` against the device's status items. `status(name)` returns the
 * device's value (undefined: no value); `known(name)` says whether the item may appear at all.
 */
export function evaluatePredicate(src: unknown, status: (name: string) => PredicateValue | undefined, known: (name: string) => boolean): PredicateResult {
  if (typeof src !== "string") return { ok: false, code: "Error.UnableToParsePredicate", description: "Predicate is not a string" };
  if (src.length > PREDICATE_LIMITS.maxLength) return { ok: false, code: "Error.UnableToParsePredicate", description: `Predicate longer than ${PREDICATE_LIMITS.maxLength} characters` };
  if (!src.trim()) return { ok: false, code: "Error.UnableToParsePredicate", description: "empty Predicate" };
  try {
    const node = new Parser(tokenize(src), known).parse();
    return { ok: true, value: evaluate(node, status) };
  } catch (e) {
    if (e instanceof PredicateError) return { ok: false, code: e.code, description: e.message };
    throw e;
  }
}
