// SPDX-License-Identifier: MIT
/** Errors of the fleet store. A damaged store is named, never silently reset. */
import { SimError } from "../../errors/index.js";

/**
 * Codes: `store.corrupt` (the file is not a usable fleet store: names the file),
 * `store.mismatch` (a resume against a store of another scenario, seed or shard),
 * `store.io` (cannot open or write).
 */
export class StoreError extends SimError {
  readonly blame = "scenario" as const;
}
