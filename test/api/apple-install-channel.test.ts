// SPDX-License-Identifier: MIT
/**
 * Methods a release removed and how a profile gets installed (device/apple/install-channel.ts, device/methods.ts),
 * over loopback against the embedded server: a script's `profiles install` (removed in macOS 11), the user who
 * installs the downloaded profile in System Settings (or never opens it), and profile-driven User Enrollment
 * (removed in iOS 18 / macOS 15).
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/api/run-scenario.js";

const opts = { keyPoolSize: 24, progress: false as const, capacity: false as const };
const file = (name: string) => join(import.meta.dirname, "../../scenarios/failures", `${name}.yaml`);
const inline = (yaml: string) => {
  const p = join(mkdtempSync(join(tmpdir(), "enrollsim-channel-")), "s.yaml");
  writeFileSync(p, yaml);
  return p;
};

describe("how a Mac's enrollment profile gets installed", () => {
  it("`profiles install` installs nothing on macOS 14 and sends nothing; macOS 10.15 installs it silently, without the user's approval steps", async () => {
    const { summary } = await runScenario(file("mac-profiles-cli-install-failing"), opts);
    expect(summary).toMatchObject({ ok: true, devices: 3, enrolled: 1 });
    expect(summary.outcomes).toEqual({ "apple.profile.cli-install-removed": 2, "apple.enrolled": 1 });
    expect(summary.errors["apple.profile.cli-install-removed"]).toMatchObject({
      step: "device.method",
      shown: { text: "profiles tool no longer supports installs. Use System Settings Profiles to add configuration profiles.", code: "exit status 1", screen: "Terminal" },
    });
    // Only the Catalina Mac downloaded and installed; it met no consent, password or approval step.
    expect(summary.steps["profile.download"]).toMatchObject({ count: 1 });
    expect(summary.steps["profile.cli-install"]).toMatchObject({ count: 1, failed: 0 });
    expect(summary.steps["profile.admin-auth"]).toBeUndefined();
    expect(summary.steps["profile.approve"]).toBeUndefined();
  }, 240_000);

  it("installed by the user in System Settings, the same Macs enroll", async () => {
    const { summary } = await runScenario(file("mac-profiles-cli-install-fixed"), opts);
    expect(summary).toMatchObject({ ok: true, devices: 2, enrolled: 2 });
    expect(summary.steps["profile.user-install"]).toMatchObject({ count: 2, failed: 0 });
  }, 240_000);

  it("a user who never opens the downloaded profile leaves it downloaded: nothing installed (System Preferences before macOS 13)", async () => {
    const { summary } = await runScenario(
      inline(`name: never-opened
seed: 7
server: embedded
groups:
  - { name: sonoma, model: macbook-air-m3, count: 1, flow: macos-profile, state: { os: { version: "14.6.1", build: 23G93 } } }
  - { name: monterey, model: macbook-pro-2017, count: 1, flow: macos-profile, state: { os: { version: "12.7.6", build: 21H1320 } } }
timeline:
  - { at: 0s, abandon: { step: profile.user-install } }
`),
      opts,
    );
    expect(summary.outcomes).toEqual({ "apple.profile.not-installed": 2 });
    expect(summary.errors["apple.profile.not-installed"]).toMatchObject({ step: "profile.user-install" });
    // Each Mac names its own release's pane (the runner puts every failure at profile.user-install on the Profiles screen).
    expect(summary.errors["apple.profile.not-installed"]!.example).toMatch(/waits in System (Settings › Privacy & Security|Preferences) › Profiles and is not installed/);
    expect(summary.steps["profile.admin-auth"]).toBeUndefined();
  }, 240_000);

  it("`installVia: profiles-cli` on an iPhone is the scenario's mistake, at file:line:column", async () => {
    const p = inline(`name: cli-on-iphone
seed: 7
server: embedded
groups:
  - { name: phones, model: iphone-15, count: 1, flow: ios-profile, options: { apple: { installVia: profiles-cli } } }
`);
    await expect(runScenario(p, opts)).rejects.toThrow(/s\.yaml:5:\d+: .*profiles-cli is the Mac's profiles command; flow ios-profile has no choice/);
  }, 120_000);
});

describe("profile-driven User Enrollment and its removal", () => {
  it("iOS 18 refuses the ManagedAppleID profile at profile.install with the method's outcome (no published text: unknown); iOS 17 installs it", async () => {
    const { summary } = await runScenario(file("ios18-profile-user-enrollment-failing"), opts);
    expect(summary).toMatchObject({ ok: true, devices: 3, enrolled: 1 });
    expect(summary.outcomes).toEqual({ "apple.user-enrollment.profile-removed": 2, "apple.enrolled": 1 });
    const e = summary.errors["apple.user-enrollment.profile-removed"]!;
    expect(e).toMatchObject({ step: "profile.install", shown: { screen: "Settings › Profile Downloaded › Install (Profile Installation Failed)", unknown: { of: "condition" } } });
    expect(e.example).toMatch(/iOS 18\.3 \(removed in iOS 18\.0\)/);
    // The device's words are unpublished (the shown says so); what was removed and what to use instead is the diagnosis.
    expect(e.shown!.text).toBe("(not published: the enrollment profile is not installed)");
    expect(e.example).toContain("Profile-driven User Enrollment was removed");
    // Nothing reached the MDM: no SCEP, no check-in for the refused iPhones.
    expect(summary.steps["checkin.authenticate"]).toMatchObject({ count: 1 });
  }, 240_000);

  it("account-driven User Enrollment enrolls the same iPhones on iOS 18", async () => {
    const { summary } = await runScenario(file("ios18-profile-user-enrollment-fixed"), opts);
    expect(summary).toMatchObject({ ok: true, devices: 2, enrolled: 2 });
  }, 240_000);

  it("a Mac on macOS 15 refuses it too; an ordinary profile on the same Mac enrolls", async () => {
    const { summary } = await runScenario(
      inline(`name: mac15-ue-profile
seed: 9
server: embedded
embedded:
  apple: { profile: { set: { com.apple.mdm/ManagedAppleID: "byod.user@enrollsim.test" } } }
groups:
  - { name: sequoia, model: macbook-air-m3, count: 1, flow: macos-profile, state: { os: { version: "15.3", build: 24D60 } } }
`),
      opts,
    );
    expect(summary.outcomes).toEqual({ "apple.user-enrollment.profile-removed": 1 });
    expect(summary.errors["apple.user-enrollment.profile-removed"]!.shown).toMatchObject({ screen: "System Settings › Privacy & Security › Profiles (Profile Installation Failed)" });
    const plain = await runScenario(
      inline(`name: mac15-plain
seed: 9
server: embedded
groups:
  - { name: sequoia, model: macbook-air-m3, count: 1, flow: macos-profile, state: { os: { version: "15.3", build: 24D60 } } }
`),
      opts,
    );
    expect(plain.summary.outcomes).toEqual({ "apple.enrolled": 1 });
  }, 240_000);

  it("on iOS 17 and macOS 14 the same profile enrolls as a User Enrollment: EnrollmentID, no hardware ids, no Bearer (the server handed the profile out)", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "enrollsim-pdue-")), "trace");
    const { summary } = await runScenario(
      inline(`name: profile-driven-ue
seed: 11
server: embedded
embedded:
  apple: { profile: { set: { com.apple.mdm/ManagedAppleID: "byod.user@enrollsim.test" } } }
groups:
  - { name: ios17, model: iphone-15, count: 1, flow: ios-profile, state: { os: { version: "17.6.1", build: 21G93 } } }
  - { name: sonoma, model: macbook-air-m3, count: 1, flow: macos-profile, state: { os: { version: "14.6.1", build: 23G93 } } }
`),
      { ...opts, trace: dir },
    );
    expect(summary.outcomes).toEqual({ "apple.enrolled": 2 });
    const files = readdirSync(dir);
    expect(files).toHaveLength(2);
    for (const f of files) {
      const lines = readFileSync(join(dir, f), "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as { kind: string; step: string; data: Record<string, unknown> });
      const method = lines.find((l) => l.kind === "decoded" && l.step === "profile.install" && l.data.method === "apple.user-enrollment.profile");
      expect(method?.data).toMatchObject({ supported: true, managedAppleId: "byod.user@enrollsim.test" });
      const auth = lines.find((l) => l.kind === "decoded" && l.step === "checkin.authenticate");
      expect(auth?.data.EnrollmentID).toMatch(/^[0-9A-F]{40}$/);
      expect(auth?.data.UDID).toBeUndefined();
      expect(auth?.data.SerialNumber).toBeUndefined();
    }
  }, 240_000);
});
