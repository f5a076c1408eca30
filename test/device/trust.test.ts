// SPDX-License-Identifier: MIT
/**
 * The device's own judgement of a server chain (device/trust.ts): each platform's published rules
 * per OS build, and the validity window on the device's clock, on chains generated for real by the
 * embedded server's chain generator (server/tls-chain.ts).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { deviceServerTrust, platformChainRules, type TrustSubject } from "../../src/device/trust.js";
import { createCaIdentity, type CaIdentity } from "../../src/server/scep/ca.js";
import { generateServedChain, type ServerTlsSpec } from "../../src/server/tls-chain.js";
import { crypto, testKeys } from "../support/scep-harness.js";

const NOW = Date.UTC(2026, 5, 1, 12);
const DAY = 86_400_000;
const names = { dns: ["localhost"], ip: ["127.0.0.1"] };
let ca: CaIdentity;

beforeAll(async () => {
  const keys = await testKeys();
  ca = createCaIdentity({ caKey: await keys.rsa(3) }, crypto, NOW - 30 * DAY);
});

/** The chain the device is presented: leaf, intermediates, the anchor (as Node's peer chain has it). */
async function chainOf(spec: ServerTlsSpec["certificate"]): Promise<Uint8Array[]> {
  const c = await generateServedChain(ca, spec, names, NOW, crypto);
  return [...c.certificates.map((x) => x.der), ca.ca.der];
}

const judge = (s: Partial<TrustSubject> & Pick<TrustSubject, "platform">, offsetMs = 0) => deviceServerTrust({ osVersion: "17.5", now: () => NOW + offsetMs, ...s });

describe("device server trust: the device's clock", () => {
  it("a clock behind the certificate's notBefore sees it not yet valid; ahead of notAfter, expired; on every platform", async () => {
    const chain = await chainOf({ notBefore: "-1h", validityDays: 30 });
    for (const platform of ["ios", "windows", "android", "macos"] as const) {
      const os = platform === "windows" ? "10.0.22631.4317" : platform === "macos" ? "14.5" : "17.5";
      expect(judge({ platform, osVersion: os, apiLevel: 34 })(chain, "127.0.0.1")).toBeUndefined();
      expect(judge({ platform, osVersion: os, apiLevel: 34 }, -2 * 3_600_000)(chain, "127.0.0.1")?.detail).toBe("tls.not-yet-valid");
      expect(judge({ platform, osVersion: os, apiLevel: 34 }, 31 * DAY)(chain, "127.0.0.1")?.detail).toBe("tls.expired");
    }
  });

  it("reads the clock at every evaluation (a clock set right by the timeline takes effect on the next connection)", async () => {
    const chain = await chainOf({});
    let offset = -90 * DAY;
    const j = deviceServerTrust({ platform: "windows", osVersion: "10.0.22631.1", now: () => NOW + offset });
    expect(j(chain, "localhost")?.reason).toMatch(/not yet valid: notBefore .* is after the device's clock 2026-03-03/);
    offset = 0;
    expect(j(chain, "localhost")).toBeUndefined();
  });
});

describe("device server trust: Apple (HT210176, iOS 13 / macOS 10.15)", () => {
  const ios13 = { platform: "ios" as const, osVersion: "13.7" };
  const ios12 = { platform: "ios" as const, osVersion: "12.5.7" };

  it("refuses a validity over 825 days, a missing serverAuth EKU, a name only in the CN; iOS 12 accepts each", async () => {
    const cases: [ServerTlsSpec["certificate"], string][] = [
      [{ validityDays: 826 }, "tls.policy"],
      [{ eku: [] }, "tls.wrong-usage"],
      [{ eku: ["clientAuth"] }, "tls.wrong-usage"],
      [{ san: false }, "tls.wrong-host"],
    ];
    for (const [spec, detail] of cases) {
      const chain = await chainOf(spec);
      expect(judge(ios13)(chain, "localhost")?.detail, JSON.stringify(spec)).toBe(detail);
      expect(judge(ios12)(chain, "localhost"), JSON.stringify(spec)).toBeUndefined();
    }
    expect(judge(ios13)(await chainOf({ validityDays: 825 }), "localhost")).toBeUndefined();
    expect(judge({ platform: "macos", osVersion: "10.15.7" })(await chainOf({ validityDays: 900 }), "localhost")?.reason).toMatch(/validity of 900 days; .* 825 days or fewer/);
    expect(judge({ platform: "macos", osVersion: "10.14.6" })(await chainOf({ validityDays: 900 }), "localhost")).toBeUndefined();
  });

  it("refuses an RSA key under 2048 bits and a SHA-1 signature anywhere below the anchor", async () => {
    expect(judge(ios13)(await chainOf({ key: "rsa-1024" }), "localhost")?.detail).toBe("tls.weak-key");
    expect(judge(ios13)(await chainOf({ signature: "sha1" }), "localhost")?.detail).toBe("tls.weak-signature");
    expect(judge(ios13)(await chainOf({ intermediate: { signature: "sha1", key: "ec-p256" } }), "localhost")?.reason).toMatch(/SHA-1 signature \(CN=enrollsim reference intermediate CA/);
    expect(judge(ios12)(await chainOf({ intermediate: { signature: "sha1", key: "ec-p256" } }), "localhost")).toBeUndefined();
  });

  it("the 825-day and EKU rules apply only to certificates issued from 1 July 2019", async () => {
    // The rules alone (the device's clock would find a 2019 certificate of 1000 days expired in 2026).
    const old = await generateServedChain(ca, { validityDays: 1000, eku: [], notBefore: `-${Math.ceil((NOW - Date.UTC(2019, 5, 1)) / DAY)}d` }, names, NOW, crypto);
    expect(platformChainRules(ios13, [...old.certificates, ca.ca], "localhost")).toBeUndefined();
    const recent = await generateServedChain(ca, { validityDays: 1000, eku: [] }, names, NOW, crypto);
    expect(platformChainRules(ios13, [...recent.certificates, ca.ca], "localhost")?.detail).toBe("tls.wrong-usage");
  });
});

describe("device server trust: Android and Windows", () => {
  it("Android 10 (API 29) refuses a SHA-1 signed CA in the chain with Conscrypt's text; Android 9 accepts it", async () => {
    const chain = await chainOf({ intermediate: { signature: "sha1", key: "ec-p256" } });
    const a10 = judge({ platform: "android", apiLevel: 29 })(chain, "localhost");
    expect(a10?.detail).toBe("tls.weak-signature");
    expect(a10?.reason).toBe("java.security.cert.CertificateException: Signature uses an insecure hash function: 1.2.840.113549.1.1.5");
    expect(judge({ platform: "android", apiLevel: 28 })(chain, "localhost")).toBeUndefined();
  });

  it("Windows refuses an EKU without serverAuth (no EKU at all is any usage) and accepts SHA-1", async () => {
    const win = { platform: "windows" as const, osVersion: "10.0.22631.4317" };
    expect(judge(win)(await chainOf({ eku: ["clientAuth"] }), "localhost")?.detail).toBe("tls.wrong-usage");
    expect(judge(win)(await chainOf({ eku: [] }), "localhost")).toBeUndefined();
    expect(judge(win)(await chainOf({ signature: "sha1", validityDays: 1200 }), "localhost")).toBeUndefined();
  });
});
