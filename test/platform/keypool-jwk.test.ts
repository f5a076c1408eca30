// SPDX-License-Identifier: MIT
import { createPrivateKey, createPublicKey, generateKeyPairSync } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { rsaPkcs8ToJwk, rsaSpkiToJwk } from "../../src/platform/node/keypool/rsa-jwk.js";

const rsa = (bits: number) => generateKeyPairSync("rsa", { modulusLength: bits }).privateKey.export({ type: "pkcs8", format: "der" });

describe("key pool: RSA PKCS#8 record → JWK (issue 14 #4)", () => {
  const keys = [rsa(2048), rsa(1024), rsa(1024)];

  it("imports to the very key the record holds (PKCS#8 re-export is byte-identical, signatures verify)", () => {
    for (const der of keys) {
      const jwk = rsaPkcs8ToJwk(der);
      expect(jwk).toBeDefined();
      const k = createPrivateKey({ key: jwk!, format: "jwk" });
      expect(Buffer.compare(k.export({ type: "pkcs8", format: "der" }), der)).toBe(0);
      expect(k.asymmetricKeyDetails?.modulusLength).toBe(createPrivateKey({ key: der, format: "der", type: "pkcs8" }).asymmetricKeyDetails?.modulusLength);
    }
  });

  it("returns undefined (the pool then imports through OpenSSL) for anything but a plain two-prime RSA PrivateKeyInfo", () => {
    const der = keys[1]!;
    const ec = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "der" });
    expect(rsaPkcs8ToJwk(ec)).toBeUndefined();
    expect(rsaPkcs8ToJwk(der.subarray(0, der.length - 1))).toBeUndefined(); // truncated
    expect(rsaPkcs8ToJwk(Buffer.concat([der, Buffer.from([0])]))).toBeUndefined(); // trailing byte
    expect(rsaPkcs8ToJwk(new Uint8Array(0))).toBeUndefined();
    const badVersion = Buffer.from(der);
    badVersion[der.indexOf(Buffer.from([0x02, 0x01, 0x00]))! + 2] = 1;
    expect(rsaPkcs8ToJwk(badVersion)).toBeUndefined();
  });

  it("never throws on damaged records (fixed seed)", () => {
    const der = keys[1]!;
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(der.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), (flips) => {
        const b = Buffer.from(der);
        for (const [i, v] of flips) b[i] = v;
        const jwk = rsaPkcs8ToJwk(b);
        if (jwk) expect(jwk.kty).toBe("RSA");
      }),
      { seed: 14, numRuns: 300 },
    );
  });
});

describe("RSA SubjectPublicKeyInfo → JWK (the server's public-key import, issue 14 #4)", () => {
  const spki = (bits: number) => generateKeyPairSync("rsa", { modulusLength: bits }).publicKey.export({ type: "spki", format: "der" });
  const keys = [spki(2048), spki(1024)];
  const viaOpenSsl = (der: Uint8Array) => createPublicKey({ key: Buffer.from(der), format: "der", type: "spki" }).export({ type: "spki", format: "der" });

  it("imports to the very key the SPKI holds (re-export is byte-identical)", () => {
    for (const der of keys) {
      const jwk = rsaSpkiToJwk(der);
      expect(jwk).toBeDefined();
      expect(Buffer.compare(createPublicKey({ key: jwk!, format: "jwk" }).export({ type: "spki", format: "der" }), der)).toBe(0);
    }
  });

  it("returns undefined (the caller imports through OpenSSL) for EC, RSASSA-PSS, truncated, trailing or empty input", () => {
    const der = keys[1]!;
    expect(rsaSpkiToJwk(generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey.export({ type: "spki", format: "der" }))).toBeUndefined();
    expect(rsaSpkiToJwk(generateKeyPairSync("rsa-pss", { modulusLength: 1024 }).publicKey.export({ type: "spki", format: "der" }))).toBeUndefined();
    expect(rsaSpkiToJwk(der.subarray(0, der.length - 1))).toBeUndefined();
    expect(rsaSpkiToJwk(Buffer.concat([der, Buffer.from([0])]))).toBeUndefined();
    expect(rsaSpkiToJwk(new Uint8Array(0))).toBeUndefined();
  });

  it("accepts a damaged SPKI only when OpenSSL reads it as the same key (fixed seed)", () => {
    const der = keys[1]!;
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(der.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), (flips) => {
        const b = Buffer.from(der);
        for (const [i, v] of flips) b[i] = v;
        const jwk = rsaSpkiToJwk(b);
        if (!jwk) return;
        const fromJwk = createPublicKey({ key: jwk, format: "jwk" }).export({ type: "spki", format: "der" });
        expect(Buffer.compare(fromJwk, viaOpenSsl(b))).toBe(0);
      }),
      { seed: 14, numRuns: 300 },
    );
  });
});
