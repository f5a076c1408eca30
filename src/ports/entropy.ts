// SPDX-License-Identifier: MIT
/**
 * Deterministic entropy. A device's stream derives from (run seed, shard, device index), and
 * sub-streams derive from a purpose label, so the same seed gives the same fleet byte for byte.
 */
export interface Entropy {
  /** The next `n` bytes of this stream. */
  bytes(n: number): Uint8Array;
  /** An independent sub-stream for one purpose ("serial", "imei", "scep.nonce", …). */
  fork(purpose: string): Entropy;
  /** Uniform integer in [0, maxExclusive). */
  int(maxExclusive: number): number;
  /** RFC 4122 version-4 shaped UUID, upper or lower case as asked. */
  uuid(upper?: boolean): string;
}

export interface EntropySource {
  /** The root stream of one device. */
  forDevice(shard: number, index: number): Entropy;
}
