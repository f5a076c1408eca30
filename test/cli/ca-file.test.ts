// SPDX-License-Identifier: MIT
/**
 * `--ca FILE` that is missing, a directory or holds no certificate is the command line's fault:
 * one line naming the file and why, exit 2, no stack trace (issue 12 #8). Every command with --ca.
 */
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, MAIN } from "../runner/support/cli.js";

describe.skipIf(!existsSync(MAIN))("--ca FILE errors", () => {
  const work = mkdtempSync(join(tmpdir(), "enrollsim-ca-"));
  const missing = join(work, "nope.pem");
  const notPem = join(work, "not.pem");
  writeFileSync(notPem, "hello\n");
  const commands: [string, string[]][] = [
    ["run", ["run", "scenarios/scep-fleet.yaml", "--no-progress"]],
    ["enroll", ["enroll", "ios-profile", "--server", "https://127.0.0.1:1"]],
    ["scep", ["scep", "--url", "https://127.0.0.1:1/scep", "--challenge", "x", "--subject", "CN=x", "--out", join(work, "o")]],
    ["fleet checkin", ["fleet", "checkin", "--store", join(work, "none.db"), "--scenario", "scenarios/scep-fleet.yaml"]],
  ];

  for (const [name, args] of commands) {
    it(`${name}: a missing file is exit 2 with the file named, no stack`, async () => {
      const r = await cli(MAIN, [...args, "--ca", missing]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`--ca ${missing}: cannot read it (no such file)`);
      expect(r.stderr).not.toContain("internal error");
      expect(r.stderr).not.toMatch(/\n\s+at /);
    });
  }

  it("a file without a PEM certificate is refused the same way", async () => {
    const r = await cli(MAIN, ["enroll", "ios-profile", "--server", "https://127.0.0.1:1", "--ca", notPem]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--ca ${notPem}: holds no PEM certificate`);
  });
});
