// SPDX-License-Identifier: MIT
/** Checksum golden vectors (notes android.md §3) and ManagedProvisioning's URL-safe base64 rules. */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decodeUrlSafeBase64, encodeUrlSafeBase64, toHex } from "../../../src/wire/android/base64url.js";
import { ProvisioningPayloadError } from "../../../src/wire/android/errors.js";
import { buildApk, buildFakeApk } from "../../../src/wire/android/apk.js";
import { buildCertificate, parseCertificate } from "../../../src/wire/x509/certificate.js";
import { verifyPackage } from "../../../src/wire/android/verify.js";
import { crypto } from "../../support/scep-harness.js";

const VECTORS = [
  { name: "TestDPC signing cert", hex: "8090f6630b4e8962479123249087cb4658feaae36a1b57dbeafd74d109b333dc", b64: "gJD2YwtOiWJHkSMkkIfLRlj-quNqG1fb6v100QmzM9w=" },
  { name: "Android Device Policy signing cert", hex: "23962f4b43b9857638ea66f4d419518eae282491acda4b94707bd59003c45e58", b64: "I5YvS0O5hXY46mb01BlRjq4oJJGs2kuUcHvVkAPEXlg" },
  { name: "Workspace ONE agent", hex: undefined, b64: "6kyqxDOjgS30jvQuzh4uvHPk-0bmAD-1QU7vtW7i_o8=" },
];
const sha256 = (b: Uint8Array) => new Uint8Array(createHash("sha256").update(b).digest());

describe("checksum vectors", () => {
  for (const v of VECTORS) {
    it(`${v.name}: decodes to 32 bytes${v.hex ? " equal to the hex" : ""}, re-encodes with and without padding`, () => {
      const { bytes, skipped } = decodeUrlSafeBase64(v.b64);
      expect(skipped).toBe(0);
      expect(bytes).toHaveLength(32);
      if (v.hex) expect(toHex(bytes)).toBe(v.hex);
      const padded = encodeUrlSafeBase64(bytes, true);
      const unpadded = encodeUrlSafeBase64(bytes, false);
      expect(padded).toHaveLength(44);
      expect(unpadded).toHaveLength(43);
      expect(v.b64.replace(/=$/, "")).toBe(unpadded);
      expect(toHex(decodeUrlSafeBase64(padded).bytes)).toBe(toHex(bytes));
      expect(toHex(decodeUrlSafeBase64(unpadded).bytes)).toBe(toHex(bytes));
    });
    it(`${v.name}: the standard-base64 ('+', '/') variant is refused with the wizard text`, () => {
      const std = v.b64.replace(/-/g, "+").replace(/_/g, "/");
      if (std === v.b64) return; // this vector has no 62/63 digits
      expect(() => decodeUrlSafeBase64(std)).toThrow(ProvisioningPayloadError);
      expect(() => decodeUrlSafeBase64(std)).toThrow("Incorrect format. Should be Url-safe Base64 encoded.");
    });
  }
  it("every vector has at least one '-' or '_' so the '+'/'/' test bites for two of three", () => {
    expect(VECTORS.filter((v) => /[-_]/.test(v.b64)).length).toBeGreaterThanOrEqual(2);
  });
  it("explicit '+' and '/' are refused", () => {
    for (const s of ["gJD2YwtOiWJHkSMkkIfLRlj+quNqG1fb6v100QmzM9w=", "I5YvS0O5hXY46mb01BlRjq4oJJGs2kuUcHvVkAPEXl/"]) {
      try {
        decodeUrlSafeBase64(s, "PROVISIONING_DEVICE_ADMIN_SIGNATURE_CHECKSUM");
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(ProvisioningPayloadError);
        expect((e as ProvisioningPayloadError).code).toBe("android.payload.bad-base64");
      }
    }
  });
  it("the garbled ADP checksum from circulated docs does not decode to the real digest (notes §14)", () => {
    const garbled = decodeUrlSafeBase64("I5YvS005hXY46mb01B1Rjq4oJJGs2kuUcHvVkJAPEXlg").bytes;
    expect(toHex(garbled)).not.toBe(VECTORS[1]!.hex);
    expect(garbled.length).not.toBe(32);
  });
  it("colon-hex is skipped character by character and decodes to the wrong bytes (field failure android-checksum-hex-format)", () => {
    const colon = VECTORS[0]!.hex!.match(/../g)!.join(":").toUpperCase();
    const d = decodeUrlSafeBase64(colon);
    expect(d.skipped).toBe(31);
    expect(toHex(d.bytes)).not.toBe(VECTORS[0]!.hex);
  });
  it("bad lengths and padding are refused", () => {
    expect(() => decodeUrlSafeBase64("abcde")).toThrow(ProvisioningPayloadError);
    expect(() => decodeUrlSafeBase64("ab===")).toThrow(ProvisioningPayloadError);
    expect(() => decodeUrlSafeBase64("ab=cd")).toThrow(ProvisioningPayloadError);
  });
});

describe("verifyPackage (VerifyPackageTask)", async () => {
  const key = await crypto.generateKey("ec-p256");
  const cert = parseCertificate(buildCertificate({ serial: new Uint8Array([7]), issuer: "CN=DPC", subject: "CN=DPC", notBefore: new Date("2020-01-01Z"), notAfter: new Date("2040-01-01Z"), spki: key.spki }, key, "sha256", crypto));
  const signer = cert.der;
  const apk = buildApk({ packageName: "com.example.dpc", versionCode: 3, versionName: "1.0", receivers: ["com.example.dpc.Admin"] }, { cert, key }, crypto);
  const component = { pkg: "com.example.dpc", cls: "com.example.dpc.Admin" };
  it("package checksum matches the file's SHA-256", () => {
    expect(verifyPackage(apk, { packageChecksum: sha256(apk) }, component, crypto)).toMatchObject({ ok: true, matched: "package" });
  });
  it("signature checksum matches a signer's SHA-256", () => {
    expect(verifyPackage(apk, { signatureChecksum: sha256(signer) }, component, crypto)).toMatchObject({ ok: true, matched: "signature" });
  });
  it("the package checksum wins: a wrong package checksum fails even with a right signature checksum", () => {
    const out = verifyPackage(apk, { packageChecksum: sha256(signer), signatureChecksum: sha256(signer) }, component, crypto);
    expect(out).toMatchObject({ ok: false, error: "hash-mismatch", aospCode: 0 });
  });
  it("a right package checksum wins over a wrong signature checksum", () => {
    expect(verifyPackage(apk, { packageChecksum: sha256(apk), signatureChecksum: new Uint8Array(32) }, component, crypto)).toMatchObject({ ok: true, matched: "package" });
  });
  it("the package checksum's hash follows the release: SHA-1 only on Lollipop (API 21-22), SHA-1 or SHA-256 on 6-9, SHA-256 only from 10", () => {
    const sha1 = (b: Uint8Array) => crypto.digest("sha1", b);
    for (const api of [21, 22]) {
      expect(verifyPackage(apk, { packageChecksum: sha1(apk) }, component, crypto, api), `API ${api}`).toMatchObject({ ok: true, matched: "package" });
      expect(verifyPackage(apk, { packageChecksum: sha256(apk) }, component, crypto, api), `API ${api}`).toMatchObject({ ok: false, error: "hash-mismatch", detail: expect.stringMatching(/API 2\d reads SHA-1\)$/) });
      // EXTRA_PROVISIONING_DEVICE_ADMIN_SIGNATURE_CHECKSUM arrived in M: Lollipop has nothing to verify against.
      expect(verifyPackage(apk, { signatureChecksum: sha256(signer) }, component, crypto, api), `API ${api}`).toMatchObject({ ok: false, error: "hash-mismatch", detail: "no checksum to verify against" });
    }
    for (const api of [23, 28]) {
      expect(verifyPackage(apk, { packageChecksum: sha1(apk) }, component, crypto, api), `API ${api}`).toMatchObject({ ok: true, matched: "package" });
      expect(verifyPackage(apk, { packageChecksum: sha256(apk) }, component, crypto, api), `API ${api}`).toMatchObject({ ok: true, matched: "package" });
    }
    for (const api of [29, 34]) {
      expect(verifyPackage(apk, { packageChecksum: sha1(apk) }, component, crypto, api), `API ${api}`).toMatchObject({ ok: false, error: "hash-mismatch" });
      expect(verifyPackage(apk, { packageChecksum: sha256(apk) }, component, crypto, api), `API ${api}`).toMatchObject({ ok: true, matched: "package" });
    }
  });
  it("before 8.0 (API 21-25) the download task compares the package checksum before any parse: a page that is not an APK fails the checksum (DownloadPackageTask.ERROR_HASH_MISMATCH)", () => {
    // googlearchive/android-NfcProvisioning#1: a Google Drive share page served as the DPC download on Android 6.
    const page = new TextEncoder().encode("<!DOCTYPE html><html><head><title>androidmdm.apk - Google Drive</title></head></html>");
    for (const api of [21, 22, 23, 24, 25]) {
      const checksum = api < 23 ? crypto.digest("sha1", apk) : sha256(apk);
      const out = verifyPackage(page, { packageChecksum: checksum }, component, crypto, api);
      expect(out, `API ${api}`).toMatchObject({ ok: false, error: "hash-mismatch", task: "DownloadPackageTask", constant: "ERROR_HASH_MISMATCH", aospCode: 0 });
      expect(out.ok ? "" : out.detail).toMatch(/^DownloadPackageTask compares the checksum before the file is parsed: package /);
    }
    // From 8.0 VerifyPackageTask parses first: the same page fails ERROR_DEVICE_ADMIN_MISSING (1).
    for (const api of [26, 29, 34])
      expect(verifyPackage(page, { packageChecksum: sha256(apk) }, component, crypto, api), `API ${api}`).toMatchObject({ ok: false, error: "admin-missing", task: "VerifyPackageTask", constant: "ERROR_DEVICE_ADMIN_MISSING", aospCode: 1 });
  });
  it("before 8.0 a file whose checksum matches but which lacks the receiver is InstallPackageTask.ERROR_PACKAGE_INVALID (0), not VerifyPackageTask's code", () => {
    const other = { pkg: "com.example.dpc", cls: "com.example.dpc.Other" };
    expect(verifyPackage(apk, { packageChecksum: sha256(apk) }, other, crypto, 23)).toMatchObject({ ok: false, error: "admin-missing", task: "InstallPackageTask", constant: "ERROR_PACKAGE_INVALID", aospCode: 0 });
    expect(verifyPackage(apk, { packageChecksum: sha256(apk) }, component, crypto, 23)).toMatchObject({ ok: true, matched: "package" });
    // A signature checksum needs the parse on every release: an unparsable file is reported as the parse failure, marked unpublished before 8.0.
    const junk = verifyPackage(new Uint8Array(64), { signatureChecksum: sha256(signer) }, component, crypto, 24);
    expect(junk).toMatchObject({ ok: false, error: "admin-missing", task: "InstallPackageTask", detail: expect.stringContaining("not published") });
  });
  it("from 8.0 the receiver is checked first (VerifyPackageTask.ERROR_DEVICE_ADMIN_MISSING)", () => {
    const out = verifyPackage(apk, { packageChecksum: new Uint8Array(32) }, { pkg: "com.example.dpc", cls: "com.example.dpc.Other" }, crypto);
    expect(out).toMatchObject({ ok: false, error: "admin-missing", task: "VerifyPackageTask", constant: "ERROR_DEVICE_ADMIN_MISSING", aospCode: 1 });
  });
  it("the legacy ESAPK1 container carries no signature: the package manager cannot collect certificates (ERROR_DEVICE_ADMIN_MISSING)", () => {
    const legacy = buildFakeApk({ packageName: "com.example.dpc", versionCode: 3, versionName: "1.0", receivers: ["com.example.dpc.Admin"], signers: [signer] });
    expect(verifyPackage(legacy, { signatureChecksum: sha256(signer) }, component, crypto)).toMatchObject({ ok: false, error: "admin-missing", aospCode: 1 });
  });
  it("a truncated download is a corrupt admin app", () => {
    expect(verifyPackage(apk.subarray(0, 20), { packageChecksum: sha256(apk) }, component, crypto)).toMatchObject({ ok: false, error: "admin-missing" });
  });
});
