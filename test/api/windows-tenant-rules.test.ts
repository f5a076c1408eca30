// SPDX-License-Identifier: MIT
/**
 * Tenant-side Windows judgements against the embedded server over loopback: which enrollment paths a
 * personal-device block refuses (server/windows/enrollment-paths.ts; blind trial 11 ticket 02).
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/api/run-scenario.js";

const failures = (name: string) => join(import.meta.dirname, "../../scenarios/failures", name);
const opts = { keyPoolSize: 24, progress: false as const };

describe("personal Windows blocked: OOBE joins of PCs not registered with Autopilot", () => {
  it("the unregistered PCs are refused 0x80180014 at enroll.rst with Windows' text; registered ones enroll", async () => {
    const { summary } = await runScenario(failures("win-personal-block-oobe-join-failing.yaml"), opts);
    expect(summary).toMatchObject({ devices: 5, enrolled: 2, failed: 3, ok: true });
    const e = summary.errors["windows.fault.DeviceNotSupported"]!;
    expect(e).toMatchObject({ count: 3, step: "enroll.rst" });
    expect(e.example).toContain("0x80180014");
    // What the PC shows in OOBE: Windows' text for MENROLL_E_DEVICENOTSUPPORTED (wire/windows/menroll.ts).
    expect(e.shown).toMatchObject({ code: "0x80180014", text: "This feature isn't supported. Contact your system administrator with the error code 0x80180014", screen: "OOBE (out-of-box experience)" });
  }, 120_000);
  it("fixed: hashes imported or corporate identifiers listed, every PC enrolls", async () => {
    const { summary } = await runScenario(failures("win-personal-block-oobe-join-fixed.yaml"), opts);
    expect(summary).toMatchObject({ devices: 5, enrolled: 5, failed: 0, ok: true });
  }, 120_000);
});

describe("a routable UPN suffix that is not a verified domain of the tenant", () => {
  it("the GPO task's user lookup fails PCs hybrid joined before the run (and one joining in it) with Event 76 0x8018002b; users at a verified domain enroll", async () => {
    const { summary } = await runScenario(failures("win-upn-suffix-unverified-failing.yaml"), opts);
    expect(summary).toMatchObject({ devices: 6, enrolled: 2, failed: 4, ok: true });
    const e = summary.errors["windows.gpo.mdm-not-configured"]!;
    expect(e).toMatchObject({ count: 4, step: "gpo.mdm-lookup" });
    expect(e.example).toContain("ad.contoso.example.com is not a verified domain of the tenant");
    expect(e.shown).toMatchObject({ code: "0x8018002B", text: "Auto MDM Enroll: Device Credential (0x0), Failed (Unknown Win32 Error code: 0x8018002b)" });
    expect(e.shown!.screen).toContain("Event Viewer");
    // Every PC looked its user up; only the domain-joined one made the sync join first.
    expect(summary.steps["gpo.mdm-lookup"]!.count).toBe(6);
    expect(summary.steps["join.register"]!.count).toBe(1);
  }, 120_000);
  it("fixed: the suffix verified, every PC enrolls", async () => {
    const { summary } = await runScenario(failures("win-upn-suffix-unverified-fixed.yaml"), opts);
    expect(summary).toMatchObject({ devices: 6, enrolled: 6, failed: 0, ok: true });
  }, 120_000);
});

describe("MDM user scope None at the GPO task's user lookup", () => {
  it("hybrid-joined GPO PCs record Event 76 0x8018002b before any enrollment request", async () => {
    const { summary } = await runScenario(failures("win-gpo-mdm-scope-none-failing.yaml"), opts);
    expect(summary).toMatchObject({ devices: 2, enrolled: 0, failed: 2, ok: true });
    const e = summary.errors["windows.gpo.mdm-not-configured"]!;
    expect(e).toMatchObject({ count: 2, step: "gpo.mdm-lookup" });
    expect(e.example).toContain("the MDM user scope is None");
    expect(e.shown).toMatchObject({ code: "0x8018002B", text: "Auto MDM Enroll: User Credential (0x0), Failed (Unknown Win32 Error code: 0x8018002b)" });
    expect(summary.steps["enroll.rst"]).toBeUndefined();
  }, 120_000);
  it("fixed: scope Some with the users' group, every PC enrolls", async () => {
    const { summary } = await runScenario(failures("win-gpo-mdm-scope-none-fixed.yaml"), opts);
    expect(summary).toMatchObject({ devices: 2, enrolled: 2, failed: 0, ok: true });
  }, 120_000);
});
