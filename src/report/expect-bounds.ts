// SPDX-License-Identifier: MIT
/**
 * Bounds in `expect:`: a number keeps the meaning it always had where it is written (a minimum for
 * ratios, an exact count, an upper bound for latencies), `{min, max}` gives either or both ends.
 */

/** Inclusive bounds; at least one is given. */
export interface Range {
  min?: number;
  max?: number;
}

/** A number (its meaning depends on where it is written, see {@link toRange}) or `{min, max}`. */
export type Bound = number | Range;

/** How a plain number reads in a given place. */
export type NumberMeans = "min" | "max" | "exact";

/** The {@link Range} a bound stands for. */
export function toRange(b: Bound, plain: NumberMeans): Range {
  if (typeof b !== "number") return b;
  return plain === "min" ? { min: b } : plain === "max" ? { max: b } : { min: b, max: b };
}

const EPS = 1e-9;

/** Whether `value` lies within `r` (ratios compare with a small tolerance). */
export function within(value: number, r: Range): boolean {
  return (r.min === undefined || value >= r.min - EPS) && (r.max === undefined || value <= r.max + EPS);
}

/** People's wording of a range: "exactly 3 devices", "≥ 95.0%", "between 1 and 4 ms", "≤ 0 devices". */
export function describeRange(r: Range, fmt: (n: number) => string): string {
  if (r.min !== undefined && r.max !== undefined) return r.min === r.max ? `exactly ${fmt(r.min)}` : `between ${fmt(r.min)} and ${fmt(r.max)}`;
  if (r.min !== undefined) return `≥ ${fmt(r.min)}`;
  if (r.max !== undefined) return `≤ ${fmt(r.max)}`;
  return "anything";
}

/** A problem with a bound as written (`path` is for the message), or undefined. */
export function boundProblem(value: unknown, opts: { integer?: boolean; max?: number }): string | undefined {
  const num = (v: unknown): boolean => typeof v === "number" && Number.isFinite(v) && v >= 0 && (opts.max === undefined || v <= opts.max) && (!opts.integer || Number.isInteger(v));
  const what = `${opts.integer ? "an integer" : "a number"} between 0 and ${opts.max ?? "∞"}`;
  if (typeof value === "number") return num(value) ? undefined : `expected ${what}, got ${JSON.stringify(value)}`;
  if (typeof value !== "object" || value === null || Array.isArray(value)) return `expected ${what} or {min, max}, got ${JSON.stringify(value)}`;
  const keys = Object.keys(value);
  if (keys.length === 0 || keys.some((k) => k !== "min" && k !== "max")) return `expected {min?, max?} with at least one of them, got keys ${JSON.stringify(keys)}`;
  const r = value as Record<string, unknown>;
  for (const k of ["min", "max"] as const) if (r[k] !== undefined && !num(r[k])) return `${k}: expected ${what}, got ${JSON.stringify(r[k])}`;
  if (typeof r.min === "number" && typeof r.max === "number" && r.max < r.min) return `max (${r.max}) is below min (${r.min})`;
  return undefined;
}
