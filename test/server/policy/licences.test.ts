// SPDX-License-Identifier: MIT
/**
 * Service licences (server/policy/licences.ts): end dates on the server's (virtual) clock, seats, per-user
 * assignment, platforms; the engine refuses an enrollment the licence does not cover, and an admin's renewal
 * (holder.set of endsAt) applies to the next enrollment.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario, scenarioContext } from "../../../src/api/run-scenario.js";
import { loadCatalog } from "../../../src/runner/catalog-files.js";
import { scenarioLoadError } from "../../support/scenario-load-error.js";
import { refusalError } from "../../../src/server/android/policy-gate.js";
import { refusalJson } from "../../../src/server/apple/policy-gate.js";
import { refusalFault } from "../../../src/server/windows/policy-gate.js";
import { VirtualClock } from "../../../src/platform/virtual/clock.js";
import { PolicyEngine, type EnrollmentRequest } from "../../../src/server/policy/engine.js";
import { enrolledStanding, licenceEnd, licenceRefusal } from "../../../src/server/policy/licences.js";
import type { PolicyConfig } from "../../../src/server/policy/types.js";

const START = Date.UTC(2026, 11, 7, 9);
const HOUR = 3_600_000;

let n = 0;
const android = (over: Partial<EnrollmentRequest> = {}): EnrollmentRequest => ({ platform: "android", deviceKey: `amapi:${++n}`, methodOwnership: "corporate", countsTowardLimit: false, ...over });

describe("licenceRefusal", () => {
  const none = () => 0;
  it("a platform no licence covers is not checked", () => {
    expect(licenceRefusal({}, { platform: "android" }, START, START, none)).toBeUndefined();
    expect(licenceRefusal({ licences: [{ name: "KM", platforms: ["android"], endsAt: 0 }] }, { platform: "windows" }, START, START, none)).toBeUndefined();
  });

  it("an end in seconds counts from the start; an ISO date is absolute; the end instant itself is expired", () => {
    expect(licenceEnd({ endsAt: 3600 }, START)).toBe(START + HOUR);
    expect(licenceEnd({ endsAt: "2026-12-31T23:59:59Z" }, START)).toBe(Date.UTC(2026, 11, 31, 23, 59, 59));
    const cfg: PolicyConfig = { licences: [{ name: "KM", endsAt: 3600 }] };
    expect(licenceRefusal(cfg, { platform: "android" }, START + HOUR - 1, START, none)).toBeUndefined();
    expect(licenceRefusal(cfg, { platform: "android" }, START + HOUR, START, none)).toMatchObject({ refusal: "licence-expired", licence: "KM" });
    const iso: PolicyConfig = { licences: [{ name: "Intune", endsAt: "2026-12-01T00:00:00Z" }] };
    expect(licenceRefusal(iso, { platform: "windows" }, START, START, none)?.message).toContain("2026-12-01T00:00:00.000Z");
  });

  it("one running licence is enough; every seat in use refuses", () => {
    const cfg: PolicyConfig = {
      licences: [
        { name: "old", endsAt: 0 },
        { name: "new", seats: 2 },
      ],
    };
    expect(licenceRefusal(cfg, { platform: "ios" }, START, START, () => 1)).toBeUndefined();
    expect(licenceRefusal(cfg, { platform: "ios" }, START, START, () => 2)).toMatchObject({ refusal: "licence-seats-used", licence: "new", message: expect.stringContaining("2 of 2") });
  });

  it("a user the directory lists unlicensed holds no licence on any platform, licences listed or not", () => {
    const cfg: PolicyConfig = { directory: { users: [{ upn: "nolicence@contoso.com", licensed: false }] } };
    expect(licenceRefusal(cfg, { platform: "android", upn: "nolicence@contoso.com" }, START, START, none)).toMatchObject({ refusal: "licence-unassigned" });
    expect(licenceRefusal(cfg, { platform: "windows", upn: "ann@contoso.com" }, START, START, none)).toBeUndefined();
  });

  it("a per-user licence covers only the users it is assigned to; a userless enrollment holds none", () => {
    const cfg: PolicyConfig = { directory: { users: [{ upn: "ann@contoso.com", groups: ["licensed"] }] }, licences: [{ name: "Intune P1", assign: ["licensed"] }] };
    expect(licenceRefusal(cfg, { platform: "windows", upn: "ann@contoso.com" }, START, START, none)).toBeUndefined();
    expect(licenceRefusal(cfg, { platform: "windows", upn: "bob@contoso.com" }, START, START, none)).toMatchObject({ refusal: "licence-unassigned" });
    expect(licenceRefusal(cfg, { platform: "windows" }, START, START, none)).toMatchObject({ refusal: "licence-unassigned", message: expect.stringContaining("userless") });
  });
});

describe("the engine on virtual time", () => {
  it("the licence ends during the run: enrollments before the end pass, after it are refused; a renewal lets the next one in", async () => {
    const clock = new VirtualClock(START);
    const engine = new PolicyEngine({ licences: [{ name: "Knox Manage", platforms: ["android"], endsAt: 3600 }] }, () => clock.now());
    const early = android();
    const d = engine.decide(early);
    expect(d.ok).toBe(true);
    if (d.ok) engine.enrolled(early, d);
    await clock.advance(2 * HOUR);
    expect(engine.decide(android())).toMatchObject({ ok: false, refusal: "licence-expired" });
    expect(engine.records().refusals.map((r) => r.refusal)).toEqual(["licence-expired"]);
    engine.holder.set("licences.0.endsAt", 365 * 24 * 3600);
    expect(engine.decide(android()).ok).toBe(true);
  });

  it("seats count live enrollments the licence covers; re-enrolling a device takes no new seat; a removed one frees its seat", () => {
    const engine = new PolicyEngine({ licences: [{ name: "KM", platforms: ["android"], seats: 1 }] }, () => START);
    const a = android();
    const d = engine.decide(a);
    if (!d.ok) throw new Error("first device refused");
    engine.enrolled(a, d);
    expect(engine.decide(android({ platform: "ios" })).ok).toBe(true);
    expect(engine.decide(a).ok).toBe(true);
    expect(engine.decide(android())).toMatchObject({ ok: false, refusal: "licence-seats-used" });
    engine.removed(a.deviceKey);
    expect(engine.decide(android()).ok).toBe(true);
  });
});

describe("what each platform answers", () => {
  it("Windows: every licence refusal is the fault detail UserLicense (0x80180018); Apple 403 UserLicenseTypeInvalid; Android: the LICENSE_* reason of the stand-in", () => {
    const decisions = (["licence-unassigned", "licence-expired", "licence-seats-used"] as const).map((refusal) => ({ ok: false as const, refusal, message: "m", ownership: "corporate" as const }));
    for (const d of decisions) {
      expect(refusalFault(d, "m1", "t")).toMatchObject({ subcode: "s:Authorization", errorType: "UserLicense" });
      const apple = refusalJson(d);
      expect([apple.status, JSON.parse(Buffer.from(apple.body).toString()).code]).toEqual([403, "UserLicenseTypeInvalid"]);
      expect(refusalError(d)).toEqual([403, "PERMISSION_DENIED", "Licence problem: m", expect.stringMatching(/^LICENSE_(NOT_ASSIGNED|EXPIRED|SEATS_USED)$/)]);
    }
  });
});

describe("shipped Windows pair over loopback", () => {
  const dir = join(import.meta.dirname, "../../../scenarios/failures");
  it("android-knox-suite-licence-lapse-restricted-failing / -fixed: enrolled phones restricted, then served again once renewed", async () => {
    const failing = await runScenario(join(dir, "android-knox-suite-licence-lapse-restricted-failing.yaml"), { keyPoolSize: 24, progress: false });
    expect(failing.summary).toMatchObject({ devices: 3, enrolled: 3, ok: true });
    const fixed = await runScenario(join(dir, "android-knox-suite-licence-lapse-restricted-fixed.yaml"), { keyPoolSize: 24, progress: false });
    expect(fixed.summary).toMatchObject({ devices: 3, enrolled: 3, ok: true });
  }, 120_000);

  it("win-user-licence-not-assigned-failing / -fixed", async () => {
    const failing = await runScenario(join(dir, "win-user-licence-not-assigned-failing.yaml"), { keyPoolSize: 24, progress: false });
    expect(failing.summary).toMatchObject({ devices: 3, enrolled: 1, ok: true });
    const fixed = await runScenario(join(dir, "win-user-licence-not-assigned-fixed.yaml"), { keyPoolSize: 24, progress: false });
    expect(fixed.summary).toMatchObject({ devices: 3, enrolled: 3, ok: true });
  }, 120_000);
});

describe("enrolledStanding: what a lapsed licence does to an enrolled device, by its product", () => {
  const dir = {
    directory: {
      users: [
        { upn: "ann@contoso.com", groups: ["knox-users"] },
        { upn: "bob@contoso.com", groups: [] },
      ],
    },
  };
  it("knox-manage / knox-suite restrict once ended, whatever enforcedAt says; running, licensed", () => {
    for (const product of ["knox-manage", "knox-suite"] as const) {
      const cfg: PolicyConfig = { licences: [{ name: "KS", product, endsAt: 3600 }] };
      expect(enrolledStanding(cfg, { platform: "android" }, START + HOUR - 1, START)).toEqual({ state: "licensed" });
      expect(enrolledStanding(cfg, { platform: "windows" }, START + HOUR, START)).toMatchObject({ state: "restricted", refusal: "licence-expired", licence: "KS" });
    }
  });
  it("a Knox licence assigned to a group restricts the devices of a user outside it (the admin took it away); assigned back, licensed", () => {
    const cfg: PolicyConfig = { ...dir, licences: [{ name: "KM", product: "knox-manage", assign: ["knox-users"] }] };
    expect(enrolledStanding(cfg, { platform: "ios", upn: "ann@contoso.com" }, START, START)).toEqual({ state: "licensed" });
    expect(enrolledStanding(cfg, { platform: "ios", upn: "bob@contoso.com" }, START, START)).toMatchObject({ state: "restricted", refusal: "licence-unassigned" });
  });
  it("a generic licence checked at check-in refuses; intune and a generic licence checked at enrollment only change nothing", () => {
    expect(enrolledStanding({ licences: [{ name: "EMM", endsAt: 0, enforcedAt: ["checkin"] }] }, { platform: "android" }, START, START)).toMatchObject({ state: "refused", refusal: "licence-expired" });
    expect(enrolledStanding({ licences: [{ name: "Intune", product: "intune", endsAt: 0 }] }, { platform: "windows" }, START, START)).toEqual({ state: "licensed" });
    expect(enrolledStanding({ licences: [{ name: "EMM", endsAt: 0 }] }, { platform: "windows" }, START, START)).toEqual({ state: "licensed" });
  });
  it("a generic licence checked at check-in refuses only where the refusal is modelled (Android): a PC or an iPhone, whose server keeps serving it, is not counted refused", () => {
    const cfg: PolicyConfig = { licences: [{ name: "EMM", endsAt: 0, enforcedAt: ["checkin"] }] };
    for (const platform of ["windows", "ios", "ipados", "macos"] as const) expect(enrolledStanding(cfg, { platform }, START, START)).toEqual({ state: "licensed" });
    expect(enrolledStanding(cfg, { platform: "android" }, START, START)).toMatchObject({ state: "refused" });
  });
  it("a licence of another platform is not this device's; seats are not counted for an enrolled device", () => {
    expect(enrolledStanding({ licences: [{ name: "KM", product: "knox-manage", platforms: ["android"], endsAt: 0 }] }, { platform: "macos" }, START, START)).toEqual({ state: "licensed" });
    expect(enrolledStanding({ licences: [{ name: "KM", product: "knox-manage", seats: 0 }] }, { platform: "android" }, START, START)).toEqual({ state: "licensed" });
  });
  it("the engine reports it per live record (records().enrollments[].licence) and follows a renewal", () => {
    let now = START;
    const e = new PolicyEngine({ licences: [{ name: "KS", product: "knox-suite", endsAt: 60 }] }, () => now);
    const r = android();
    const d = e.decide(r);
    if (!d.ok) throw new Error(d.message);
    e.enrolled(r, d);
    expect(e.records().enrollments[0]!.licence).toBe("licensed");
    now += 60_000;
    expect(e.records().enrollments[0]!.licence).toBe("restricted");
    e.holder.set("licences.0.endsAt", 31_536_000);
    expect(e.serviceStanding(r.deviceKey)).toEqual({ state: "licensed" });
  });
});

describe("bad licence input is a scenario error at its place", () => {
  const ctx = scenarioContext(loadCatalog());
  const scenario = (licence: string) =>
    `name: t\nserver: embedded\nembedded:\n  policy:\n    directory: { users: [{ upn: ann@contoso.com, groups: [intune-users] }] }\n    licences:\n      - ${licence}\ngroups:\n  - { name: g, model: pixel-8, count: 1, flow: android-qr }\n`;
  it("a misspelt key gets file:line:column and a did-you-mean", () => {
    const e = scenarioLoadError(scenario("{ name: KM, endAt: 3600 }"), "ticket.yaml", ctx);
    expect(e.location).toMatch(/^ticket\.yaml:7:\d+$/);
    expect(e.message).toContain("endsAt");
  });
  it("an end date that is neither seconds nor an ISO date-time says what was expected", () => {
    const e = scenarioLoadError(scenario('{ name: KM, endsAt: "next tuesday" }'), "ticket.yaml", ctx);
    expect(e.location).toMatch(/^ticket\.yaml:7:\d+$/);
    expect(e.message).toMatch(/ISO 8601|seconds/);
  });
  it("an unknown product gets the list and a did-you-mean", () => {
    const e = scenarioLoadError(scenario("{ name: KS, product: knox-suit }"), "ticket.yaml", ctx);
    expect(e.location).toMatch(/^ticket\.yaml:7:\d+$/);
    expect(e.message).toContain("knox-suite");
  });
  it("an unknown group in assign gets a did-you-mean", () => {
    const e = scenarioLoadError(scenario("{ name: KM, assign: [intune-user] }"), "ticket.yaml", ctx);
    expect(e.location).toMatch(/^ticket\.yaml:7:\d+$/);
    expect(e.message).toContain("intune-users");
  });
});
