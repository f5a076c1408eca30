// SPDX-License-Identifier: MIT
/** Reads this process's limits for the capacity check (RLIMIT_NOFILE from /proc, memory from os + V8). */
import { readFileSync } from "node:fs";
import { totalmem } from "node:os";
import { getHeapStatistics } from "node:v8";
import type { CapacityLimits } from "../runner/capacity.js";

/** Soft open-files limit, from /proc/self/limits (Linux); undefined elsewhere or when unlimited. */
export function openFilesLimit(): number | undefined {
  try {
    const line = readFileSync("/proc/self/limits", "utf8").split("\n").find((l) => l.startsWith("Max open files"));
    const soft = line?.trim().split(/\s{2,}/)[1];
    const n = Number(soft);
    return Number.isFinite(n) ? n : undefined;
  } catch {
    return undefined;
  }
}

export function processLimits(): CapacityLimits {
  const heap = getHeapStatistics().heap_size_limit;
  const native = 512 * 1024 * 1024; // buffers, TLS and sqlite live outside the V8 heap
  const maxBytes = Math.min(totalmem(), heap + native);
  const fds = openFilesLimit();
  return {
    maxFds: fds,
    maxBytes,
    source: `ulimit -n ${fds ?? "unknown"}, total memory ${Math.round(totalmem() / 1048576)} MiB, V8 heap limit ${Math.round(heap / 1048576)} MiB`,
  };
}
