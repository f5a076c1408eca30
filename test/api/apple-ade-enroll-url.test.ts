// SPDX-License-Identifier: MIT
/**
 * The shipped ADE enrollment-URL pairs end to end against the embedded server over loopback (HTTPS):
 * a DEP profile with no working enrollment URL (micromdm#846) and a server answering the MachineInfo
 * POST with 500 (micromdm#854). Each failing file ends with the device's own record (outcome code with
 * the status, mdmclient's CloudConfig line, the Remote Management pane again); each fixed file enrols
 * every device.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/api/run-scenario.js";

const failure = (name: string) => join(import.meta.dirname, "../../scenarios/failures", name);
const opts = { keyPoolSize: 24, progress: false as const, capacity: false as const };

describe("ADE enrollment URL pairs (loopback)", () => {
  it("mac-ade-profile-without-url: no URL and a 404 URL return to the pane (Try Again loops); configuration_web_url fixes both", async () => {
    const { summary } = await runScenario(failure("mac-ade-profile-without-url-failing.yaml"), opts);
    expect(summary.ok).toBe(true);
    expect(summary.outcomes).toEqual({ "apple.ade.enrolled": 2, "apple.ade.no-enrollment-url": 2, "apple.ade.enroll-http-status.404": 2 });
    // Each failing Mac asked twice (Try Again once): 4 + 4 failed samples, 2 successful ones.
    expect(summary.steps["ade.enroll"]).toMatchObject({ count: 10, failed: 8 });
    const fixed = await runScenario(failure("mac-ade-profile-without-url-fixed.yaml"), opts);
    expect(fixed.summary).toMatchObject({ devices: 6, enrolled: 6, ok: true });
  }, 120_000);

  it("mac-ade-enroll-url-500: the Macs record Error = 500 and return to the pane; a transient 500 passes on Try Again; fixed enrols all", async () => {
    const { summary } = await runScenario(failure("mac-ade-enroll-url-500-failing.yaml"), opts);
    expect(summary.ok).toBe(true);
    expect(summary.outcomes).toEqual({ "apple.ade.enrolled": 3, "apple.ade.enroll-http-status.500": 3 });
    const fixed = await runScenario(failure("mac-ade-enroll-url-500-fixed.yaml"), opts);
    expect(fixed.summary).toMatchObject({ devices: 6, enrolled: 6, ok: true });
  }, 120_000);
});
