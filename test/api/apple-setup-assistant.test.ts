// SPDX-License-Identifier: MIT
/**
 * Setup Assistant as device state, end to end: the shipped scenario against the embedded server on
 * loopback. Devices idling at Quick Start never reach the enrollment URL; the others enroll, and the
 * user at Data & Privacy leaves Setup Assistant unfinished with the enrollment kept.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/api/run-scenario.js";

describe("ios-ade-setup-assistant (loopback, embedded server)", () => {
  it("Quick Start idle sends nothing; Quick Start completed enrolls; idling at a pane keeps the enrollment", async () => {
    const { summary } = await runScenario(join(import.meta.dirname, "../../scenarios/ios-ade-setup-assistant.yaml"), { keyPoolSize: 8, progress: false });
    expect(summary).toMatchObject({ devices: 6, enrolled: 2, failed: 4, ok: true });
    expect(summary.groups["quick-start"]).toMatchObject({ enrolled: 2 });
    expect(summary.groups["quick-start-idle"]).toMatchObject({ failed: 2 });
    expect(summary.errors["apple.setup.idle-at-pane"]).toMatchObject({ count: 4, step: "ade.setup-pane" });
    // Only the four devices past Quick Start reached the server's enrollment URL.
    expect(summary.steps["ade.enroll"]).toMatchObject({ count: 4 });
  }, 120_000);
});
