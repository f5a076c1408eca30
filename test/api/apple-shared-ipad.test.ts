// SPDX-License-Identifier: MIT
/**
 * Shared iPad as device state, end to end: the shipped scenario against the embedded server on
 * loopback. Shared iPads open their user channel and get UserList; plain iPads refuse it; the
 * Shared iPad given a profile to install by hand never authenticates.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/api/run-scenario.js";

describe("ipad-shared-ade (loopback, embedded server)", () => {
  it("the same commands answered as Shared iPad and ordinary iPad answer them; ADE only", async () => {
    const { summary } = await runScenario(join(import.meta.dirname, "../../scenarios/ipad-shared-ade.yaml"), { keyPoolSize: 8, progress: false });
    expect(summary).toMatchObject({ devices: 6, enrolled: 5, failed: 1, ok: true });
    expect(summary.groups["shared"]).toMatchObject({ enrolled: 3 });
    expect(summary.errors["apple.shared-ipad.ade-only"]).toMatchObject({ count: 1, step: "profile.install" });
    expect(summary.steps["checkin.authenticate"]).toMatchObject({ count: 5 });
  }, 120_000);
});
