// SPDX-License-Identifier: MIT
/**
 * The policy engine's indexed records (server/policy/reenrollment.ts, EnrollmentRecords): deciding an
 * enrollment reads the records of the same hardware or user through an index instead of scanning
 * every record. The index must give exactly the scan's answers — the same held record (the first in
 * the Map's order when several match: another user's record on the same serial decides the refusal
 * text) and the same records of a user — through every change a run makes: new records, a device
 * enrolling again with other identifiers, records removed in place, a user assigned later, deletion
 * and a lost database.
 */
import { describe, expect, it } from "vitest";
import { PolicyEngine, type EnrollmentRequest } from "../../../src/server/policy/engine.js";
import { EnrollmentRecords, heldRecordOf, type HeldRecord, type ReenrollmentQuery } from "../../../src/server/policy/reenrollment.js";
import type { PolicyPlatform } from "../../../src/server/policy/types.js";

/** A small deterministic PRNG (mulberry32), so a failure replays. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PLATFORMS: PolicyPlatform[] = ["ios", "ipados", "macos", "android", "windows"];
// Few values, written in several ways, so that matches (and several matches) are frequent.
const SERIALS = ["F2LX01", "f2lx01", " F2LX01 ", "R5CX1", "PF3ABC", "", "  "];
const IMEIS = ["354049071234561", "35 404907 123456 1", "490154203237518", "", " "];
const USERS = ["ann@contoso.com", "ANN@contoso.com", "bob@contoso.com", "carl@contoso.com"];

describe("EnrollmentRecords: the index answers as the scan does", () => {
  it("held() and ofUser() equal heldRecordOf(values()) and a filter of values(), over 4,000 random changes and queries", () => {
    const next = rng(14);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
    const maybe = <T>(xs: readonly T[]): T | undefined => (next() < 0.3 ? undefined : pick(xs));
    const keys = Array.from({ length: 24 }, (_, i) => `dev-${i}`);
    const recs = new EnrollmentRecords<HeldRecord>();
    let multiple = 0;
    for (let step = 0; step < 4000; step++) {
      const op = next();
      const key = pick(keys);
      if (op < 0.45) {
        const upn = maybe(USERS);
        const serial = maybe(SERIALS);
        const imei = maybe(IMEIS);
        recs.set(key, { deviceKey: key, platform: pick(PLATFORMS), ...(upn ? { upn: upn.toLowerCase() } : {}), ...(serial !== undefined ? { serial } : {}), ...(imei !== undefined ? { imei } : {}) });
      } else if (op < 0.6) {
        const r = recs.get(key);
        if (r) r.removed = !r.removed;
      } else if (op < 0.7) {
        if (recs.get(key) && !recs.get(key)!.upn) recs.assignUser(key, pick(USERS).toLowerCase());
      } else if (op < 0.78) {
        recs.delete(key);
      } else if (op < 0.785) {
        recs.clear();
      }
      const q: ReenrollmentQuery = { platform: pick(PLATFORMS), deviceKey: pick(keys) };
      const serial = maybe(SERIALS);
      const imei = maybe(IMEIS);
      if (serial !== undefined) q.serial = serial;
      if (imei !== undefined) q.imei = imei;
      const scan = heldRecordOf(recs.values(), q);
      expect(recs.held(q), `step ${step}: ${JSON.stringify(q)}`).toBe(scan);
      const u = pick(USERS).toLowerCase();
      const want = [...recs.values()].filter((r) => r.upn?.toLowerCase() === u);
      expect(recs.ofUser(u), `step ${step}: records of ${u}`).toEqual(want);
      if (want.length > 1) multiple++;
    }
    // The order part of the claim was exercised, not only single matches.
    expect(multiple).toBeGreaterThan(100);
  });

  it("the first record in enrollment order is the held one when two match, even after the first is replaced in place", () => {
    const recs = new EnrollmentRecords<HeldRecord>();
    recs.set("a", { deviceKey: "a", platform: "ios", serial: "S1", upn: "ann@contoso.com" });
    recs.set("b", { deviceKey: "b", platform: "ios", serial: "S1", upn: "bob@contoso.com" });
    expect(recs.held({ platform: "ios", deviceKey: "c", serial: "s1" })?.upn).toBe("ann@contoso.com");
    // "a" enrolls again with another serial: it keeps its place in the Map and leaves S1's index.
    recs.set("a", { deviceKey: "a", platform: "ios", serial: "S2", upn: "ann@contoso.com" });
    expect(recs.held({ platform: "ios", deviceKey: "c", serial: "S1" })?.upn).toBe("bob@contoso.com");
    expect(recs.held({ platform: "ios", deviceKey: "c", serial: "S2" })?.deviceKey).toBe("a");
    recs.set("b", { deviceKey: "b", platform: "ios", serial: "S2" });
    expect(recs.held({ platform: "ios", deviceKey: "c", serial: "S2" })?.deviceKey).toBe("a");
    recs.get("a")!.removed = true;
    expect(recs.held({ platform: "ios", deviceKey: "c", serial: "S2" })?.deviceKey).toBe("b");
  });
});

describe("PolicyEngine with indexed records", () => {
  const enrol = (p: PolicyEngine, r: EnrollmentRequest) => {
    const d = p.decide(r);
    if (d.ok) p.enrolled(r, d);
    return d;
  };

  it("a user assigned after a userless enrollment counts toward that user's device limit", () => {
    const p = new PolicyEngine({ restrictions: { deviceLimit: 1 } });
    const dev = (i: number, upn?: string): EnrollmentRequest => ({ platform: "windows", deviceKey: `k${i}`, ...(upn ? { upn } : {}), methodOwnership: "personal", countsTowardLimit: true });
    expect(enrol(p, dev(1))).toMatchObject({ ok: true });
    expect(p.countedDevices("ann@contoso.com")).toHaveLength(0);
    p.assignUser("k1", "Ann@Contoso.com");
    expect(p.countedDevices("ANN@contoso.com").map((e) => e.deviceKey)).toEqual(["k1"]);
    expect(enrol(p, dev(2, "ann@contoso.com"))).toMatchObject({ ok: false, refusal: "device-limit" });
    p.removed("k1");
    expect(p.countedDevices("ann@contoso.com")).toHaveLength(0);
    p.forgetRecords();
    expect(p.enrollments.held({ platform: "windows", deviceKey: "k1" })).toBeUndefined();
  });
});
