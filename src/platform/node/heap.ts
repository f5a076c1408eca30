// SPDX-License-Identifier: MIT
/**
 * How far V8 lets its old generation grow past what survived the last full collection, for a
 * fleet run (`enrollsim run`). A process-wide setting of the V8 engine, so it is the CLI's to
 * make, never the library's (`runScenario` leaves the embedding process's engine alone).
 *
 * Why: a fleet run promotes the objects of every in-flight enrolment and check-in into the old
 * generation (they outlive two young-generation collections while hundreds wait on the network
 * and the event loop), and V8 then lets that generation grow up to 4× its live size between full
 * collections on a machine with more than ≈ 2 GiB of heap limit (its dynamic growing factor,
 * `heap/heap-controller.cc`). The committed pages stay resident: in the idle 50,000-device steady
 * run the simulator's V8 heap held 791 MiB for 152 MiB of live objects, most of its 1,142 MiB RSS.
 * A fixed factor (`--heap-growing-percent`, V8's own flag) bounds that, at the price of more
 * frequent full collections; docs/performance.md has the measured trade.
 */
import { setFlagsFromString } from "node:v8";
import { ScenarioError } from "../../errors/index.js";

/**
 * Default growth for a fleet run: the old generation may reach 1 + this/100 times what survived
 * the last full collection before the next one starts. Chosen from the measurements in
 * docs/performance.md ("Heap growth of a fleet run").
 */
export const FLEET_HEAP_GROWTH_PERCENT = 100;

/** Accepted values of `--heap-growth` besides 0 (V8's own dynamic factor). */
export const HEAP_GROWTH_RANGE = { min: 10, max: 300 } as const;

/** Checks a `--heap-growth` value; returns it, or throws a ScenarioError naming the option. */
export function parseHeapGrowth(v: unknown, source = "--heap-growth"): number {
  const n = typeof v === "string" && v.trim() !== "" ? Number(v) : v;
  if (n === 0) return 0;
  if (typeof n !== "number" || !Number.isInteger(n) || n < HEAP_GROWTH_RANGE.min || n > HEAP_GROWTH_RANGE.max) {
    throw new ScenarioError(`${source} ${String(v)}: expected 0 (V8's own heap growth) or a whole percentage from ${HEAP_GROWTH_RANGE.min} to ${HEAP_GROWTH_RANGE.max}`);
  }
  return n;
}

/**
 * Sets V8's heap growing factor for this process (every worker thread included: V8 flags are
 * process-wide) to 1 + percent/100; 0 leaves V8's dynamic factor. Takes effect at the next full
 * collection. Verified on Node 20 (V8 11.3); the flag has been V8's since 2016.
 */
export function setHeapGrowth(percent: number): void {
  const p = parseHeapGrowth(percent);
  if (p > 0) setFlagsFromString(`--heap-growing-percent=${p}`);
}
