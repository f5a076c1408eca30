// SPDX-License-Identifier: MIT
/**
 * The CMS signingTime a signer writes (RFC 5652 §11.3) and the signing-time checks of real
 * verifiers (the Go pkcs7 library NanoMDM and MicroMDM use: within the signer certificate's
 * validity; RFC 8894 badTime: close to the verifier's clock). The openssl CLI reads back the
 * signingTime of an Mdm-Signature the device made on its own clock.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parseSignedData, checkSigningTime, signingTimeOf } from "../../../src/wire/cms/signed-data.js";
import { signMdmBody, verifyMdmSignature } from "../../../src/wire/apple/mdm.js";
import { buildPlist } from "../../../src/wire/apple/plist.js";
import { OID } from "../../../src/wire/oids.js";
import { crypto, testPki, type TestPki } from "../apple/helpers.js";
import { OPENSSL_VERSION, opensslOk } from "../support/openssl.js";

let pki: TestPki;
beforeAll(async () => {
  pki = await testPki();
});

const body = new Uint8Array(Buffer.from(buildPlist({ MessageType: "Authenticate", UDID: "0000-1111" })));
const header = (at: Date) => signMdmBody(body, pki.leaf, pki.leafKey, crypto, at);
const signerOf = (h: string) => parseSignedData(new Uint8Array(Buffer.from(h, "base64")), "Mdm-Signature").signers[0]!;

describe("CMS signingTime", () => {
  it("is written when the signer gives its clock, to the second, and absent otherwise", () => {
    const at = new Date(Date.UTC(2026, 11, 6, 22, 30, 15, 700));
    expect(signingTimeOf(signerOf(header(at)))?.toISOString()).toBe("2026-12-06T22:30:15.000Z");
    expect(signingTimeOf(signerOf(signMdmBody(body, pki.leaf, pki.leafKey, crypto)))).toBeUndefined();
    // The signature still covers it: the header verifies.
    expect(verifyMdmSignature(header(at), body, crypto).ok).toBe(true);
  });

  it("a signingTime before the signer certificate's NotBefore is refused with the pkcs7 library's text; a skew widens the window", () => {
    const before = new Date(pki.leaf.notBefore.getTime() - 2_000);
    const s = signerOf(header(before));
    const r = checkSigningTime(s, pki.leaf);
    expect(r).toMatchObject({ reason: "outside-validity" });
    const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, "Z");
    expect(r!.message).toBe(`pkcs7: signing time "${iso(before)}" is outside of certificate validity "${iso(pki.leaf.notBefore)}" to "${iso(pki.leaf.notAfter)}"`);
    expect(checkSigningTime(s, pki.leaf, { validitySkewMs: 5_000 })).toBeUndefined();
    expect(checkSigningTime(s, pki.leaf, { validitySkewMs: 1_000 })).toMatchObject({ reason: "outside-validity" });
    // After NotAfter too.
    expect(checkSigningTime(signerOf(header(new Date(pki.leaf.notAfter.getTime() + 1_000))), pki.leaf)).toMatchObject({ reason: "outside-validity" });
  });

  it("with a clock skew, a signingTime too far from the verifier's clock is refused (RFC 8894 badTime), either way", () => {
    const now = pki.leaf.notBefore.getTime() + 86_400_000;
    const behind = signerOf(header(new Date(now - 90_000)));
    expect(checkSigningTime(behind, pki.leaf, { clockSkewMs: 60_000, now })).toMatchObject({ reason: "clock-skew" });
    expect(checkSigningTime(behind, pki.leaf, { clockSkewMs: 60_000, now })!.message).toMatch(/90 s behind the server clock .* \(allowed skew 60 s\)$/);
    expect(checkSigningTime(signerOf(header(new Date(now + 90_000))), pki.leaf, { clockSkewMs: 60_000, now })!.message).toMatch(/90 s ahead of the server clock/);
    expect(checkSigningTime(behind, pki.leaf, { clockSkewMs: 120_000, now })).toBeUndefined();
    // No skew given: the verifier's clock is not consulted.
    expect(checkSigningTime(behind, pki.leaf, { now })).toBeUndefined();
  });

  it("a signingTime that does not decode as a time is not checked (the Go library checks only one it could unmarshal)", () => {
    const s = signerOf(header(new Date(pki.leaf.notBefore.getTime() - 60_000)));
    s.attributes.set(OID.signingTime, [{ tagClass: 0, type: 4, constructed: false, composed: false, value: "x" } as never]);
    expect(() => signingTimeOf(s)).toThrow();
    expect(checkSigningTime(s, pki.leaf)).toBeUndefined();
  });

  it.skipIf(!OPENSSL_VERSION && !process.env.CI)("openssl reads the device's clock as the signingTime of the Mdm-Signature it made", () => {
    const dir = mkdtempSync(join(tmpdir(), "enrollsim-signing-time-"));
    try {
      const deviceClock = new Date(Date.UTC(2026, 3, 7, 0, 16, 58));
      writeFileSync(join(dir, "sig.der"), Buffer.from(header(deviceClock), "base64"));
      const print = opensslOk(["cms", "-cmsout", "-print", "-inform", "DER", "-in", join(dir, "sig.der")]).text;
      const at = print.indexOf("signingTime");
      expect(at).toBeGreaterThan(0);
      const m = /UTCTIME:([^\n]+GMT)/.exec(print.slice(at));
      expect(new Date(m![1]!).toISOString()).toBe(deviceClock.toISOString());
      // And openssl verifies the detached signature with that attribute in it.
      writeFileSync(join(dir, "body"), body);
      opensslOk(["cms", "-verify", "-binary", "-noverify", "-inform", "DER", "-in", join(dir, "sig.der"), "-content", join(dir, "body"), "-out", join(dir, "out")]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
