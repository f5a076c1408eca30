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
  it("hybrid PCs whose users are at it record Event 76 0x8018002b with the GPO's credential type; users at a verified domain enroll", async () => {
    const { summary } = await runScenario(failures("win-upn-suffix-unverified-failing.yaml"), opts);
    expect(summary).toMatchObject({ devices: 5, enrolled: 2, failed: 3, ok: true });
    const e = summary.errors["windows.gpo.mdm-not-configured"]!;
    expect(e).toMatchObject({ count: 3, step: "enroll.precheck" });
    expect(e.example).toContain("ad.contoso.example.com is not a verified domain of the tenant");
    expect(e.shown).toMatchObject({ code: "0x8018002B", text: "Auto MDM Enroll: Device Credential (0x0), Failed (Unknown Win32 Error code: 0x8018002b)" });
    expect(e.shown!.screen).toContain("Event Viewer");
  }, 120_000);
  it("fixed: the suffix verified, every PC enrolls", async () => {
    const { summary } = await runScenario(failures("win-upn-suffix-unverified-fixed.yaml"), opts);
    expect(summary).toMatchObject({ devices: 5, enrolled: 5, failed: 0, ok: true });
  }, 120_000);
});
