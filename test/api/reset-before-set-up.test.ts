// SPDX-License-Identifier: MIT
/**
 * Timeline `reset` of a device that is not set up: it is erased all the same, and sets up factory-fresh
 * (its disk says so; Android's provisioning then finds no owner, user or old work profile). Over loopback:
 * two phones with an old work profile whose users cancel "Delete existing profile?"; the one reset before
 * it is set up has no old profile any more and enrolls, the other keeps its old profile.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/api/run-scenario.js";

const opts = { keyPoolSize: 24, progress: false as const, capacity: false as const };
const scenario = (resetTarget: string) => {
  const file = join(mkdtempSync(join(tmpdir(), "enrollsim-reset-fresh-")), "s.yaml");
  writeFileSync(
    file,
    `name: reset-before-set-up\nseed: 410\nserver: embedded\ngroups:\n` +
      `  - { name: old, model: samsung-galaxy-s9, count: 2, flow: android-work-profile, state: { existingWorkProfile: { managedBy: com.google.android.apps.work.clouddpc }, apiLevel: 29 } }\n` +
      `arrival: { concurrency: 1 }\ntimeline:\n  - { at: 0s, devices: [0, 1], abandon: { step: android.provision.delete-profile } }\n${resetTarget}`,
  );
  return file;
};

describe("reset of a device not set up (loopback)", () => {
  it("the phone reset before its set-up has no old work profile and enrolls; the other keeps it", async () => {
    const { summary } = await runScenario(scenario("  - { at: 0s, devices: [1], reset: {} }\n"), opts);
    expect(summary).toMatchObject({ devices: 2, enrolled: 1, failed: 1 });
    expect(summary.outcomes).toMatchObject({ "android.enrolled": 1, "android.provision.existing-profile-kept": 1 });
    expect(summary.actions?.find((a) => a.action === "reset")?.result).toContain("1 device(s) not set up were erased too (they set up factory-fresh)");
  }, 120_000);

  it("without the reset both keep their old work profile", async () => {
    const { summary } = await runScenario(scenario(""), opts);
    expect(summary).toMatchObject({ devices: 2, enrolled: 0, failed: 2 });
  }, 120_000);
});
