// SPDX-License-Identifier: MIT
/**
 * Shipped scenarios that exercise a mechanism of issue 10 no failure scenario used yet (fault
 * selectors afterSuccesses/flow/method, the scepFailInfo and amapiError actions, the timeline's
 * abandon and idle with a clock skip), run over loopback against the embedded server.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadScenario, runScenario } from "../../src/api/run-scenario.js";

const file = (name: string) => join(import.meta.dirname, "../../scenarios", name);
const opts = { keyPoolSize: 24, progress: false as const, capacity: false as const };

describe("mechanism scenarios", () => {
  it("faults/scep-renewal-refused: afterSuccesses + scepFailInfo refuse each renewal, not the first enrolment", async () => {
    const { summary } = await runScenario(file("faults/scep-renewal-refused.yaml"), opts);
    expect(summary).toMatchObject({ devices: 3, enrolled: 0, ok: true, outcomes: { "scep.failInfo.badRequest": 3 } });
    expect(summary.steps["scep.pkioperation"]).toMatchObject({ count: 6, failed: 3 });
    // Without the fault every renewal is issued: the expectations reject that run.
    const s = await loadScenario(file("faults/scep-renewal-refused.yaml"));
    const { summary: healthy } = await runScenario({ ...s, faults: [] }, opts);
    expect(healthy.enrolled).toBe(3);
    expect(healthy.ok).toBe(false);
  }, 120_000);

  it("faults/android-amapi-permission-denied: the google.rpc status reaches what the device shows", async () => {
    const { summary } = await runScenario(file("faults/android-amapi-permission-denied.yaml"), opts);
    expect(summary).toMatchObject({ devices: 2, enrolled: 0, ok: true, outcomes: { "android.amapi.permission_denied": 2 } });
    expect(summary.errors["android.amapi.permission_denied"]!.shown).toMatchObject({ code: "PERMISSION_DENIED", text: "Can't set up device. Contact your IT admin for help." });
  }, 120_000);

  it("timeline/ade-user-abandons-or-idles: one abandons, one idles two hours (skipped) and enrols", async () => {
    const started = Date.now();
    const { summary } = await runScenario(file("timeline/ade-user-abandons-or-idles.yaml"), opts);
    expect(summary).toMatchObject({ devices: 3, enrolled: 2, ok: true, outcomes: { "user.abandoned": 1, "apple.ade.enrolled": 2 } });
    expect(Date.now() - started).toBeLessThan(60_000);
  }, 120_000);

  it("timeline/android-tokens-revoked-mid-rollout: devices after the revoke get TOKEN_REVOKED, the first two stay enrolled", async () => {
    const { summary } = await runScenario(file("timeline/android-tokens-revoked-mid-rollout.yaml"), opts);
    expect(summary).toMatchObject({ devices: 4, enrolled: 2, ok: true, outcomes: { "android.enrolled": 2, "android.token.revoked": 2 } });
    expect(summary.actions!.map((a) => a.action)).toEqual(["revoke"]);
  }, 120_000);
});
