// SPDX-License-Identifier: MIT
/**
 * Commands that need a device state (src/device/apple/command-states.ts), end to end against the embedded
 * server over loopback: AccountConfiguration queued after DeviceConfigured released the ADE Macs is answered
 * Error (MDMDeviceEnrollment 101, fleetdm/fleet#46550); queued while they await configuration, acknowledged.
 * The failing variant's expectation (Error: 2) fails on the old code, where the released Macs acknowledged it.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/api/run-scenario.js";

const file = (v: string) => join(import.meta.dirname, `../../scenarios/failures/apple-ade-account-configuration-after-release-${v}.yaml`);
const opts = { keyPoolSize: 24, progress: false as const, capacity: false as const };

describe("AccountConfiguration needs AwaitingConfiguration (fleetdm/fleet#46550)", () => {
  for (const v of ["failing", "fixed"]) {
    it(`${v}: its expect holds`, async () => {
      const { summary } = await runScenario(file(v), opts);
      expect((summary.expectations ?? []).filter((e) => !e.ok)).toEqual([]);
      expect(summary.expectations?.some((e) => e.name === `command apple-mdm AccountConfiguration ${v === "failing" ? "Error" : "Acknowledged"}`)).toBe(true);
    }, 180_000);
  }
});
