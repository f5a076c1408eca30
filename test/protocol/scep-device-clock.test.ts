// SPDX-License-Identifier: MIT
/**
 * The device's own clock in SCEP, on virtual time: the PKIOperation's CMS signingTime and the
 * self-signed signer certificate's validity are written on the device's clock
 * (ProtocolContext.deviceTime = scenario clock + state.clockOffset), which the openssl CLI reads
 * back; the CA compares the signingTime with its own clock only when embedded.scep.clockSkewSeconds
 * is set (RFC 8894 failInfo badTime), and dates issued certificates backdateSeconds before its now.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { HttpRequest } from "../../src/ports/http.js";
import { VirtualClock } from "../../src/platform/virtual/clock.js";
import { InMemoryHttp } from "../../src/platform/virtual/http.js";
import { ReferenceServer } from "../../src/server/reference-server.js";
import type { ScepServerConfig } from "../../src/server/scep/config.js";
import { parsePkiMessage } from "../../src/wire/scep/message.js";
import { signingTimeOf } from "../../src/wire/cms/signed-data.js";
import { harness, testKeys } from "../support/scep-harness.js";
import { OPENSSL_VERSION, opensslOk } from "../wire/support/openssl.js";

const T0 = Date.UTC(2026, 10, 21, 12);

async function setup(scep: Partial<ScepServerConfig>, deviceOffsetMs: number) {
  const keys = await testKeys();
  const clock = new VirtualClock(T0);
  const server = await ReferenceServer.create({ scep, keys: { ca: await keys.rsa(20) }, now: () => clock.now() });
  const requests: HttpRequest[] = [];
  const http = new InMemoryHttp({
    clock,
    handler: (req) => {
      if (req.url.includes("operation=PKIOperation")) requests.push(req);
      return server.handler(req);
    },
  });
  const h = harness(http, clock, { url: "http://ca.test/scep" });
  h.ctx.deviceTime = () => clock.now() + deviceOffsetMs;
  return { clock, server, h, requests };
}

describe("SCEP on the device's clock (virtual time)", () => {
  beforeAll(testKeys);

  it("a device 3 minutes behind writes its clock as signingTime and dates its signer certificate by it; the CA (no skew set) issues", async () => {
    const { clock, h, requests } = await setup({}, -180_000);
    const out = await clock.run(h.client.enroll(await h.enrollArgs()));
    expect(out).toMatchObject({ status: "issued" });
    const msg = parsePkiMessage(requests[0]!.body!, "request");
    const signedAt = signingTimeOf(msg.signer)!.getTime();
    expect(signedAt).toBe(Math.floor((clock.now() - 180_000) / 1000) * 1000);
    // The transcript says which time the device wrote.
    expect(h.events.find((e) => e.kind === "decoded" && e.data.signingTime)?.data.signingTime).toBe(new Date(signedAt).toISOString());
    const signerCert = msg.signedData.certificates[0]!;
    expect(signerCert.notBefore.getTime()).toBe(Math.floor((clock.now() - 180_000 - 3_600_000) / 1000) * 1000);
  });

  it("with clockSkewSeconds 60 the CA refuses a request signed 90 s behind its clock with FAILURE badTime, and issues one 30 s behind", async () => {
    const far = await setup({ clockSkewSeconds: 60 }, -90_000);
    const refused = await far.clock.run(far.h.client.enroll(await far.h.enrollArgs()));
    expect(refused).toMatchObject({ status: "failure", failInfo: "badTime" });
    expect(far.server.scep.log.at(-1)).toMatch(/badTime: signing time .* is 90 s behind the server clock/);
    const near = await setup({ clockSkewSeconds: 60 }, -30_000);
    expect(await near.clock.run(near.h.client.enroll(await near.h.enrollArgs()))).toMatchObject({ status: "issued" });
    // Ahead counts the same as behind.
    const ahead = await setup({ clockSkewSeconds: 60 }, +90_000);
    expect(await ahead.clock.run(ahead.h.client.enroll(await ahead.h.enrollArgs()))).toMatchObject({ status: "failure", failInfo: "badTime" });
  });

  it("the CA dates NotBefore backdateSeconds before its clock (default 300 s)", async () => {
    for (const [scep, back] of [
      [{}, 300_000],
      [{ backdateSeconds: 0 }, 0],
      [{ backdateSeconds: 600 }, 600_000],
    ] as const) {
      const { clock, h } = await setup(scep, 0);
      const out = await clock.run(h.client.enroll(await h.enrollArgs()));
      if (out.status !== "issued") throw new Error(`not issued: ${out.status}`);
      expect(out.certificate.notBefore.getTime()).toBe(Math.floor((clock.now() - back) / 1000) * 1000);
    }
  });

  it("a RenewalReq signed on a device clock past its certificate's NotAfter is refused badMessageCheck (signingTime outside the signer's validity), though the certificate is valid on the server's clock", async () => {
    let offset = 0;
    const { clock, server, h } = await setup({}, 0);
    h.ctx.deviceTime = () => clock.now() + offset;
    const first = await clock.run(h.client.enroll(await h.enrollArgs()));
    if (first.status !== "issued") throw new Error(`not issued: ${first.status}`);
    const args = await h.enrollArgs("enrollsim-challenge", "CN=device-1,O=enrollsim", 1);
    const renew = { ...args, currentCert: first.certificate, currentKey: (await h.enrollArgs()).key };
    offset = 400 * 86_400_000; // the device's clock jumped 400 days ahead; the certificate lives 365
    expect(await clock.run(h.client.renew(renew))).toMatchObject({ status: "failure", failInfo: "badMessageCheck" });
    expect(server.scep.log.at(-1)).toMatch(/RenewalReq → FAILURE badMessageCheck: pkcs7: signing time ".*" is outside of certificate validity/);
    offset = 0;
    expect(await clock.run(h.client.renew(renew))).toMatchObject({ status: "issued" });
  });

  it.skipIf(!OPENSSL_VERSION && !process.env.CI)("openssl reads the device's clock (not the scenario clock) as the PKCSReq's signingTime", async () => {
    const { clock, h, requests } = await setup({}, -7 * 86_400_000);
    await clock.run(h.client.enroll(await h.enrollArgs()));
    const dir = mkdtempSync(join(tmpdir(), "enrollsim-scep-clock-"));
    try {
      writeFileSync(join(dir, "req.der"), requests[0]!.body!);
      const print = opensslOk(["cms", "-cmsout", "-print", "-inform", "DER", "-in", join(dir, "req.der")]).text;
      const m = /signingTime[\s\S]*?UTCTIME:([^\n]+GMT)/.exec(print);
      const device = Math.floor((clock.now() - 7 * 86_400_000) / 1000) * 1000;
      expect(new Date(m![1]!).getTime()).toBe(device);
      expect(new Date(m![1]!).getTime()).not.toBe(Math.floor(clock.now() / 1000) * 1000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
