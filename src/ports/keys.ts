// SPDX-License-Identifier: MIT
import type { PrivateKey } from "./crypto.js";

/**
 * Key pool port: device j of shard i takes a pre-generated key by slot. RSA generation costs
 * ~250 ms of CPU here, so it never happens on a per-device path.
 */
export interface KeyPool {
  /** The key for a slot; slots beyond the pool size wrap around (the pool reports that as reuse). */
  rsa(slot: number): Promise<PrivateKey>;
  /** Number of distinct RSA keys available. */
  readonly size: number;
}
