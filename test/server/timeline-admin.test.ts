// SPDX-License-Identifier: MIT
/** The reference server's timeline side, in memory: each action reaches the part that models it. */
import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../src/platform/virtual/clock.js";
import type { AppleServer } from "../../src/server/apple/server.js";
import { ReferenceServer } from "../../src/server/reference-server.js";
import { referenceServerTimeline } from "../../src/server/timeline-admin.js";
import { testKeys } from "../support/scep-harness.js";

async function world(platforms: { apple?: unknown; windows?: unknown; android?: unknown }) {
  const clock = new VirtualClock(Date.UTC(2026, 10, 22, 8));
  const keys = await testKeys();
  const server = await ReferenceServer.create({ keys: { ca: await keys.rsa(11) }, now: () => clock.now(), platforms });
  const apple = (server.halves.find((h) => h.name === "apple") as unknown as { apple: AppleServer }).apple;
  return { clock, server, apple, tl: referenceServerTimeline(server, platforms, clock) };
}

describe("referenceServerTimeline", () => {
  it("deleteRecords drops an ADE device from the server's list; resync (a full ABM sync) brings it back", async () => {
    const w = await world({ apple: {} });
    const abm = w.apple.field.abm!;
    abm.assign("F2LX00000001");
    abm.assign("F2LX00000002");
    const ref = { index: 0, id: "iphone-15#0", identity: { serialNumber: "F2LX00000001" }, certificateSerials: [] };
    expect(await w.tl.apply({ kind: "deleteRecords", in: ["mdm"] }, [ref])).toBe("deleted 1 device record(s) of 1 device(s)");
    expect([...abm.records.keys()]).toEqual(["F2LX00000002"]);
    expect(abm.gate("F2LX00000001")?.status).toBe(403);
    expect(await w.tl.apply({ kind: "resync" }, undefined)).toBe("ADE device list: full sync with Apple Business Manager (2 record(s), 1 back)");
    expect(abm.records.get("F2LX00000001")).toMatchObject({ source: "full-sync", reappeared: true });
    await w.server.close();
  });

  it("a set of embedded.apple.apnsCertificate is the admin renewing the push certificate: another Apple ID gets another topic, the same one keeps it", async () => {
    const w = await world({ apple: { apnsCertificate: { appleId: "mdm-admin@example.org" } } });
    await w.apple.warm();
    const provider = w.apple.services.provider!;
    const first = provider.current!.topic;
    const set = (path: string, value: unknown) => w.tl.apply({ kind: "set", values: [{ path: path.split("."), value }] }, undefined);
    await set("embedded.apple.apnsCertificate.expiresInDays", 400);
    expect(provider.renewals).toBe(1);
    expect(provider.current!.topic).toBe(first);
    await set("embedded.apple.apnsCertificate.appleId", "other-admin@example.org");
    expect(provider.renewals).toBe(2);
    expect(provider.current).toMatchObject({ appleId: "other-admin@example.org" });
    expect(provider.current!.topic).not.toBe(first);
    // Another part of the configuration is no renewal.
    await set("embedded.apple.accessRights", 8191);
    expect(provider.renewals).toBe(2);
    await w.server.close();
  });

  it("actions nothing models say so instead of pretending", async () => {
    const w = await world({});
    // The Apple half always keeps an ADE device list to sync (nothing in it yet).
    expect(await w.tl.apply({ kind: "resync" }, undefined)).toBe("ADE device list: full sync with Apple Business Manager (0 record(s), 0 back)");
    expect(await w.tl.apply({ kind: "expire", what: "push-certificate" }, undefined)).toBe("not applied: the scenario models no push certificate (embedded.apple.apnsCertificate)");
    expect(await w.tl.apply({ kind: "revoke", what: "device-certificate" }, [{ index: 0, id: "pixel-8#0", certificateSerials: [] }])).toBe("revoked 0 certificate(s); 1 targeted device(s) held no certificate yet");
    await w.server.close();
  });

  it("setOwnership that changes nothing says why: no device targeted, a platform without the change, no record yet", async () => {
    const w = await world({});
    expect(await w.tl.apply({ kind: "setOwnership", ownership: "personal" }, [])).toBe("0 device record(s) now personal: the action's target (group, platform, devices, count) selects no device");
    const pc = { index: 0, id: "windows-11-laptop#0", identity: { platform: "windows", windowsDeviceId: "0123456789ABCDEF0123456789ABCDEF" }, certificateSerials: [] };
    const phone = { index: 1, id: "pixel-8#1", identity: { platform: "android", imei: "356938035643809" }, certificateSerials: [] };
    const result = await w.tl.apply({ kind: "setOwnership", ownership: "personal" }, [pc, phone]);
    expect(result).toMatch(/^0 device record\(s\) of 2 device\(s\) now personal; unchanged: /);
    expect(result).toContain("1 device(s): the server holds no record of them (not enrolled yet when the action ran");
    expect(result).toContain("1 device(s): their platform (android) keeps no ownership the embedded server lets an admin change");
    await w.server.close();
  });

  it("endpointDown answers 503 (with Retry-After) at the path glob until endpointUp; set changes the CA's answers", async () => {
    const w = await world({});
    await w.tl.apply({ kind: "endpointDown", path: "/scep*", answer: 503, retryAfter: 30 }, undefined);
    const down = await w.server.handler({ method: "GET", url: "/scep?operation=GetCACaps" });
    expect(down.status).toBe(503);
    expect(down.headers["retry-after"]).toBe("30");
    expect((await w.server.handler({ method: "GET", url: "/apple/ca.pem" })).status).not.toBe(503);
    expect(await w.tl.apply({ kind: "endpointUp", path: "/scep*" }, undefined)).toBe("/scep* is back");
    expect((await w.server.handler({ method: "GET", url: "/scep?operation=GetCACaps" })).status).toBe(200);
    await w.tl.apply({ kind: "set", values: [{ path: ["embedded", "scep", "caps"], value: ["SHA-256"] }] }, undefined);
    expect(Buffer.from((await w.server.handler({ method: "GET", url: "/scep?operation=GetCACaps" })).body).toString()).toBe("SHA-256");
    await w.server.close();
  });
});
