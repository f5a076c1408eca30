// SPDX-License-Identifier: MIT
/**
 * ios-enrolled-in-other-mdm-{failing,fixed} end to end against the embedded server over loopback (HTTPS, mTLS):
 * devices still enrolled in another MDM (state.mdmEnrollments) refuse the new enrollment profile on the device
 * (profile and account-driven paths) and never authenticate; the ADE phone stops at Setup Assistant; with the
 * old profile removed every device enrolls.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/api/run-scenario.js";

const failure = (f: string) => join(import.meta.dirname, "../../scenarios/failures", f);
const opts = { keyPoolSize: 8, progress: false as const };

describe("ios-enrolled-in-other-mdm", () => {
  it("failing: 4 refusals at profile.install (12002), 1 ADE stop, no Authenticate reaches the new server; fixed: all 5 enroll", async () => {
    const { summary } = await runScenario(failure("ios-enrolled-in-other-mdm-failing.yaml"), opts);
    expect(summary).toMatchObject({ devices: 5, enrolled: 0, failed: 5, ok: true });
    expect(summary.errors["apple.profile.mdm-payload-mismatch"]!.count).toBe(4);
    expect(summary.errors["apple.ade.already-activated"]!.count).toBe(1);
    expect(summary.steps["checkin.authenticate"]).toBeUndefined();
    // The account-driven iPad got its profile from the server (the refusal is on the device, at install).
    expect(summary.steps["account.enroll"]!.count).toBeGreaterThan(0);
    const fixed = await runScenario(failure("ios-enrolled-in-other-mdm-fixed.yaml"), opts);
    expect(fixed.summary).toMatchObject({ devices: 5, enrolled: 5, failed: 0, ok: true });
  }, 180_000);
});

describe("a Mac still enrolled in another MDM asked to enroll through ADE from its running macOS", () => {
  it("stops at Setup Assistant (set up), and the renewal (profiles renew -type enrollment) meets the install rule: 12002, nothing authenticates", async () => {
    const p = join(mkdtempSync(join(tmpdir(), "enrollsim-other-mdm-")), "s.yaml");
    writeFileSync(
      p,
      `name: mac-other-mdm-renew
seed: 7
server: embedded
groups:
  - { name: mac, model: macbook-air-m3, count: 1, flow: macos-ade, state: { mdmEnrollments: [{ serverUrl: "https://old-mdm.example.com/mdm/server" }] } }
timeline:
  - { at: 0s, renewEnrollment: {} }
`,
    );
    const { summary } = await runScenario(p, opts);
    expect(summary).toMatchObject({ devices: 1, enrolled: 0, failed: 1 });
    expect(summary.errors["apple.profile.mdm-payload-mismatch"]!.count).toBe(1);
    expect(summary.steps["ade.renew"]).toMatchObject({ count: 1 });
    expect(summary.steps["checkin.authenticate"]).toBeUndefined();
  }, 120_000);
});
