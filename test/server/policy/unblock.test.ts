// SPDX-License-Identifier: MIT
/** Intune's "Unblock device" on records (server/policy/unblock.ts): the record's state decides; one enrollment uses it up. */
import { describe, expect, it } from "vitest";
import { EnrollmentRecords, reenrollmentRefusal, type HeldRecord } from "../../../src/server/policy/reenrollment.js";
import { unblockRecords } from "../../../src/server/policy/unblock.js";

const records = () => {
  const r = new EnrollmentRecords<HeldRecord>();
  r.set("K1", { deviceKey: "K1", platform: "windows", serial: "PF-KIOSK-1", method: "autopilot-userless" });
  r.set("K2", { deviceKey: "K2", platform: "windows", serial: "PF-KIOSK-2", method: "autopilot-userless" });
  r.set("U1", { deviceKey: "U1", platform: "windows", serial: "PF-USER-1", method: "autopilot", upn: "ann@contoso.com" });
  return r;
};
const again = (serial: string) => ({ platform: "windows" as const, deviceKey: "NEW", serial, method: "autopilot-userless" as const });

describe("unblockRecords", () => {
  it("unblocks only the selected blocked record, by serial in any letter case; the other stays blocked", () => {
    const r = records();
    expect(unblockRecords(r, undefined, [{ serial: "pf-kiosk-1" }])).toBe("1 record(s) unblocked for their next enrollment (kept)");
    expect(reenrollmentRefusal(undefined, again("PF-KIOSK-1"), r.held(again("PF-KIOSK-1")))).toBeUndefined();
    expect(reenrollmentRefusal(undefined, again("PF-KIOSK-2"), r.held(again("PF-KIOSK-2")))?.refusal).toBe("reenrollment-blocked");
    expect(r.get("K1")).toMatchObject({ allowNextEnrollment: true });
  });

  it("says what each record's state made of it: already unblocked, not blocked (rule any), no record", () => {
    const r = records();
    unblockRecords(r, undefined, [{ serial: "PF-KIOSK-1" }]);
    const said = unblockRecords(r, undefined, [{ serial: "PF-KIOSK-1" }, { platform: "windows", serial: "PF-USER-1" }, { serial: "NOPE" }]);
    expect(said).toBe(
      "0 record(s) unblocked for their next enrollment (kept); 1 already unblocked; 1 not blocked, left as they are: PF-USER-1 (autopilot: re-enrollment any); 1 with no record on the server (not enrolled yet, refused or deleted): NOPE",
    );
    expect(r.get("U1")?.allowNextEnrollment).toBeUndefined();
  });

  it("a tenant rule decides what is blocked: with autopilot-userless allowed there is nothing to unblock", () => {
    const r = records();
    const said = unblockRecords(r, [{ platform: "windows", method: "autopilot-userless", allow: "any" }], [{ serial: "PF-KIOSK-2" }]);
    expect(said).toMatch(/^0 record\(s\) unblocked.*1 not blocked.*re-enrollment any/);
  });

  it("names an empty selection", () => {
    expect(unblockRecords(records(), undefined, [])).toMatch(/selects no device and names no serial/);
  });
});
