// SPDX-License-Identifier: MIT
/**
 * Compliance grace period and conditional access, contract over loopback: a Windows device enrolls
 * against the embedded server (real sockets), then asks a cloud app behind conditional access (the
 * Store licence service) for a licence with its enrollment certificate (mTLS). The server's clock is
 * virtual: the grace period elapses in milliseconds, and the same request is refused with AADSTS53000.
 * A runtime policy change through the holder applies to the next request.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDevice } from "../../src/api/device.js";
import { NodeCrypto } from "../../src/platform/node/crypto.js";
import { NodeHttp } from "../../src/platform/node/http.js";
import { RealClock } from "../../src/platform/node/clock.js";
import { VirtualClock } from "../../src/platform/virtual/clock.js";
import { PolicyConfigHolder } from "../../src/server/policy/holder.js";
import { ReferenceServer } from "../../src/server/reference-server.js";
import { toPem } from "../../src/wire/x509/certificate.js";
import { testKeys } from "../support/scep-harness.js";

const HOUR = 3_600_000;
const APP = "Contoso.Expenses_8wekyb3d8bbwe";

describe("compliance grace period → conditional access blocks a cloud app (loopback, virtual server clock)", () => {
  const serverClock = new VirtualClock(Date.now());
  const holder = new PolicyConfigHolder({
    directory: { users: [{ upn: "kim@contoso.com", groups: ["finance"] }] },
    compliance: { policies: [{ name: "Windows 11 24H2 or later", platform: "windows", assign: ["finance"], rules: { minOs: "10.0.26100" }, graceHours: 72 }] },
    conditionalAccess: { requireCompliantDevice: true },
  });
  let server: ReferenceServer;
  beforeAll(async () => {
    server = await ReferenceServer.start({ now: () => serverClock.now(), policy: holder, platforms: { windows: { esp: { storeApps: [{ name: APP }] } } } });
  });
  afterAll(() => server.close());

  it("in grace the licence is granted; 72 h later the device is noncompliant and refused; excluding the app lets it through again", async () => {
    const device = await createDevice({ model: "windows-11-laptop", seed: "policy-ca", index: 0, keys: await testKeys(), tls: { ca: [server.caPem] } });
    const result = await device.run("windows-byod", { windows: { upn: "kim@contoso.com" } }, { scepUrl: server.scepUrl, server: { ...server.urls, embedded: true } });
    expect(result).toMatchObject({ ok: true, code: "windows.byod.enrolled" });
    const id = result.keychain.identities[0]!;
    const deviceId = /CN=([0-9A-F]{32})/.exec(id.certificate.subject)![1]!;
    const crypto = new NodeCrypto();
    const http = new NodeHttp({ clock: new RealClock() }).client({ tls: { ca: [server.caPem], identity: { certPem: toPem(id.certificate.der), keyPem: crypto.privateKeyPem(id.key) } } });
    const licence = async () => {
      const res = await http.request({ method: "POST", url: `${server.urls.https}/windows/store/licenses`, headers: { "content-type": "application/json" }, body: new TextEncoder().encode(JSON.stringify({ packageFamilyName: APP })) });
      return { status: res.status, body: JSON.parse(new TextDecoder().decode(res.body)) as { error?: string; compliance?: string } };
    };
    try {
      expect(server.policy.compliance(deviceId)).toMatchObject({ state: "in-grace", results: [{ policy: "Windows 11 24H2 or later", failing: [expect.stringContaining("minimum OS 10.0.26100")] }] });
      expect((await licence()).status).toBe(200);
      await serverClock.advance(71 * HOUR);
      expect((await licence()).status).toBe(200);
      await serverClock.advance(HOUR);
      expect(await licence()).toEqual({ status: 403, body: expect.objectContaining({ error: "AADSTS53000", compliance: "noncompliant" }) });
      holder.set("conditionalAccess.excludeApps", ["store"]);
      expect((await licence()).status).toBe(200);
      const recs = (await (await new NodeHttp({ clock: new RealClock() }).client({ tls: { ca: [server.caPem] } }).request({ method: "GET", url: `${server.urls.https}/policy/api/records` })).body) as Uint8Array;
      expect(JSON.parse(new TextDecoder().decode(recs)).enrollments).toEqual([expect.objectContaining({ deviceKey: deviceId, upn: "kim@contoso.com", ownership: "personal", compliance: "noncompliant" })]);
    } finally {
      await http.close();
    }
  }, 60_000);
});
