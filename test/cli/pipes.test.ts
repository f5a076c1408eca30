// SPDX-License-Identifier: MIT
/** A reader that closes the pipe early (`enrollsim devices | head -1`): quiet exit with the command's own code, no EPIPE crash. */
import { spawn, spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { MAIN, ROOT, ensureBuilt } from "../runner/support/cli.js";

/** Spawns the CLI and closes our end of its stdout (and stderr) before it writes anything. */
function closedEarly(args: string[], closeStderr = false): Promise<{ code: number | null; stderr: string }> {
  return new Promise((done) => {
    const p = spawn(process.execPath, [MAIN, ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    p.stdout.destroy();
    if (closeStderr) p.stderr.destroy();
    let stderr = "";
    if (!closeStderr) p.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const t = setTimeout(() => p.kill("SIGKILL"), 60_000);
    p.on("close", (code) => {
      clearTimeout(t);
      done({ code, stderr });
    });
  });
}

describe("closed pipes", () => {
  ensureBuilt();

  it.each(["devices", "devices --json", "steps --expand", "steps --json", "--help"])(
    "%s with stdout closed: exit 0, nothing on stderr",
    async (cmd) => {
      const r = await closedEarly(cmd.split(" "));
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
    },
    60_000,
  );

  it("keeps the command's own exit code when stdout and stderr are both closed (usage error: 2)", async () => {
    expect((await closedEarly(["steps", "no-such-flow"], true)).code).toBe(2);
  }, 60_000);

  it("a shell pipe into head -1 gets the first line and exit status 0", () => {
    const r = spawnSync("bash", ["-c", `"${process.execPath}" "${MAIN}" devices | head -1; exit \${PIPESTATUS[0]}`], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
    expect(r.stdout).toMatch(/^ID\s+PLATFORM/);
    expect(r.stdout.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
  }, 60_000);
});
