// SPDX-License-Identifier: MIT
/**
 * Single-use challenges (embedded.apple.scepChallenge.singleUse): a challenge enrolls one SCEP
 * transaction; a re-sent PKCSReq of that transaction is answered again (RFC 8894 §3.3.3), another
 * transaction with the same challenge gets FAILURE badRequest.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { VirtualClock } from "../../src/platform/virtual/clock.js";
import { InMemoryHttp } from "../../src/platform/virtual/http.js";
import { ReferenceServer } from "../../src/server/reference-server.js";
import { NdesPolicyModule } from "../../src/server/apple/ndes.js";
import type { HalfContext } from "../../src/server/half.js";
import { crypto, harness, testKeys } from "../support/scep-harness.js";

async function setup() {
  const keys = await testKeys();
  const clock = new VirtualClock(Date.UTC(2026, 10, 21, 12));
  const server = await ReferenceServer.create({ keys: { ca: await keys.rsa(20) }, now: () => clock.now() });
  const http = new InMemoryHttp({ clock, handler: server.handler });
  return { clock, server, http };
}

describe("single-use SCEP challenges", () => {
  beforeAll(testKeys);

  it("the same key (same transaction) is answered again; a new key with the spent challenge is refused badRequest", async () => {
    const { clock, server, http } = await setup();
    server.scep.addChallenge("one-time-1", Infinity, true);
    const h = harness(http, clock, { url: "http://ca.test/scep" });
    const first = await clock.run(h.client.enroll(await h.enrollArgs("one-time-1", "CN=ipad-1,O=enrollsim", 0)));
    expect(first).toMatchObject({ status: "issued" });
    const again = await clock.run(h.client.enroll(await h.enrollArgs("one-time-1", "CN=ipad-1,O=enrollsim", 0)));
    expect(again).toMatchObject({ status: "issued" });
    const other = await clock.run(h.client.enroll(await h.enrollArgs("one-time-1", "CN=ipad-1,O=enrollsim", 1)));
    expect(other).toMatchObject({ status: "failure", failInfo: "badRequest" });
    expect(server.scep.log.at(-1)).toMatch(/challenge password was already used \(single-use\)/);
  });

  it("a challenge registered without singleUse enrolls any number of transactions", async () => {
    const { clock, server, http } = await setup();
    server.scep.addChallenge("reusable-1", Infinity);
    const h = harness(http, clock, { url: "http://ca.test/scep" });
    for (const slot of [0, 1, 2]) expect(await clock.run(h.client.enroll(await h.enrollArgs("reusable-1", "CN=ipad-1,O=enrollsim", slot)))).toMatchObject({ status: "issued" });
  });

  it("the NDES stand-in refuses a second request with a single-use challenge as NDES does: HTTP 500 without a CertRep", async () => {
    const { clock, server } = await setup();
    const ndes = new NdesPolicyModule({ now: () => clock.now(), scep: server.scep, crypto } as unknown as HalfContext, { singleUse: true });
    const challenge = ndes.issue();
    const http = new InMemoryHttp({ clock, handler: ndes.handle });
    const h = harness(http, clock, { url: "http://ca.test/apple/ndes" });
    expect(await clock.run(h.client.enroll(await h.enrollArgs(challenge, "CN=ipad-2,O=enrollsim", 0)))).toMatchObject({ status: "issued" });
    await expect(clock.run(h.client.enroll(await h.enrollArgs(challenge, "CN=ipad-2,O=enrollsim", 1)))).rejects.toMatchObject({ kind: "http-status", status: 500 });
    expect(ndes.stats).toMatchObject({ passed: 1, reused: 1 });
  });
});
