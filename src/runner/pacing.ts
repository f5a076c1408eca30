// SPDX-License-Identifier: MIT
/**
 * Arrival schedules (open model) without drift: device i starts when the cumulative arrivals
 * of the rate curve reach i. With a linear ramp from r0 to r1 over T seconds,
 * N(t) = r0·t + (r1−r0)·t²/(2T) for t ≤ T, then N(T) + r1·(t−T).
 */
export interface RateCurve {
  rate: number;
  rampFrom: number;
  rampSeconds: number;
}

/** Start offset (ms from run start) of the i-th device (0-based). */
export function arrivalOffsetMs(i: number, c: RateCurve): number {
  const { rate: r1, rampFrom: r0, rampSeconds: T } = c;
  if (T <= 0 || r0 === r1) return (i / r1) * 1000;
  const rampArrivals = ((r0 + r1) / 2) * T;
  if (i >= rampArrivals) return (T + (i - rampArrivals) / r1) * 1000;
  const a = (r1 - r0) / (2 * T);
  // a·t² + r0·t − i = 0
  const t = a === 0 ? i / r0 : (-r0 + Math.sqrt(r0 * r0 + 4 * a * i)) / (2 * a);
  return t * 1000;
}
