// SPDX-License-Identifier: MIT
/**
 * A configuration profile's own root certificates and each platform's rule for trusting them for TLS
 * (src/device/apple/profile-trust.ts), over loopback: the embedded server's check-in and command URLs chain to a
 * private root that its enrollment profile carries as a certificate payload (embedded.apple.profileRoots), as a
 * self-signed MicroMDM server's does (micromdm/micromdm#836, #628).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDevice } from "../../../src/api/device.js";
import type { DeviceState } from "../../../src/device/state.js";
import { ReferenceServer } from "../../../src/server/reference-server.js";
import { parseMobileconfig } from "../../../src/wire/apple/profile.js";
import { testKeys } from "../../support/scep-harness.js";

const ROOT = "Lab MDM Root CA";

async function start(payloadType?: "com.apple.security.root" | "com.apple.security.pkcs1" | "com.apple.security.pem", roots: string[] = [ROOT]): Promise<ReferenceServer> {
  const keys = await testKeys();
  return ReferenceServer.start({
    keys: { ca: await keys.rsa(5) },
    tls: {
      privateRoots: [{ name: ROOT, subject: `CN=${ROOT},O=Lab` }],
      endpoints: [
        { path: "/apple/checkin", certificate: { root: ROOT } },
        { path: "/apple/mdm", certificate: { root: ROOT } },
      ],
    },
    platforms: { apple: { profileRoots: roots.map((root) => ({ root, ...(payloadType ? { payloadType } : {}) })) } },
  });
}

describe("a profile's root certificates and the platform's trust rule", () => {
  let server: ReferenceServer;
  beforeAll(async () => {
    server = await start();
  }, 60_000);
  afterAll(async () => {
    await server?.close();
  });

  const run = async (model: string, flow: string, index: number, state?: DeviceState) => {
    const dev = await createDevice({ model, seed: "profile-roots", index, keys: await testKeys(), tls: { ca: [server.caPem] }, ...(state ? { state } : {}) });
    const r = await dev.run(flow, {}, { scepUrl: server.scepUrl, server: { ...server.urls, embedded: true } });
    return { r, transcript: dev.formatTranscript() };
  };

  it("serves the root as a certificate payload before the SCEP and MDM payloads, real DER the device parses", async () => {
    const res = await fetch(`${server.urls.http}/apple/enroll`);
    const parsed = parseMobileconfig(new Uint8Array(await res.arrayBuffer()), { signaturePolicy: "accept" });
    const types = parsed.profile.payloads.map((p) => p.type);
    expect(types).toEqual(["com.apple.security.root", "com.apple.security.scep", "com.apple.mdm"]);
    const cert = parsed.profile.payloads[0]!;
    expect(cert.kind === "certificate" && cert.certificate.subject).toContain(`CN=${ROOT}`);
    // The same root the check-in endpoint's chain is issued from.
    expect(server.namedRootPems.has(ROOT)).toBe(true);
  }, 60_000);

  it("iOS 17, installed by hand: the root waits for Certificate Trust Settings, the check-in fails with 4001", async () => {
    const { r, transcript } = await run("iphone-15", "ios-profile", 1);
    expect(r.code, transcript).toBe("apple.checkin.server-untrusted");
    expect(r.step).toBe("checkin.authenticate");
    expect(r.shown?.code).toContain("4001");
    expect(r.shown?.text).toMatch(/^The server certificate for ".*\/apple\/checkin" is invalid\.$/);
    expect(transcript).toContain("not trusted");
  }, 60_000);

  it("iOS 17 whose user turned on full trust for the root: enrolls", async () => {
    const { r, transcript } = await run("iphone-15", "ios-profile", 2, { certificateTrustSettings: { fullTrust: [ROOT] } });
    expect(r.code, transcript).toBe("apple.enrolled");
  }, 60_000);

  it("full trust for another root does not help", async () => {
    const { r, transcript } = await run("iphone-15", "ios-profile", 3, { certificateTrustSettings: { fullTrust: ["Some Other Root"] } });
    expect(r.code, transcript).toBe("apple.checkin.server-untrusted");
  }, 60_000);

  it("iOS 17 by Automated Device Enrollment, the same profile: its roots are trusted, enrolls", async () => {
    const { r, transcript } = await run("iphone-15", "ios-ade", 5);
    expect(r.code, transcript).toBe("apple.ade.enrolled");
    expect(transcript).toContain("Automated Device Enrollment");
  }, 60_000);

  it("macOS, the same profile installed by the user: enrolls", async () => {
    const { r, transcript } = await run("macbook-air-m3", "macos-profile", 4);
    expect(r.code, transcript).toBe("apple.enrolled");
  }, 60_000);
});

describe("payload types and a profile without the server's root", () => {
  it("com.apple.security.pem (PEM text): the Mac parses and trusts it; an iPhone with full trust enrolls", async () => {
    const server = await start("com.apple.security.pem");
    try {
      const res = await fetch(`${server.urls.http}/apple/enroll`);
      const parsed = parseMobileconfig(new Uint8Array(await res.arrayBuffer()), { signaturePolicy: "accept" });
      const p = parsed.profile.payloads[0]!;
      expect(p.type).toBe("com.apple.security.pem");
      expect(Buffer.from(p.raw.PayloadContent as Uint8Array).toString("latin1")).toMatch(/^-----BEGIN CERTIFICATE-----/);
      for (const [model, flow, state] of [
        ["macbook-air-m3", "macos-profile", undefined],
        ["iphone-15", "ios-profile", { certificateTrustSettings: { fullTrust: "all" } }],
      ] as const) {
        const dev = await createDevice({ model, seed: "profile-roots-pem", index: 1, keys: await testKeys(), tls: { ca: [server.caPem] }, ...(state ? { state: state as DeviceState } : {}) });
        const r = await dev.run(flow, {}, { scepUrl: server.scepUrl, server: { ...server.urls, embedded: true } });
        expect(r.code, dev.formatTranscript()).toBe("apple.enrolled");
      }
    } finally {
      await server.close();
    }
  }, 120_000);

  it("profileRoots [] (no payload for the server's root): even the Mac cannot trust the check-in", async () => {
    const server = await start(undefined, []);
    try {
      const dev = await createDevice({ model: "macbook-air-m3", seed: "profile-roots-none", index: 1, keys: await testKeys(), tls: { ca: [server.caPem] } });
      const r = await dev.run("macos-profile", {}, { scepUrl: server.scepUrl, server: { ...server.urls, embedded: true } });
      expect(r.code, dev.formatTranscript()).toBe("apple.checkin.server-untrusted");
    } finally {
      await server.close();
    }
  }, 60_000);
});
