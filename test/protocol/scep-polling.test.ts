// SPDX-License-Identifier: MIT
/** PENDING polling and retry limits on virtual time (in-memory transport, no real waiting). */
import { beforeAll, describe, expect, it } from "vitest";
import { VirtualClock } from "../../src/platform/virtual/clock.js";
import { InMemoryHttp } from "../../src/platform/virtual/http.js";
import { ReferenceServer } from "../../src/server/reference-server.js";
import { harness, testKeys } from "../support/scep-harness.js";

async function setup(pending: number) {
  const keys = await testKeys();
  const clock = new VirtualClock(Date.UTC(2026, 10, 21, 12));
  const server = await ReferenceServer.create({ scep: { pending }, keys: { ca: await keys.rsa(20) }, now: () => clock.now() });
  const http = new InMemoryHttp({ clock, handler: server.handler });
  return { server, clock, http };
}

describe("SCEP PENDING polling on virtual time", () => {
  beforeAll(testKeys);

  it("PENDING twice, then issued: two CertPolls 10 minutes apart on the same transactionID", async () => {
    const { clock, http, server } = await setup(2);
    const h = harness(http, clock, { url: "http://ca.test/scep", poll: { maxAttempts: 3, delayMs: 600_000, backoff: 1 } });
    const t0 = clock.now();
    const out = await clock.run(h.client.enroll(await h.enrollArgs()), 2 * 3_600_000);
    expect(out).toMatchObject({ status: "issued", polls: 2 });
    expect(clock.now() - t0).toBe(1_200_000);
    expect(h.steps.map((s) => s.step)).toEqual(["scep.getcacaps", "scep.getcacert", "scep.pkioperation", "scep.certpoll", "scep.certpoll"]);
    const tids = new Set(h.events.filter((e) => e.kind === "decoded" && e.data.transactionID).map((e) => e.data.transactionID));
    expect(tids.size).toBe(1);
    const nonces = h.events.filter((e) => e.kind === "decoded" && e.data.senderNonce).map((e) => e.data.senderNonce);
    expect(new Set(nonces).size).toBe(3);
    expect(server.scep.stats).toMatchObject({ issued: 1, pending: 2 });
    expect(clock.pendingTimers).toBe(0);
  });

  it("gives up after maxAttempts polls while the CA stays PENDING, as a value", async () => {
    const { clock, http } = await setup(10);
    const h = harness(http, clock, { url: "http://ca.test/scep", poll: { maxAttempts: 3, delayMs: 10_000, backoff: 1 } });
    const out = await clock.run(h.client.enroll(await h.enrollArgs()));
    expect(out).toMatchObject({ status: "pending-gave-up", polls: 3 });
    expect(h.steps.filter((s) => s.step === "scep.certpoll")).toHaveLength(3);
    expect(clock.pendingTimers).toBe(0);
  });

  it("applies backoff between polls", async () => {
    const { clock, http } = await setup(3);
    const h = harness(http, clock, { url: "http://ca.test/scep", poll: { maxAttempts: 5, delayMs: 1_000, backoff: 2 } });
    const starts: number[] = [];
    const origin = clock.now();
    const record = h.ctx.onStep!;
    h.ctx.onStep = (s) => {
      if (s.step === "scep.certpoll") starts.push(clock.now() - origin);
      record(s);
    };
    const out = await clock.run(h.client.enroll(await h.enrollArgs()));
    expect(out).toMatchObject({ status: "issued", polls: 3 });
    expect(starts).toEqual([1_000, 3_000, 7_000]);
  });

  it("with no polls allowed, the first PENDING ends the enrolment", async () => {
    const { clock, http } = await setup(1);
    const h = harness(http, clock, { url: "http://ca.test/scep", poll: { maxAttempts: 0 } });
    expect(await clock.run(h.client.enroll(await h.enrollArgs()))).toMatchObject({ status: "pending-gave-up", polls: 0 });
  });
});
