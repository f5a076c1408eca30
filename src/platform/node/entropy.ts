// SPDX-License-Identifier: MIT
/**
 * Deterministic entropy: deviceSeed = HKDF-SHA256(runSeed, "shard/<i>/device/<j>"), then an
 * HMAC-SHA256 counter-mode stream per purpose (design-practices.md §2).
 */
import { createHmac, hkdfSync } from "node:crypto";
import type { Entropy, EntropySource } from "../../ports/entropy.js";

export class HmacEntropy implements Entropy {
  private counter = 0;
  private buffer = new Uint8Array(0);
  constructor(private readonly key: Uint8Array) {}

  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      if (this.buffer.length === 0) {
        const block = Buffer.alloc(8);
        block.writeBigUInt64BE(BigInt(this.counter++));
        this.buffer = new Uint8Array(createHmac("sha256", this.key).update(block).digest());
      }
      const take = Math.min(n - filled, this.buffer.length);
      out.set(this.buffer.subarray(0, take), filled);
      this.buffer = this.buffer.subarray(take);
      filled += take;
    }
    return out;
  }

  fork(purpose: string): Entropy {
    return new HmacEntropy(new Uint8Array(createHmac("sha256", this.key).update(`fork:${purpose}`).digest()));
  }

  int(maxExclusive: number): number {
    if (!Number.isInteger(maxExclusive) || maxExclusive <= 0) throw new RangeError("maxExclusive must be a positive integer");
    // Rejection sampling over 48 bits keeps the draw unbiased.
    const limit = Math.floor(2 ** 48 / maxExclusive) * maxExclusive;
    for (;;) {
      const b = this.bytes(6);
      const v = b.reduce((acc, x) => acc * 256 + x, 0);
      if (v < limit) return v % maxExclusive;
    }
  }

  uuid(upper = false): string {
    const b = this.bytes(16);
    b[6] = (b[6]! & 0x0f) | 0x40;
    b[8] = (b[8]! & 0x3f) | 0x80;
    const h = Buffer.from(b).toString("hex");
    const s = `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
    return upper ? s.toUpperCase() : s;
  }
}

export class SeededEntropySource implements EntropySource {
  private readonly seed: Buffer;
  constructor(runSeed: string | number) {
    this.seed = Buffer.from(`enrollsim-seed:${String(runSeed)}`);
  }
  forDevice(shard: number, index: number): Entropy {
    const key = hkdfSync("sha256", this.seed, Buffer.alloc(0), `shard/${shard}/device/${index}`, 32);
    return new HmacEntropy(new Uint8Array(key));
  }
}
