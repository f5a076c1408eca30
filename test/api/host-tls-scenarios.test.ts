// SPDX-License-Identifier: MIT
/**
 * Certificate chains per host and how each platform completes a chain missing its intermediate
 * (embedded.tls.endpoints for any path, the leaves' AIA caIssuers URL the embedded server serves, the
 * device's AIA chase over its network: runner/aia-fetch.ts), over real loopback TLS:
 * - the shipped pairs (a federated STS without its intermediate, PCs that cannot reach the AIA host; a DPC
 *   download host without its intermediate on Android) fail with the platform's own error and their fixed
 *   variants enrol every device;
 * - Apple fetches the missing intermediate where its network lets it and shows -1202 where it does not;
 * - a leaf without AIA cannot be completed by anyone;
 * - the admin's console (the QR payload fetch) is served the full chain: with the whole server's
 *   intermediate left out, Android fails at the DPC download, not at android.trigger.qr (blind trial 8).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadScenario, runScenario } from "../../src/api/run-scenario.js";
import { expectFixedVariantDiffers } from "../support/scenario-pair.js";

const file = (name: string) => join(import.meta.dirname, "../../scenarios/failures", `${name}.yaml`);
const opts = { keyPoolSize: 12, progress: false as const, capacity: false as const };
const inline = (yaml: string): string => {
  const p = join(mkdtempSync(join(tmpdir(), "enrollsim-host-tls-")), "s.yaml");
  writeFileSync(p, yaml);
  return p;
};

describe("certificate chains per host and AIA chasing", () => {
  it("win-federated-sts-no-intermediate: office PCs that cannot reach the AIA host fail at the STS with 0x80180012 / 0x80072F0D; the home PC fetches the intermediate and enrols; the fixed variant differs", async () => {
    const { summary } = await runScenario(file("win-federated-sts-no-intermediate-failing"), opts);
    expect((summary.expectations ?? []).filter((e) => !e.ok)).toEqual([]);
    const e = summary.errors["transport.tls"];
    expect(e?.step).toBe("auth.federated");
    expect(e?.shown).toMatchObject({ code: "0x80180012", cause: { code: "0x80072F0D" } });
    expect(e?.example).toMatch(
      /UNABLE_TO_VERIFY_LEAF_SIGNATURE[\s\S]*could not fetch the missing intermediate \(AIA\): GET http:\/\/127\.0\.0\.1:\d+\/pki\/aia\/cacerts\.contoso-ca\.example\/[0-9a-f]+\.cer failed[\s\S]*blocks cacerts\.contoso-ca\.example/,
    );
    await expectFixedVariantDiffers(file("win-federated-sts-no-intermediate-failing"), file("win-federated-sts-no-intermediate-fixed"), opts);
  }, 240_000);

  it("android-dpc-host-no-intermediate: Android fetches no missing issuer, the DPC download fails with the trust-anchor cause; the fixed variant differs", async () => {
    const { summary } = await runScenario(file("android-dpc-host-no-intermediate-failing"), opts);
    expect((summary.expectations ?? []).filter((e) => !e.ok)).toEqual([]);
    const e = summary.errors["android.provision.download-failed"];
    expect(e?.shown).toMatchObject({ code: "ERROR_DOWNLOAD_FAILED", cause: { code: "javax.net.ssl.SSLHandshakeException", name: "java.security.cert.CertPathValidatorException: Trust anchor for certification path not found." } });
    // The endpoint's own listener served it: the EMM's main listener (the QR payload) was fine.
    expect(summary.errors["transport.tls"]).toBeUndefined();
    await expectFixedVariantDiffers(file("android-dpc-host-no-intermediate-failing"), file("android-dpc-host-no-intermediate-fixed"), opts);
  }, 240_000);

  it("apple-closed-network-no-intermediate: iPads on a closed Wi-Fi cannot reach the AIA host and show -1202; the office iPad fetches it and enrols; the fixed variant differs", async () => {
    const { summary } = await runScenario(file("apple-closed-network-no-intermediate-failing"), opts);
    expect((summary.expectations ?? []).filter((e) => !e.ok)).toEqual([]);
    expect(summary.errors["transport.tls"]?.example).toMatch(/could not fetch the missing intermediate \(AIA\)[\s\S]*cacerts\.geotrust\.com/);
    await expectFixedVariantDiffers(file("apple-closed-network-no-intermediate-failing"), file("apple-closed-network-no-intermediate-fixed"), opts);
  }, 240_000);

  it("Apple fetches a missing intermediate over its network: iPhones on an open network enrol, those whose firewall blocks the AIA host show -1202", async () => {
    const { summary } = await runScenario(
      inline(`
name: apple-aia
seed: 8103
server: embedded
embedded:
  tls:
    certificate: { intermediate: { name: Contoso Issuing CA, send: false, aiaHost: pki.contoso.example } }
networks:
  lab: { blocked: [pki.contoso.example], blockedAs: connect.refused }
  open: {}
groups:
  - { name: blocked, model: iphone-15, count: 1, flow: ios-profile, network: lab }
  - { name: open, model: iphone-15, count: 1, flow: ios-profile, network: open }
limits: { durationSeconds: 120, stepTimeoutMs: 15000 }
`),
      opts,
    );
    expect(summary.enrolled).toBe(1);
    const e = summary.errors["transport.tls"];
    expect(e?.count).toBe(1);
    expect(e?.shown?.code).toBe("NSURLErrorDomain -1202");
    expect(e?.example).toMatch(/blocks pki\.contoso\.example/);
  }, 240_000);

  it("a leaf without AIA (aia: false): a Windows PC on an open network cannot complete the chain either", async () => {
    const { summary } = await runScenario(
      inline(`
name: no-aia
seed: 8104
server: embedded
embedded:
  windows: { authPolicy: Federated }
  tls:
    certificate: { intermediate: { send: false, aia: false } }
groups:
  - { name: pcs, model: windows-11-laptop, count: 1, flow: windows-byod }
limits: { durationSeconds: 120, stepTimeoutMs: 15000 }
`),
      opts,
    );
    expect(summary.enrolled).toBe(0);
    const e = Object.values(summary.errors)[0];
    expect(e?.shown).toMatchObject({ code: expect.stringMatching(/^0x8018/), cause: { code: "0x80072F0D" } });
    expect(e?.example).toMatch(/names no caIssuers URL/);
  }, 240_000);

  it("one host with a certificate for another name (names): Windows discovery alone fails with the wrong-host error; the rest of the server is fine", async () => {
    const { summary } = await runScenario(
      inline(`
name: discovery-wrong-host
seed: 8106
server: embedded
embedded:
  tls:
    endpoints:
      - { path: /EnrollmentServer/Discovery.svc, certificate: { names: [enterpriseenrollment.fabrikam.example] } }
groups:
  - { name: pcs, model: windows-11-laptop, count: 1, flow: windows-byod }
limits: { durationSeconds: 120, stepTimeoutMs: 15000 }
`),
      opts,
    );
    const e = summary.errors["transport.tls"];
    expect(e?.step).toBe("discovery.redirect"); // the discovery host: the plain-HTTP GET redirected to HTTPS meets it
    expect(e?.shown).toMatchObject({ code: "0x80180012", cause: { code: "0x80072F06", name: "ERROR_WINHTTP_SECURE_CERT_CN_INVALID" } });
    expect(e?.example).toMatch(/ERR_TLS_CERT_ALTNAME_INVALID/);
  }, 240_000);

  it("a bad endpoint path or AIA host is refused with file:line:column and what was expected", async () => {
    const bad = (tls: string) =>
      inline(`name: bad
seed: 1
server: embedded
embedded:
  tls:
${tls}
groups:
  - { name: pcs, model: windows-11-laptop, count: 1, flow: windows-byod }
`);
    await expect(loadScenario(bad("    endpoints: [{ path: EnrollmentServer/Auth }]"))).rejects.toThrow(/s\.yaml:6:\d+[\s\S]*a path prefix such as "\/EnrollmentServer\/Auth"/);
    await expect(loadScenario(bad("    certificate: { intermediate: { aiaHost: http://ca.example/x.cer } }"))).rejects.toThrow(/s\.yaml:6:\d+[\s\S]*a host name such as "cacerts\.digicert\.com"/);
  });

  it("the QR payload (the admin's console) is fetched with the server's full chain: with the whole server's intermediate left out, Android fails at the DPC download, not at android.trigger.qr", async () => {
    const { summary } = await runScenario(
      inline(`
name: qr-full-chain
seed: 8105
server: embedded
embedded:
  tls:
    certificate: { intermediate: { send: false } }
groups:
  - { name: phones, model: pixel-8, count: 1, flow: android-qr, options: { android: { profile: fully-managed } } }
limits: { durationSeconds: 120, stepTimeoutMs: 15000 }
`),
      opts,
    );
    expect(Object.keys(summary.errors)).toEqual(["android.provision.download-failed"]);
    expect(summary.errors["android.provision.download-failed"]?.step).toBe("android.provision.download");
    expect(summary.errors["android.provision.download-failed"]?.shown?.cause?.name).toMatch(/Trust anchor for certification path not found/);
  }, 240_000);
});
