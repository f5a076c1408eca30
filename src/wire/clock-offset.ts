// SPDX-License-Identifier: MIT
/**
 * A clock offset: how far a clock (a device's `state.clockOffset`, the server's
 * `embedded.clockOffset`) is from the true time, as a signed duration. Shared by both halves.
 */

/** A signed duration: "-3d", "+15m", "90s" (units ms, s, m, h, d). */
export const CLOCK_OFFSET_PATTERN = "^[+-]?[0-9]+(\\.[0-9]+)?(ms|s|m|h|d)$";
const CLOCK_UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds of a clock offset ("-90d" → -7776000000). */
export function clockOffsetMs(v: string): number {
  const m = /^([+-]?)([0-9]+(?:\.[0-9]+)?)(ms|s|m|h|d)$/.exec(v);
  if (!m) throw new RangeError(`not a clock offset: ${v}`);
  return (m[1] === "-" ? -1 : 1) * Math.round(Number(m[2]) * CLOCK_UNIT_MS[m[3]!]!);
}
