// SPDX-License-Identifier: MIT
/**
 * MDM TLS trust against a server under test (interop with NanoMDM/MicroMDM behind a test CA,
 * docs/interop.md): the roots every device trusts (`--ca`, the run's `trust`) cover CheckInURL and
 * ServerURL during enrollment, as they do in the steady-state check-in; in embedded runs too (a
 * CheckInURL chained to a root the device lacks: test/device/apple/profile-roots.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDevice } from "../../../src/api/device.js";
import { ReferenceServer } from "../../../src/server/reference-server.js";
import { testKeys } from "../../support/scep-harness.js";

describe("apple enrollment: device trust roots and CheckInURL", () => {
  let server: ReferenceServer;
  beforeAll(async () => {
    const keys = await testKeys();
    // The profile carries no root payload, so only the device's own roots can make the reference CA's
    // HTTPS certificate trusted.
    server = await ReferenceServer.start({ keys: { ca: await keys.rsa(5) }, platforms: { apple: { profile: { remove: ["com.apple.security.root"] }, signMessage: true } } });
  }, 60_000);
  afterAll(async () => {
    await server?.close();
  });

  const run = async (index: number, embedded: boolean, ca: string[]) => {
    const dev = await createDevice({ model: "iphone-15", seed: "external-trust", index, keys: await testKeys(), tls: { ca } });
    const r = await dev.run("ios-profile", {}, { scepUrl: server.scepUrl, server: { ...server.urls, embedded } });
    return { r, transcript: dev.formatTranscript() };
  };

  it("a server under test whose TLS certificate chains to a --ca root: the device checks in", async () => {
    const { r, transcript } = await run(1, false, [server.caPem]);
    expect(r.code, transcript).toBe("apple.enrolled");
  }, 60_000);

  it("embedded runs: the runner's roots (the reference CA) are the device's system roots for CheckInURL too", async () => {
    const { r, transcript } = await run(3, true, [server.caPem]);
    expect(r.code, transcript).toBe("apple.enrolled");
  }, 60_000);
});
