// SPDX-License-Identifier: MIT
/**
 * iOS's "Profile Downloaded" holding area (support.apple.com/102400): a downloaded profile not
 * installed within 8 minutes is deleted. The user's delay is the timeline's idle at
 * profile.user-install, on the scenario clock (a skip, no real waiting).
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/api/run-scenario.js";

const file = (name: string) => join(import.meta.dirname, "../../scenarios/examples", name);
const opts = { keyPoolSize: 24, progress: false as const, capacity: false as const };

describe("iOS Profile Downloaded holding area", () => {
  it("an install 15 min after the download finds the profile deleted; 2 min later it installs", async () => {
    const { summary } = await runScenario(file("ios-profile-not-installed-8min-failing.yaml"), opts);
    expect(summary.ok).toBe(true);
    expect(summary.outcomes).toEqual({ "apple.enrolled": 1, "apple.profile.download-expired": 2 });
    expect(summary.errors["apple.profile.download-expired"]).toMatchObject({ step: "profile.user-install", shown: { text: expect.stringContaining("not installed within 8 minutes") as unknown as string } });
    expect(summary.steps["profile.user-install"]).toMatchObject({ count: 3, failed: 2 });
  }, 120_000);

  it("installing within 8 minutes enrols everyone", async () => {
    const { summary } = await runScenario(file("ios-profile-not-installed-8min-fixed.yaml"), opts);
    expect(summary).toMatchObject({ devices: 3, enrolled: 3, ok: true });
    expect(summary.steps["profile.user-install"]).toMatchObject({ count: 3, failed: 0 });
  }, 120_000);
});
