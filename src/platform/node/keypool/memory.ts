// SPDX-License-Identifier: MIT
/**
 * In-memory {@link KeyPool} for tests: wraps a fixed list of keys, wrapping slots modulo its size
 * and counting reuse like the file pool.
 */
import type { PrivateKey } from "../../../ports/crypto.js";
import type { KeyPool } from "../../../ports/keys.js";
import { KeyPoolError } from "./errors.js";
import { SlotMap } from "./slots.js";

export class MemoryKeyPool implements KeyPool {
  private readonly keys: readonly PrivateKey[];
  private readonly slots = new SlotMap();

  constructor(keys: readonly PrivateKey[]) {
    this.keys = [...keys];
  }

  get size(): number {
    return this.keys.length;
  }

  /** Distinct slots asked for beyond `size`. */
  get reusedSlots(): number {
    return this.slots.reusedSlots;
  }

  /** The key at `slot` modulo size; refuses a non-RSA key. */
  async rsa(slot: number): Promise<PrivateKey> {
    const key = this.key(slot);
    if (key.kind !== "rsa") {
      throw new KeyPoolError("keypool.wrong-kind", `in-memory key pool slot ${slot} holds an ${key.kind} key, not rsa`);
    }
    return key;
  }

  /** The key at `slot` modulo size, whatever its kind. */
  key(slot: number): PrivateKey {
    if (this.keys.length === 0) throw new KeyPoolError("keypool.empty", "in-memory key pool has no keys");
    return this.keys[this.slots.index(slot, this.keys.length)]!;
  }
}
