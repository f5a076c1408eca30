// SPDX-License-Identifier: MIT
/**
 * Deterministic entropy: deviceSeed = HKDF-SHA256(runSeed, "shard/<i>/device/<j>"), then an
 * HMAC-SHA256 counter-mode stream per purpose (design-practices.md §2).
 */
import { createHmac } from "node:crypto";
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
  /** HKDF-Extract(salt = empty, IKM = the run seed): the same for every device, so computed once. */
  private readonly prk: Buffer;
  constructor(runSeed: string | number) {
    this.prk = createHmac("sha256", Buffer.alloc(0))
      .update(`enrollsim-seed:${String(runSeed)}`)
      .digest();
  }
  /**
   * HKDF-SHA256(runSeed, salt = empty, info = "shard/<i>/device/<j>", L = 32) (RFC 5869): with the
   * extract step done once, the 32-byte output is the first expand block, T(1) = HMAC(PRK, info ‖ 0x01).
   * Byte for byte what `hkdfSync` returns (a test compares them); one HMAC per call instead of Node's
   * whole HKDF (key objects, argument checks), which every steady check-in pays: 14–15 → 6–8 µs of CPU
   * per device seed and fork (50,000 in a loop, loaded machine).
   */
  forDevice(shard: number, index: number): Entropy {
    const key = createHmac("sha256", this.prk).update(`shard/${shard}/device/${index}`).update(ONE).digest();
    return new HmacEntropy(new Uint8Array(key));
  }
}

const ONE = Uint8Array.of(1);
