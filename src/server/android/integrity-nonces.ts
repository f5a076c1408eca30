// SPDX-License-Identifier: MIT
/**
 * One-time nonces that bind an Android device's integrity evidence to one request of this server. The server issues a
 * nonce, the device puts it in the attestationChallenge of the key it attests (KeyDescription, AOSP key attestation
 * schema: "attestationChallenge … the challenge provided to the key generation request"; developer.android.com
 * "Verify hardware-backed key pairs with key attestation": the challenge comes from the server), and the server accepts
 * the evidence once, from the device it issued the nonce to, within the nonce's validity. Play Integrity's classic
 * requests work the same way (developer.android.com/google/play/integrity/classic: the nonce protects against replay;
 * the server checks the verdict's requestDetails.nonce against the one it issued).
 *
 *   POST {amapi}/device/v1/integrityNonces  {hardwareInfo:{serialNumber}} → 200 {nonce: base64(32 bytes)}
 *
 * The path and body are enrollsim's own (Google's device↔Play channel is private). How long a nonce lives is the
 * server's choice (embedded.android.amapi.integrityNonceValiditySeconds): Google publishes no validity; the default of
 * 600 s is an assumption (the same as the Knox attestation stand-in's, knox-attestation.ts). A nonce is used once; at
 * most MAX_INTEGRITY_NONCES are outstanding (the oldest is dropped first; its device's evidence is then refused).
 */
import { randomBytes } from "node:crypto";

/** The most nonces outstanding at once. */
export const MAX_INTEGRITY_NONCES = 100_000;
/** Default validity (an assumption: Google publishes none). */
export const DEFAULT_NONCE_VALIDITY_SECONDS = 600;

/** Why evidence was not bound to a nonce of this server: the verdict is then withheld. */
export type NonceRefusal = "missing" | "unknown-or-used" | "expired" | "other-device";

export const NONCE_REFUSAL_TEXT: Record<NonceRefusal, string> = {
  missing: "the attestation carries no challenge from this server",
  "unknown-or-used": "the attestation challenge is not a nonce this server has outstanding (never issued, or already used: a replay)",
  expired: "the attestation challenge is a nonce that expired before the device used it",
  "other-device": "the attestation challenge is a nonce issued to another device",
};

export class IntegrityNonces {
  /** nonce (base64) → who it was issued to and when it expires; insertion order is issue order. */
  private readonly nonces = new Map<string, { serial: string; expires: number }>();

  constructor(
    private readonly now: () => number,
    private readonly validitySeconds: () => number,
    private readonly max = MAX_INTEGRITY_NONCES,
  ) {}

  get outstanding(): number {
    return this.nonces.size;
  }

  /** A new nonce for the device with this hardware serial. */
  issue(serial: string): string {
    const now = this.now();
    // Expired nonces are dropped from the front (issue order; a validity changed mid-run only delays a drop).
    for (const [k, v] of this.nonces) {
      if (v.expires >= now && this.nonces.size < this.max) break;
      this.nonces.delete(k);
    }
    const nonce = randomBytes(32).toString("base64");
    this.nonces.set(nonce, { serial: serial.slice(0, 64), expires: now + this.validitySeconds() * 1000 });
    return nonce;
  }

  /** Consumes the challenge the device attested with; undefined when it is a live nonce issued to `serial`. */
  consume(challenge: Uint8Array | undefined, serial: string): NonceRefusal | undefined {
    if (!challenge?.length) return "missing";
    const key = Buffer.from(challenge).toString("base64");
    const n = this.nonces.get(key);
    if (!n) return "unknown-or-used";
    this.nonces.delete(key); // used once, whatever the outcome
    if (n.expires < this.now()) return "expired";
    if (n.serial !== serial.slice(0, 64)) return "other-device";
    return undefined;
  }
}
