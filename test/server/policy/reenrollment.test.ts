// SPDX-License-Identifier: MIT
/**
 * Re-enrollment of hardware the tenant holds a live record for (server/policy/reenrollment.ts): the
 * same device key, serial or IMEI is found; the tenant's rules apply by platform and method, first
 * match wins, then the built-in one (Windows autopilot-userless: none, Intune's one-time limit);
 * same-user reads the user on the old record; a deleted record lets the device enroll again.
 */
import { describe, expect, it } from "vitest";
import { PolicyEngine, type EnrollmentRequest } from "../../../src/server/policy/engine.js";
import { heldRecordOf, reenrollmentRule } from "../../../src/server/policy/reenrollment.js";
import type { PolicyConfig } from "../../../src/server/policy/types.js";

const kiosk = (over: Partial<EnrollmentRequest> = {}): EnrollmentRequest => ({
  platform: "windows",
  deviceKey: "A".repeat(32),
  serial: "PF3ABC01",
  upn: "kiosk@contoso.com",
  osVersion: "10.0.22631.3880",
  methodOwnership: "corporate",
  countsTowardLimit: false,
  method: "autopilot-userless",
  ...over,
});
const phone = (over: Partial<EnrollmentRequest> = {}): EnrollmentRequest => ({
  platform: "ios",
  deviceKey: "00008120-0001",
  serial: "F2LXYZ01",
  imei: "35 404907 123456 1",
  upn: "ann@contoso.com",
  methodOwnership: "personal",
  countsTowardLimit: true,
  method: "user-initiated",
  ...over,
});

function enrol(p: PolicyEngine, r: EnrollmentRequest) {
  const d = p.decide(r);
  if (d.ok) p.enrolled(r, d);
  return d;
}

describe("re-enrollment rules", () => {
  it("Windows self-deploying / pre-provisioning: a redeploy while the record exists is refused with the published text; after a delete it enrolls", () => {
    const p = new PolicyEngine({});
    expect(enrol(p, kiosk())).toMatchObject({ ok: true });
    const again = enrol(p, kiosk());
    expect(again).toMatchObject({ ok: false, refusal: "reenrollment-blocked", message: "Enrollment blocked for AP device by SDM One Time Limit Check" });
    expect(p.refusals.at(-1)).toMatchObject({ refusal: "reenrollment-blocked" });
    // The same hardware under a new device id (a re-imaged PC) is found by its serial.
    expect(enrol(p, kiosk({ deviceKey: "B".repeat(32) }))).toMatchObject({ ok: false, refusal: "reenrollment-blocked" });
    p.removed("A".repeat(32)); // the admin deleted the device record
    expect(enrol(p, kiosk())).toMatchObject({ ok: true });
  });

  it("other Windows methods re-enroll as before (the built-in rule is for userless Autopilot only); a tenant rule can allow it", () => {
    const p = new PolicyEngine({});
    for (const method of ["autopilot", "work-account", "bulk"] as const) {
      enrol(p, kiosk({ method, serial: `S-${method}` }));
      expect(enrol(p, kiosk({ method, serial: `S-${method}` })), method).toMatchObject({ ok: true });
    }
    const open = new PolicyEngine({ reenrollment: [{ platform: "windows", method: "autopilot-userless", allow: "any" }] });
    enrol(open, kiosk());
    expect(enrol(open, kiosk())).toMatchObject({ ok: true });
  });

  it("same-user: only the user on the old record re-enrolls; a record without a user lets anyone; another platform's record is not the same hardware", () => {
    const cfg: PolicyConfig = { reenrollment: [{ platform: ["ios", "macos"], method: "user-initiated", allow: "same-user" }] };
    const p = new PolicyEngine(cfg);
    expect(enrol(p, phone())).toMatchObject({ ok: true });
    expect(enrol(p, phone({ upn: "ANN@contoso.com" }))).toMatchObject({ ok: true });
    const other = enrol(p, phone({ upn: "bob@contoso.com" }));
    expect(other).toMatchObject({ ok: false, refusal: "reenrollment-other-user" });
    expect(other.ok ? "" : other.message).toContain("recorded under ann@contoso.com");
    // Found by IMEI alone (a new UDID after an erase is not how Apple works, but the rule reads every identifier).
    expect(enrol(p, phone({ deviceKey: "other", serial: undefined, upn: "bob@contoso.com" }))).toMatchObject({ ok: false, refusal: "reenrollment-other-user" });
    // ADE is not user-initiated: the rule does not apply.
    expect(enrol(p, phone({ method: "ade", upn: "bob@contoso.com" }))).toMatchObject({ ok: true });
    const blank = new PolicyEngine(cfg);
    enrol(blank, phone({ upn: undefined }));
    expect(enrol(blank, phone({ upn: "bob@contoso.com" }))).toMatchObject({ ok: true });
    expect(heldRecordOf(blank.enrollments.values(), { platform: "android", deviceKey: "x", serial: "F2LXYZ01" })).toBeUndefined();
  });

  it("none for a platform refuses any re-enrollment of it; the tenant's first matching rule wins over the built-in one", () => {
    const p = new PolicyEngine({ reenrollment: [{ platform: "android", allow: "none" }] });
    const dev: EnrollmentRequest = { platform: "android", deviceKey: "amapi:1", serial: "R5CX1", methodOwnership: "corporate", countsTowardLimit: false };
    enrol(p, dev);
    const d = enrol(p, { ...dev, deviceKey: "amapi:2" });
    expect(d).toMatchObject({ ok: false, refusal: "reenrollment-blocked" });
    expect(d.ok ? "" : d.message).toMatch(/record for R5CX1 already exists/);
    expect(reenrollmentRule([{ method: "autopilot-userless", allow: "same-user" }], { platform: "windows", deviceKey: "k", method: "autopilot-userless" }).allow).toBe("same-user");
    expect(reenrollmentRule(undefined, { platform: "windows", deviceKey: "k", method: "autopilot" }).allow).toBe("any");
  });

  it("records from before the run are the same hardware by serial or IMEI, with their user; deleting them by hardware lets the device enroll", () => {
    const p = new PolicyEngine({
      reenrollment: [{ platform: "ios", allow: "same-user" }],
      records: [
        { platform: "windows", serials: ["PF3ABC01"], method: "autopilot-userless" },
        { platform: "ios", imeis: ["354049071234561"], user: "Ana@contoso.com" },
      ],
    });
    expect(enrol(p, kiosk())).toMatchObject({ ok: false, refusal: "reenrollment-blocked" });
    expect(enrol(p, phone({ serial: "OTHER", upn: "bob@contoso.com" }))).toMatchObject({ ok: false, refusal: "reenrollment-other-user" });
    expect(enrol(p, phone({ serial: "OTHER", upn: "ana@contoso.com" }))).toMatchObject({ ok: true });
    expect(p.removeRecordsBefore([{ serial: "pf3abc01" }])).toBe(1);
    expect(p.removeRecordsBefore([{ serial: "pf3abc01" }])).toBe(0);
    expect(enrol(p, kiosk())).toMatchObject({ ok: true });
    // The inventory is seeded once: a record deleted since stays deleted while the configuration is unchanged.
    expect(enrol(p, kiosk({ deviceKey: "C".repeat(32), serial: "PF3ABC01" }))).toMatchObject({ ok: false }); // now the run's own record holds it
  });
});
