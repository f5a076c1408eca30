// SPDX-License-Identifier: MIT
/**
 * embedded.apple.identityRenewal end to end over loopback (HTTPS, mTLS, SCEP): the server re-sends the
 * enrollment profile before the MDM identity expires and the steady device installs it as an update of
 * its MDM profile (device/apple/mdm-update.ts), or refuses it when a key that must not change changed.
 * Time passes with timeline skips on the scenario clock.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/api/run-scenario.js";
import { MemoryFleetStore } from "../../src/runner/store/types.js";

const failure = (name: string) => join(import.meta.dirname, "../../scenarios/failures", name);
const opts = { progress: false as const };
/**
 * A renewal takes the key of the device's next key generation (slot index + 1009 × generation, modulo the
 * pool's size): the shared 24-key test pool maps it onto another device's key. A pool of its own with 30
 * keys keeps every device's generations 0–2 distinct (1009 ≡ 19, 2018 ≡ 8 mod 30).
 */
const renewalOpts = { ...opts, keyPoolDir: join(import.meta.dirname, "../../.enrollsim/test-keys-renewal"), keyPoolSize: 30 };

describe("Apple MDM identity renewal (embedded.apple.identityRenewal)", () => {
  it("without renewal the 1-day identities expire: one 401 per device (apple.checkin.unenrolled)", async () => {
    const { summary } = await runScenario(failure("apple-mdm-identity-expires-failing.yaml"), opts);
    expect(summary).toMatchObject({ devices: 3, enrolled: 3, ok: true });
    expect(summary.checkins).toMatchObject({ failed: 3, codes: { "apple.checkin.unenrolled": 3 } });
    expect(summary.steps["checkin.command.InstallProfile"]).toBeUndefined();
  }, 600_000);

  it("a failed check-in's code is an outcome for the timeline: after: { outcome } fires once 3 devices dropped out", async () => {
    const text = readFileSync(failure("apple-mdm-identity-expires-failing.yaml"), "utf8").replace("timeline:\n", "timeline:\n  - { after: { outcome: apple.checkin.unenrolled, count: 3 }, online: {}, note: every device dropped out }\n");
    const file = join(mkdtempSync(join(tmpdir(), "renewal-")), "outcome-trigger.yaml");
    writeFileSync(file, text);
    const { summary } = await runScenario(file, opts);
    expect(summary.checkins).toMatchObject({ failed: 3 });
    const fired = summary.actions!.find((a) => a.note === "every device dropped out");
    expect(fired).toMatchObject({ action: "online", trigger: "after 3 device(s) ended with apple.checkin.unenrolled" });
    // Fired when the third device's check-in got its 401, a day in (an entry never fired reports atMs -1).
    expect(fired!.atMs).toBeGreaterThanOrEqual(86_400_000);
    expect(fired!.atMs).toBeLessThan(90_000_000);
  }, 600_000);

  it("with renewal 8 h before expiry every device renews twice in two days (new identity, Authenticate, TokenUpdate) and no check-in fails", async () => {
    const { summary } = await runScenario(failure("apple-mdm-identity-expires-fixed.yaml"), renewalOpts);
    expect(summary).toMatchObject({ devices: 3, enrolled: 3, ok: true });
    expect(summary.checkins).toMatchObject({ failed: 0 });
    expect(summary.checkins!.total).toBeGreaterThanOrEqual(24);
    // The renewal's SCEP and check-ins happen inside the steady check-ins.
    expect(summary.steps["checkin.profile.scep"]!.count).toBe(6);
    expect(summary.steps["checkin.checkin.authenticate"]!.count).toBe(6);
    expect(summary.steps["checkin.checkin.tokenupdate"]!.count).toBe(6);
  }, 600_000);

  it("the renewed identity reaches the fleet store (what run --resume checks in with), not only the runner's memory", async () => {
    const store = new MemoryFleetStore();
    const enrolledPem = new Map<number, string>();
    const put = store.put.bind(store);
    store.put = (d) => {
      if (d.state === "enrolled" && !enrolledPem.has(d.index)) enrolledPem.set(d.index, d.certificates![0]!.pem);
      put(d);
    };
    const { summary } = await runScenario(failure("apple-mdm-identity-expires-fixed.yaml"), { ...renewalOpts, store });
    expect(summary.checkins).toMatchObject({ failed: 0 });
    const rows = store.list({ state: "enrolled" });
    expect(rows).toHaveLength(3);
    for (const r of rows) {
      const mdm = r.certificates!.find((c) => c.label.includes("#mdm"))!;
      expect(mdm.pem).not.toBe(enrolledPem.get(r.index)); // renewed twice: the row holds the newest identity
      expect(r.checkins).toBeGreaterThanOrEqual(8);
    }
  }, 600_000);

  it("a renewal whose Topic changed is refused (Error, MCMDMErrorDomain 12002) and the old identity then expires", async () => {
    const { summary } = await runScenario(failure("apple-mdm-identity-renewal-topic-changed.yaml"), opts);
    expect(summary.ok).toBe(true);
    expect(summary.checkins).toMatchObject({ codes: { "apple.checkin.unenrolled": 3 } });
    expect(summary.steps["checkin.profile.scep"]).toBeUndefined();
  }, 600_000);

  it("a device enrolled through the portal renews too: the renewed profile's CheckInURL keeps its enrollment", async () => {
    const text = readFileSync(failure("apple-mdm-identity-expires-fixed.yaml"), "utf8")
      .replace("  apple:\n    identityRenewal:", "  policy: { directory: { users: [{ upn: ana@contoso.example }, { upn: ben@contoso.example }, { upn: cho@contoso.example }] } }\n  apple:\n    portal: { login: true }\n    identityRenewal:")
      .replace("flow: ios-profile }", "flow: ios-profile, options: { apple: { portal: { user: ana@contoso.example } } } }")
      .replace("flow: macos-profile }", "flow: macos-profile, options: { apple: { portal: { user: cho@contoso.example } } } }");
    expect(text).toContain("portal: { login: true }");
    const file = join(mkdtempSync(join(tmpdir(), "renewal-")), "portal.yaml");
    writeFileSync(file, text);
    const { summary } = await runScenario(file, renewalOpts);
    expect(summary).toMatchObject({ devices: 3, enrolled: 3, ok: true });
    expect(summary.checkins).toMatchObject({ failed: 0 });
    expect(summary.steps["checkin.checkin.authenticate"]!.count).toBe(6);
  }, 600_000);

  it("a renewal window shorter than the check-in cadence is missed: no InstallProfile, the identities expire", async () => {
    const text = readFileSync(failure("apple-mdm-identity-expires-fixed.yaml"), "utf8")
      .replace("beforeExpirySeconds: 28800", "beforeExpirySeconds: 3600")
      .replace(/expect:[\s\S]*$/, "expect:\n  checkins:\n    codes: { apple.checkin.unenrolled: 3 }\n")
      .replace("timeline:\n", "timeline:\n  - { after: { step: checkin.command.idle, failed: 3, wait: 1s }, skip: 2d }\n");
    const file = join(mkdtempSync(join(tmpdir(), "renewal-")), "window-missed.yaml");
    writeFileSync(file, text);
    const { summary } = await runScenario(file, opts);
    expect(summary.ok).toBe(true);
    expect(summary.steps["checkin.command.InstallProfile"]).toBeUndefined();
    expect(summary.checkins).toMatchObject({ codes: { "apple.checkin.unenrolled": 3 } });
  }, 600_000);
});
