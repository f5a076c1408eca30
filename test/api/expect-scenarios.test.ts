// SPDX-License-Identifier: MIT
/** The shipped scenario asserting that nobody enrolled (outcome code, shown text, steps), and that it can fail. */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadScenario, runScenario } from "../../src/api/run-scenario.js";

const file = join(import.meta.dirname, "../../scenarios/ios-scep-rejected-none-enrolled.yaml");
const opts = { keyPoolSize: 24, progress: false as const, capacity: false as const };

describe("ios-scep-rejected-none-enrolled", () => {
  it("passes: none enrolled, every device apple.scep.failInfo.badRequest and showing the SCEP error", async () => {
    const { summary } = await runScenario(file, opts);
    expect(summary).toMatchObject({ devices: 3, enrolled: 0, ok: true, outcomes: { "apple.scep.failInfo.badRequest": 3 } });
    expect(summary.shown!.map((x) => x.devices)).toEqual([3, 3]);
  }, 120_000);

  it("every device's trace ends with an outcome event carrying its outcome code, success included", async () => {
    const events: Array<{ device: string; kind: string; data: Record<string, unknown> }> = [];
    const s = await loadScenario(file);
    if (s.server.kind !== "embedded") throw new Error("embedded expected");
    const fixed = { ...s, server: { ...s.server, scep: { ...s.server.scep, failInfo: undefined } }, groups: [{ ...s.groups[0]!, count: 1 }], totalDevices: 1 };
    await runScenario(fixed, { ...opts, transcript: { record: (e) => events.push(e) } });
    expect(events.filter((e) => e.kind === "outcome").map((e) => e.data)).toEqual([{ ok: true, code: "apple.enrolled" }]);
    events.length = 0;
    await runScenario({ ...s, groups: [{ ...s.groups[0]!, count: 1 }], totalDevices: 1 }, { ...opts, transcript: { record: (e) => events.push(e) } });
    expect(events.filter((e) => e.kind === "outcome").map((e) => e.data)).toMatchObject([{ ok: false, code: "apple.scep.failInfo.badRequest" }]);
  }, 120_000);

  it("fails when the CA issues: the same expectations catch devices that enrolled", async () => {
    const s = await loadScenario(file);
    if (s.server.kind !== "embedded") throw new Error("embedded expected");
    const fixed = { ...s, server: { ...s.server, scep: { ...s.server.scep, failInfo: undefined } } };
    const { summary } = await runScenario(fixed, opts);
    expect(summary.outcomes).toEqual({ "apple.enrolled": 3 });
    expect(summary.ok).toBe(false);
    expect(summary.expectations.filter((e) => !e.ok).map((e) => e.name)).toEqual([
      "success ratio",
      "step profile.scep",
      "step checkin.authenticate",
      "outcome apple.scep.failInfo.badRequest",
      'shown "Profile Installation Failed" with apple.scep.failInfo.badRequest',
      'shown "/no published code or text for this condition.*failInfo badRequest/"',
    ]);
  }, 120_000);
});
