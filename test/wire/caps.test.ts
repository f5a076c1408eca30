// SPDX-License-Identifier: MIT
/** GetCACaps parsing and the algorithm choice (src/wire/scep/caps.ts, scep-and-crypto.md §2). */
import { describe, expect, it } from "vitest";
import { LEGACY_CAPS, chooseAlgorithms, parseCaps } from "../../src/wire/scep/caps.js";

describe("parseCaps", () => {
  it("reads CRLF- and LF-separated bodies alike, ignoring blank lines and surrounding spaces", () => {
    const crlf = parseCaps("POSTPKIOperation\r\nSHA-256\r\n\r\n  AES  \r\nRenewal\r\n");
    const lf = parseCaps("POSTPKIOperation\nSHA-256\nAES\nRenewal");
    for (const caps of [crlf, lf]) {
      expect(caps).toMatchObject({ post: true, sha256: true, aes: true, renewal: true, des3: false, sha1: false, sha512: false, scepStandard: false });
    }
    expect(crlf.keywords).toEqual(["POSTPKIOperation", "SHA-256", "AES", "Renewal"]);
  });

  it("matches keywords case-insensitively and keeps their original spelling", () => {
    const caps = parseCaps("aes\ndes3\nsha-512\npostpkioperation\nGETNEXTCACERT\nrenewal\nsha-1");
    expect(caps).toMatchObject({ aes: true, des3: true, sha512: true, post: true, getNextCaCert: true, renewal: true, sha1: true, sha256: false });
    expect(caps.keywords).toContain("GETNEXTCACERT");
  });

  it("lists unknown keywords without failing, and knows the pre-RFC 'Update'", () => {
    const caps = parseCaps("AES\nX-Vendor-Thing\nUpdate\nSHA-384");
    expect(caps.unknown).toEqual(["X-Vendor-Thing", "SHA-384"]);
    expect(caps.aes).toBe(true);
  });

  it("de-duplicates repeated keywords", () => {
    expect(parseCaps("AES\nAES\r\nSHA-256\nAES").keywords).toEqual(["AES", "SHA-256"]);
  });

  it("SCEPStandard alone implies AES, POSTPKIOperation and SHA-256 (RFC 8894 §3.5.2), nothing else", () => {
    expect(parseCaps("SCEPStandard")).toMatchObject({ scepStandard: true, aes: true, post: true, sha256: true, des3: false, renewal: false, sha1: false, sha512: false });
    expect(chooseAlgorithms(parseCaps("SCEPStandard"))).toEqual({ cipher: "aes-128-cbc", digest: "sha256", post: true });
  });

  it.each(["", "\r\n", "  \n \n"])("an empty body (%j) means the legacy defaults: GET, DES3, SHA-1", (body) => {
    const caps = parseCaps(body);
    expect(caps.keywords).toEqual([]);
    expect(caps).toEqual(LEGACY_CAPS);
    expect(chooseAlgorithms(caps)).toEqual({ cipher: "des-ede3-cbc", digest: "sha1", post: false });
  });
});

describe("chooseAlgorithms", () => {
  it("prefers AES over DES3 and SHA-256 over SHA-512 over SHA-1", () => {
    expect(chooseAlgorithms(parseCaps("DES3\nAES\nSHA-1\nSHA-512\nSHA-256"))).toEqual({ cipher: "aes-128-cbc", digest: "sha256", post: false });
    expect(chooseAlgorithms(parseCaps("DES3\nSHA-1\nSHA-512")).digest).toBe("sha512");
    expect(chooseAlgorithms(parseCaps("DES3\nSHA-1"))).toEqual({ cipher: "des-ede3-cbc", digest: "sha1", post: false });
  });

  it("lets the profile force a cipher and digest; 'auto' defers to the caps", () => {
    const caps = parseCaps("AES\nSHA-256\nPOSTPKIOperation");
    expect(chooseAlgorithms(caps, { cipher: "aes-256-cbc", digest: "sha512" })).toEqual({ cipher: "aes-256-cbc", digest: "sha512", post: true });
    expect(chooseAlgorithms(caps, { cipher: "auto", digest: "auto" })).toEqual({ cipher: "aes-128-cbc", digest: "sha256", post: true });
  });
});
