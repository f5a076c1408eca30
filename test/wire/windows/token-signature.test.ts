// SPDX-License-Identifier: MIT
/**
 * The reference server's token signature check (src/wire/windows/token.ts) compares the HMAC in constant time through
 * the crypto port (secretsEqual, node:crypto timingSafeEqual in the adapter), not with `!==`, which stops at the first
 * differing character. No timing is measured here (the machine's load makes that meaningless): the test proves the
 * signature goes through the port's constant-time compare, and that every wrong signature is still refused.
 */
import { describe, expect, it } from "vitest";
import { crypto as nodeCrypto } from "../../support/scep-harness.js";
import type { CryptoPort } from "../../../src/ports/crypto.js";
import { mintToken, signedClaims, type TokenClaims } from "../../../src/wire/windows/token.js";

const KEY = "test-only tenant key";
const claims: TokenClaims = { upn: "ana@contoso.com", tid: "00000000-0000-0000-0000-00000000e501" } as TokenClaims;

describe("token signature compare", () => {
  it("the signature is compared by the port's constant-time secretsEqual, on equal-length buffers", () => {
    const calls: [Uint8Array, Uint8Array][] = [];
    const spy = new Proxy(nodeCrypto, {
      get: (t, p, r) => (p === "secretsEqual" ? (a: Uint8Array, b: Uint8Array) => (calls.push([a, b]), t.secretsEqual(a, b)) : (Reflect.get(t, p, r) as unknown)),
    }) as CryptoPort;
    const token = mintToken(claims, KEY, nodeCrypto);
    expect(signedClaims(token, KEY, spy)).toMatchObject(claims);
    expect(calls).toHaveLength(1);
    expect(calls[0]![0].length).toBe(calls[0]![1].length);
  });

  it("every wrong signature is refused: one character changed, truncated, extended, another key's, non-canonical base64url", () => {
    const token = mintToken(claims, KEY, nodeCrypto);
    const [h, b, s] = token.split(".") as [string, string, string];
    const flip = (c: string) => (c === "A" ? "B" : "A");
    const wrong = [
      `${h}.${b}.${flip(s[0]!)}${s.slice(1)}`,
      `${h}.${b}.${s.slice(0, -1)}${flip(s.at(-1)!)}`,
      `${h}.${b}.${s.slice(0, -1)}`,
      `${h}.${b}.${s}A`,
      `${h}.${b}.`,
      mintToken(claims, "another key", nodeCrypto),
      // The same bytes with padding: base64url decoding would accept it; the encoded compare does not.
      `${h}.${b}.${s}=`,
    ];
    for (const t of wrong) expect(signedClaims(t, KEY, nodeCrypto), t).toBeUndefined();
  });

  it("the adapter's secretsEqual: equal bytes true, one byte off false, different lengths false (no throw)", () => {
    const a = Uint8Array.from([1, 2, 3, 4]);
    expect(nodeCrypto.secretsEqual(a, Uint8Array.from([1, 2, 3, 4]))).toBe(true);
    expect(nodeCrypto.secretsEqual(a, Uint8Array.from([1, 2, 3, 5]))).toBe(false);
    expect(nodeCrypto.secretsEqual(a, Uint8Array.from([1, 2, 3]))).toBe(false);
    expect(nodeCrypto.secretsEqual(new Uint8Array(0), new Uint8Array(0))).toBe(true);
  });
});
