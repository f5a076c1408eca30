// SPDX-License-Identifier: MIT
/**
 * How many pool keys a run needs: one distinct key per device, after the run's key offset, so no
 * two devices (and no two runs with different offsets) present the same key. An explicit pool
 * size (`--key-pool-size`, `keyPoolSize`) asks for fewer: devices beyond it share keys.
 */
import { ScenarioError } from "../errors/index.js";

export function keysNeeded(o: { devices: number; offset?: number; poolSize?: number }): number {
  const offset = o.offset ?? 0;
  if (!Number.isSafeInteger(offset) || offset < 0) throw new ScenarioError(`key offset must be an integer ≥ 0, got ${offset}`);
  if (o.poolSize !== undefined) return Math.max(1, o.poolSize);
  return Math.max(1, o.devices + offset);
}
