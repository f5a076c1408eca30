// SPDX-License-Identifier: MIT
/** The library API as a server engineer uses it from their own test suite (README example). */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDevice, enrollScepOnce, loadCatalog, ReferenceServer } from "../../src/index.js";
import { testKeys } from "../support/scep-harness.js";

describe("library API", () => {
  let server: ReferenceServer;
  beforeAll(async () => {
    server = await ReferenceServer.start({ scep: { challenge: "s3cret" } });
  });
  afterAll(() => server.close());

  it("README example: enrols a device against a server URL", async () => {
    const { result, device } = await enrollScepOnce({ url: server.scepUrl, challenge: "s3cret", subject: "CN=%SERIAL%" });
    expect(result.ok, device.formatTranscript()).toBe(true);
    expect(result.keychain.identities[0]!.certificate.issuer).toContain("enrollsim reference CA");
    expect(result.keychain.identities[0]!.certificate.subject).toBe(`CN=${device.identity.serialNumber}`);
    expect(device.formatTranscript()).not.toContain("s3cret");
  });

  it("runs a flow one step at a time and exposes the transcript", async () => {
    const device = await createDevice({ model: "iphone-15", seed: "lib", index: 3, keys: await testKeys(), secrets: ["s3cret"] });
    expect(device.id).toBe("iphone-15#3");
    expect(device.identity.udid).toMatch(/^[0-9A-F]{8}-[0-9A-F]{16}$/);
    const run = device.start("scep", { url: server.scepUrl, challenge: "s3cret", subject: "CN=%UDID%" });
    const seen: string[] = [];
    // nothing happens before the first next()
    await new Promise((r) => setTimeout(r, 20));
    expect(device.transcript()).toHaveLength(0);
    for (let s = await run.next(); !s.done; s = await run.next()) {
      seen.push(`${s.step}:${s.ok}`);
      expect(device.transcript().filter((e) => e.kind === "http")).toHaveLength(seen.length);
    }
    expect(seen).toEqual(["scep.getcacaps:true", "scep.getcacert:true", "scep.pkioperation:true"]);
    const result = await run.result;
    expect(result).toMatchObject({ ok: true, code: "scep.issued" });
    expect(JSON.stringify(device.transcript())).not.toContain("s3cret");
  });

  it("the same seed and index give the same device", async () => {
    const a = await createDevice({ model: "pixel-8", seed: "same", index: 9, keys: await testKeys() });
    const b = await createDevice({ model: "pixel-8", seed: "same", index: 9, keys: await testKeys() });
    const c = await createDevice({ model: "pixel-8", seed: "other", index: 9, keys: await testKeys() });
    expect(a.identity).toEqual(b.identity);
    expect(c.identity.serialNumber).not.toBe(a.identity.serialNumber);
  });

  it("loads the catalog", () => {
    const ids = loadCatalog().ids();
    for (const id of ["iphone-15", "ipad-air-m2", "macbook-air-m3", "windows-11-laptop", "windows-10-desktop", "pixel-8", "zebra-tc52"]) {
      expect(ids).toContain(id);
    }
  });
});
