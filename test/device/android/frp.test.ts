// SPDX-License-Identifier: MIT
/** Factory Reset Protection as device state (device/android/frp.ts): which resets keep it, and the shipped scenario. */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../../src/api/run-scenario.js";
import { frpActive } from "../../../src/device/android/frp.js";
import { createDeviceIdentity } from "../../../src/device/identity.js";
import { stateProblem } from "../../../src/device/state.js";
import { SeededEntropySource } from "../../../src/platform/node/entropy.js";
import { loadCatalog } from "../../../src/runner/catalog-files.js";

const catalog = loadCatalog();
const device = (state: Record<string, unknown>) => createDeviceIdentity(catalog.get("zebra-tc52"), new SeededEntropySource("frp").forDevice(0, 0), 0, { state: state as never });

describe("Factory Reset Protection", () => {
  it("holds only after an untrusted reset, and only with Google services", () => {
    expect(frpActive(device({ factoryResetProtection: { reset: "untrusted" } }))).toBe(true);
    expect(frpActive(device({ factoryResetProtection: { reset: "trusted" } }))).toBe(false);
    expect(frpActive(device({ factoryResetProtection: { reset: "untrusted" }, gms: false }))).toBe(false);
    expect(frpActive(device({}))).toBe(false);
  });

  it("the state key is validated like any other", () => {
    expect(stateProblem({ factoryResetProtection: { reset: "untrusted", verify: "previous-account" } }, "android")).toBeUndefined();
    expect(stateProblem({ factoryResetProtection: { reset: "recovery" } }, "android")).toBeDefined();
    expect(stateProblem({ factoryResetProtection: { reset: "untrusted" } }, "apple")).toBeDefined();
  });

  it("android-frp-untrusted-reset: recovery-reset units stop at Verify your account, the others enroll", async () => {
    const { summary } = await runScenario(join(import.meta.dirname, "../../../scenarios/failures/android-frp-untrusted-reset.yaml"), { keyPoolSize: 24, progress: false });
    expect(summary).toMatchObject({ devices: 4, enrolled: 2, failed: 2, ok: true });
    expect(summary.errors["android.setup.frp-locked"]!.count).toBe(2);
    expect(summary.steps["android.setup.frp"]!.count).toBe(4);
    expect(summary.steps["android.provision.download"]!.count).toBe(2);
  }, 120_000);
});
