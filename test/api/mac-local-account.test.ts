// SPDX-License-Identifier: MIT
/**
 * macOS local account rights (`state.account.admin`) over loopback against the embedded server: a standard user
 * cannot authorize the enrollment profile's install (step profile.admin-auth), an administrator can, an
 * administrator who walks away from the prompt is the timeline's abandon there, and iPhones (no local accounts)
 * are never asked.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/api/run-scenario.js";

const opts = { keyPoolSize: 24, progress: false as const, capacity: false as const };
const file = (name: string) => join(import.meta.dirname, "../../scenarios/failures", `${name}.yaml`);
const inline = (yaml: string) => {
  const p = join(mkdtempSync(join(tmpdir(), "enrollsim-account-")), "s.yaml");
  writeFileSync(p, yaml);
  return p;
};

describe("macOS local account rights at the enrollment profile install", () => {
  it("standard users stop at profile.admin-auth before anything is installed; from admin accounts every Mac enrolls", async () => {
    const failing = (await runScenario(file("mac-standard-user-profile-install-failing"), opts)).summary;
    expect(failing).toMatchObject({ ok: true, devices: 3, enrolled: 1 });
    expect(failing.outcomes).toEqual({ "apple.profile.admin-required": 2, "apple.enrolled": 1 });
    expect(failing.errors["apple.profile.admin-required"]).toMatchObject({ step: "profile.admin-auth" });
    expect(failing.errors["apple.profile.admin-required"]!.example).toMatch(/standard user \(state\.account\.admin: false\)/);
    // Nothing was installed: the standard users never reached the approval or the MDM check-in.
    expect(failing.steps["profile.approve"]).toMatchObject({ count: 1 });
    const fixed = (await runScenario(file("mac-standard-user-profile-install-fixed"), opts)).summary;
    expect(fixed).toMatchObject({ ok: true, devices: 3, enrolled: 3 });
  }, 240_000);

  it("an administrator who walks away from the prompt is the timeline's abandon there; iPhones are never asked", async () => {
    const { summary } = await runScenario(
      inline(`name: account-abandon
seed: 5
server: embedded
groups:
  - { name: macs, model: macbook-air-m3, count: 1, flow: macos-profile }
  - { name: phones, model: iphone-15, count: 1, flow: ios-profile, state: { account: { admin: false } } }
timeline:
  - { at: 0s, group: macs, abandon: { step: profile.admin-auth } }
`),
      opts,
    );
    expect(summary.outcomes).toEqual({ "user.abandoned": 1, "apple.enrolled": 1 });
    // One sample: the Mac's (abandoned); the iPhone has no local accounts and is not asked despite its state.
    expect(summary.steps["profile.admin-auth"]).toMatchObject({ count: 1, failed: 1 });
    expect(summary.errors["user.abandoned"]).toMatchObject({ step: "profile.admin-auth" });
  }, 120_000);
});
