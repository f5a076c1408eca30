// SPDX-License-Identifier: MIT
/**
 * The embedded server's generated chains (server/tls-chain.ts), cross-checked with the OpenSSL CLI:
 * every property the scenario asks for is what `openssl x509 -text` reads from the bytes.
 */
import { execFileSync } from "node:child_process";
import { beforeAll, describe, expect, it } from "vitest";
import { createCaIdentity, type CaIdentity } from "../../src/server/scep/ca.js";
import { generateServedChain, signedDurationMs } from "../../src/server/tls-chain.js";
import { toPem } from "../../src/wire/x509/certificate.js";
import { crypto, testKeys } from "../support/scep-harness.js";

const NOW = Date.UTC(2026, 5, 1, 12);
const names = { dns: ["localhost"], ip: ["127.0.0.1"] };
let ca: CaIdentity;

beforeAll(async () => {
  ca = createCaIdentity({ caKey: await (await testKeys()).rsa(4) }, crypto, NOW - 86_400_000);
});

const openssl = (der: Uint8Array): string => execFileSync("openssl", ["x509", "-noout", "-text", "-dates"], { input: toPem(der) }).toString();

describe("embedded.tls chains, as openssl reads them", () => {
  it("validity days and notBefore", async () => {
    const c = await generateServedChain(ca, { validityDays: 900, notBefore: "-30d" }, names, NOW, crypto);
    const text = openssl(c.certificates[0]!.der);
    expect(text).toMatch(/notBefore=May {2}2 12:00:00 2026 GMT/);
    expect(text).toMatch(/notAfter=Oct 18 12:00:00 2028 GMT/); // May 2 2026 + 900 days
    expect(c.weak).toBe(false);
  });

  it("a SHA-1 signature, an RSA 1024 key, no EKU and no SAN", async () => {
    const c = await generateServedChain(ca, { signature: "sha1", key: "rsa-1024", eku: [], san: false }, names, NOW, crypto);
    const text = openssl(c.certificates[0]!.der);
    expect(text).toMatch(/Signature Algorithm: sha1WithRSAEncryption/);
    expect(text).toMatch(/Public-Key: \(1024 bit\)/);
    expect(text).not.toMatch(/X509v3 Extended Key Usage/);
    expect(text).not.toMatch(/X509v3 Subject Alternative Name/);
    expect(text).toMatch(/Subject: CN\s?=\s?localhost/);
    expect(c.weak).toBe(true);
  });

  it("an intermediate CA signed with SHA-1 between the root and a SHA-256 leaf; a leaf marked CA; clientAuth only", async () => {
    const c = await generateServedChain(ca, { eku: ["clientAuth"], ca: true, intermediate: { signature: "sha1" } }, names, NOW, crypto);
    const [leaf, inter] = c.certificates;
    const li = openssl(leaf!.der);
    expect(li).toMatch(/Signature Algorithm: sha256WithRSAEncryption/); // signed by the intermediate, RSA 2048 by default
    expect(openssl(leaf!.der)).toMatch(/Issuer: CN\s?=\s?enrollsim reference intermediate CA/);
    expect(li).toMatch(/CA:TRUE/);
    expect(li).toMatch(/TLS Web Client Authentication/);
    expect(li).not.toMatch(/TLS Web Server Authentication/);
    const ii = openssl(inter!.der);
    expect(ii).toMatch(/Signature Algorithm: sha1WithRSAEncryption/);
    expect(ii).toMatch(/Public-Key: \(2048 bit\)/);
    // The served PEM bundle is leaf, intermediate, root; openssl verifies it with the root alone.
    const pems = c.certPem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/g)!;
    expect(pems).toHaveLength(3);
  });

  it("EC P-384 keys and SHA-384 signatures; signed durations", async () => {
    const c = await generateServedChain(ca, { key: "ec-p384", signature: "sha384" }, names, NOW, crypto);
    const text = openssl(c.certificates[0]!.der);
    expect(text).toMatch(/Signature Algorithm: sha384WithRSAEncryption/);
    expect(text).toMatch(/Public-Key: \(384 bit\)/);
    expect(signedDurationMs("-30d")).toBe(-30 * 86_400_000);
    expect(signedDurationMs("+1h")).toBe(3_600_000);
    expect(() => signedDurationMs("soon")).toThrow(RangeError);
  });
});
