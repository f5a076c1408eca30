// SPDX-License-Identifier: MIT
/**
 * Samsung's attestation server, as the Knox cloud behind a Knox Mobile Enrollment Advanced Profile (Knox Suite) uses it:
 * a nonce per attestation request, then the device's blob (wire/android/knox-attestation.ts) and a verdict. Samsung's
 * Knox Attestation REST API has /nonces and /blobs (docs.samsungknox.com/dev/knox-attestation/api-reference/api-2-0:
 * "The server checks the validity of the blob using the signature and public key certificate. It then parses the
 * integrity measurements and returns a verdict indicating whether or not the device has official firmware"); a nonce
 * or blob it cannot use is answered 400 {"error":"invalid nonce/blob"} (the error text of Samsung KBA 360039680333).
 * enrollsim's stand-in paths and verdict body are its own (Samsung's are behind a vendor key):
 *
 *   POST /android/knox/attestation/nonces → 200 {nonce: base64(32 bytes)}
 *   POST /android/knox/attestation/blobs  (application/octet-stream) → 200 {verdict: "Yes" | "No", warrantyBit, reason?}
 *
 * The blob's signature is NOT checked (enrollsim has no Samsung keys; the device's blob carries none): the verdict is
 * "No" when the device's own verdict is not "Yes" or its warranty bit is 0x1. A nonce is used once and lives 10 minutes.
 */
import { randomBytes } from "node:crypto";
import type { HttpRequest, HttpResponse } from "../../ports/http.js";
import { readKnoxBlob } from "../../wire/android/knox-attestation.js";
import { jsonRes } from "./respond.js";

export const KNOX_ATTESTATION_PREFIX = "/knox/attestation/";
const NONCE_TTL_MS = 600_000;
/** The most nonces held at once; beyond it the oldest is dropped (its device's blob is then refused as invalid). */
export const MAX_NONCES = 100_000;

export class KnoxAttestationService {
  /**
   * Outstanding nonces → when each expires, in issue order. Every nonce lives the same 10 minutes, so issue order is
   * expiry order: expired ones are dropped from the front until the first live one, and a nonce is found by its key. A
   * request's cost does not grow with the nonces outstanding (a linear sweep of the whole store per request did).
   */
  private readonly nonces = new Map<string, number>();

  constructor(private readonly now: () => number) {}

  /** Nonces issued and neither used nor expired yet. */
  get outstanding(): number {
    return this.nonces.size;
  }

  private sweep(now: number): void {
    for (const [k, exp] of this.nonces) {
      if (exp >= now && this.nonces.size < MAX_NONCES) break;
      this.nonces.delete(k);
    }
  }

  /** A new nonce (base64 of 32 bytes), good once for 10 minutes. */
  issueNonce(): string {
    const now = this.now();
    this.sweep(now);
    const nonce = randomBytes(32).toString("base64");
    this.nonces.set(nonce, now + NONCE_TTL_MS);
    return nonce;
  }

  /** Uses up `nonce` (the blob's bytes); false when it was never issued, was used, or expired. */
  takeNonce(nonce: Uint8Array): boolean {
    const key = Buffer.from(nonce).toString("base64");
    const exp = this.nonces.get(key);
    this.nonces.delete(key);
    return exp !== undefined && exp >= this.now();
  }

  handle(req: HttpRequest, rest: string): HttpResponse {
    if (req.method !== "POST") return jsonRes(405, { error: "POST only" }, { allow: "POST" });
    if (rest === "nonces") return jsonRes(200, { nonce: this.issueNonce() });
    if (rest !== "blobs") return jsonRes(404, { error: `no such attestation endpoint ${rest}` });
    let blob;
    try {
      blob = readKnoxBlob(req.body ?? new Uint8Array(0));
    } catch {
      return jsonRes(400, { error: "invalid nonce/blob" });
    }
    if (!blob.data) return jsonRes(200, { verdict: "No", reason: `the device could not attest: exit code ${blob.exitCode} ${blob.error}` });
    if (!this.takeNonce(blob.data.nonce)) return jsonRes(400, { error: "invalid nonce/blob" });
    const { verdict, warrantyBit } = blob.data;
    const ok = verdict === "Yes" && warrantyBit === 0;
    return jsonRes(200, { verdict: ok ? "Yes" : "No", warrantyBit: `0x${warrantyBit}`, ...(ok ? {} : { reason: warrantyBit ? "the Knox warranty bit is set (0x1)" : `the device's firmware measurement verdict is ${verdict}` }) });
  }
}
