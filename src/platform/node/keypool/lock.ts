// SPDX-License-Identifier: MIT
/**
 * Growth lock: `<pool>.lock`, created exclusively and holding the owner's pid. Whoever grows or
 * repairs a pool holds it, so two processes (or two opens in one process) never interleave
 * appends and every process sees the same key at the same slot. A lock whose pid is gone is stale
 * and is taken over.
 */
import { readFile, unlink, writeFile } from "node:fs/promises";
import { KeyPoolError } from "./errors.js";
import { ioError } from "./file.js";

const POLL_MS = 200;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

/**
 * Takes the lock for `file`, waiting while a live process holds it (`onWait` is told once).
 * Returns the release function.
 */
export async function lockPool(
  file: string,
  opts: { signal?: AbortSignal; onWait?: (pid: number) => void } = {},
): Promise<() => Promise<void>> {
  const lockFile = `${file}.lock`;
  let told = false;
  for (;;) {
    if (opts.signal?.aborted) {
      throw new KeyPoolError("keypool.aborted", `gave up waiting for the lock on ${file}`, file);
    }
    try {
      await writeFile(lockFile, `${process.pid}\n`, { flag: "wx", mode: 0o600 });
      return async () => {
        await unlink(lockFile).catch(() => undefined);
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw ioError(lockFile, "create the lock of", err);
    }
    const pid = Number.parseInt(await readFile(lockFile, "utf8").catch(() => ""), 10);
    if (Number.isInteger(pid) && pid > 0 && alive(pid)) {
      if (!told) opts.onWait?.(pid);
      told = true;
      await sleep(POLL_MS, opts.signal);
    } else if (Number.isInteger(pid) && pid > 0) {
      // Stale: its owner died. Remove it and race for it again.
      await unlink(lockFile).catch(() => undefined);
    } else {
      // Being written right now (empty) or garbage: give the writer a moment, then treat as stale.
      await sleep(POLL_MS, opts.signal);
      const again = await readFile(lockFile, "utf8").catch(() => undefined);
      if (again !== undefined && !Number.isInteger(Number.parseInt(again, 10))) await unlink(lockFile).catch(() => undefined);
    }
  }
}
