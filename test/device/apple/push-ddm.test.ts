// SPDX-License-Identifier: MIT
/**
 * Push wake-ups through the mock APNs (real loopback HTTP/2 for the endpoint, virtual time for
 * the device) and a DDM sync with the status report the server records.
 */
import { afterEach, describe, expect, it } from "vitest";
import { pushRegistry } from "../../../src/device/apple/push.js";
import { MockApns } from "../../../src/server/apple/apns.js";
import { getStatusItem } from "../../../src/wire/apple/ddm.js";
import { apnsPost } from "./apns-client.js";
import { URLS, appleWorld } from "./harness.js";

const TOPIC = "com.apple.mgmt.External.6f1c2a3b-enrollsim-reference";

const pushHeaders = (topic = TOPIC, extra: Record<string, string> = {}) => ({ "apns-topic": topic, "apns-push-type": "mdm", ...extra });

let apns: MockApns | undefined;
afterEach(async () => {
  await apns?.close();
  apns = undefined;
});

describe("mock APNs wakes an enrolled device", () => {
  it("a server-side command + a push to the device's token: the Idle comes at once, not at the poll", async () => {
    const w = await appleWorld({});
    apns = new MockApns(pushRegistry, () => w.clock.now());
    const base = await apns.start();
    const dev = await w.device("iphone-15", 3);
    let done = false;
    const flow = dev.run("ios-profile", { apple: { push: { listen: 1, pollSeconds: 3600 } } }, { scepUrl: `${URLS.http}/scep`, server: { ...URLS, embedded: true } }).finally(() => {
      done = true;
    });
    // Drive virtual time until the device is enrolled and waiting for a push.
    let token: string | undefined;
    for (let i = 0; i < 3000 && !(token && pushRegistry.isOnline(token)); i++) {
      await new Promise((r) => setTimeout(r, 1));
      await w.clock.advance(100);
      token = [...w.apple.devices.values()][0]?.pushToken;
    }
    expect(token && pushRegistry.isOnline(token)).toBe(true);
    const rec = [...w.apple.devices.values()][0]!;
    const idlesBefore = w.apple.stats.commandsSent;
    const t0 = w.clock.now();
    const q = await w.apple.handler({ method: "POST", url: `${URLS.https}/apple/api/commands`, headers: { "content-type": "application/json" }, body: new Uint8Array(Buffer.from(JSON.stringify({ udid: rec.udid, requestType: "DeviceLock" }))) });
    expect(q.status).toBe(200);
    const r = await apnsPost(base, token!, pushHeaders(TOPIC, { "apns-expiration": "0" }), JSON.stringify({ mdm: rec.pushMagic }));
    expect(r.status).toBe(200);
    expect(r.headers["apns-id"]).toMatch(/^[0-9A-F-]{36}$/);
    // No virtual time passes: the device wakes on the push alone.
    for (let i = 0; i < 2000 && !done; i++) {
      await new Promise((r) => setTimeout(r, 1));
      await w.clock.advance(0);
    }
    const res = await flow;
    expect(res).toMatchObject({ ok: true, code: "apple.enrolled" });
    expect(w.clock.now() - t0).toBeLessThan(1000);
    expect(w.apple.stats.commandsSent).toBe(idlesBefore + 1);
    expect(rec.results.map((x) => x.requestType)).toContain("DeviceLock");
    expect(apns.stats()).toMatchObject({ delivered: 1 });
    const stats = JSON.parse(Buffer.from((await w.apple.handler({ method: "GET", url: `${URLS.https}/apple/api/stats`, headers: {} })).body).toString());
    expect(stats.ddmStatusReports).toBe(0);
  }, 60_000);

  it("the reference server pushes as a provider: POST /apple/api/commands with push: true wakes the device", async () => {
    const w = await appleWorld({});
    apns = new MockApns(pushRegistry, () => w.clock.now());
    await apns.start();
    w.apple.apns = apns;
    const dev = await w.device("iphone-15", 10);
    let done = false;
    const flow = dev.run("ios-profile", { apple: { push: { listen: 1, pollSeconds: 3600 } } }, { scepUrl: `${URLS.http}/scep`, server: { ...URLS, embedded: true } }).finally(() => {
      done = true;
    });
    let token: string | undefined;
    for (let i = 0; i < 3000 && !(token && pushRegistry.isOnline(token)); i++) {
      await new Promise((r) => setTimeout(r, 1));
      await w.clock.advance(100);
      token = [...w.apple.devices.values()][0]?.pushToken;
    }
    const rec = [...w.apple.devices.values()][0]!;
    const t0 = w.clock.now();
    const q = await w.apple.handler({ method: "POST", url: `${URLS.https}/apple/api/commands`, headers: {}, body: new Uint8Array(Buffer.from(JSON.stringify({ udid: rec.udid, requestType: "SecurityInfo", push: true }))) });
    expect(JSON.parse(Buffer.from(q.body).toString()).pushes).toEqual([expect.objectContaining({ udid: rec.udid, status: 200 })]);
    for (let i = 0; i < 2000 && !done; i++) {
      await new Promise((r) => setTimeout(r, 1));
      await w.clock.advance(0);
    }
    expect((await flow).ok).toBe(true);
    expect(w.clock.now() - t0).toBeLessThan(1000);
    expect(rec.results.map((x) => x.requestType)).toContain("SecurityInfo");
    expect(w.apple.stats.pushes).toBe(1);
    // An unknown device: 404; a push to everyone once it is offline stays pending (200).
    expect((await w.apple.handler({ method: "POST", url: `${URLS.https}/apple/api/push`, headers: {}, body: new Uint8Array(Buffer.from('{"udid":"nope"}')) })).status).toBe(404);
    const all = await w.apple.handler({ method: "POST", url: `${URLS.https}/apple/api/push`, headers: {}, body: new Uint8Array(Buffer.from('{"udid":"*","collapseId":"c1"}')) });
    expect(JSON.parse(Buffer.from(all.body).toString()).pushes[0]).toMatchObject({ status: 200 });
  }, 60_000);

  it("without a push the device wakes at its poll cadence on the Clock", async () => {
    const w = await appleWorld({});
    const dev = await w.device("iphone-15", 4);
    const t0 = w.clock.now();
    const res = await w.run(dev, "ios-profile", { apple: { push: { listen: 2, pollSeconds: 600 } } });
    expect(res.ok).toBe(true);
    expect(w.clock.now() - t0).toBeGreaterThanOrEqual(1_200_000);
    expect(w.clock.pendingTimers).toBe(0);
  }, 60_000);

  it("answers like Apple: BadDeviceToken, DeviceTokenNotForTopic, InvalidPushType, 410 Unregistered; counts coalesced and expired pushes", async () => {
    const w = await appleWorld({});
    apns = new MockApns(pushRegistry, () => w.clock.now());
    const base = await apns.start();
    const dev = await w.device("iphone-15", 5);
    expect((await w.run(dev, "ios-profile", {})).ok).toBe(true);
    const rec = [...w.apple.devices.values()][0]!;
    const token = rec.pushToken!;
    const body = JSON.stringify({ mdm: rec.pushMagic });
    const bad = await apnsPost(base, "00".repeat(32), pushHeaders(), body);
    expect([bad.status, JSON.parse(bad.body).reason]).toEqual([400, "BadDeviceToken"]);
    const short = await apnsPost(base, "abc", pushHeaders(), body);
    expect([short.status, JSON.parse(short.body).reason]).toEqual([400, "BadDeviceToken"]);
    const topic = await apnsPost(base, token, pushHeaders("com.example.other"), body);
    expect([topic.status, JSON.parse(topic.body).reason]).toEqual([400, "DeviceTokenNotForTopic"]);
    const type = await apnsPost(base, token, { "apns-topic": TOPIC, "apns-push-type": "alert" }, body);
    expect([type.status, JSON.parse(type.body).reason]).toEqual([400, "InvalidPushType"]);
    // The device is enrolled but offline: pushes wait; the same collapse-id coalesces.
    const before = { ...apns.stats() };
    for (let i = 0; i < 3; i++) expect((await apnsPost(base, token, pushHeaders(TOPIC, { "apns-collapse-id": "sync" }), body)).status).toBe(200);
    expect((await apnsPost(base, token, pushHeaders(TOPIC, { "apns-expiration": "0" }), body)).status).toBe(200);
    const after = apns.stats();
    expect(after.coalesced - before.coalesced).toBe(2);
    expect(after.expired - before.expired).toBe(1);
    expect(after.delivered).toBe(before.delivered);
    // A device that left management: 410 Unregistered.
    const dev2 = await w.device("iphone-15", 6);
    expect((await w.run(dev2, "ios-profile", { apple: { unenrollAtEnd: true } })).code).toBe("apple.unenrolled");
    const rec2 = [...w.apple.devices.values()].find((d) => d.udid !== rec.udid)!;
    const gone = await apnsPost(base, rec2.pushToken!, pushHeaders(), body);
    expect(gone.status).toBe(410);
    expect(JSON.parse(gone.body)).toMatchObject({ reason: "Unregistered" });
    expect(apns.stats().rejected).toMatchObject({ BadDeviceToken: 2, DeviceTokenNotForTopic: 1, InvalidPushType: 1, Unregistered: 1 });
  }, 60_000);
});

describe("declarative management", () => {
  it("syncs the declaration set and reports schema status items the server records", async () => {
    const w = await appleWorld({ ddm: { enabled: true } });
    const dev = await w.device("iphone-15", 7);
    expect((await w.run(dev, "ios-profile", {})).ok).toBe(true);
    const rec = [...w.apple.devices.values()][0]!;
    const st = rec.ddmStatus!;
    expect(getStatusItem(st, "passcode.is-compliant")).toBe(true);
    expect(getStatusItem(st, "passcode.is-present")).toBe(true);
    expect(getStatusItem(st, "device.identifier.udid")).toBe(rec.udid);
    expect(getStatusItem(st, "device.model.family")).toBe("iPhone");
    expect(typeof getStatusItem(st, "device.operating-system.version")).toBe("string");
    const decl = getStatusItem(st, "management.declarations") as Record<string, { identifier: string; active: boolean; valid: string }[]>;
    expect(decl.activations).toEqual([expect.objectContaining({ identifier: "com.enrollsim.ref.activation", active: true, valid: "valid" })]);
    expect(decl.configurations!.map((c) => [c.identifier, c.active, c.valid]).sort()).toEqual([
      ["com.enrollsim.ref.passcode", true, "valid"],
      ["com.enrollsim.ref.status", true, "valid"],
    ]);
    expect(w.apple.ddmReports[0]!.report.FullReport).toBe(true);
  }, 60_000);

  it("a passcode policy the device's passcode misses → not compliant; unsupported configuration → invalid", async () => {
    const w = await appleWorld({
      ddm: {
        enabled: true,
        declarations: [
          { Type: "com.apple.configuration.passcode.settings", Identifier: "pc", Payload: { MinimumLength: 8, RequireAlphanumericPasscode: true } },
          { Type: "com.apple.configuration.management.status-subscriptions", Identifier: "sub", Payload: { StatusItems: [{ Name: "passcode.is-compliant" }, { Name: "diskmanagement.filevault.enabled" }] } },
          { Type: "com.apple.configuration.no-such-thing", Identifier: "odd", Payload: {} },
          { Type: "com.apple.activation.simple", Identifier: "act", Payload: { StandardConfigurations: ["pc", "sub", "odd"] } },
        ],
      },
    });
    const dev = await w.device("iphone-15", 8);
    expect((await w.run(dev, "ios-profile", {})).ok).toBe(true);
    const { report } = w.apple.ddmReports[0]!;
    expect(getStatusItem(report.StatusItems, "passcode.is-compliant")).toBe(false);
    // FileVault is macOS only (schema): reported as an error, not a value.
    expect(report.Errors.map((e) => e.StatusItem)).toEqual(["diskmanagement.filevault.enabled"]);
    const decl = getStatusItem(report.StatusItems, "management.declarations") as Record<string, { identifier: string; valid: string; active: boolean }[]>;
    expect(decl.configurations!.find((c) => c.identifier === "odd")).toMatchObject({ valid: "invalid", active: false });
  }, 60_000);

  it("a malformed declaration ends the flow with a typed error naming the step", async () => {
    const w = await appleWorld({ ddm: { enabled: true } }, {}, (h) => async (req) => {
      const res = await h(req);
      const body = req.body ? Buffer.from(req.body).toString("utf8") : "";
      if (body.includes("<string>declaration-items</string>")) return { ...res, body: new Uint8Array(Buffer.from('{"Declarations":{"Activations":"nope"},"DeclarationsToken":"x"}')) };
      return res;
    });
    const dev = await w.device("iphone-15", 9);
    await expect(w.run(dev, "ios-profile", {})).rejects.toMatchObject({ code: "apple.ddm.wrong-type", step: "ddm.declaration-items", device: dev.id });
  }, 60_000);
});
