// SPDX-License-Identifier: MIT
/**
 * A portal that picks the enrollment profile by the browser's User-Agent, over loopback against the embedded server
 * (the shipped pair): iPads in Safari's default desktop mode get the Mac profile and refuse it (TargetDeviceType);
 * with Request Desktop Website off they get the iPad profile and enroll.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/api/run-scenario.js";

const opts = { keyPoolSize: 8, progress: false as const, capacity: false as const };
const file = (name: string) => join(import.meta.dirname, "../../scenarios/failures", `${name}.yaml`);

describe("ipad-safari-desktop-site-wrong-profile (loopback, embedded server)", () => {
  it("desktop mode: the iPads refuse the Mac profile, the iPhone enrolls; mobile mode: every device enrolls", async () => {
    const failing = (await runScenario(file("ipad-safari-desktop-site-wrong-profile-failing"), opts)).summary;
    expect(failing).toMatchObject({ ok: true, devices: 3, enrolled: 1 });
    expect(failing.outcomes).toEqual({ "apple.profile.wrong-target-device": 2, "apple.enrolled": 1 });
    expect(failing.groups["ipads"]).toMatchObject({ failed: 2 });
    expect(failing.errors["apple.profile.wrong-target-device"]!.example).toContain("TargetDeviceType 5");
    const fixed = (await runScenario(file("ipad-safari-desktop-site-wrong-profile-fixed"), opts)).summary;
    expect(fixed).toMatchObject({ ok: true, devices: 3, enrolled: 3 });
  }, 180_000);
});
