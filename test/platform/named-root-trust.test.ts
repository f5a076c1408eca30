// SPDX-License-Identifier: MIT
/**
 * Contract over real loopback TLS for named roots: the embedded server issues its chains from named
 * roots (ISRG Root X1 on the main listener, a Symantec root on the SCEP endpoint), each device's TLS
 * store holds only the named roots its release's store has or it installed (runner/device-clock.ts),
 * OpenSSL refuses the others and the device applies the store's distrust dates, before any request
 * byte reaches the server's handler.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DeviceIdentity } from "../../src/device/identity.js";
import { OUT_OF_BAND } from "../../src/device/trust.js";
import { TransportError } from "../../src/errors/index.js";
import { NodeHttp } from "../../src/platform/node/http.js";
import { VirtualClock } from "../../src/platform/virtual/clock.js";
import { loadTrustStores } from "../../src/runner/catalog-files.js";
import { withDeviceTrust } from "../../src/runner/device-clock.js";
import { ReferenceServer } from "../../src/server/reference-server.js";
import { testKeys } from "../support/scep-harness.js";

const clock = new VirtualClock(Date.now());
let server: ReferenceServer;
let seen = 0;

beforeAll(async () => {
  const keys = await testKeys();
  server = await ReferenceServer.start({
    keys: { ca: await keys.rsa(6) },
    now: () => clock.now(),
    publicRoots: loadTrustStores().roots,
    tls: {
      certificate: { root: "ISRG Root X1", intermediate: { name: "R10" } },
      endpoints: [{ path: "/scep", certificate: { root: "VeriSign Class 3 Public Primary Certification Authority - G5", intermediate: { name: "Symantec Class 3 Secure Server CA - G4" } } }],
    },
  });
  server.intercept = () => (seen++, undefined);
});
afterAll(() => server.close());

const node = new NodeHttp({ clock });
const device = (platform: DeviceIdentity["platform"], version: string, extra: { apiLevel?: number; trustedRoots?: string[] } = {}) =>
  ({
    id: `${platform}#0`,
    index: 0,
    platform,
    os: { version, build: version },
    ...(extra.apiLevel ? { android: { apiLevel: extra.apiLevel } } : {}),
    ...(extra.trustedRoots ? { state: { trustedRoots: extra.trustedRoots } } : {}),
  }) as unknown as DeviceIdentity;
const portOf = (d: DeviceIdentity) => withDeviceTrust(node, d, clock, undefined, { catalog: loadTrustStores(), pems: server.namedRootPems });
const get = (d: DeviceIdentity, url: string, tls: { serverTrust?: typeof OUT_OF_BAND } = {}) =>
  portOf(d)
    .client({ tls: { ca: [server.caPem], ...tls } })
    .request({ method: "GET", url });
const records = () => `${server.httpsUrl}/policy/api/records`;

describe("named roots over loopback", () => {
  it("the server generated the roots its chains use", () => {
    expect([...server.namedRootPems.keys()].sort()).toEqual(["ISRG Root X1", "VeriSign Class 3 Public Primary Certification Authority - G5"]);
  });

  it("Android 7.0 (API 24) has no ISRG Root X1: OpenSSL refuses before anything is sent; API 25, or API 24 with the root installed, is served", async () => {
    seen = 0;
    const e = (await get(device("android", "7.0", { apiLevel: 24 }), records()).catch((x: unknown) => x)) as TransportError;
    expect(e).toBeInstanceOf(TransportError);
    expect(e.detail).toBe("tls.untrusted");
    expect(e.message).toMatch(/unable to get local issuer certificate/);
    expect(seen).toBe(0);
    expect((await get(device("android", "7.1.1", { apiLevel: 25 }), records())).status).toBe(200);
    expect((await get(device("android", "7.0", { apiLevel: 24, trustedRoots: ["ISRG Root X1"] }), records())).status).toBe(200);
    expect(seen).toBe(2);
  });

  it("a fetch the simulator makes for the admin (OUT_OF_BAND) trusts every named root of the run", async () => {
    expect((await get(device("android", "7.0", { apiLevel: 24 }), records(), { serverTrust: OUT_OF_BAND })).status).toBe(200);
  });

  it("the SCEP endpoint's Symantec chain: an iPhone refuses it from Apple's distrust date on its clock, Windows is served", async () => {
    seen = 0;
    const e = (await get(device("ios", "17.5.1"), `${server.scepUrl}?operation=GetCACaps`).catch((x: unknown) => x)) as TransportError;
    expect(e.detail).toBe("tls.untrusted");
    expect(e.message).toMatch(/"VeriSign Class 3 Public Primary Certification Authority - G5", distrusted for TLS server certificates from 2020-02-25/);
    expect(seen).toBe(0);
    expect((await get(device("windows", "10.0.22631.4317"), `${server.scepUrl}?operation=GetCACaps`)).status).toBe(200);
    // and the main listener's chain to ISRG Root X1: Windows' store has it
    expect((await get(device("windows", "10.0.22631.4317"), records())).status).toBe(200);
  });
});
