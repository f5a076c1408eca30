// SPDX-License-Identifier: MIT
/**
 * The shipped conditional-access failures and their fixes, end to end against the embedded server over loopback
 * (server/policy/conditional-access.ts): each failing scenario's expect holds, and its fixed variant enrols every device.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/api/run-scenario.js";

const root = join(import.meta.dirname, "../../scenarios");
const opts = { keyPoolSize: 24, progress: false as const, capacity: false as const };

describe("conditional access scenarios (loopback)", () => {
  const files = ["win-autopilot-ca-terms-of-use", "win-autopilot-ca-terms-of-use-fixed", "ios-ade-ca-compliant-device-enrollment", "ios-ade-ca-compliant-device-enrollment-fixed"].map((f) => `failures/${f}`);
  for (const f of [...files, "policy-conditional-access"]) {
    it(`${f}: its expect holds`, async () => {
      const { summary } = await runScenario(join(root, `${f}.yaml`), opts);
      expect(
        (summary.expectations ?? []).filter((e) => !e.ok),
        f,
      ).toEqual([]);
      expect(summary.ok).toBe(true);
      // expect.server.signIns: the tenant's sign-in log agrees with what the devices met.
      expect((summary.expectations ?? []).filter((e) => e.name.startsWith("server sign-ins")).length).toBeGreaterThan(0);
    }, 120_000);
  }
});
