// SPDX-License-Identifier: MIT
/**
 * Device identity lists (server/policy/device-lists.ts): a deny list refuses the devices it names by
 * serial, IMEI, UDID, MAC or model; an allow-only list refuses the devices it does not name; lists apply
 * by platform and assignment (userless enrollments meet only unassigned lists); deny wins; the engine
 * refuses before any other rule and records the refusal; the admin's edit (timeline editDeviceList)
 * adds by one identifier and removes every identifier of a device.
 */
import { describe, expect, it } from "vitest";
import { AdeAssignments } from "../../../src/server/policy/ade.js";
import { deviceListRefusal, editDeviceList, listedBy } from "../../../src/server/policy/device-lists.js";
import { PolicyConfigHolder } from "../../../src/server/policy/holder.js";
import { PolicyEngine, type EnrollmentRequest } from "../../../src/server/policy/engine.js";
import type { DeviceListPolicy, PolicyConfig } from "../../../src/server/policy/types.js";

const phone = { platform: "ios" as const, upn: "ann@contoso.com", serial: "F2LXYZ01", imei: "354049071234561", udid: "00008120-000A1B2C3D4E5F60", model: "iPhone15,4" };
const cfg = (lists: DeviceListPolicy[], extra: PolicyConfig = {}): PolicyConfig => ({ deviceLists: lists, ...extra });

describe("device lists", () => {
  it("a deny list names a device by any identifier, ignoring case, spaces and MAC separators", () => {
    expect(listedBy({ name: "lost", mode: "deny", serials: ["f2lxyz01"] }, phone)).toBe("SERIAL F2LXYZ01");
    expect(listedBy({ name: "lost", mode: "deny", imeis: ["35 404907 123456 1"] }, phone)).toBe("IMEI 354049071234561");
    expect(listedBy({ name: "lost", mode: "deny", udids: [phone.udid.toLowerCase()] }, phone)).toBe(`UDID ${phone.udid}`);
    expect(listedBy({ name: "lost", mode: "deny", macs: ["00-1A-2B-3C-4D-5E"] }, { platform: "windows", macs: ["001a2b3c4d5e", "aa:bb:cc:dd:ee:ff"] })).toBe("MAC 001A2B3C4D5E");
    expect(listedBy({ name: "old", mode: "deny", models: ["iphone15,4"] }, phone)).toBe("MODEL IPHONE15,4");
    expect(listedBy({ name: "lost", mode: "deny", serials: ["OTHER"] }, phone)).toBeUndefined();
  });

  it("deny refuses the named device; allowOnly refuses the others; deny wins over allow", () => {
    expect(deviceListRefusal(cfg([{ name: "lost", mode: "deny", serials: [phone.serial] }]), phone)).toEqual({ refusal: "device-denylisted", message: `Device Not Approved: SERIAL ${phone.serial} is on the deny list "lost"` });
    expect(deviceListRefusal(cfg([{ name: "fleet", mode: "allowOnly", serials: ["OTHER"] }]), phone)?.refusal).toBe("device-not-allowlisted");
    expect(deviceListRefusal(cfg([{ name: "fleet", mode: "allowOnly", imeis: [phone.imei] }]), phone)).toBeUndefined();
    expect(
      deviceListRefusal(
        cfg([
          { name: "fleet", mode: "allowOnly", serials: [phone.serial] },
          { name: "lost", mode: "deny", udids: [phone.udid] },
        ]),
        phone,
      )?.refusal,
    ).toBe("device-denylisted");
  });

  it("lists apply by platform and assignment; a userless enrollment meets only unassigned lists", () => {
    const directory = { users: [{ upn: "ann@contoso.com", groups: ["pilot"] }] };
    const iosOnly: DeviceListPolicy = { name: "ios fleet", mode: "allowOnly", platform: ["ios"], serials: [] };
    expect(deviceListRefusal(cfg([iosOnly]), phone)?.refusal).toBe("device-not-allowlisted");
    expect(deviceListRefusal(cfg([iosOnly]), { ...phone, platform: "android" })).toBeUndefined();
    const pilot: DeviceListPolicy = { name: "pilot only", mode: "allowOnly", assign: ["pilot"], serials: [] };
    expect(deviceListRefusal(cfg([pilot], { directory }), phone)?.refusal).toBe("device-not-allowlisted");
    expect(deviceListRefusal(cfg([pilot], { directory }), { ...phone, upn: "bob@contoso.com" })).toBeUndefined();
    const { upn: _u, ...userless } = phone;
    expect(deviceListRefusal(cfg([pilot], { directory }), userless)).toBeUndefined();
    expect(deviceListRefusal(cfg([{ name: "lost", mode: "deny", serials: [phone.serial] }]), userless)?.refusal).toBe("device-denylisted");
  });

  it("the engine refuses before the restrictions and records the refusal; taking the device off the list lets it enroll", () => {
    let now = 1000;
    const engine = new PolicyEngine(cfg([{ name: "lost", mode: "deny", serials: [phone.serial] }], { restrictions: { platform: { ios: { personal: "block" } } } }), () => now);
    const req: EnrollmentRequest = { platform: "ios", deviceKey: phone.udid, serial: phone.serial, udid: phone.udid, methodOwnership: "personal", countsTowardLimit: true };
    const d = engine.decide(req);
    expect(d).toMatchObject({ ok: false, refusal: "device-denylisted" });
    expect(engine.records().refusals).toEqual([{ at: 1000, deviceKey: phone.udid, refusal: "device-denylisted", message: expect.stringContaining("Device Not Approved") }]);
    now = 2000;
    const edited = editDeviceList(engine.config.deviceLists, "lost", [{ serial: phone.serial.toLowerCase() }], { remove: true });
    engine.holder.set("deviceLists", edited.lists);
    // Off the deny list it meets the next rule: personally owned iOS blocked.
    expect(engine.decide(req)).toMatchObject({ ok: false, refusal: "personal-blocked" });
  });

  it("the admin's edit adds by one identifier, skips duplicates and devices without it, removes every identifier of a device", () => {
    const lists: DeviceListPolicy[] = [{ name: "fleet", mode: "allowOnly", serials: ["A1"] }];
    const added = editDeviceList(lists, "fleet", [{ serial: "a1" }, { serial: "B2" }, { imei: "35" }], { by: "serials" });
    expect(added.lists[0]!.serials).toEqual(["A1", "B2"]);
    expect(added.result).toBe('added 1 serials of 3 device(s) to the allow list "fleet"; 1 device(s) report no serial');
    expect(lists[0]!.serials).toEqual(["A1"]); // the configuration is not edited in place
    const both: DeviceListPolicy[] = [{ name: "lost", mode: "deny", serials: ["A1", "C3"], macs: ["00:11:22:33:44:55"] }];
    const removed = editDeviceList(both, "lost", [{ serial: "A1", mac: "001122334455" }], { remove: true });
    expect(removed.lists[0]).toMatchObject({ serials: ["C3"], macs: [] });
    expect(removed.result).toBe('removed 2 entries of 1 device(s) from the deny list "lost"');
    expect(editDeviceList(both, "lots", [], { remove: true }).result).toBe('not applied: embedded.policy.deviceLists has no list named "lots"');
  });

  it("ADE: a denylisted serial gets no enrollment profile assigned from then on (DEVICE_NOT_ASSIGNED); one Apple already holds stays", () => {
    const holder = new PolicyConfigHolder({});
    const ade = new AdeAssignments(holder, () => 0);
    expect(ade.lookup("EARLY01")).toMatchObject({ ok: true }); // pushed before the deny list
    holder.set("deviceLists", [
      { name: "lost", mode: "deny", serials: ["EARLY01", "LATE02"] },
      { name: "android", mode: "deny", platform: "android", serials: ["OTHER03"] },
    ]);
    expect(ade.lookup("EARLY01")).toMatchObject({ ok: true });
    expect(ade.lookup("LATE02")).toEqual({ ok: false, code: "DEVICE_NOT_ASSIGNED", message: 'SERIAL LATE02 is on the deny list "lost": a denylisted device gets no enrollment profile assigned' });
    expect(ade.lookup("OTHER03")).toMatchObject({ ok: true }); // a list for Android only does not apply
    holder.set("deviceLists", [{ name: "pilot", mode: "deny", assign: ["pilot"], serials: ["LATE02"] }]);
    expect(ade.lookup("LATE02")).toMatchObject({ ok: true }); // an assigned list: ADE has no user here
  });
});
