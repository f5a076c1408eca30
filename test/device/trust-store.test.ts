// SPDX-License-Identifier: MIT
/**
 * Trust stores as catalog data (devices/trust-stores/roots.yaml, device/trust-store.ts): which named
 * roots a release's store has, installed roots, the catalog's validation; and how a device judges a
 * path to a named anchor (device/trust.ts): trusted-first path building, Android not enforcing an
 * anchor's expiry, the store's date-based distrust on the device's clock.
 */
import { describe, expect, it } from "vitest";
import { parseTrustStores, storeEntry, trustedRoots, type CatalogRoot } from "../../src/device/trust-store.js";
import { deviceServerTrust, pathToAnchor, type DeviceAnchor } from "../../src/device/trust.js";
import { loadTrustStores } from "../../src/runner/catalog-files.js";
import { ScenarioError } from "../../src/errors/index.js";
import { NamedRoots } from "../../src/server/named-roots.js";
import { buildCertificate, keyIdentifier, parseCertificate, type Certificate } from "../../src/wire/x509/certificate.js";
import { authorityKeyIdentifier, basicConstraints, extKeyUsage, subjectAltName } from "../../src/wire/x509/extensions.js";
import type { PrivateKey } from "../../src/ports/crypto.js";
import { crypto } from "../support/scep-harness.js";

const catalog = loadTrustStores();
const root = (name: string): CatalogRoot => catalog.byName.get(name)!;
const DAY = 86_400_000;

describe("the shipped trust stores", () => {
  it("ISRG Root X1: Android from API 25 (7.1.1), iOS 10, macOS 10.12.1, every Windows build", () => {
    const x1 = root("ISRG Root X1");
    expect(storeEntry(x1, { platform: "android", osVersion: "7.0", apiLevel: 24 })).toBeUndefined();
    expect(storeEntry(x1, { platform: "android", osVersion: "7.1.1", apiLevel: 25 })).toBeDefined();
    expect(storeEntry(x1, { platform: "ios", osVersion: "9.3.5" })).toBeUndefined();
    expect(storeEntry(x1, { platform: "ipados", osVersion: "17.5.1" })).toBeDefined();
    expect(storeEntry(x1, { platform: "macos", osVersion: "10.12" })).toBeUndefined();
    expect(storeEntry(x1, { platform: "macos", osVersion: "10.12.1" })).toBeDefined();
    expect(storeEntry(x1, { platform: "windows", osVersion: "10.0.19045.4780" })).toBeDefined();
    expect(x1.notBefore.toISOString()).toBe("2015-06-04T11:04:38.000Z");
    expect(x1.notAfter.toISOString()).toBe("2035-06-04T11:04:38.000Z");
    // DigiCert Global Root G2 (Microsoft cloud endpoints): missing from Android 5.x
    expect(storeEntry(root("DigiCert Global Root G2"), { platform: "android", osVersion: "5.1", apiLevel: 22 })).toBeUndefined();
    expect(storeEntry(root("DigiCert Global Root G2"), { platform: "android", osVersion: "6.0", apiLevel: 23 })).toBeDefined();
  });

  it("a device trusts the generated roots its store has, plus the ones it installed (those without the store's rules)", () => {
    const available = ["ISRG Root X1", "DST Root CA X3", "Contoso Root CA"];
    const android7 = { platform: "android" as const, osVersion: "7.0", apiLevel: 24 };
    expect(trustedRoots(catalog, android7, available).map((t) => t.name)).toEqual(["DST Root CA X3"]);
    const installed = trustedRoots(catalog, android7, available, ["ISRG Root X1", "Contoso Root CA"]);
    expect(installed.map((t) => [t.name, t.installed])).toEqual([
      ["ISRG Root X1", true],
      ["DST Root CA X3", false],
      ["Contoso Root CA", true],
    ]);
    expect(installed[0]!.entry).toBeUndefined();
    // Apple's Symantec distrust is a date in the store's entry
    const g5 = "VeriSign Class 3 Public Primary Certification Authority - G5";
    expect(trustedRoots(catalog, { platform: "ios", osVersion: "17.5.1" }, [g5])[0]!.entry?.distrustFrom).toBe(Date.UTC(2020, 1, 25));
    expect(trustedRoots(catalog, { platform: "windows", osVersion: "10.0.22631.4317" }, [g5])[0]!.entry?.distrustFrom).toBeUndefined();
  });

  it("a bad catalog file names file:line:column and what was expected", () => {
    const bad = (yaml: string) => {
      try {
        parseTrustStores(yaml, "roots.yaml");
      } catch (e) {
        expect(e).toBeInstanceOf(ScenarioError);
        return `${(e as ScenarioError).message} @ ${(e as ScenarioError).location}`;
      }
      return "no error";
    };
    const head = 'roots:\n  - name: R\n    subject: "CN=R"\n    notBefore: "2015-06-04T11:04:38Z"\n    notAfter: "2035-06-04T11:04:38Z"\n    key: rsa-2048\n';
    expect(bad(`${head}    trustedBy: { android: { form: 25 } }\n`)).toMatch(/roots\[0\]\.trustedBy\.android: unknown field "form" @ roots\.yaml:7:/);
    expect(bad(`${head}    trustedBy: { ios: { from: 10 } }\n`)).toMatch(/trustedBy\.ios\.from is 10 @ roots\.yaml:7:/);
    expect(bad(`${head}    trustedBy: { symbian: {} }\n`)).toMatch(/unknown platform "symbian"/);
    // Hostile shapes get a typed error at their place, not a TypeError; malformed YAML at the parser's position, not 1:1.
    expect(bad("roots:\n  - null\n")).toMatch(/roots\[0\] is null .*@ roots\.yaml:2:5/);
    expect(bad("roots:\n  - { name: a,\n")).toMatch(/invalid YAML.*@ roots\.yaml:[2-9]:/);
    expect(bad(head.replace("2015-06-04T11:04:38Z", "4 June 2015"))).toMatch(/roots\[0\]\.notBefore is not a UTC instant @ roots\.yaml:4:/);
    expect(bad(head.replace("rsa-2048", "rsa-4096"))).toMatch(/roots\[0\]\.key is "rsa-4096" @ roots\.yaml:6:/);
  });
});

/** A leaf (and its issuing intermediate) under `issuer`, valid around `now`. */
async function leafUnder(issuer: { cert: Certificate; key: PrivateKey }, now: number): Promise<{ leaf: Certificate; inter: Certificate }> {
  const ik = await crypto.generateKey("ec-p256");
  const inter = parseCertificate(
    buildCertificate(
      {
        serial: Uint8Array.from([7]),
        issuer: issuer.cert.subjectDer,
        subject: "CN=R3,O=test",
        notBefore: new Date(now - DAY),
        notAfter: new Date(now + 90 * DAY),
        spki: ik.spki,
        extensions: [basicConstraints(true, 0), authorityKeyIdentifier(keyIdentifier(issuer.key.spki, crypto))],
      },
      issuer.key,
      "sha256",
      crypto,
    ),
  );
  const lk = await crypto.generateKey("ec-p256");
  const leaf = parseCertificate(
    buildCertificate(
      {
        serial: Uint8Array.from([8]),
        issuer: inter.subjectDer,
        subject: "CN=localhost",
        notBefore: new Date(now - DAY),
        notAfter: new Date(now + 60 * DAY),
        spki: lk.spki,
        extensions: [extKeyUsage(["serverAuth"]), subjectAltName({ dns: ["localhost"] })],
      },
      ik,
      "sha256",
      crypto,
    ),
  );
  return { leaf, inter };
}

describe("a device judges the path to its named anchor", () => {
  const defs = new Map(catalog.roots.map((r) => [r.name, r]));
  const roots = new NamedRoots(defs, crypto);
  const anchor = async (name: string, entry?: DeviceAnchor["entry"]): Promise<DeviceAnchor> => ({ name, installed: false, cert: (await roots.get(name)).cert, ...(entry ? { entry } : {}) });

  it("trusted-first: a device with ISRG Root X1 stops there; one with only DST Root CA X3 follows the cross-sign", async () => {
    const now = Date.UTC(2023, 5, 1);
    const { leaf, inter } = await leafUnder(await roots.get("ISRG Root X1"), now);
    const cross = await roots.crossSign("ISRG Root X1", { by: "DST Root CA X3", notAfter: "2024-09-30T18:14:03Z" });
    const sent = [leaf, inter, cross];
    const modern = pathToAnchor(sent, [await anchor("ISRG Root X1"), await anchor("DST Root CA X3")]);
    expect(modern.anchor?.name).toBe("ISRG Root X1");
    expect(modern.path.map((c) => c.subject)).toEqual([leaf.subject, inter.subject, (await roots.get("ISRG Root X1")).cert.subject]);
    const android7 = pathToAnchor(sent, [await anchor("DST Root CA X3")]);
    expect(android7.anchor?.name).toBe("DST Root CA X3");
    expect(android7.path).toHaveLength(4);
    expect(android7.path[2]).toBe(cross);
  });

  it("Android does not enforce the anchor's expiry (DST Root CA X3 in 2023); Apple does", async () => {
    const now = Date.UTC(2023, 5, 1);
    const { leaf, inter } = await leafUnder(await roots.get("ISRG Root X1"), now);
    const cross = await roots.crossSign("ISRG Root X1", { by: "DST Root CA X3", notAfter: "2024-09-30T18:14:03Z" });
    const ders = [leaf, inter, cross].map((c) => c.der);
    const anchors = [await anchor("DST Root CA X3")];
    const android = deviceServerTrust({ platform: "android", osVersion: "7.0", apiLevel: 24, now: () => now, anchors });
    expect(android(ders, "localhost")).toBeUndefined();
    const ios = deviceServerTrust({ platform: "ios", osVersion: "12.5.7", now: () => now, anchors });
    expect(ios(ders, "localhost")).toMatchObject({ detail: "tls.expired", code: "CERT_HAS_EXPIRED" });
    // after the cross-sign itself expired, Android refuses too
    const later = deviceServerTrust({ platform: "android", osVersion: "7.0", apiLevel: 24, now: () => Date.UTC(2024, 9, 1), anchors });
    expect(later(ders, "localhost")).toMatchObject({ detail: "tls.expired" });
  });

  it("the store's distrust dates, on the device's clock: distrustFrom, distrustIssuedAfter; an installed root has none", async () => {
    const name = "VeriSign Class 3 Public Primary Certification Authority - G5";
    const now = Date.UTC(2026, 0, 10);
    const { leaf, inter } = await leafUnder(await roots.get(name), now);
    const ders = [leaf, inter].map((c) => c.der);
    const g5 = await anchor(name, { distrustFrom: Date.UTC(2020, 1, 25) });
    const ios = (clock: number, a: DeviceAnchor) => deviceServerTrust({ platform: "ios", osVersion: "17.5.1", now: () => clock, anchors: [a] })(ders, "localhost");
    expect(ios(now, g5)).toMatchObject({ detail: "tls.untrusted", code: "SecTrustEvaluate: kSecTrustResultFatalTrustFailure" });
    expect(ios(now, g5)?.reason).toMatch(/"VeriSign Class 3 Public Primary Certification Authority - G5", distrusted for TLS server certificates from 2020-02-25T00:00:00Z/);
    expect(ios(now, await anchor(name, { distrustFrom: now + DAY }))).toBeUndefined(); // the device's clock is before the date
    const issued = await anchor(name, { distrustIssuedAfter: now - 30 * DAY });
    expect(ios(now, issued)).toMatchObject({ detail: "tls.untrusted" });
    expect(ios(now, await anchor(name, { distrustIssuedAfter: now }))).toBeUndefined();
    const windows = deviceServerTrust({ platform: "windows", osVersion: "10.0.22631.4317", now: () => now, anchors: [g5] })(ders, "localhost");
    expect(windows).toMatchObject({ detail: "tls.untrusted", code: "CERT_E_UNTRUSTEDROOT" });
    expect(ios(now, { ...(await anchor(name)), installed: true })).toBeUndefined();
  });
});
