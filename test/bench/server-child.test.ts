// The benchmarks' server child (bench/lib.mjs startServerChild, bench/server-child.mjs) must not
// outlive its parent: a benchmark that crashes or is SIGKILLed used to leave the reference server
// running, holding a port and a core. Bounded: one parent, one child, ≤ 20 s of polling.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = new URL("../../", import.meta.url).pathname;

/** Running (a zombie that exited but awaits reaping by init counts as gone). */
const alive = (pid: number): boolean => {
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, "utf8"));
  } catch {
    return false;
  }
};

describe("bench server child", () => {
  it("exits when its parent is SIGKILLed", { timeout: 60_000 }, async () => {
    expect(existsSync(join(ROOT, "dist/server/reference-server.js")), "dist/ is missing: run `npm run build` first").toBe(true);
    // The parent starts the child, prints its pid, then waits forever (until killed).
    const script = `import { startServerChild } from ${JSON.stringify(join(ROOT, "bench/lib.mjs"))};
const s = await startServerChild({});
process.stdout.write(String(s.pid) + "\\n");
setInterval(() => {}, 1000);`;
    const dir = mkdtempSync(join(tmpdir(), "enrollsim-orphan-"));
    const file = join(dir, "parent.mjs"); // a file, not --eval: fork() would pass --input-type on to the child
    writeFileSync(file, script);
    const parent = spawn(process.execPath, [file], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
    const childPid = await new Promise<number>((resolve, reject) => {
      let out = "";
      parent.stdout.on("data", (b: Buffer) => {
        out += b.toString();
        const m = /^(\d+)\n/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      parent.once("exit", (c) => reject(new Error(`parent exited early with ${c}`)));
    });
    expect(alive(childPid)).toBe(true);
    parent.kill("SIGKILL");
    const until = Date.now() + 20_000;
    while (alive(childPid) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    const survived = alive(childPid);
    if (survived) process.kill(childPid, "SIGKILL"); // never leave it behind, even when the test fails
    rmSync(dir, { recursive: true, force: true });
    expect(survived).toBe(false);
  });
});
