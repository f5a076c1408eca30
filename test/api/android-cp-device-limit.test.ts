// SPDX-License-Identifier: MIT
/**
 * The shipped pair for trial 9 ticket 08 (scenarios/failures/android-cp-device-limit-*.yaml): the user's third phone is
 * refused at the Company Portal's route and shows its "Device limit reached" screen; the fixed tenant (limit raised)
 * enrolls every phone. The failing variant's `expect.shown` must pass on the device's own text (its `shown`), not on the
 * server's refusal reason.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/api/run-scenario.js";

const failure = (name: string) => join(import.meta.dirname, "../../scenarios/failures", name);
const opts = { keyPoolSize: 24, progress: false as const };

describe("android-cp-device-limit", () => {
  it("failing: one phone over the limit shows the Company Portal's screen at the route; fixed: all enroll", async () => {
    const { summary } = await runScenario(failure("android-cp-device-limit-failing.yaml"), opts);
    expect(summary.expectations.filter((r) => !r.ok)).toEqual([]);
    expect(summary).toMatchObject({ devices: 4, enrolled: 3, failed: 1, ok: true });
    const e = summary.errors["android.enrollment.device-limit"]!;
    expect(e).toMatchObject({ count: 1, step: "android.trigger.route", shown: { code: "DeviceCapReached", name: "Device limit reached" } });
    // What the device shows carries none of Intune's reason; the server's words are kept apart as serverSaid.
    expect(e.shown!.text).not.toContain("already has");
    expect(e.shown!.serverSaid).toContain("already has 2 enrolled devices");
    const fixed = (await runScenario(failure("android-cp-device-limit-fixed.yaml"), opts)).summary;
    expect(fixed).toMatchObject({ devices: 4, enrolled: 4, failed: 0, ok: true });
  }, 120_000);
});
