// SPDX-License-Identifier: MIT
/** Windows CSR profiles: byte layout of the win10-legacy and win11 requests, with openssl cross-checks. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildWindowsCsr, deviceIdFromCsr, OID_MS_DEVICE_ID_EXT, OID_OIW_SHA1_RSA, windowsCn } from "../../../src/wire/windows/csr.js";
import { parseCsr, verifyCsr } from "../../../src/wire/x509/pkcs10.js";
import { toPem } from "../../../src/wire/x509/certificate.js";
import { crypto, testKeys } from "../../support/scep-harness.js";

const GUID = "562A7F9A-6CD8-40B0-9E7E-0DBDD8A1B2C3";
const DEVICE_ID = "0123456789ABCDEF0123456789ABCDEF";
const fixtures = join(import.meta.dirname, "../../fixtures/windows");

const openssl = (args: string[]): { out: string; ok: boolean } => {
  const r = spawnSync("openssl", args, { encoding: "utf8" });
  return { out: `${r.stdout ?? ""}${r.stderr ?? ""}`, ok: r.status === 0 };
};

describe("Windows CSR profiles", () => {
  it("win10-legacy: PrintableString CN with '!' and trailing NUL, raw DeviceID extension, OIW sha1", async () => {
    const key = await (await testKeys()).rsa(0);
    const csr = buildWindowsCsr({ profile: "win10-legacy", enrollmentGuid: GUID, deviceId: DEVICE_ID }, key, crypto);
    expect(csr.signatureOid).toBe(OID_OIW_SHA1_RSA);
    const cn = windowsCn({ profile: "win10-legacy", enrollmentGuid: GUID, deviceId: DEVICE_ID });
    expect(cn.length).toBe(64);
    // Subject DER: SEQ { SET { SEQ { OID 2.5.4.3, PrintableString(64) } } }: tag 0x13, length 0x40, then the bytes.
    const parsed = parseCsr(csr.der);
    const subj = Buffer.from(parsed.subjectDer);
    const at = subj.indexOf(Buffer.from([0x13, 0x40]));
    expect(at).toBeGreaterThan(0);
    expect(subj.subarray(at + 2).toString("latin1")).toBe(`562A7F9A-6CD8-40B0-9E7E-0DBDD8!${DEVICE_ID}\0`);
    const ext = parsed.extensions.find((e) => e.oid === OID_MS_DEVICE_ID_EXT)!;
    expect(Buffer.from(ext.value).toString("latin1")).toBe(`${DEVICE_ID}\0`);
    expect(deviceIdFromCsr(parsed.extensions)).toBe(DEVICE_ID);
    expect(parsed.signatureAlgorithm).toBe(OID_OIW_SHA1_RSA);
    expect(verifyCsr(parsed, crypto)).toBe(true);
  });

  it("win10-legacy with a policy hash uses it (sha256, PKCS#1 OID)", async () => {
    const key = await (await testKeys()).rsa(0);
    const csr = buildWindowsCsr({ profile: "win10-legacy", enrollmentGuid: GUID, deviceId: DEVICE_ID, policyHash: "sha256" }, key, crypto);
    expect(csr.signatureOid).toBe("1.2.840.113549.1.1.11");
  });

  it("win11: UTF8String CN without NUL, EKU clientAuth, sha256", async () => {
    const key = await (await testKeys()).rsa(1);
    const csr = buildWindowsCsr({ profile: "win11", enrollmentGuid: GUID, deviceId: DEVICE_ID }, key, crypto);
    const parsed = parseCsr(csr.der);
    const subj = Buffer.from(parsed.subjectDer);
    expect(subj.indexOf(Buffer.from([0x0c, 0x3f]))).toBeGreaterThan(0);
    expect(subj.includes(0)).toBe(false);
    expect(parsed.extensions.map((e) => e.oid)).toEqual([OID_MS_DEVICE_ID_EXT, "2.5.29.37"]);
    expect(parsed.signatureAlgorithm).toBe("1.2.840.113549.1.1.11");
    expect(verifyCsr(parsed, crypto)).toBe(true);
  });

  it("openssl: asn1parse shows both layouts; req -verify passes for win11 and for the OIW sha1 win10 request", async () => {
    const key = await (await testKeys()).rsa(2);
    const dir = mkdtempSync(join(tmpdir(), "winc-"));
    const w10 = buildWindowsCsr({ profile: "win10-legacy", enrollmentGuid: GUID, deviceId: DEVICE_ID }, key, crypto);
    const w11 = buildWindowsCsr({ profile: "win11", enrollmentGuid: GUID, deviceId: DEVICE_ID }, key, crypto);
    writeFileSync(join(dir, "w10.pem"), toPem(w10.der, "CERTIFICATE REQUEST"));
    writeFileSync(join(dir, "w11.pem"), toPem(w11.der, "CERTIFICATE REQUEST"));
    const a10 = openssl(["asn1parse", "-in", join(dir, "w10.pem")]);
    expect(a10.ok).toBe(true);
    expect(a10.out).toMatch(/PRINTABLESTRING\s+:562A7F9A-6CD8-40B0-9E7E-0DBDD8!0123456789ABCDEF0123456789ABCDEF/);
    expect(a10.out).toMatch(/OBJECT\s+:(1\.3\.14\.3\.2\.29|sha1WithRSA)/);
    expect(a10.out).toContain("1.3.6.1.4.1.311.66.1.0");
    const a11 = openssl(["asn1parse", "-in", join(dir, "w11.pem")]);
    expect(a11.out).toMatch(/UTF8STRING\s+:562A7F9A/);
    expect(a11.out).toMatch(/sha256WithRSAEncryption/);
    expect(openssl(["req", "-verify", "-noout", "-in", join(dir, "w11.pem")]).ok).toBe(true);
    // OpenSSL knows 1.3.14.3.2.29 as "sha1WithRSA" and verifies it (OpenSSL 3 may refuse SHA-1 at
    // security level ≥ 1 only for TLS, not for req -verify); assert what it does here.
    const v10 = openssl(["req", "-verify", "-noout", "-in", join(dir, "w10.pem")]);
    // OpenSSL 3.0 maps 1.3.14.3.2.29 to sha1WithRSA and does verify the self-signature.
    expect(v10.ok).toBe(true);
    expect(v10.out).toMatch(/self-signature verify OK/);
    // Golden layout: every line of `openssl asn1parse` is key-independent for RSA-2048 keys.
    const golden = readFileSync(join(fixtures, "csr-win10-legacy.asn1parse.txt"), "utf8");
    expect(a10.out).toBe(golden);
  });
});
