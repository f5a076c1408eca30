// SPDX-License-Identifier: MIT
/** The shared policy engine: restriction priority, OS ranges, limits, scopes, quota, terms, compliance grace on virtual time, ADE token. */
import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../../src/platform/virtual/clock.js";
import { PolicyEngine, type EnrollmentRequest } from "../../../src/server/policy/engine.js";
import { PolicyConfigHolder } from "../../../src/server/policy/holder.js";
import type { PolicyConfig } from "../../../src/server/policy/types.js";

const START = Date.UTC(2026, 0, 5, 9);
const HOUR = 3_600_000;

const directory: PolicyConfig["directory"] = {
  users: [
    { upn: "ann@contoso.com", groups: ["sales", "pilot"] },
    { upn: "bob@contoso.com", groups: ["sales"] },
    { upn: "cy@contoso.com", groups: [] },
  ],
};

const win = (over: Partial<EnrollmentRequest> = {}): EnrollmentRequest => ({
  platform: "windows",
  deviceKey: `D${Math.random().toString(16).slice(2)}`,
  upn: "ann@contoso.com",
  osVersion: "10.0.19045.3803",
  methodOwnership: "personal",
  countsTowardLimit: true,
  ...over,
});

describe("platform restrictions: Default vs assigned priority", () => {
  const cfg: PolicyConfig = {
    directory,
    restrictions: {
      platform: { windows: { minOs: "10.0.17763" } },
      platformPolicies: [
        { name: "sales: Windows 11 only", priority: 5, assign: ["sales"], windows: { minOs: "10.0.22000" } },
        { name: "pilot: anything", priority: 2, assign: ["pilot"], windows: {} },
      ],
    },
  };
  const engine = new PolicyEngine(cfg, () => START);

  it("a user in two groups gets only the highest-priority (lowest number) assigned policy", () => {
    const d = engine.decide(win({ upn: "ann@contoso.com" }));
    expect(d).toMatchObject({ ok: true, platformPolicy: { name: "pilot: anything", priority: 2, target: "User" } });
  });
  it("the next assigned policy applies to a user outside the first one's groups; its OS range refuses 10.0.19045", () => {
    const d = engine.decide(win({ upn: "bob@contoso.com" }));
    expect(d).toMatchObject({ ok: false, refusal: "os-below-minimum", policy: { name: "sales: Windows 11 only", priority: 5 } });
    expect(engine.decide(win({ upn: "bob@contoso.com", osVersion: "10.0.22631.2861" })).ok).toBe(true);
  });
  it("users in no assigned group, and userless enrollments, get the Default (priority 0, target Device)", () => {
    expect(engine.decide(win({ upn: "cy@contoso.com" }))).toMatchObject({ ok: true, platformPolicy: { priority: 0, target: "Device" } });
    expect(engine.decide(win({ upn: undefined, osVersion: "10.0.17134" }))).toMatchObject({ ok: false, refusal: "os-below-minimum", policy: { priority: 0 } });
  });
  it("OS versions compare numerically per component (10.0.9 < 10.0.17763), max inclusive", () => {
    const e = new PolicyEngine({ restrictions: { platform: { ios: { minOs: "16.4", maxOs: "17.2" } } } });
    const ios = (osVersion: string) => e.decide({ platform: "ios", deviceKey: osVersion, upn: "x@y", osVersion, methodOwnership: "personal", countsTowardLimit: false });
    expect(ios("16.10").ok).toBe(true);
    expect(ios("17.2").ok).toBe(true);
    expect(ios("17.2.1")).toMatchObject({ refusal: "os-above-maximum" });
    expect(ios("16.3.9")).toMatchObject({ refusal: "os-below-minimum" });
    // not enforced where the method skips it (Apple ADE)
    expect(e.decide({ platform: "ios", deviceKey: "ade", upn: "x@y", osVersion: "15.0", methodOwnership: "corporate", countsTowardLimit: true, osRangeApplies: false }).ok).toBe(true);
  });
  it("personal block lets corporate identifiers and corporate methods through", () => {
    const e = new PolicyEngine({ restrictions: { platform: { ios: { personal: "block" } } }, corporateIdentifiers: { serials: ["F2LXK0AAHG7F"] } });
    const base = { platform: "ios" as const, upn: "a@b", countsTowardLimit: false, methodOwnership: "personal" as const };
    expect(e.decide({ ...base, deviceKey: "1", serial: "F2LXK0AAHG7F" })).toMatchObject({ ok: true, ownership: "corporate" });
    expect(e.decide({ ...base, deviceKey: "2", serial: "OTHER0000000" })).toMatchObject({ ok: false, refusal: "personal-blocked", ownership: "personal" });
    expect(e.decide({ ...base, deviceKey: "3", methodOwnership: "corporate" })).toMatchObject({ ok: true });
  });
});

describe("device limits", () => {
  it("counts the user's enrolled devices against the resolved limit policy; unenrolled ones free a slot; re-enrolment is not a new device", () => {
    const e = new PolicyEngine({ directory, restrictions: { deviceLimit: 2, deviceLimitPolicies: [{ name: "pilot: 3", assign: ["pilot"], limit: 3 }] } });
    const enroll = (r: EnrollmentRequest) => {
      const d = e.decide(r);
      if (d.ok) e.enrolled(r, d);
      return d;
    };
    for (const k of ["b1", "b2"]) expect(enroll(win({ upn: "bob@contoso.com", deviceKey: k })).ok).toBe(true);
    expect(enroll(win({ upn: "bob@contoso.com", deviceKey: "b3" }))).toMatchObject({ ok: false, refusal: "device-limit", policy: { priority: 0 } });
    expect(enroll(win({ upn: "bob@contoso.com", deviceKey: "b1" })).ok).toBe(true);
    e.removed("b2");
    expect(enroll(win({ upn: "bob@contoso.com", deviceKey: "b3" })).ok).toBe(true);
    for (const k of ["a1", "a2", "a3"]) expect(enroll(win({ deviceKey: k })).ok).toBe(true);
    expect(enroll(win({ deviceKey: "a4" }))).toMatchObject({ refusal: "device-limit", policy: { name: "pilot: 3" } });
    // methods outside the Intune limit (Autopilot, bulk) do not count
    expect(enroll(win({ deviceKey: "a5", countsTowardLimit: false, methodOwnership: "corporate" })).ok).toBe(true);
  });
  it("a DEM account is outside the limit but has its own ceiling", () => {
    const e = new PolicyEngine({ restrictions: { deviceLimit: 1 }, deviceEnrollmentManagers: { users: ["dem@contoso.com"], limit: 3 } });
    const out = [1, 2, 3, 4].map((i) => {
      const r = win({ upn: "dem@contoso.com", deviceKey: `d${i}` });
      const d = e.decide(r);
      if (d.ok) e.enrolled(r, d);
      return d.ok ? "ok" : d.refusal;
    });
    expect(out).toEqual(["ok", "ok", "ok", "dem-limit"]);
  });
});

describe("directory: who may join, device quota, user scopes", () => {
  it("quota counts joined and registered devices per user; usersMayJoin groups gate joins only", () => {
    const e = new PolicyEngine({ directory: { ...directory, deviceQuota: 2, usersMayJoin: { groups: ["sales"] } } });
    expect(e.join({ upn: "cy@contoso.com", deviceKey: "c1", registration: false })).toMatchObject({ ok: false, refusal: "join-not-allowed" });
    expect(e.join({ upn: "cy@contoso.com", deviceKey: "c1", registration: true }).ok).toBe(true);
    expect(e.join({ upn: "bob@contoso.com", deviceKey: "b1", registration: false }).ok).toBe(true);
    expect(e.join({ upn: "bob@contoso.com", deviceKey: "b2", registration: true }).ok).toBe(true);
    expect(e.join({ upn: "bob@contoso.com", deviceKey: "b3", registration: false })).toMatchObject({ ok: false, refusal: "device-quota" });
    expect(e.join({ upn: "bob@contoso.com", deviceKey: "b1", registration: false }).ok).toBe(true); // the same device again
  });
  it("MAM wins on registered devices, MDM on joined ones; scope none refuses automatic enrollment", () => {
    const e = new PolicyEngine({ directory, userScope: { mdm: { groups: ["sales"] }, mam: "all" } });
    expect(e.join({ upn: "bob@contoso.com", deviceKey: "r", registration: true })).toEqual({ ok: true, mdm: false, mam: true });
    expect(e.join({ upn: "bob@contoso.com", deviceKey: "j", registration: false })).toEqual({ ok: true, mdm: true, mam: false });
    expect(e.join({ upn: "cy@contoso.com", deviceKey: "k", registration: false })).toEqual({ ok: true, mdm: false, mam: true });
    expect(e.decide(win({ upn: "cy@contoso.com", viaAutoEnrollment: true }))).toMatchObject({ ok: false, refusal: "outside-mdm-scope" });
    expect(e.decide(win({ upn: "cy@contoso.com", viaAutoEnrollment: false })).ok).toBe(true);
  });
});

describe("terms and conditions", () => {
  it("acceptance is per user per version: a new version asks again", () => {
    const holder = new PolicyConfigHolder({ directory, terms: [{ name: "MDM terms", assign: ["sales"] }] });
    const e = new PolicyEngine(holder);
    expect(e.decide(win({ upn: "bob@contoso.com" }))).toMatchObject({ ok: false, refusal: "terms-not-accepted" });
    expect(e.decide(win({ upn: "cy@contoso.com" })).ok).toBe(true);
    e.acceptTerms("bob@contoso.com");
    expect(e.decide(win({ upn: "bob@contoso.com" })).ok).toBe(true);
    holder.set("terms.0.version", 2);
    expect(e.pendingTerms("bob@contoso.com").map((t) => t.version)).toEqual([2]);
    expect(() => holder.set("terms.0.version.x", 1)).toThrow(/embedded\.policy\.terms\.0\.version\.x: version holds a number, not an object/);
    expect(holder.generation).toBe(1);
  });
});

describe("compliance with a grace period, conditional access (virtual time)", () => {
  it("in grace until the schedule elapses, then noncompliant and blocked; an OS update clears it", async () => {
    const clock = new VirtualClock(START);
    const e = new PolicyEngine(
      { directory, compliance: { policies: [{ name: "Win 11", platform: "windows", assign: ["sales"], rules: { minOs: "10.0.22000" }, graceHours: 72 }] }, conditionalAccess: { requireCompliantDevice: true } },
      () => clock.now(),
    );
    const r = win({ upn: "bob@contoso.com", deviceKey: "B" });
    const d = e.decide(r);
    if (!d.ok) throw new Error("refused");
    e.enrolled(r, d);
    expect(e.access("B", "store")).toEqual({ allowed: true, state: "in-grace" });
    await clock.advance(71 * HOUR);
    expect(e.access("B", "store").allowed).toBe(true);
    await clock.advance(HOUR);
    expect(e.access("B", "store")).toMatchObject({ allowed: false, state: "noncompliant", reason: "noncompliant" });
    expect(e.compliance("B").results[0]).toMatchObject({ policy: "Win 11", markAt: START + 72 * HOUR });
    e.observe("B", { osVersion: "10.0.22631.1" });
    expect(e.access("B", "store")).toEqual({ allowed: true, state: "compliant" });
    expect(e.access(undefined, "store")).toMatchObject({ allowed: false, reason: "not-enrolled" });
  });
  it("a policy assigned at runtime starts its clock at the next evaluation; excluded apps are not gated", async () => {
    const clock = new VirtualClock(START);
    const holder = new PolicyConfigHolder({ conditionalAccess: { requireCompliantDevice: true, excludeApps: ["enrollment"] } });
    const e = new PolicyEngine(holder, () => clock.now());
    const r = win({ upn: "cy@contoso.com", deviceKey: "C" });
    const d = e.decide(r);
    if (!d.ok) throw new Error("refused");
    e.enrolled(r, d);
    expect(e.compliance("C").state).toBe("compliant");
    holder.set("compliance.policies", [{ name: "corp only", platform: "windows", rules: { requireCorporate: true } }]);
    expect(e.access("C", "store")).toMatchObject({ allowed: false, state: "noncompliant" });
    expect(e.access("C", "enrollment").allowed).toBe(true);
  });
});

describe("ADE token and profiles", () => {
  it("profiles reach Apple only while the token is valid: after expiry a new serial has none and a changed profile keeps its old settings", async () => {
    const clock = new VirtualClock(START);
    const holder = new PolicyConfigHolder({ ade: { token: { expiresInHours: 24 }, profiles: [{ name: "Corp", default: true, settings: { is_supervised: true } }] } });
    const e = new PolicyEngine(holder, () => clock.now());
    expect(e.ade.lookup("C02AAA000001")).toMatchObject({ ok: true, profile: { name: "Corp", settings: { is_supervised: true } } });
    await clock.advance(25 * HOUR);
    expect(e.ade.token()).toMatchObject({ valid: false });
    expect(e.ade.lookup("C02AAA000002")).toMatchObject({ ok: false, code: "PROFILE_NOT_FOUND" });
    holder.set("ade.profiles.0.settings", { is_supervised: true, await_device_configured: true });
    expect(e.ade.lookup("C02AAA000001")).toMatchObject({ ok: true, profile: { settings: { is_supervised: true } } });
    holder.set("ade.token.expiresInHours", 8760); // renewed
    expect(e.ade.lookup("C02AAA000001")).toMatchObject({ ok: true, profile: { settings: { await_device_configured: true } } });
  });
  it("without a default profile an unassigned serial has none; a released serial is gone whatever its profile, for good", () => {
    const e = new PolicyEngine({ ade: { profiles: [{ name: "Kiosk", serials: ["DMPXK0AAAAAA", "DMPXK0CCCCCC"] }] } });
    expect(e.ade.lookup("DMPXK0AAAAAA").ok).toBe(true);
    expect(e.ade.lookup("DMPXK0BBBBBB")).toMatchObject({ ok: false, code: "DEVICE_NOT_ASSIGNED" });
    expect(e.ade.lookup("DMPXK0CCCCCC").ok).toBe(true);
    // The admin releases it from ABM (timeline deleteRecords: { in: abm }), after Apple's service held its profile.
    expect(e.ade.release(["dmpxk0cccccc"])).toContain("released 1 device(s)");
    expect(e.ade.lookup("DMPXK0CCCCCC")).toMatchObject({ ok: false, code: "DEVICE_RELEASED" });
    expect(e.ade.lookup("DMPXK0CCCCCC")).toMatchObject({ ok: false, code: "DEVICE_RELEASED" }); // no re-push brings it back
    expect(new PolicyEngine({ ade: { profiles: [] } }).ade.lookup("DMPXK0AAAAAA")).toMatchObject({ ok: false, code: "DEVICE_NOT_ASSIGNED" });
  });
});

describe("Autopilot profile assignment", () => {
  it("explicit by serial, else the default; none without a default; unconfigured without profiles", () => {
    const e = new PolicyEngine({ autopilot: { profiles: [{ name: "Kiosk", serials: ["snfq4sj"] }, { name: "Standard", default: true, joinType: "hybrid" }] } });
    expect(e.autopilotProfile("SNFQ4SJ")).toMatchObject({ name: "Kiosk" });
    expect(e.autopilotProfile("OTHER01")).toMatchObject({ name: "Standard", joinType: "hybrid" });
    expect(new PolicyEngine({ autopilot: { profiles: [{ name: "Kiosk", serials: ["A"] }] } }).autopilotProfile("B")).toBeUndefined();
    expect(new PolicyEngine({}).autopilotProfile("B")).toBe("unconfigured");
  });
});
