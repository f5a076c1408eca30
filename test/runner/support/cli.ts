// SPDX-License-Identifier: MIT
/** Spawns the built CLI (building it once if dist/ is missing), bounded by a timeout. */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";

export const ROOT = resolve(import.meta.dirname, "../../..");
export const MAIN = join(ROOT, "dist/cli/main.js");

export function ensureBuilt(): void {
  if (existsSync(MAIN) && existsSync(join(ROOT, "dist/cli/commands/report.js")) && existsSync(join(ROOT, "dist/report/html/assets/page.js"))) return;
  spawnSync("npx", ["tsc", "-p", "tsconfig.json"], { cwd: ROOT, stdio: "ignore", timeout: 300_000 });
  spawnSync(process.execPath, ["scripts/postbuild.mjs"], { cwd: ROOT, stdio: "ignore", timeout: 60_000 }); // the report page's assets
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function cli(script: string, args: string[], o: { timeoutMs?: number; env?: NodeJS.ProcessEnv; onSpawn?: (p: ChildProcess) => void } = {}): Promise<CliResult> {
  return new Promise((res, rej) => {
    const p = spawn(process.execPath, [script, ...args], { cwd: ROOT, env: { ...process.env, ...o.env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    p.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const t = setTimeout(() => p.kill("SIGKILL"), o.timeoutMs ?? 120_000);
    p.on("error", rej);
    p.on("close", (code, signal) => {
      clearTimeout(t);
      res({ code, signal, stdout, stderr });
    });
    o.onSpawn?.(p);
  });
}
