// SPDX-License-Identifier: MIT
/**
 * SCEP certificate profiles assigned to PCs that are already enrolled (embedded.windows.profiles[].scep, a timeline
 * `set`), over loopback on the run's clock (timeline `skip`): the PC enrolls after the session that Exec'd the profile,
 * the server reads SCEP/{UniqueID}/Status and ErrorCode at the next session and records the profile per device.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/api/run-scenario.js";

const failure = (name: string) => join(import.meta.dirname, "../../scenarios/failures", name);
const opts = { keyPoolSize: 8, progress: false as const };

describe("windows SCEP profiles on enrolled PCs", () => {
  it("failing: the NDES pool answers 503, the PCs stop at GetCACaps and stay enrolled; the server records 0x801901F7 per PC", async () => {
    const { summary } = await runScenario(failure("win-scep-profile-after-enrollment-failing.yaml"), opts);
    expect(summary.expectations.filter((r) => !r.ok)).toEqual([]);
    expect(summary).toMatchObject({ ok: true, enrolled: 2, failed: 0 });
    // Windows stops at the GetCACaps error (no fallback to legacy capabilities), as its SCEP log shows.
    expect(summary.steps["checkin.scep.getcacaps"]).toMatchObject({ count: 2, failed: 2 });
    expect(summary.steps["checkin.scep.getcacert"]).toBeUndefined();
    expect(summary.steps["checkin.scep.install"]).toMatchObject({ count: 2, failed: 2 });
    expect(summary.expectations.find((e) => e.name === "server profile WifiCert failed")?.actual).toContain("0x801901F7");
  }, 240_000);

  it("fixed: the profile installs on every PC (Status 1 read back, applied)", async () => {
    const { summary } = await runScenario(failure("win-scep-profile-after-enrollment-fixed.yaml"), opts);
    expect(summary.expectations.filter((r) => !r.ok)).toEqual([]);
    expect(summary.steps["checkin.scep.pkioperation"]).toMatchObject({ count: 2, failed: 0 });
    expect(summary.steps["checkin.scep.install"]).toMatchObject({ count: 2, failed: 0 });
  }, 240_000);

  it("a wrong challenge: the CA refuses (CertRep FAILURE), no ErrorCode is published for it, the record says failed with none", async () => {
    const yaml = [
      "name: scep-profile-wrong-challenge",
      "seed: 41",
      "server: embedded",
      "groups:",
      "  - { name: pcs, model: windows-11-laptop, count: 1, flow: windows-byod, options: { windows: { minuteMs: 20 } } }",
      "load: { steady: { durationSeconds: 14400, intervalSeconds: 3600, jitter: 0, maxCheckinsPerDevice: 2 } }",
      "limits: { durationSeconds: 100000 }",
      "timeline:",
      '  - { after: { enrolled: 1, wait: 1s }, set: { embedded.windows.profiles: [{ name: VpnCert, scep: { subject: "CN=vpn,O=contoso", challenge: not-the-ca-challenge } }] } }',
      "  - { after: { enrolled: 1, wait: 2s }, skip: 90m }",
      "  - { after: { step: checkin.dm.session, succeeded: 1, wait: 1s }, skip: 4h }",
      "expect:",
      "  checkins: { total: 2, failed: 0 }",
      "  server:",
      "    profiles:",
      "      VpnCert: { failed: 1, applied: 0, errors: { none: 1 } }",
      "",
    ].join("\n");
    const file = join(mkdtempSync(join(tmpdir(), "enrollsim-scep-profile-")), "wrong-challenge.yaml");
    writeFileSync(file, yaml);
    const { summary } = await runScenario(file, opts);
    expect(summary.expectations.filter((r) => !r.ok)).toEqual([]);
    expect(summary.steps["checkin.scep.pkioperation"]).toMatchObject({ count: 1 });
    expect(summary.steps["checkin.scep.install"]).toMatchObject({ count: 1, failed: 1 });
  }, 240_000);

  it("trial 11 ticket 03 in its own setting: a profile assigned mid-run names the server (%SERVER% expands in a timeline set), a proxy renegotiates for a client certificate at GetCACaps: 0x80072F78 on enrolled PCs", async () => {
    const yaml = [
      "name: w3-enrolled-pc",
      "seed: 326",
      "server: embedded",
      "groups:",
      "  - name: pcs",
      "    model: windows-11-laptop",
      "    count: 1",
      "    flow: windows-byod",
      "    options: { windows: { minuteMs: 20 } }",
      "    faults: [{ match: { step: scep.getcacaps }, tls: client-cert-mid-connection }]",
      "load: { steady: { durationSeconds: 14400, intervalSeconds: 3600, jitter: 0, maxCheckinsPerDevice: 2 } }",
      "limits: { durationSeconds: 100000 }",
      "timeline:",
      '  - { after: { enrolled: 1, wait: 1s }, set: { embedded.windows.profiles: [{ name: WifiCert, scep: { subject: "CN=wifi,O=contoso", url: "%SERVER%/scep" } }] } }',
      "  - { after: { enrolled: 1, wait: 2s }, skip: 90m }",
      "  - { after: { step: checkin.dm.session, succeeded: 1, wait: 1s }, skip: 4h }",
      "expect:",
      "  checkins: { total: 2, failed: 0 }",
      "  server:",
      "    profiles:",
      '      WifiCert: { failed: 1, errors: { "0x80072F78": 1 } }',
      "",
    ].join("\n");
    const file = join(mkdtempSync(join(tmpdir(), "enrollsim-scep-profile-")), "w3.yaml");
    writeFileSync(file, yaml);
    const { summary } = await runScenario(file, opts);
    expect(summary.expectations.filter((r) => !r.ok)).toEqual([]);
    expect(summary.steps["checkin.scep.getcacaps"]).toMatchObject({ count: 1, failed: 1 });
  }, 240_000);
});
