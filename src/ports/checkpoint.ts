// SPDX-License-Identifier: MIT
/**
 * Durable protocol checkpoints (exactly-once resume, issue 13 #5). A protocol client saves a
 * checkpoint at a point after which redoing the step from scratch could leave a second record on
 * the server (before a SCEP PKCSReq leaves, RFC 8894 §3.3.3). The runner writes it to the fleet
 * store before `save` returns, so a run SIGKILLed at any later instant can be resumed from it.
 */

/** One durable point: which protocol step it precedes and what resuming needs (no secrets, no keys). */
export interface DurablePoint {
  /** The step the point precedes, e.g. "scep.pkioperation". */
  step: string;
  /** Plain values: transaction id, key-pool slot, CA fingerprint, URL. */
  data: Record<string, string | number>;
}

/** How a device in flight at a kill continued: from its checkpoint, or from the start (counted `resumed-restart`). */
export type ResumeMode = "checkpoint" | "restart";

export interface CheckpointPort {
  /** The point a killed run saved for this device (only when the run resumes a store), if any. */
  saved?: DurablePoint;
  /** Writes a point durably (one store transaction) before the caller sends anything. */
  save(point: DurablePoint): void;
  /** The client continued from `saved` (`checkpoint`) or could not and starts over (`restart`, with why). */
  resumed(mode: ResumeMode, why?: string): void;
}
