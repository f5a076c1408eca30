// SPDX-License-Identifier: MIT
/** Ranges, outcome codes, shown texts and step presence in `expect:` (issue 10 #6). */
import { describe, expect, it } from "vitest";
import { ScenarioError } from "../../src/errors/index.js";
import { evaluateExpectations, type SummaryFacts } from "../../src/report/expectations.js";
import { SummaryCollector } from "../../src/report/summary.js";
import { mergeSummaries } from "../../src/report/merge.js";
import type { DeviceResult } from "../../src/runner/observer.js";
import { describeShown } from "../../src/device/shown-for.js";
import { matchableTexts } from "../../src/report/shown-match.js";

const none: SummaryFacts = {
  devices: 4,
  enrolled: 0,
  failed: 4,
  steps: { "profile.scep": { count: 4, failed: 4, p50: 0, p95: 0, p99: 0, max: 0, mean: 0 }, "scep.getcacaps": { count: 4, failed: 0, p50: 2, p95: 5, p99: 5, max: 5, mean: 3 } },
  errors: { "apple.scep.failInfo.badRequest": { count: 4, blame: "protocol-outcome", step: "profile.scep", example: "x" } },
  outcomes: { "apple.scep.failInfo.badRequest": 4 },
  shown: [{ text: "rejected", devices: 4 }],
};
const byName = (spec: Parameters<typeof evaluateExpectations>[1], f = none) => Object.fromEntries(evaluateExpectations(f, spec).expectations.map((e) => [e.name, e]));

describe("ranges", () => {
  it("successRatio {max: 0} asserts that none enrolled", () => {
    expect(byName({ successRatio: { max: 0 } })["success ratio"]).toMatchObject({ ok: true, expected: "≤ 0.0% enrolled" });
    expect(byName({ successRatio: { max: 0 } }, { ...none, enrolled: 1, failed: 3 })["success ratio"]!.ok).toBe(false);
    expect(byName({ successRatio: { min: 0.5, max: 0.9 } }, { ...none, enrolled: 3, failed: 1 })["success ratio"]).toMatchObject({ ok: true, expected: "between 50.0% and 90.0% enrolled" });
  });

  it("latency lower bounds", () => {
    expect(byName({ latency: { "scep.getcacaps": { p50: { min: 1 }, p95: { min: 1, max: 10 } } } })["latency scep.getcacaps p50"]).toMatchObject({ ok: true, expected: "≥ 1 ms" });
    expect(byName({ latency: { "scep.getcacaps": { p50: { min: 3 } } } })["latency scep.getcacaps p50"]).toMatchObject({ ok: false, actual: "2 ms" });
    expect(byName({ latency: { "scep.getcacaps": { p95: 4 } } })["latency scep.getcacaps p95"]).toMatchObject({ ok: false, expected: "≤ 4 ms" });
  });

  it("failure ratio and count ranges", () => {
    expect(byName({ failures: [{ code: "apple.scep.failInfo.badRequest", count: { min: 2, max: 4 } }] })["failure apple.scep.failInfo.badRequest"]!.ok).toBe(true);
    expect(byName({ failures: [{ code: "apple.scep.failInfo.badRequest", ratio: { max: 0.5 } }] })["failure apple.scep.failInfo.badRequest"]!.ok).toBe(false);
  });

  it("refuses max below min and unknown range keys", () => {
    expect(() => evaluateExpectations(none, { successRatio: { min: 0.9, max: 0.1 } })).toThrow(ScenarioError);
    expect(() => evaluateExpectations(none, { successRatio: { minimum: 1 } as never })).toThrow(/expected \{min\?, max\?\}/);
  });
});

describe("outcomes, shown and present", () => {
  it("counts devices by outcome code (a code nobody had is 0)", () => {
    const r = byName({ outcomes: { "apple.scep.failInfo.badRequest": { ratio: 1 }, "apple.enrolled": { count: 0 } } });
    expect(r["outcome apple.scep.failInfo.badRequest"]!.ok).toBe(true);
    expect(r["outcome apple.enrolled"]).toMatchObject({ ok: true, actual: "0 devices (0.0%)" });
    expect(byName({ outcomes: { "apple.enrolled": { count: { min: 1 } } } })["outcome apple.enrolled"]!.ok).toBe(false);
  });

  it("outcomes or shown make the default success ratio 0", () => {
    expect(evaluateExpectations(none, { outcomes: { "apple.scep.failInfo.badRequest": { count: 4 } } }).ok).toBe(true);
    expect(evaluateExpectations(none, { shown: [{ text: "rejected", ratio: 1 }] }).ok).toBe(true);
    expect(evaluateExpectations(none, {}).ok).toBe(false);
  });

  it("step present / absent", () => {
    expect(byName({ steps: { "profile.scep": { present: true }, "scep.certpoll": { present: false } } })).toMatchObject({
      "step profile.scep": { ok: true, expected: "present (≥ 1 sample)" },
      "step scep.certpoll": { ok: true, expected: "absent (no sample)" },
    });
    expect(byName({ steps: { "scep.certpoll": { present: true } } })["step scep.certpoll"]!.ok).toBe(false);
    expect(byName({ steps: { "profile.scep": { failed: { min: 1 } } } })["step profile.scep"]!.ok).toBe(true);
  });

  it("the collector counts outcome codes (success included) and shown-text matches, O(entries)", () => {
    const c = new SummaryCollector({ expect: { shown: [{ text: "/rejected the request \\(\\w+\\)/" }, { text: "Profile Installation Failed", code: "apple.scep.failInfo.badRequest" }, { text: "nothing like it" }] } });
    c.onRunStart({ scenario: "x", devices: 3, seed: "1" });
    const base = { index: 0, group: "g", model: "iphone-15", platform: "ios", flow: "ios-profile", startedAt: 0, endedAt: 1 };
    const shown = { code: "MCInstallationErrorDomain 4001", text: "Profile Installation Failed. The SCEP server rejected the request (badRequest).", screen: "Settings" };
    const fail = (device: string, message: string, code = "apple.scep.failInfo.badRequest"): DeviceResult => ({ ...base, device, ok: false, code, failure: { code, blame: "protocol-outcome", step: "profile.scep", message, shown } });
    c.onDeviceEnd({ ...base, device: "a#0", ok: true, code: "apple.enrolled" });
    c.onDeviceEnd(fail("a#1", "Profile Installation Failed: the SCEP server returned FAILURE badRequest"));
    c.onDeviceEnd(fail("a#2", "Profile Installation Failed (timeout)", "transport.timeout"));
    const s = c.summary();
    expect(s.outcomes).toEqual({ "apple.enrolled": 1, "apple.scep.failInfo.badRequest": 1, "transport.timeout": 1 });
    expect(s.shown).toEqual([
      { text: "/rejected the request \\(\\w+\\)/", devices: 2 },
      { text: "Profile Installation Failed", code: "apple.scep.failInfo.badRequest", devices: 1 },
      { text: "nothing like it", devices: 0 },
    ]);
    expect(s.expectations.find((e) => e.name === 'shown "nothing like it"')).toMatchObject({ ok: false, expected: "at least 1 device" });
  });

  it("matches what the summary prints for the device: the cause ('(cause HTTP 412)'), an unknown server value and the whole printed line", () => {
    const shown = { code: "MCHTTPTransactionErrorDomain 23001", name: "HTTP status error", text: "A connection to the server could not be established.", screen: "Settings › Profile Downloaded › Install (Profile Installation Failed)", cause: { code: "HTTP 412" } };
    const printed = describeShown(shown);
    expect(printed).toContain("(cause HTTP 412)");
    const texts = ["(cause HTTP 412)", "HTTP 412", printed, "cause HTTP 401", "HTTP status error (cause HTTP 412): \"A connection"];
    const c = new SummaryCollector({ expect: { shown: texts.map((text) => ({ text })) } });
    c.onRunStart({ scenario: "s", devices: 1, seed: "1" });
    c.onDeviceEnd({ device: "i#0", index: 0, group: "g", model: "m", platform: "ios", flow: "ios-profile", ok: false, code: "apple.checkin.http-412", startedAt: 0, endedAt: 1, failure: { code: "apple.checkin.http-412", blame: "server", message: "[device i#0] the check-in answered 412", shown } });
    expect(c.summary().shown!.map((x) => x.devices)).toEqual([1, 1, 1, 0, 1]);
    const unknown = { code: "DeviceTypeNotSupported", text: "x", screen: "Setup Assistant › Remote Management", unknown: { raw: "DeviceTypeNotSupported" } };
    expect(matchableTexts(unknown)).toContain(describeShown(unknown));
  });

  it("matches only what the device shows: never the failure's message nor the server's words (blind trial 9's false pass)", () => {
    // Trial 9, ticket 08: Android phones refused by the device limit show the setup wizard's "Can't set up device"; the
    // reference server's refusal reason ("Device limit reached: …") was in the failure's message, and
    // `shown: "Device limit reached"` passed. It must not: the device never showed those words.
    const said = "Device limit reached: ann@example.org already has 2 enrolled devices";
    const c = new SummaryCollector({ expect: { shown: [{ text: "Device limit reached" }, { text: "Can't set up device" }, { text: "PERMISSION_DENIED" }, { text: "ann@example.org" }] } });
    c.onRunStart({ scenario: "x", devices: 1, seed: "1" });
    const shown = { code: "PERMISSION_DENIED", name: "DEVICE_LIMIT", text: "Can't set up device. Contact your IT admin for help.", screen: "setup wizard, after the DPC's ADMIN_POLICY_COMPLIANCE failed", serverSaid: said };
    const message = `[device pixel-8#0, step android.amapi.redeem] Can't set up device. Contact your IT admin for help. (${said})`;
    c.onDeviceEnd({ device: "pixel-8#0", index: 0, group: "g", model: "pixel-8", platform: "android", flow: "android-work-profile", ok: false, code: "android.enrollment.device-limit", startedAt: 0, endedAt: 1, failure: { code: "android.enrollment.device-limit", blame: "protocol-outcome", step: "android.amapi.redeem", message, shown } });
    expect(c.summary().shown!.map((x) => x.devices)).toEqual([0, 1, 1, 0]);
    // A device that shows nothing of its own matches no entry, whatever its message says.
    const d = new SummaryCollector({ expect: { shown: [{ text: "refused" }] } });
    d.onRunStart({ scenario: "x", devices: 1, seed: "1" });
    d.onDeviceEnd({ device: "x#0", index: 0, group: "g", model: "m", platform: "android", flow: "scep", ok: false, code: "scep.failInfo.badRequest", startedAt: 0, endedAt: 1, failure: { code: "scep.failInfo.badRequest", blame: "protocol-outcome", message: "the CA refused the request" } });
    expect(d.summary().shown![0]!.devices).toBe(0);
  });

  it("matches the text the platform shows (device/shown.ts), not only the message", () => {
    const c = new SummaryCollector({ expect: { shown: [{ text: "0x80180014" }, { text: "Enrollment Status Page" }] } });
    c.onRunStart({ scenario: "x", devices: 1, seed: "1" });
    const shown = { code: "0x80180014", name: "MENROLL_E_DEVICENOTSUPPORTED", text: "Your organization does not support this version of Windows.", screen: "Enrollment Status Page" };
    c.onDeviceEnd({ device: "w#0", index: 0, group: "g", model: "m", platform: "windows", flow: "windows-autopilot", ok: false, code: "windows.enroll.refused", startedAt: 0, endedAt: 1, failure: { code: "windows.enroll.refused", blame: "server", message: "[device w#0] refused", shown } });
    expect(c.summary().shown!.map((x) => x.devices)).toEqual([1, 1]);
  });

  it("matches what a failed steady-state check-in recorded, once per device (blind-trial trip-up)", () => {
    const c = new SummaryCollector({ expect: { shown: [{ text: "NSURLErrorDomain -1201", code: "transport.tls" }, { text: "NSURLErrorDomain -1201", code: "other.code" }, { text: "mdmclient log" }] } });
    c.onRunStart({ scenario: "x", devices: 2, seed: "1" });
    const base = { group: "g", model: "m", platform: "ios", flow: "ios-profile", startedAt: 0, endedAt: 1, ok: true, code: "apple.enrolled" };
    c.onDeviceEnd({ ...base, device: "i#0", index: 0 });
    c.onDeviceEnd({ ...base, device: "i#1", index: 1 });
    const shown = { code: "NSURLErrorDomain -1201", name: "NSURLErrorServerCertificateHasBadDate", text: "The certificate for this server has expired.", screen: "no alert: a background MDM check-in; the mdmclient log (Console) records the error" };
    const sample = { platform: "ios", flow: "ios-profile", ok: false, code: "transport.tls", message: "tls: certificate expired", shown, at: 0, ms: 1 };
    // Device 0 fails two check-ins, device 1 one; an ok check-in and one without the text count nothing.
    c.onCheckin({ ...sample, device: "i#0", index: 0 });
    c.onCheckin({ ...sample, device: "i#0", index: 0 });
    c.onCheckin({ ...sample, device: "i#1", index: 1 });
    c.onCheckin({ device: "i#1", index: 1, platform: "ios", flow: "ios-profile", ok: true, at: 0, ms: 1 });
    c.onCheckin({ device: "i#1", index: 1, platform: "ios", flow: "ios-profile", ok: false, code: "transport.tls", message: "reset", at: 0, ms: 1 });
    expect(c.summary().shown!.map((x) => x.devices)).toEqual([2, 0, 2]);
  });

  it("shards merge: outcome codes and shown counts add up, and are evaluated on the whole", () => {
    const shard = (ok: number, bad: number) => {
      const c = new SummaryCollector({ expect: { shown: [{ text: "rejected" }] } });
      c.onRunStart({ scenario: "x", devices: ok + bad, seed: "1" });
      const base = { index: 0, group: "g", model: "m", platform: "ios", flow: "ios-profile", startedAt: 0, endedAt: 1 };
      for (let i = 0; i < ok; i++) c.onDeviceEnd({ ...base, device: `a#${i}`, ok: true, code: "apple.enrolled" });
      for (let i = 0; i < bad; i++) c.onDeviceEnd({ ...base, device: `b#${i}`, ok: false, code: "x.y", failure: { code: "x.y", blame: "server", message: "diagnosis", shown: { text: "rejected", screen: "Settings" } } });
      return c.summary();
    };
    const m = mergeSummaries([shard(2, 1), shard(1, 2)], { outcomes: { "apple.enrolled": { count: 3 } }, shown: [{ text: "rejected", count: 3 }] });
    expect(m.outcomes).toEqual({ "apple.enrolled": 3, "x.y": 3 });
    expect(m.shown).toEqual([{ text: "rejected", devices: 3 }]);
    expect(m.ok).toBe(true);
  });

  it("expectations added from outside the report layer count towards ok", () => {
    const c = new SummaryCollector({ expect: { successRatio: 0 } });
    c.onRunStart({ scenario: "x", devices: 0, seed: "1" });
    expect(c.summary().ok).toBe(true);
    c.addExpectations([{ name: "server duplicates", ok: false, expected: "exactly 0", actual: "2" }]);
    expect(c.summary()).toMatchObject({ ok: false });
  });
});
