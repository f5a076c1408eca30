// SPDX-License-Identifier: MIT
/** The Apple half's mock APNs listener (describe(), close) and its DDM endpoint's handling of bad status reports. */
import { describe, expect, it } from "vitest";
import { createAppleHalf, type AppleServer } from "../../../src/server/apple/server.js";
import { buildDeclarativeManagement } from "../../../src/wire/apple/ddm.js";
import { crypto, appleWorld, URLS } from "../../device/apple/harness.js";
import { apnsPost } from "../../device/apple/apns-client.js";

describe("Apple half: mock APNs", () => {
  it("starts beside the half on 127.0.0.1, is named in describe(), and closes", async () => {
    const w = await appleWorld({});
    const half = (await createAppleHalf({ crypto, now: () => w.clock.now(), scep: w.ref.scep, urls: () => URLS, config: {} })) as Awaited<ReturnType<typeof createAppleHalf>> & { apple: AppleServer };
    try {
      const line = half.describe!().find((l) => l.includes("mock APNs"))!;
      const url = /(http:\/\/127\.0\.0\.1:\d+)/.exec(line)![1]!;
      const r = await apnsPost(url, "ab".repeat(32), { "apns-topic": "t", "apns-push-type": "mdm" }, '{"mdm":"x"}');
      expect([r.status, JSON.parse(r.body).reason]).toEqual([400, "BadDeviceToken"]);
      const stats = JSON.parse(Buffer.from((await half.handler({ method: "GET", url: `${URLS.https}/apple/api/stats`, headers: {} })).body).toString());
      expect(stats.apns).toMatchObject({ requests: 1, rejected: { BadDeviceToken: 1 } });
    } finally {
      await half.close!();
    }
    const off = await createAppleHalf({ crypto, now: () => w.clock.now(), scep: w.ref.scep, urls: () => URLS, config: { apns: false } });
    expect(off.describe!().some((l) => l.includes("mock APNs"))).toBe(false);
    await off.close!();
  });
});

describe("Apple half: DDM endpoint", () => {
  it("serves tokens; rejects malformed status reports and unknown endpoints with 400", async () => {
    const w = await appleWorld({ ddm: { enabled: true } });
    const dev = await w.device("iphone-15", 11);
    expect((await w.run(dev, "ios-profile", {})).ok).toBe(true);
    const rec = [...w.apple.devices.values()][0]!;
    // Reach the DDM room's check-in handler directly, as check-in does once the identity checks passed at enrolment.
    const ddm = (w.apple as unknown as { ddm: { declarative(d: unknown, dict: unknown): { status: number; body: Uint8Array } } }).ddm;
    const declarative = ddm.declarative.bind(ddm);
    const tokens = declarative(rec, buildDeclarativeManagement({ udid: rec.udid }, "tokens"));
    expect(JSON.parse(Buffer.from(tokens.body).toString()).SyncTokens.DeclarationsToken).toMatch(/^[0-9a-f]{16}$/);
    for (const bad of ['{"StatusItems":[],"Errors":[]}', "not json", '{"StatusItems":{}}']) {
      const r = declarative(rec, buildDeclarativeManagement({ udid: rec.udid }, "status", new Uint8Array(Buffer.from(bad))));
      expect(r.status).toBe(400);
    }
    expect(declarative(rec, buildDeclarativeManagement({ udid: rec.udid }, "status")).status).toBe(400);
    expect(declarative(rec, buildDeclarativeManagement({ udid: rec.udid }, "declaration/configuration/nope")).status).toBe(404);
    expect(declarative(rec, buildDeclarativeManagement({ udid: rec.udid }, "../etc")).status).toBe(400);
    expect(w.apple.stats.rejected["ddm.status"]).toBe(4);
  });
});
