// SPDX-License-Identifier: MIT
/**
 * Device state `mdmEnrollments` (device/apple/prior-mdm.ts): a device still enrolled in another MDM holds that
 * MDM's enrollment profile before the flow, so every enrollment path that installs a new enrollment profile is
 * refused at profile.install (MCInstallationErrorDomain 4000 / MCMDMErrorDomain 12002) before the new server sees
 * a check-in, and ADE never reaches Remote Management on the set-up device. `[]` (the old profile removed) enrolls.
 * `state.backup` (same device, enrolledIn) puts its profile there through the same internals.
 */
import { describe, expect, it } from "vitest";
import { priorMdm } from "../../../src/device/apple/prior-mdm.js";
import { stateProblem } from "../../../src/device/state.js";
import { appleWorld } from "./harness.js";

const OLD = "https://old-mdm.example.com/mdm/server";
const stillEnrolled = { mdmEnrollments: [{ serverUrl: OLD }] };

describe("Apple device state mdmEnrollments (still enrolled in another MDM)", () => {
  it.each([
    ["iphone-15", "ios-profile"],
    ["macbook-air-m3", "macos-profile"],
    ["ipad-air-m2", "ios-account-device-enrollment"],
    ["iphone-15", "ios-user-enrollment"],
  ])("%s %s: the new enrollment profile is refused with 4000/12002 and nothing checks in", async (model, flow) => {
    const w = await appleWorld();
    const r = await w.run(await w.device(model, 0, stillEnrolled), flow);
    expect(r).toMatchObject({ ok: false, code: "apple.profile.mdm-payload-mismatch", step: "profile.install" });
    expect(r.message).toContain("MCMDMErrorDomain 12002");
    expect(r.message).toContain("The new MDM payload doesn't match the old payload.");
    expect(w.apple.devices.size).toBe(0);
  });

  it("[] (the old profile removed): the same devices enroll on every path", async () => {
    const w = await appleWorld();
    for (const [i, [model, flow]] of [
      ["iphone-15", "ios-profile"],
      ["macbook-air-m3", "macos-profile"],
      ["ipad-air-m2", "ios-account-device-enrollment"],
      ["iphone-15", "ios-ade"],
    ].entries()) {
      expect(await w.run(await w.device(model!, i, { mdmEnrollments: [] }), flow!)).toMatchObject({ ok: true });
    }
    expect(w.apple.devices.size).toBe(4);
  });

  it("ADE: a device still enrolled elsewhere was set up, Setup Assistant never asks for the cloud configuration", async () => {
    const w = await appleWorld();
    const r = await w.run(await w.device("iphone-15", 0, stillEnrolled), "ios-ade");
    expect(r).toMatchObject({ ok: false, code: "apple.ade.already-activated", step: "ade.setup-assistant" });
    expect(r.message).toContain(OLD);
    expect(r.message).toContain("must be erased");
    expect(w.apple.devices.size).toBe(0);
  });

  it("state.backup onto the same device uses the same internals; an enrollment still on the device is the one that counts", () => {
    expect(priorMdm({ backup: { device: "same", enrolledIn: OLD } })).toEqual({ serverUrl: OLD, source: "restored-backup" });
    expect(priorMdm({ backup: { device: "other", enrolledIn: OLD } })).toBeUndefined();
    expect(priorMdm({ ...stillEnrolled, backup: { device: "same", enrolledIn: "https://older.example.com/mdm" } })).toEqual({ serverUrl: OLD, source: "enrolled" });
    expect(priorMdm({ mdmEnrollments: [] })).toBeUndefined();
  });

  it("a restored backup now also refuses an account-driven enrollment (the profile is on the device whatever the path)", async () => {
    const w = await appleWorld();
    const r = await w.run(await w.device("ipad-air-m2", 0, { backup: { device: "same", enrolledIn: OLD } }), "ios-account-device-enrollment");
    expect(r).toMatchObject({ ok: false, code: "apple.profile.mdm-payload-mismatch" });
  });

  it("bad input: a misspelt item key gets a did-you-mean, a plain http URL is refused, Windows' key is named as Windows'", () => {
    expect(stateProblem({ mdmEnrollments: [{ serverURL: OLD }] }, "apple")).toMatchObject({ path: ["mdmEnrollments", 0, "serverURL"], got: "serverURL", candidates: ["serverUrl"] });
    expect(stateProblem({ mdmEnrollments: [{ serverUrl: "http://old.example.com" }] }, "apple")).toMatchObject({ path: ["mdmEnrollments", 0, "serverUrl"], anchor: "value" });
    expect(stateProblem({ enrollments: [] }, "apple")?.message).toBe('unknown apple state "enrollments" (a windows state key)');
  });
});
