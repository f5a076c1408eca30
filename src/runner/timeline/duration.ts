// SPDX-License-Identifier: MIT
/** Durations in scenario files: "500ms", "90s", "15m", "2h", "1d", or a number of seconds. */

export const DURATION_PATTERN = "^[0-9]+(\\.[0-9]+)?(ms|s|m|h|d)$";
export const DURATION_EXPECTED = 'a duration such as "90s", "15m", "2h" (units ms, s, m, h, d) or a number of seconds';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds of a schema-valid duration. */
export function durationMs(v: string | number): number {
  if (typeof v === "number") return Math.round(v * 1000);
  const m = /^([0-9]+(?:\.[0-9]+)?)(ms|s|m|h|d)$/.exec(v);
  if (!m) throw new RangeError(`not a duration: ${v}`);
  return Math.round(Number(m[1]) * UNIT_MS[m[2]!]!);
}

/** "90 s", "2 h 5 min", "150 ms": a duration for people. */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 120_000) return `${+(ms / 1000).toFixed(3)} s`;
  if (ms < 7_200_000) return `${+(ms / 60_000).toFixed(2)} min`;
  return `${+(ms / 3_600_000).toFixed(2)} h`;
}
