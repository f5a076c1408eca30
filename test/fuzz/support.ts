// SPDX-License-Identifier: MIT
/**
 * Shared settings of the property-based parser tests (fast-check). In CI the seed is fixed and
 * the run count small, so the suite is fast and reproducible; `npm run fuzz` sets FUZZ_RUNS (and
 * optionally FUZZ_SEED) to explore far more inputs. A failure prints the seed and the shrunk
 * counterexample; re-run with that FUZZ_SEED to reproduce it.
 */
import fc from "fast-check";
import { expect } from "vitest";
import { SimError } from "../../src/errors/index.js";

const envInt = (name: string): number | undefined => {
  const v = process.env[name];
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
};

/** fast-check parameters: `numRuns` is the CI default unless FUZZ_RUNS is set. */
export function params(numRuns: number): fc.Parameters<unknown> {
  const long = envInt("FUZZ_RUNS");
  // In CI stop at the first failure (fast, the seed reproduces it); a long run shrinks it for the report.
  return { numRuns: long ?? numRuns, seed: envInt("FUZZ_SEED") ?? 0x5eed, endOnFailure: long === undefined };
}

/** Per-test timeout: generous under `npm run fuzz`, normal otherwise. */
export const fuzzTimeout = envInt("FUZZ_RUNS") ? 600_000 : 20_000;

/**
 * Runs a parser on hostile input: it may return, or throw a SimError subclass with a code (an
 * expected, typed refusal). Anything else (TypeError, RangeError, a plain Error) fails the property
 * with the input's description.
 */
export function typedOrOk(parse: () => unknown): void {
  try {
    parse();
  } catch (e) {
    if (e instanceof SimError && typeof e.code === "string" && e.code !== "") return;
    throw new Error(`not a typed error: ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`, { cause: e });
  }
}

/** Asserts a property holds under {@link params}. */
export function check<Ts extends [unknown, ...unknown[]]>(numRuns: number, ...args: [...arbitraries: { [K in keyof Ts]: fc.Arbitrary<Ts[K]> }, predicate: (...v: Ts) => void]): void {
  fc.assert(fc.property(...(args as Parameters<typeof fc.property>)), params(numRuns) as fc.Parameters<[unknown]>);
}

/** Byte-level damage to a valid message: flips, overwrites, truncation, insertion, duplication. */
export function mutatedBytes(base: Uint8Array): fc.Arbitrary<Uint8Array> {
  const n = base.length;
  const edit = fc.oneof(
    fc.record({ kind: fc.constant("flip" as const), at: fc.nat(Math.max(0, n - 1)), bit: fc.integer({ min: 0, max: 7 }) }),
    fc.record({ kind: fc.constant("set" as const), at: fc.nat(Math.max(0, n - 1)), value: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ kind: fc.constant("cut" as const), at: fc.nat(n) }),
    fc.record({ kind: fc.constant("insert" as const), at: fc.nat(n), bytes: fc.uint8Array({ maxLength: 8 }) }),
    fc.record({ kind: fc.constant("dup" as const), at: fc.nat(n), len: fc.integer({ min: 1, max: 64 }) }),
  );
  return fc.array(edit, { minLength: 1, maxLength: 4 }).map((edits) => {
    let b = Uint8Array.from(base);
    for (const e of edits) {
      if (e.kind === "flip" && b.length) b[e.at % b.length]! ^= 1 << e.bit;
      else if (e.kind === "set" && b.length) b[e.at % b.length] = e.value;
      else if (e.kind === "cut") b = b.slice(0, Math.min(e.at, b.length));
      else if (e.kind === "insert") b = Uint8Array.from([...b.slice(0, e.at), ...e.bytes, ...b.slice(e.at)]);
      else if (e.kind === "dup") b = Uint8Array.from([...b.slice(0, e.at), ...b.slice(e.at, e.at + e.len), ...b.slice(e.at)]);
    }
    return b;
  });
}

/** Text-level damage to a valid document: cut, delete, duplicate or insert markup-ish fragments. */
export function mutatedText(base: string, fragments: string[] = ["<", ">", "&", "/", '"', "]]>", "<!--", "<![CDATA[", "&amp;", "&#0;", "&#x110000;", "\u0000", "\ud800", "<x>", "</x>", " a=\"1\""]): fc.Arbitrary<string> {
  const n = base.length;
  const edit = fc.oneof(
    fc.record({ kind: fc.constant("cut" as const), at: fc.nat(n) }),
    fc.record({ kind: fc.constant("delete" as const), at: fc.nat(n), len: fc.integer({ min: 1, max: 16 }) }),
    fc.record({ kind: fc.constant("dup" as const), at: fc.nat(n), len: fc.integer({ min: 1, max: 64 }) }),
    fc.record({ kind: fc.constant("insert" as const), at: fc.nat(n), s: fc.oneof(fc.constantFrom(...fragments), fc.string({ maxLength: 6 })) }),
  );
  return fc.array(edit, { minLength: 1, maxLength: 4 }).map((edits) => {
    let s = base;
    for (const e of edits) {
      if (e.kind === "cut") s = s.slice(0, e.at);
      else if (e.kind === "delete") s = s.slice(0, e.at) + s.slice(e.at + e.len);
      else if (e.kind === "dup") s = s.slice(0, e.at) + s.slice(e.at, e.at + e.len) + s.slice(e.at);
      else s = s.slice(0, e.at) + e.s + s.slice(e.at);
    }
    return s;
  });
}

export { expect, fc };
