// SPDX-License-Identifier: MIT
/**
 * parseCertificate keeps what it parsed by the certificate's bytes (src/wire/x509/certificate.ts):
 * the same bytes give one frozen result with its own copy of the DER, a caller changing its array
 * afterwards changes nothing kept, a failure is never kept (each caller gets its own error naming
 * its own `what`), the cache is bounded, and toPem of a kept certificate gives the armour it gave
 * before.
 */
import { describe, expect, it } from "vitest";
import { ProtocolViolationError } from "../../src/errors/index.js";
import type { CryptoPort } from "../../src/ports/crypto.js";
import { PARSED_CERTIFICATE_CACHE_SIZE, buildCertificate, parseCertificate, toPem } from "../../src/wire/x509/certificate.js";
import { readFixture } from "./support/fixture-files.js";

const hexOf = (b: Uint8Array): string => Buffer.from(b).toString("hex");
const armour = (der: Uint8Array): string =>
  `-----BEGIN CERTIFICATE-----\n${Buffer.from(der)
    .toString("base64")
    .replace(/(.{64})/g, "$1\n")
    .replace(/\n$/, "")}\n-----END CERTIFICATE-----\n`;

describe("parseCertificate cache", () => {
  const der = readFixture("getcacert-single.der");

  it("gives one frozen result per distinct certificate, with its own copy of the bytes", () => {
    const mine = der.slice();
    const a = parseCertificate(mine);
    const b = parseCertificate(der.slice());
    expect(b).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
    expect(Object.isFrozen(a.extensions)).toBe(true);
    expect(a.der).not.toBe(mine);
    mine[mine.length - 1]! ^= 0xff; // the caller's array changes; what is kept does not
    expect(hexOf(a.der)).toBe(hexOf(der));
    const changed = parseCertificate(mine); // other bytes (another signature): another certificate
    expect(changed).not.toBe(a);
    expect(hexOf(changed.signature)).not.toBe(hexOf(a.signature));
    expect(parseCertificate(der)).toBe(a);
  });

  it("keeps no failure: each caller gets its own error", () => {
    const broken = der.subarray(0, der.length - 3);
    expect(() => parseCertificate(broken, "first")).toThrow(ProtocolViolationError);
    expect(() => parseCertificate(broken, "first")).toThrow(/first/);
    expect(() => parseCertificate(broken, "second")).toThrow(/second/);
  });

  it("gives the same fields as a parse of different but equal bytes, and the same PEM as before", () => {
    const a = parseCertificate(der);
    expect(a.subject).toContain("CN=");
    expect(toPem(a.der)).toBe(armour(der));
    expect(toPem(a.der)).toBe(toPem(der.slice())); // kept and not kept arrays: one armour
    expect(toPem(a.der, "X509 CRL")).toContain("-----BEGIN X509 CRL-----"); // other labels are not memoised as certificates
  });

  it("is bounded: past its size the least recently used certificate is parsed again", () => {
    const ca = parseCertificate(der);
    const stand = { sign: () => new Uint8Array(64).fill(1) } as unknown as CryptoPort; // parsing checks no signature
    const make = (i: number): Uint8Array =>
      buildCertificate({ serial: Uint8Array.of(1, i >> 8, i & 0xff), issuer: ca.subjectDer, subject: ca.subjectDer, notBefore: new Date(0), notAfter: new Date(1e12), spki: ca.spki }, { kind: "rsa", bits: 2048 }, "sha256", stand);
    const first = make(0);
    const kept = parseCertificate(first);
    for (let i = 1; i < PARSED_CERTIFICATE_CACHE_SIZE; i++) parseCertificate(make(i));
    expect(parseCertificate(first)).toBe(kept); // still within the size (and now the most recent)
    for (let i = PARSED_CERTIFICATE_CACHE_SIZE; i < 2 * PARSED_CERTIFICATE_CACHE_SIZE; i++) parseCertificate(make(i));
    const again = parseCertificate(first);
    expect(again).not.toBe(kept);
    expect(hexOf(again.der)).toBe(hexOf(kept.der));
  });
});
