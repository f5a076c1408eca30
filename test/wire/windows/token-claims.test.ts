// SPDX-License-Identifier: MIT
/**
 * Hostile token payloads (src/wire/windows/token.ts): a token whose signature verifies but whose claims are of the
 * wrong type is not a valid token. Before, `exp: "tomorrow"` read as a token that never expires, and a numeric `tid`
 * or `aud` made the enrollment service's checks (entra-token.ts checkAccessToken) throw a TypeError.
 */
import { describe, expect, it } from "vitest";
import { crypto as nodeCrypto } from "../../support/scep-harness.js";
import { checkAccessToken } from "../../../src/wire/windows/entra-token.js";
import { mintToken, signedClaims, verifyToken, type TokenClaims } from "../../../src/wire/windows/token.js";

const KEY = "test-only tenant key";
const TID = "00000000-0000-0000-0000-00000000e501";
const NOW = Date.UTC(2026, 11, 7, 12);
const sign = (claims: Record<string, unknown>): string => mintToken(claims as unknown as TokenClaims, KEY, nodeCrypto);
const good = { upn: "ana@contoso.com", tid: TID, iss: `https://sts.windows.net/${TID}/`, aud: "https://mdm.example", ver: "1.0", exp: NOW / 1000 + 3600 };

describe("token claims of the wrong type", () => {
  it("a well-typed token verifies; the same token with one claim of the wrong type does not", () => {
    expect(signedClaims(sign(good), KEY, nodeCrypto)).toEqual(good);
    const hostile: Record<string, unknown>[] = [
      { exp: "2099-01-01" },
      { exp: null },
      { nbf: "0" },
      { iat: [] },
      { tid: 42 },
      { iss: { href: "https://sts.windows.net/" } },
      { ver: 1 },
      { aud: 7 },
      { aud: ["https://mdm.example", 7] },
      { amr: "pwd" },
      { bulk: "true" },
    ];
    for (const h of hostile) expect(signedClaims(sign({ ...good, ...h }), KEY, nodeCrypto), JSON.stringify(h)).toBeUndefined();
    for (const payload of ["null", "[]", '"upn"', "42"]) {
      const head = Buffer.from('{"alg":"HS256"}').toString("base64url");
      const body = Buffer.from(payload).toString("base64url");
      const sig = Buffer.from(nodeCrypto.hmac("sha256", new TextEncoder().encode(KEY), new TextEncoder().encode(`${head}.${body}`))).toString("base64url");
      expect(signedClaims(`${head}.${body}.${sig}`, KEY, nodeCrypto), payload).toBeUndefined();
    }
  });

  it("an exp that is not a number is not a token that never expires", () => {
    expect(verifyToken(sign({ ...good, exp: "never" }), KEY, nodeCrypto, NOW)).toBeUndefined();
  });

  it("what signedClaims accepts, the server's checks read without throwing", () => {
    for (const h of [{ tid: 42, iss: "https://sts.windows.net/42/" }, { aud: [1, 2] }]) {
      const claims = signedClaims(sign({ ...good, ...h }), KEY, nodeCrypto);
      if (claims) expect(() => checkAccessToken(claims, { versions: [1], audiences: ["https://mdm.example"], tenants: [TID], clockSkewSeconds: 300 }, NOW)).not.toThrow();
      else expect(claims).toBeUndefined();
    }
  });
});
