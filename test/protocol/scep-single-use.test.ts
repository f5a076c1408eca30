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
import { harness, testKeys } from "../support/scep-harness.js";

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
});
