// SPDX-License-Identifier: MIT
/**
 * Slot → record index, wrapping modulo the pool size, and counting the distinct slots that wrapped
 * (each one is a device sharing its key with another device).
 */
import { InternalError } from "../../../errors/index.js";

export class SlotMap {
  private readonly wrapped = new Set<number>();

  /** Distinct slots requested at or beyond the pool size. */
  get reusedSlots(): number {
    return this.wrapped.size;
  }

  /** The record index for `slot` in a pool of `size` (> 0) keys. */
  index(slot: number, size: number): number {
    if (!Number.isSafeInteger(slot) || slot < 0) {
      throw new InternalError(`key pool slot must be a non-negative integer, got ${slot}`);
    }
    if (slot >= size) this.wrapped.add(slot);
    return slot % size;
  }
}
