// SPDX-License-Identifier: MIT
/**
 * The library's createDevice trusts named roots as a run's devices do (runner/device-clock.ts): given the
 * server's named roots, a device whose state installed the private root is served over real loopback
 * TLS, one without it is refused by OpenSSL. createDevice used to judge chains without the named roots.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDevice } from "../../src/api/device.js";
import { loadTrustStores } from "../../src/runner/catalog-files.js";
import { ReferenceServer } from "../../src/server/reference-server.js";
import { testKeys } from "../support/scep-harness.js";

let server: ReferenceServer;
beforeAll(async () => {
  const keys = await testKeys();
  server = await ReferenceServer.start({
    keys: { ca: await keys.rsa(7) },
    scep: { challenge: "named-roots" },
    publicRoots: loadTrustStores().roots,
    tls: { privateRoots: [{ name: "Contoso Root CA", subject: "CN=Contoso Root CA,O=Contoso Ltd" }], certificate: { root: "Contoso Root CA", intermediate: { name: "Contoso Issuing CA 01" } } },
  });
});
afterAll(() => server.close());

const enroll = async (trustedRoots?: string[]) => {
  const device = await createDevice({
    model: "iphone-15",
    seed: "roots",
    index: trustedRoots ? 1 : 2,
    keys: await testKeys(),
    ...(trustedRoots ? { state: { trustedRoots } } : {}),
    namedRoots: server.namedRootPems,
    tls: { ca: [server.caPem] },
  });
  return device.run("scep", { url: `${server.httpsUrl}/scep`, challenge: "named-roots", subject: "CN=%SERIAL%" });
};

describe("createDevice with the server's named roots", () => {
  it("a device that installed the private root enrolls over HTTPS; one without it fails the TLS handshake", async () => {
    expect(server.namedRootPems.has("Contoso Root CA")).toBe(true);
    expect(await enroll(["Contoso Root CA"])).toMatchObject({ ok: true, code: "scep.issued" });
    // A transport failure rejects the library's flow (the runner turns it into an outcome). An iPhone chases the leaf's AIA URL
    // (runner/aia-fetch.ts) and connects again; with the intermediate then in hand OpenSSL names the missing root as
    // "unable to get issuer certificate", without the fetch as "unable to get local issuer certificate": untrusted either way.
    await expect(enroll()).rejects.toMatchObject({ detail: "tls.untrusted", message: expect.stringMatching(/unable to get (local )?issuer certificate/) });
  }, 60_000);
});
