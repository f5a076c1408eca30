// SPDX-License-Identifier: MIT
/** `enroll windows-autopilot --set windows.autopilot.profileFile=PATH`: a path, read like a scenario's; a file that is not JSON is the command line's fault (exit 2, naming it). */
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, MAIN } from "../runner/support/cli.js";

const dir = mkdtempSync(join(tmpdir(), "enrollsim-cli-autopilot-"));
const good = join(dir, "AutopilotConfigurationFile.json");
const bad = join(dir, "profile.txt");
writeFileSync(good, '{"Version":2049,"CloudAssignedTenantDomain":"contoso.example.com","ZtdCorrelationId":"7f3c5d2e-1111-2222-3333-444455556666"}');
writeFileSync(bad, "not json");
const args = (file: string) => ["enroll", "windows-autopilot", "--set", "windows.minuteMs=20", "--set", "windows.autopilot.profileSource=file", "--set", `windows.autopilot.profileFile=${file}`];

describe.skipIf(!existsSync(MAIN))("enroll --set windows.autopilot.profileFile", () => {
  it("reads the file at the path: the device runs Autopilot with its profile (exit 0)", async () => {
    const r = await cli(MAIN, args(good));
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("source: file");
    expect(r.stdout).toContain("tenant: contoso.example.com");
    expect(r.stdout).toContain("OK: windows-11-laptop#0: windows.autopilot.user-driven.provisioned");
  }, 120_000);

  it("a file that is not JSON: exit 2 naming the file", async () => {
    const r = await cli(MAIN, args(bad));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`options.windows.autopilot.profileFile ${bad} is not JSON`);
  }, 60_000);
});
