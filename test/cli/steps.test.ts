// SPDX-License-Identifier: MIT
/** `enrollsim steps [FLOW]` (built CLI): the step registry as users read it. */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { stepsOf } from "../../src/device/flows/steps.js";

const ROOT = resolve(import.meta.dirname, "../..");
const CLI = join(ROOT, "dist/cli/main.js");
const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });

describe.skipIf(!existsSync(CLI))("enrollsim steps", () => {
  it("lists the flows, one flow's steps (families explained), and the expanded members", () => {
    expect(cli("steps").stdout).toMatch(/^scep\s+5 steps$/m);
    const scep = cli("steps", "scep");
    expect(scep.status).toBe(0);
    expect(scep.stdout.trim().split("\n")).toEqual(stepsOf("scep"));
    const ios = cli("steps", "ios-profile");
    expect(ios.stdout).toContain("command.*");
    expect(ios.stdout).toMatch(/command\.\*: the Apple MDM command's RequestType/);
    expect(cli("steps", "ios-profile", "--expand").stdout).toMatch(/^command\.DeviceInformation$/m);
    expect(JSON.parse(cli("steps", "scep", "--json").stdout)).toMatchObject({ flow: "scep", steps: stepsOf("scep") });
  });

  it("an unknown flow exits 2 with the known flows and a did-you-mean", () => {
    const r = cli("steps", "ios-prfile");
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('unknown flow "ios-prfile"');
    expect(r.stderr).toContain('(did you mean "ios-profile"?)');
  });
});
