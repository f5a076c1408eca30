// SPDX-License-Identifier: MIT
/**
 * Samsung's attestation stand-in keeps its outstanding nonces indexed (server/android/knox-attestation.ts): a nonce is
 * used once, lives 10 minutes, the store is bounded, and a request's work does not grow with the nonces outstanding
 * (counted as reads of the server's clock, not timed).
 */
import { describe, expect, it } from "vitest";
import { KnoxAttestationService, MAX_NONCES } from "../../../src/server/android/knox-attestation.js";
import { encodeKnoxBlob } from "../../../src/wire/android/knox-attestation.js";

const post = (s: KnoxAttestationService, path: string, body = new Uint8Array(0)) => {
  const res = s.handle({ method: "POST", url: `/android/knox/attestation/${path}`, headers: {}, body }, path);
  return { status: res.status, json: JSON.parse(Buffer.from(res.body).toString()) as Record<string, unknown> };
};
const blobFor = (nonce: unknown) => encodeKnoxBlob({ measurements: Array.from({ length: 7 }, () => new Uint8Array(32)), verdict: "Yes", nonce: new Uint8Array(Buffer.from(String(nonce), "base64")), serial: new Uint8Array(4), warrantyBit: 0 });

describe("Knox attestation nonces", () => {
  it("issuing a nonce reads the clock a bounded number of times however many nonces are outstanding", () => {
    let now = 0;
    let reads = 0;
    const s = new KnoxAttestationService(() => (reads++, now));
    for (let i = 0; i < 2_000; i++) post(s, "nonces");
    expect(s.outstanding).toBe(2_000);
    reads = 0;
    post(s, "nonces");
    expect(reads).toBeLessThanOrEqual(2); // the sweep over every outstanding nonce read it once per nonce
    now += 1;
    reads = 0;
    const first = post(s, "nonces");
    expect(reads).toBeLessThanOrEqual(2);
    expect(post(s, "blobs", blobFor(first.json.nonce)).json).toMatchObject({ verdict: "Yes" });
  });

  it("an expired nonce is dropped and refused; a live one is accepted once", () => {
    let now = 0;
    const s = new KnoxAttestationService(() => now);
    const old = post(s, "nonces").json.nonce;
    now += 300_000;
    const young = post(s, "nonces").json.nonce;
    now += 300_001; // the first is 10 minutes and 1 ms old, the second 5 minutes
    const fresh = post(s, "nonces").json.nonce;
    expect(s.outstanding).toBe(2);
    expect(post(s, "blobs", blobFor(old))).toMatchObject({ status: 400, json: { error: "invalid nonce/blob" } });
    expect(post(s, "blobs", blobFor(young)).json).toMatchObject({ verdict: "Yes" });
    expect(post(s, "blobs", blobFor(young)).status).toBe(400);
    expect(post(s, "blobs", blobFor(fresh)).json).toMatchObject({ verdict: "Yes" });
  });

  it("holds at most MAX_NONCES: the oldest is dropped first", () => {
    const s = new KnoxAttestationService(() => 0);
    const first = post(s, "nonces").json.nonce;
    const second = post(s, "nonces").json.nonce;
    for (let i = 2; i < MAX_NONCES + 1; i++) post(s, "nonces");
    expect(s.outstanding).toBe(MAX_NONCES);
    expect(post(s, "blobs", blobFor(first)).status).toBe(400);
    expect(post(s, "blobs", blobFor(second)).json).toMatchObject({ verdict: "Yes" });
  });
});
