// SPDX-License-Identifier: MIT
/**
 * Contract over real loopback TLS: the embedded server presents the chain `embedded.tls` describes
 * and the device judges it with its platform's rules and its own clock (device/trust.ts) in the
 * Node adapter, before any request byte leaves: a refused chain never reaches the server's handler.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deviceServerTrust } from "../../src/device/trust.js";
import { TransportError } from "../../src/errors/index.js";
import { NodeHttp } from "../../src/platform/node/http.js";
import { VirtualClock } from "../../src/platform/virtual/clock.js";
import { tlsSessionCache } from "../../src/ports/http.js";
import { ReferenceServer } from "../../src/server/reference-server.js";
import { testKeys } from "../support/scep-harness.js";

// Near the host's clock: OpenSSL still checks validity on the host's clock as well (README limits).
const START = Date.now();
const DAY = 86_400_000;
let server: ReferenceServer;
let seen = 0;
const clock = new VirtualClock(START);

beforeAll(async () => {
  const keys = await testKeys();
  server = await ReferenceServer.start({
    keys: { ca: await keys.rsa(5) },
    now: () => clock.now(),
    tls: { certificate: { validityDays: 30, intermediate: { signature: "sha1", key: "ec-p256" } }, endpoints: [{ path: "/scep", certificate: { validityDays: 900 } }] },
  });
  server.intercept = () => (seen++, undefined);
});
afterAll(() => server.close());

const http = new NodeHttp({ clock });
const get = (url: string, trust?: Parameters<typeof deviceServerTrust>[0], sessions = tlsSessionCache()) =>
  http.client({ tls: { ca: [server.caPem], ...(trust ? { serverTrust: deviceServerTrust(trust) } : {}) }, sessions }).request({ method: "GET", url });

describe("device server trust over loopback", () => {
  it("Android 10 refuses the SHA-1 signed intermediate before sending anything; Android 9 is served", async () => {
    seen = 0;
    const refused = await get(`${server.httpsUrl}/policy/api/records`, { platform: "android", osVersion: "10", apiLevel: 29, now: () => clock.now() }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TransportError);
    expect((refused as TransportError).kind).toBe("tls");
    expect((refused as TransportError).detail).toBe("tls.weak-signature");
    expect((refused as TransportError).message).toMatch(/Signature uses an insecure hash function: 1\.2\.840\.113549\.1\.1\.5/);
    expect(seen).toBe(0);
    const served = await get(`${server.httpsUrl}/policy/api/records`, { platform: "android", osVersion: "9", apiLevel: 28, now: () => clock.now() });
    expect(served.status).toBe(200);
    expect(seen).toBe(1);
  });

  it("without a device's rules, OpenSSL's own floor refuses a SHA-1 CA (the level drops only where the device judges)", async () => {
    const e = (await get(`${server.httpsUrl}/policy/api/records`).catch((x: unknown) => x)) as TransportError;
    expect(e).toBeInstanceOf(TransportError);
    expect(e.message).toMatch(/CA signature digest algorithm too weak/);
  });

  it("the validity window is judged on the device's clock, on resumed sessions too", async () => {
    const sessions = tlsSessionCache();
    const stats = http.tlsStats;
    let offset = 0;
    const trust = { platform: "windows" as const, osVersion: "10.0.22631.1", now: () => clock.now() + offset };
    expect((await get(`${server.httpsUrl}/policy/api/records`, trust, sessions)).status).toBe(200);
    const resumedBefore = stats.resumed;
    offset = 31 * DAY; // the device's clock is a month ahead: the 30-day certificate has expired for it
    const e = (await get(`${server.httpsUrl}/policy/api/records`, trust, sessions).catch((x: unknown) => x)) as TransportError;
    expect(stats.resumed).toBe(resumedBefore + 1);
    expect(e.detail).toBe("tls.expired");
    expect(e.message).toMatch(/CERT_HAS_EXPIRED.*notAfter .* is before the device's clock/);
    offset = -2 * DAY;
    expect(((await get(`${server.httpsUrl}/policy/api/records`, trust, sessions).catch((x: unknown) => x)) as TransportError).detail).toBe("tls.not-yet-valid");
  });

  it("an endpoint on its own listener serves its own chain; the URLs the server hands out name it", async () => {
    const scep = server.urls.endpoints?.find((x) => x.path === "/scep");
    expect(scep?.base).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(server.scepUrl).toBe(`${scep!.base}/scep`);
    const ios = (v: string) => ({ platform: "ios" as const, osVersion: v, now: () => clock.now() });
    const e = (await get(`${server.scepUrl}?operation=GetCACaps`, ios("13.7")).catch((x: unknown) => x)) as TransportError;
    expect(e.detail).toBe("tls.policy");
    expect((await get(`${server.scepUrl}?operation=GetCACaps`, ios("12.5.7"))).status).toBe(200);
  });
});
