// SPDX-License-Identifier: MIT
/** The test device CA: stable subject and key across processes, exportable as PEM. */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { exportDeviceCa } from "../../../src/api/apple/device-ca.js";
import { testDeviceCa } from "../../../src/wire/apple/device-ca.js";
import { NodeCrypto } from "../../../src/platform/node/crypto.js";
import { fromPem, parseCertificate, verifyCertificateSignature } from "../../../src/wire/x509/certificate.js";

describe("test device CA", () => {
  it("is self-signed, a CA, and the same key for every CryptoPort", () => {
    const a = testDeviceCa(new NodeCrypto()).cert;
    const b = testDeviceCa(new NodeCrypto()).cert;
    expect(a.isCA).toBe(true);
    expect(a.subject).toMatch(/not Apple-issued/);
    expect(Buffer.from(a.spki)).toEqual(Buffer.from(b.spki));
    expect(verifyCertificateSignature(b, a.spki, new NodeCrypto())).toBe(true);
  });

  it("exports a PEM a server can load", () => {
    const dir = mkdtempSync(join(tmpdir(), "devca-"));
    const out = exportDeviceCa(dir);
    const der = fromPem(readFileSync(out.certPath, "utf8"))[0]!;
    expect(parseCertificate(der).subject).toBe(out.subject);
    expect(out.sha256).toMatch(/^[0-9a-f]{64}$/);
  });
});
