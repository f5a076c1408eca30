// SPDX-License-Identifier: MIT
/** The reference server's cache of device certificates already checked against its CA. */
import { describe, expect, it } from "vitest";
import { IssuedByCache } from "../../src/server/issued-by-cache.js";
import { buildCertificate, parseCertificate } from "../../src/wire/x509/certificate.js";
import type { CryptoPort } from "../../src/ports/crypto.js";
import { crypto, testKeys } from "../support/scep-harness.js";

const day = 86_400_000;
const now = Date.UTC(2026, 10, 22);

async function fixture() {
  const keys = await testKeys();
  const [caKey, otherKey, devKey] = await Promise.all([keys.rsa(0), keys.rsa(1), keys.rsa(2)]);
  const mk = (serial: number, issuer: string, subject: string, spki: Uint8Array, key: typeof caKey) =>
    buildCertificate({ serial: Uint8Array.of(serial), issuer, subject, notBefore: new Date(now - day), notAfter: new Date(now + day), spki }, key, "sha256", crypto);
  const ca = parseCertificate(mk(1, "CN=ca", "CN=ca", caKey.spki, caKey));
  return {
    ca,
    issued: (n: number) => mk(10 + n, "CN=ca", `CN=device ${n}`, devKey.spki, caKey),
    // Same issuer name, signed by another key: must not pass.
    forged: mk(99, "CN=ca", "CN=forged", devKey.spki, otherKey),
    otherIssuer: mk(98, "CN=other", "CN=stranger", devKey.spki, otherKey),
  };
}

/** Counts signature verifications, to show a known certificate is not checked again. */
function counting(): { port: CryptoPort; verifies: () => number } {
  let n = 0;
  const port = new Proxy(crypto, {
    get(target, prop, recv) {
      const v = Reflect.get(target, prop, recv);
      if (prop === "verify" && typeof v === "function") return (...a: unknown[]) => (n++, v.apply(target, a));
      return typeof v === "function" ? v.bind(target) : v;
    },
  }) as CryptoPort;
  return { port, verifies: () => n };
}

describe("IssuedByCache", () => {
  it("accepts a CA-issued certificate once checked, and does not verify it again", async () => {
    const f = await fixture();
    const c = counting();
    const cache = new IssuedByCache(() => f.ca, c.port);
    const der = f.issued(1);
    const first = cache.check(der);
    expect(first).toMatchObject({ subject: expect.stringContaining("device 1") });
    expect(c.verifies()).toBe(1);
    expect(cache.check(Uint8Array.from(der))).toBe(first);
    expect(cache.checkParsed(parseCertificate(der))).toBe(first);
    expect(c.verifies()).toBe(1);
  });

  it("refuses a forged signature and a foreign issuer every time (refusals are not remembered as accepted)", async () => {
    const f = await fixture();
    const cache = new IssuedByCache(() => f.ca, crypto);
    expect(cache.check(f.forged)).toBe("not-issued");
    expect(cache.check(f.forged)).toBe("not-issued");
    expect(cache.check(f.otherIssuer)).toBe("not-issued");
    expect(cache.checkParsed(parseCertificate(f.forged))).toBe("not-issued");
    expect(cache.size).toBe(0);
  });

  it("reports unreadable bytes without throwing", async () => {
    const f = await fixture();
    const cache = new IssuedByCache(() => f.ca, crypto);
    expect(cache.check(Uint8Array.of(0x30, 0x03, 0x02, 0x01))).toBe("unreadable");
    const truncated = f.issued(2).subarray(0, 100);
    expect(cache.check(truncated)).toBe("unreadable");
  });

  it("stays bounded: the oldest entry is evicted and checked again when it comes back", async () => {
    const f = await fixture();
    const c = counting();
    const cache = new IssuedByCache(() => f.ca, c.port, 3);
    const ders = [1, 2, 3, 4].map((n) => f.issued(n));
    for (const d of ders) expect(cache.check(d)).not.toBe("not-issued");
    expect(cache.size).toBe(3);
    expect(c.verifies()).toBe(4);
    cache.check(ders[0]!); // evicted → verified again
    expect(c.verifies()).toBe(5);
    cache.check(ders[3]!); // still held
    expect(c.verifies()).toBe(5);
  });
});
