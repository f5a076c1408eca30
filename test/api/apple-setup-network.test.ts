// SPDX-License-Identifier: MIT
/**
 * Setup Assistant's network pane over loopback against the embedded server (the shipped pair): Monterey Macs set up
 * offline never reach the server; a Ventura Mac cannot go on offline; joining a network, all three enroll through ADE.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/api/run-scenario.js";

const opts = { keyPoolSize: 8, progress: false as const, capacity: false as const };
const file = (name: string) => join(import.meta.dirname, "../../scenarios/failures", `${name}.yaml`);

describe("mac-ade-offline-setup-skips-enrollment (loopback, embedded server)", () => {
  it("offline before macOS 13: unmanaged, no ADE request; 13+: stays at the pane; online: every Mac enrolls", async () => {
    const failing = (await runScenario(file("mac-ade-offline-setup-skips-enrollment-failing"), opts)).summary;
    expect(failing).toMatchObject({ ok: true, devices: 3, enrolled: 0 });
    expect(failing.outcomes).toEqual({ "apple.ade.skipped-offline": 2, "apple.setup.network-required": 1 });
    expect(failing.groups["monterey-offline"]).toMatchObject({ failed: 2 });
    // No device asked for its cloud configuration or reached the enrollment URL.
    expect(failing.steps["ade.cloudconfig"]).toBeUndefined();
    expect(failing.steps["ade.enroll"]).toBeUndefined();
    const fixed = (await runScenario(file("mac-ade-offline-setup-skips-enrollment-fixed"), opts)).summary;
    expect(fixed).toMatchObject({ ok: true, devices: 3, enrolled: 3 });
    expect(fixed.steps["ade.enroll"]).toMatchObject({ count: 3 });
  }, 180_000);
});
