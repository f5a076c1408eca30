// SPDX-License-Identifier: MIT
/**
 * Durable protocol checkpoints (exactly-once resume, issue 13 #5). A client saves a checkpoint at
 * each point after which redoing the enrolment from scratch could leave a second record on the
 * server: before a SCEP PKCSReq leaves (RFC 8894 §3.3.3); on Apple once the MDM identity is issued
 * (before Authenticate), once Authenticate is accepted (before TokenUpdate) and once TokenUpdate is
 * (before the command sessions); on Windows once the provisioning document is applied (before the
 * first OMA-DM session). The runner writes it to the fleet store before `save` returns, so a run
 * SIGKILLed at any later instant can be resumed from it.
 */

/** A plain JSON value (what a checkpoint may hold). */
export type DurableValue = string | number | boolean | null | DurableValue[] | { [k: string]: DurableValue };

/**
 * One durable point: which protocol state it is and what resuming needs. Never a private key (a
 * key-pool slot instead); certificates and URLs are plain values. The fleet store is mode 0600.
 */
export interface DurablePoint {
  /**
   * The state: the step the point precedes ("scep.pkioperation") or the protocol state a device
   * continues from ("apple.authenticate", "apple.tokenupdate", "apple.commands", "windows.omadm").
   */
  step: string;
  /** Plain values: transaction id, key-pool slot, CA fingerprint, URLs, certificates (PEM), enrollment ids. */
  data: Record<string, DurableValue>;
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
