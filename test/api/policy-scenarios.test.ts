// SPDX-License-Identifier: MIT
/**
 * Contract tests of the server policy (embedded.policy) over loopback: real device flows against the
 * embedded reference server are refused by tenant rules with the code the device shows, and the shipped
 * scenarios/policy-*.yaml hold.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/api/run-scenario.js";
import type { ReferenceServer } from "../../src/server/reference-server.js";

const opts = { keyPoolSize: 24, progress: false as const };
const scenario = (name: string) => join(import.meta.dirname, "../../scenarios", `${name}.yaml`);

async function run(name: string) {
  let server: ReferenceServer | undefined;
  const { summary } = await runScenario(scenario(name), { ...opts, onServer: (s) => (server = s) });
  return { summary, records: server!.policy.records() as { enrollments: { upn?: string; platform: string; platformPolicy: { name: string; priority: number } }[]; joins: { upn: string }[]; refusals: { refusal: string }[] } };
}

describe("server policy scenarios (scenarios/policy-*.yaml)", () => {
  it("restriction by OS range with priority: Default refuses Windows 10 (0x80180014), the legacy group's priority-1 policy admits it", async () => {
    const { summary, records } = await run("policy-restrictions");
    expect(summary).toMatchObject({ devices: 6, enrolled: 4, failed: 2, ok: true });
    const e = summary.errors["windows.fault.DeviceNotSupported"]!;
    expect(e).toMatchObject({ count: 2, step: "enroll.rst" });
    expect(e.example).toContain("0x80180014");
    expect(e.example).toContain("below the minimum 10.0.22000");
    const lee = records.enrollments.filter((r) => r.upn === "lee@contoso.com");
    expect(lee.map((r) => r.platformPolicy)).toEqual([
      { name: "legacy PCs keep Windows 10", priority: 1, target: "User" },
      { name: "legacy PCs keep Windows 10", priority: 1, target: "User" },
    ]);
  }, 90_000);

  it("device limit per user: the Default and an assigned limit, Autopilot outside it", async () => {
    const { summary } = await run("policy-device-limits");
    expect(summary).toMatchObject({ devices: 10, enrolled: 8, failed: 2, ok: true });
    expect(summary.errors["windows.fault.DeviceCapReached"]!.example).toContain("0x80180013");
  }, 120_000);

  it("directory quota and join rights: the third join gets 0x801C0003, the outsider's join 0x801C03ED", async () => {
    const { summary, records } = await run("policy-directory-quota");
    // ok: the file's expect holds (one 0x801C0003 quota refusal, one 0x801C03ED "Administrator policy does not allow user …").
    expect(summary).toMatchObject({ devices: 4, enrolled: 2, failed: 2, ok: true });
    expect(summary.errors["windows.join.disallowed"]!.example).toContain("0x801C0003");
    expect(records.joins.map((j) => j.upn)).toEqual(["dee@contoso.com", "dee@contoso.com"]);
  }, 120_000);

  it("MDM user scope: one setting, three paths fail three ways, MDM-only enrolls", async () => {
    const { summary } = await run("policy-mdm-user-scope");
    expect(summary).toMatchObject({ devices: 5, enrolled: 2, failed: 3, ok: true });
    expect(summary.errors["windows.join.mdm-not-configured"]!.example).toContain("0x8018002b");
    expect(summary.errors["windows.fault.Authorization"]!.example).toContain("0x80180003");
    expect(summary.errors["windows.byod.mam-only"]!.example).toContain("outside the MDM user scope");
  }, 120_000);

  it("ADE token expires mid-run (timeline): later iPhones get no profile from Apple, enrolled ones stay", async () => {
    const { summary, records } = await run("policy-ade-token");
    expect(summary).toMatchObject({ devices: 4, enrolled: 2, failed: 2, ok: true });
    expect(summary.errors["apple.ade.device-not-assigned"]).toMatchObject({ count: 2, step: "ade.cloudconfig" });
    expect(summary.errors["apple.ade.device-not-assigned"]!.example).toContain("PROFILE_NOT_FOUND");
    expect(records.enrollments.map((e) => e.platform)).toEqual(["ios", "ios"]);
  }, 60_000);

  it("a timeline set of an embedded.policy path applies to the next request (MDM user scope switched to none)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "enrollsim-policy-"));
    const file = join(dir, "s.yaml");
    writeFileSync(
      file,
      `name: scope-off
seed: 9
groups:
  - { name: pcs, model: windows-11-laptop, count: 4, flow: windows-autopilot, options: { windows: { minuteMs: 20 } } }
arrival: { concurrency: 1 }
timeline:
  - { after: { enrolled: 2 }, set: { embedded.policy.userScope.mdm: none } }
expect:
  successRatio: 0.5
  failures:
    - { code: windows.join.mdm-not-configured, count: 2 }
`,
    );
    const { summary } = await runScenario(file, opts);
    expect(summary).toMatchObject({ devices: 4, enrolled: 2, failed: 2, ok: true });
  }, 90_000);

  it("one limit, two platforms: the third device is refused on iOS and on Windows, each with its own wire answer", async () => {
    const { summary, records } = await run("policy-one-limit-two-platforms");
    expect(summary).toMatchObject({ devices: 4, enrolled: 2, failed: 2, ok: true });
    expect(records.enrollments.map((r) => r.platform).sort()).toEqual(["ios", "windows"]);
    expect(records.refusals.map((r) => r.refusal)).toEqual(["device-limit", "device-limit"]);
  }, 90_000);

  it("corporate identifiers rescue one PC from the personal block", async () => {
    const { summary, records } = await run("policy-corporate-identifiers");
    expect(summary).toMatchObject({ devices: 3, enrolled: 1, failed: 2, ok: true });
    expect(summary.errors["windows.fault.DeviceNotSupported"]!.example).toContain("personally owned devices are blocked");
    expect(records.enrollments).toEqual([expect.objectContaining({ ownership: "corporate" })]);
  }, 90_000);

  it("terms per user per version: a new version refuses the next enrollment without acceptance", async () => {
    const { summary } = await run("policy-terms");
    expect(summary).toMatchObject({ devices: 3, enrolled: 2, failed: 1, ok: true });
    expect(summary.errors["windows.fault.InvalidEnrollmentData"]!.example).toContain("0x80180019");
  }, 90_000);

  it("Autopilot profile assignment: the laptop with a profile provisions under its name template; the others get none and join as plain OOBE", async () => {
    const { summary } = await run("policy-autopilot-profiles");
    // ok: the file's expect holds — one windows.autopilot.user-driven.provisioned, two windows.oobe.entra-join.provisioned.
    expect(summary).toMatchObject({ devices: 3, enrolled: 3, failed: 0, ok: true });
  }, 90_000);

  it("iOS compliance with a grace period: compliant, in grace (allowed), noncompliant (blocked) by OS and the user's assigned policy", async () => {
    let server: ReferenceServer | undefined;
    const { summary } = await runScenario(scenario("policy-compliance-ios"), { ...opts, onServer: (s) => (server = s) });
    expect(summary).toMatchObject({ devices: 3, enrolled: 3, failed: 0, ok: true });
    const recs = server!.policy.records().enrollments as { deviceKey: string; upn?: string; compliance: string }[];
    const bySerialOrder = recs.map((r) => [r.upn, r.compliance]).sort();
    expect(bySerialOrder).toEqual([
      ["ann@contoso.com", "compliant"],
      ["ann@contoso.com", "in-grace"],
      ["bob@contoso.com", "noncompliant"],
    ]);
    const apple = server!.halves.find((h) => h.name === "apple") as unknown as { apple: { services: { directory: { state(u: string): { compliance: string; conditionalAccess: string } } } } };
    const ca = recs.map((r) => apple.apple.services.directory.state(r.deviceKey)).map((s) => [s.compliance, s.conditionalAccess]).sort();
    expect(ca).toEqual([
      ["compliant", "allowed"],
      ["in-grace", "allowed"],
      ["noncompliant", "blocked"],
    ]);
  }, 120_000);
});
