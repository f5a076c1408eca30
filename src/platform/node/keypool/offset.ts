// SPDX-License-Identifier: MIT
/**
 * A view of a pool that starts at `offset`: slot s is the pool's slot s + offset. Repeated runs
 * against one long-lived server use different offsets (`--key-offset`) so no key is presented
 * twice (servers such as NanoMDM refuse a key or certificate they have seen).
 */
import type { KeyPool } from "../../../ports/keys.js";
import type { NodePrivateKey } from "../crypto.js";
import type { FileKeyPool } from "./pool.js";

export class OffsetKeyPool implements KeyPool {
  constructor(
    private readonly pool: FileKeyPool,
    readonly offset: number,
  ) {}

  /** Distinct keys this view has before it wraps onto keys of earlier slots. */
  get size(): number {
    return Math.max(0, this.pool.size - this.offset);
  }

  rsa(slot: number): Promise<NodePrivateKey> {
    return this.pool.rsa(slot + this.offset);
  }

  ec(slot: number): Promise<NodePrivateKey> {
    return this.pool.ec(slot + this.offset);
  }
}
