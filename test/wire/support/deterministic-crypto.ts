// SPDX-License-Identifier: MIT
/**
 * Deterministic randomness for the golden SCEP fixtures, so that regenerating them from the
 * committed keys gives the same bytes (and a test can prove the committed files are current).
 *
 * WARNING: test-only. RSA PKCS#1 v1.5 key transport here takes its padding from a seeded
 * stream; never use this outside fixture generation.
 */
import { constants, createHash, createPublicKey, publicEncrypt } from "node:crypto";
import { NodeCrypto } from "../../../src/platform/node/crypto.js";

/** SHA-256 in counter mode over a label: the same label always yields the same stream. */
export class Drbg {
  private counter = 0;
  private pool = Buffer.alloc(0);
  constructor(readonly label: string) {}

  bytes(n: number): Uint8Array {
    while (this.pool.length < n) {
      const block = createHash("sha256").update(`${this.label}\u0000${this.counter++}`).digest();
      this.pool = Buffer.concat([this.pool, block]);
    }
    const out = new Uint8Array(this.pool.subarray(0, n));
    this.pool = this.pool.subarray(n);
    return out;
  }

  /** `n` bytes, none of them zero (PKCS#1 v1.5 padding string). */
  nonZero(n: number): Uint8Array {
    const out = new Uint8Array(n);
    let i = 0;
    while (i < n) for (const b of this.bytes(n - i)) if (b !== 0 && i < n) out[i++] = b;
    return out;
  }
}

/** NodeCrypto whose RSA key transport pads from a {@link Drbg} instead of the OS RNG. */
export class DeterministicCrypto extends NodeCrypto {
  private readonly drbg: Drbg;
  constructor(label: string) {
    super();
    this.drbg = new Drbg(`${label}/rsa-padding`);
  }

  override rsaEncryptPkcs1(spki: Uint8Array, data: Uint8Array): Uint8Array {
    const key = createPublicKey({ key: Buffer.from(spki), format: "der", type: "spki" });
    const k = Math.ceil((key.asymmetricKeyDetails?.modulusLength ?? 0) / 8);
    if (data.length > k - 11) throw new Error(`rsaEncryptPkcs1: ${data.length} bytes do not fit a ${k}-byte modulus`);
    const em = Buffer.concat([Buffer.from([0, 2]), this.drbg.nonZero(k - 3 - data.length), Buffer.from([0]), data]);
    return new Uint8Array(publicEncrypt({ key, padding: constants.RSA_NO_PADDING }, em));
  }
}
