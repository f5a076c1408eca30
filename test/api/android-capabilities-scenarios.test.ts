// SPDX-License-Identifier: MIT
/**
 * The Android capability / precondition and cancel-dialog scenarios end to end against the embedded server over
 * loopback (each failing variant's expect holds, each fixed variant enrolls every device), and the load-time
 * errors for the new state keys (file:line:column, did-you-mean).
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario, scenarioContext } from "../../src/api/run-scenario.js";
import { loadCatalog } from "../../src/runner/catalog-files.js";
import { scenarioLoadError } from "../support/scenario-load-error.js";

const failure = (name: string) => join(import.meta.dirname, "../../scenarios/failures", name);
const opts = { keyPoolSize: 24, progress: false as const, capacity: false as const };
const T = 120_000;

describe("Android capabilities and cancel dialog: shipped scenarios", () => {
  for (const name of ["android-go-work-profile", "android-go-cope", "android-provisioning-cancelled", "android-work-profile-refusal-per-release"]) {
    it(
      `${name}-failing: its expect holds`,
      async () => {
        const { summary } = await runScenario(failure(`${name}-failing.yaml`), opts);
        expect((summary.expectations ?? []).filter((e) => !e.ok)).toEqual([]);
        expect(summary.ok).toBe(true);
        expect(summary.failed).toBeGreaterThan(0);
      },
      T,
    );
    it(
      `${name}-fixed: every device enrolls`,
      async () => {
        const { summary } = await runScenario(failure(`${name}-fixed.yaml`), opts);
        expect(summary).toMatchObject({ failed: 0, ok: true });
        expect(summary.enrolled).toBe(summary.devices);
      },
      T,
    );
  }
});

describe("a factory reset wipes the state's user data", () => {
  it(
    "timeline reset + setUpAgain: phones still owned by another DPC enroll once erased; the group not reset stays refused",
    async () => {
      const { summary } = await runScenario(join(import.meta.dirname, "../../scenarios/timeline/android-factory-reset-then-set-up-again.yaml"), opts);
      expect((summary.expectations ?? []).filter((e) => !e.ok)).toEqual([]);
      expect(summary).toMatchObject({ devices: 3, enrolled: 2, ok: true });
    },
    T,
  );
});

describe("Android capability state: bad input", () => {
  const context = scenarioContext(loadCatalog());
  const one = (state: string) => `name: t\nserver: embedded\ngroups:\n  - name: g\n    model: pixel-8\n    count: 1\n    flow: android-work-profile\n    state: ${state}\n`;

  it("a misspelt feature name gets its location and a did-you-mean", () => {
    const e = scenarioLoadError(one("{ systemFeatures: { android.software.managed_user: false } }"), "ticket.yaml", context);
    expect(e.location).toMatch(/^ticket\.yaml:8:\d+$/);
    expect(e.message).toContain("android.software.managed_users");
  });

  it("the removed state.accounts names its replacement at the key", () => {
    const e = scenarioLoadError(one("{ accounts: 2 }"), "ticket.yaml", context);
    expect(e.location).toMatch(/^ticket\.yaml:8:\d+$/);
    expect(e.message).toContain("state.accounts was removed; it is replaced by `state: { userSetupCompleted: true }`");
  });

  it("a misspelt key and a wrong restriction name are refused at load", () => {
    expect(scenarioLoadError(one("{ lowRamDevise: true }"), "ticket.yaml", context).message).toContain("lowRamDevice");
    expect(scenarioLoadError(one("{ userRestrictions: [no_add_work_profile] }"), "ticket.yaml", context).message).toContain("no_add_managed_profile");
  });
});
