// SPDX-License-Identifier: MIT
// Shared helpers of the benchmarks: result files, CPU accounting, the server child process.
import { execFileSync, fork } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";

// BENCH_RESULTS_DIR: somewhere else (tests use a temporary directory, never the committed results).
export const RESULTS = process.env.BENCH_RESULTS_DIR ?? new URL("./results/", import.meta.url).pathname;

export function machine() {
  return { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? "?", totalMemMiB: Math.round(totalmem() / 1048576), loadAvg1m: Math.round(loadavg()[0] * 100) / 100 };
}

/** Prints the one JSON line of a benchmark and keeps it in bench/results/<name>.json. */
export function emit(name, result) {
  const line = JSON.stringify(result);
  process.stdout.write(`${line}\n`);
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(join(RESULTS, `${name}.json`), `${JSON.stringify({ ...result, commit: result.commit ?? gitCommit(), at: new Date().toISOString(), machine: machine() }, null, 2)}\n`);
}

export const cpuMs = (u) => (u.user + u.system) / 1000;

/** Starts the reference server in a separate process. */
export async function startServerChild(platforms = {}, challenge = "bench-challenge") {
  const child = fork(new URL("./server-child.mjs", import.meta.url).pathname, [JSON.stringify(platforms), challenge], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const info = await new Promise((resolve, reject) => {
    child.once("message", resolve);
    child.once("exit", (c) => reject(new Error(`server child exited with ${c}`)));
  });
  const cpu = () =>
    new Promise((resolve) => {
      child.once("message", (m) => resolve(m.cpu));
      child.send("cpu");
    });
  /** {cpu, mem, sockets} of the server process. */
  const stats = () =>
    new Promise((resolve) => {
      child.once("message", resolve);
      child.send("stats");
    });
  const stop = () =>
    new Promise((resolve) => {
      child.once("exit", resolve);
      child.send("stop");
      // a heap snapshot of a large server takes longer than 5 s to write
      setTimeout(() => child.kill("SIGKILL"), process.env.SERVER_HEAP_SNAPSHOT ? 120_000 : 5000).unref();
    });
  return { ...info, pid: child.pid, cpu, stats, stop };
}

/** The commit measured ("unknown" outside a git checkout). */
export function gitCommit() {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8", cwd: new URL(".", import.meta.url).pathname }).trim();
  } catch {
    return "unknown";
  }
}
