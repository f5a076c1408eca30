// SPDX-License-Identifier: MIT
/** CA fingerprint pinning (src/protocol/scep/ca-chain.ts parseFingerprint / checkFingerprint). */
import { describe, expect, it } from "vitest";
import { NodeCrypto } from "../../src/platform/node/crypto.js";
import { checkFingerprint, parseFingerprint } from "../../src/protocol/scep/ca-chain.js";
import { readCert } from "./support/fixture-files.js";

const crypto = new NodeCrypto();
const sha256 = "ab".repeat(32);

describe("parseFingerprint", () => {
  it("reads 'alg:hex' with colons or spaces between bytes, in any case, as lower-case hex", () => {
    const colons = sha256.toUpperCase().replace(/(..)(?!$)/g, "$1:");
    expect(parseFingerprint(`sha256:${colons}`)).toEqual({ alg: "sha256", hex: sha256 });
    expect(parseFingerprint(`sha-256:${sha256.replace(/(..)/g, "$1 ").trim()}`)).toEqual({ alg: "sha256", hex: sha256 });
    expect(parseFingerprint(`sha-1:${"01".repeat(20)}`)).toEqual({ alg: "sha1", hex: "01".repeat(20) });
    expect(parseFingerprint(`md5:${"ff".repeat(16)}`)).toEqual({ alg: "md5", hex: "ff".repeat(16) });
  });

  it("guesses the digest of a bare hex string from its length (32 md5, 40 sha1, 64 sha256)", () => {
    expect(parseFingerprint("00".repeat(16)).alg).toBe("md5");
    expect(parseFingerprint("00".repeat(20)).alg).toBe("sha1");
    expect(parseFingerprint(` ${sha256} `).alg).toBe("sha256");
  });

  it("rejects non-hex text, unknown algorithms and lengths that do not fit the digest", () => {
    expect(() => parseFingerprint("sha256:xyz")).toThrow(/is not/);
    expect(() => parseFingerprint(`sha512:${sha256}`)).toThrow(/is not/);
    expect(() => parseFingerprint(`sha1:${sha256}`)).toThrow(/64 hex digits, sha1 needs 40/);
    expect(() => parseFingerprint("abcd")).toThrow(/hex digits/);
  });
});

describe("checkFingerprint", () => {
  const ca = readCert("ca.pem");

  it("accepts the CA whose DER hashes to the pinned value, for each digest", () => {
    for (const alg of ["md5", "sha1", "sha256"] as const) {
      const fp = Buffer.from(crypto.digest(alg, ca.der)).toString("hex");
      expect(() => checkFingerprint(ca, `${alg}:${fp}`, crypto)).not.toThrow();
    }
  });

  it("refuses another CA with scep.ca-fingerprint-mismatch", () => {
    const fp = Buffer.from(crypto.digest("sha256", readCert("other-ca.pem").der)).toString("hex");
    expect(() => checkFingerprint(ca, fp, crypto)).toThrow(expect.objectContaining({ code: "scep.ca-fingerprint-mismatch" }));
  });
});
