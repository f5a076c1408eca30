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

/** One phase of a multi-phase open model: `rate` devices/s, ramping linearly to `rampTo`. */
export interface RatePhase {
  durationSeconds: number;
  rate: number;
  /** Rate at the end of the phase (default: `rate`, a flat phase). */
  rampTo?: number;
}

/** Devices a phase starts: the area under its rate line. */
export function phaseArrivals(p: RatePhase): number {
  return ((p.rate + (p.rampTo ?? p.rate)) / 2) * p.durationSeconds;
}

/**
 * Start offset (ms) of the i-th device (0-based) under consecutive phases, driftless like
 * {@link arrivalOffsetMs}; `Infinity` when the phases end before device i is due (the run is
 * bounded by time: such devices are not started).
 */
export function phasesOffsetMs(i: number, phases: readonly RatePhase[]): number {
  let before = 0; // arrivals of earlier phases
  let t0 = 0; // start of the current phase, seconds
  for (const p of phases) {
    const r0 = p.rate;
    const r1 = p.rampTo ?? p.rate;
    const T = p.durationSeconds;
    const n = phaseArrivals(p);
    const local = i - before;
    if (local < n - 1e-9 && T > 0) {
      const a = (r1 - r0) / (2 * T);
      let t: number;
      if (Math.abs(a) < 1e-12) t = local / r0;
      else {
        const disc = Math.max(0, r0 * r0 + 4 * a * local);
        t = (-r0 + Math.sqrt(disc)) / (2 * a);
      }
      return (t0 + Math.min(T, Math.max(0, t))) * 1000;
    }
    before += n;
    t0 += T;
  }
  return Infinity;
}

/** Checks phases given through the API or a load file; returns a message or undefined. */
export function phasesProblem(phases: readonly RatePhase[]): string | undefined {
  if (phases.length === 0) return "at least one phase is needed";
  for (const [k, p] of phases.entries()) {
    const ok = (x: unknown) => typeof x === "number" && Number.isFinite(x) && x >= 0;
    if (!ok(p.durationSeconds) || p.durationSeconds <= 0) return `phase ${k + 1}: durationSeconds must be a positive number`;
    if (!ok(p.rate)) return `phase ${k + 1}: rate must be a number >= 0`;
    if (p.rampTo !== undefined && !ok(p.rampTo)) return `phase ${k + 1}: rampTo must be a number >= 0`;
  }
  return undefined;
}
