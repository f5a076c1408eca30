// SPDX-License-Identifier: MIT
/**
 * Exactly-once SCEP resume (issue 13 #5, RFC 8894 §3.3.3): the client saves a durable checkpoint
 * (transaction id, key slot, CA fingerprint, URL) before its PKCSReq leaves; a device resumed from
 * it re-polls the same transaction with the same key instead of enrolling again. Counted on the
 * reference server's own request records. In-memory transport, virtual time.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { VirtualClock } from "../../src/platform/virtual/clock.js";
import { InMemoryHttp } from "../../src/platform/virtual/http.js";
import type { CheckpointPort, DurablePoint, ResumeMode } from "../../src/ports/index.js";
import { ReferenceServer } from "../../src/server/reference-server.js";
import { harness, testKeys } from "../support/scep-harness.js";

const URL_ = "http://ca.test/scep";

async function setup(pending: number, caSlot = 20) {
  const keys = await testKeys();
  const clock = new VirtualClock(Date.UTC(2026, 10, 21, 12));
  const server = await ReferenceServer.create({ scep: { pending }, keys: { ca: await keys.rsa(caSlot) }, now: () => clock.now() });
  return { server, clock, http: new InMemoryHttp({ clock, handler: server.handler }) };
}

/** A checkpoint port like the runner's: remembers what was saved and how the device resumed. */
function port(saved?: DurablePoint): CheckpointPort & { points: DurablePoint[]; modes: { mode: ResumeMode; why?: string }[] } {
  const p = {
    ...(saved ? { saved } : {}),
    points: [] as DurablePoint[],
    modes: [] as { mode: ResumeMode; why?: string }[],
    save(point: DurablePoint) {
      p.points.push(point);
    },
    resumed(mode: ResumeMode, why?: string) {
      p.modes.push({ mode, ...(why ? { why } : {}) });
    },
  };
  return p;
}

/** A first run that sends its PKCSReq and dies (gives up at once on PENDING: nothing after the PKCSReq happens). */
async function killedAfterPkcsReq(env: Awaited<ReturnType<typeof setup>>) {
  const h = harness(env.http, env.clock, { url: URL_, poll: { maxAttempts: 0 } });
  const cp = port();
  h.ctx.checkpoint = cp;
  const out = await env.clock.run(h.client.enroll({ ...(await h.enrollArgs()), keySlot: 0 }));
  expect(out.status).toBe("pending-gave-up");
  expect(cp.points).toHaveLength(1);
  return cp.points[0]!;
}

describe("SCEP resume from a durable checkpoint", () => {
  beforeAll(testKeys);

  it("the checkpoint is saved before the PKCSReq leaves and names transaction, key slot, CA and URL", async () => {
    const env = await setup(0);
    const h = harness(env.http, env.clock, { url: URL_ });
    const order: string[] = [];
    h.ctx.checkpoint = { save: (p) => order.push(`save ${p.step}`), resumed: () => order.push("resumed") };
    const record = h.ctx.onStep!;
    h.ctx.onStep = (s) => (order.push(`step ${s.step}`), record(s));
    const out = await env.clock.run(h.client.enroll({ ...(await h.enrollArgs()), keySlot: 0 }));
    expect(out.status).toBe("issued");
    expect(order).toEqual(["step scep.getcacaps", "step scep.getcacert", "save scep.pkioperation", "step scep.pkioperation"]);
    expect(env.server.records().scepRequests).toEqual([{ transactionID: out.transactionID, subject: expect.stringContaining("device-1"), pkcsReqs: 1, certPolls: 0 }]);
  });

  it("resumed from the checkpoint: CertPoll on the same transaction, no second PKCSReq, one certificate", async () => {
    const env = await setup(1);
    const saved = await killedAfterPkcsReq(env);
    expect(saved).toMatchObject({ step: "scep.pkioperation", data: { messageType: "PKCSReq", keySlot: 0, url: URL_ } });
    const h = harness(env.http, env.clock, { url: URL_ });
    const cp = port(saved);
    h.ctx.checkpoint = cp;
    const out = await env.clock.run(h.client.enroll({ ...(await h.enrollArgs()), keySlot: 0 }));
    expect(out).toMatchObject({ status: "issued", transactionID: saved.data.transactionID });
    expect(cp.modes).toEqual([{ mode: "checkpoint" }]);
    expect(cp.points).toEqual([]);
    expect(h.steps.map((s) => s.step)).toEqual(["scep.getcacaps", "scep.getcacert", "scep.certpoll"]);
    const rec = env.server.records();
    expect(rec.scepRequests).toMatchObject([{ transactionID: saved.data.transactionID, pkcsReqs: 1, certPolls: 1 }]);
    expect(rec.certificates).toHaveLength(1);
  });

  it("the CA never received the PKCSReq (badCertId on the poll): the PKCSReq is sent now, still the only one", async () => {
    const first = await setup(1);
    const saved = await killedAfterPkcsReq(first);
    const env = await setup(0); // same CA key, a server that holds no transaction
    const h = harness(env.http, env.clock, { url: URL_ });
    const cp = port(saved);
    h.ctx.checkpoint = cp;
    const out = await env.clock.run(h.client.enroll({ ...(await h.enrollArgs()), keySlot: 0 }));
    expect(out.status).toBe("issued");
    expect(cp.modes).toEqual([{ mode: "checkpoint" }]);
    expect(cp.points).toHaveLength(1); // saved again before the PKCSReq
    expect(h.steps.map((s) => s.step)).toEqual(["scep.getcacaps", "scep.getcacert", "scep.certpoll", "scep.pkioperation"]);
    expect(h.events.some((e) => e.kind === "note" && String(e.data.resume).includes("never reached it"))).toBe(true);
    expect(env.server.records().scepRequests).toMatchObject([{ pkcsReqs: 1, certPolls: 0 }]);
  });

  it("a checkpoint of another CA or another key cannot be resumed: the device restarts and says why", async () => {
    const first = await setup(1);
    const saved = await killedAfterPkcsReq(first);
    const env = await setup(0, 21); // another CA key
    const h = harness(env.http, env.clock, { url: URL_ });
    const cp = port(saved);
    h.ctx.checkpoint = cp;
    expect((await env.clock.run(h.client.enroll({ ...(await h.enrollArgs()), keySlot: 0 }))).status).toBe("issued");
    expect(cp.modes).toEqual([{ mode: "restart", why: expect.stringMatching(/^the CA is not the checkpoint's/) }]);
    expect(h.steps.map((s) => s.step)).toEqual(["scep.getcacaps", "scep.getcacert", "scep.pkioperation"]);

    const h2 = harness(first.http, first.clock, { url: URL_ });
    const cp2 = port(saved);
    h2.ctx.checkpoint = cp2;
    expect((await first.clock.run(h2.client.enroll({ ...(await h2.enrollArgs(undefined, undefined, 1)), keySlot: 1 }))).status).toBe("issued");
    expect(cp2.modes).toEqual([{ mode: "restart", why: expect.stringMatching(/^the device key is not the checkpoint's/) }]);
  });
});
