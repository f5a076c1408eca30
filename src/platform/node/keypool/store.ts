// SPDX-License-Identifier: MIT
/**
 * Load-and-grow, shared by {@link FileKeyPool.open} and `pregenKeys`: read the pool file, and if
 * keys are missing or an interrupted write left a partial record, take the growth lock, re-read,
 * cut the partial record off (with a warning), and append freshly generated keys. Existing records
 * never move, so a slot keeps its key as the pool grows.
 */
import { performance } from "node:perf_hooks";
import type { KeySpec } from "../../../ports/crypto.js";
import { KeyPoolError } from "./errors.js";
import { PoolAppender, createPoolFile, ensurePoolDir, poolFilePath, readPoolFile, truncatePoolFile } from "./file.js";
import type { ParsedPool } from "./format.js";
import { defaultWorkers, generateKeys, generateOneKey } from "./generate.js";
import type { KeygenEstimate } from "./progress.js";
import { lockPool } from "./lock.js";

export interface StoreOptions {
  dir: string;
  spec: KeySpec;
  /** Minimum number of keys the pool must hold afterwards; 0 only loads. */
  ensure: number;
  workers?: number;
  onProgress?: (done: number, total: number) => void;
  /** Called once before missing keys are generated, with one key timed on this thread. */
  onEstimate?: (e: KeygenEstimate) => void;
  /** Non-fatal problems (a partial record cut off, waiting for another process's lock). */
  onWarning: (message: string) => void;
  /** "truncate" (default): cut an interrupted write's partial record off; "error": refuse the file. */
  partialTail?: "truncate" | "error";
  signal?: AbortSignal;
}

export interface StoreResult {
  file: string;
  records: Uint8Array[];
  before: number;
  generated: number;
  generatedMs: number;
}

function partialTailError(file: string, parsed: ParsedPool): KeyPoolError {
  const t = parsed.tail!;
  return new KeyPoolError(
    "keypool.truncated",
    `${file}: record ${t.index} at byte ${t.offset} is incomplete (${t.present} of ${t.expected ?? "≥4"} bytes), ` +
      `probably an interrupted write; records 0..${t.index - 1} are intact`,
    file,
    t.index,
  );
}

/** Loads `<dir>/<spec>.pool`, growing it to `ensure` keys first if needed. */
export async function loadAndGrow(opts: StoreOptions): Promise<StoreResult> {
  if (!Number.isSafeInteger(opts.ensure) || opts.ensure < 0) {
    throw new KeyPoolError("keypool.bad-argument", `key count must be a non-negative integer, got ${opts.ensure}`);
  }
  const file = poolFilePath(opts.dir, opts.spec);
  let parsed = await readPoolFile(file);
  const before = parsed?.records.length ?? 0;
  if (parsed?.tail && opts.partialTail === "error") throw partialTailError(file, parsed);
  if (!parsed?.tail && before >= opts.ensure) {
    return { file, records: parsed?.records ?? [], before, generated: 0, generatedMs: 0 };
  }

  await ensurePoolDir(opts.dir);
  createPoolFile(file);
  const release = await lockPool(file, {
    signal: opts.signal,
    onWait: (pid) => opts.onWarning(`waiting for process ${pid}, which is writing ${file}`),
  });
  try {
    // Another process may have grown or repaired the file while we waited.
    parsed = (await readPoolFile(file))!;
    if (parsed.tail) {
      if (opts.partialTail === "error") throw partialTailError(file, parsed);
      opts.onWarning(`${partialTailError(file, parsed).message}; truncating it away`);
      await truncatePoolFile(file, parsed.validLength);
    }
    const records: Uint8Array[] = [...parsed.records];
    const missing = Math.max(0, opts.ensure - records.length);
    const start = performance.now();
    if (missing > 0) {
      const appender = PoolAppender.open(file);
      try {
        let left = missing;
        if (opts.onEstimate) {
          // Time one key here (it joins the pool) so the cost is known before the rest is generated.
          const t0 = performance.now();
          const der = generateOneKey(opts.spec);
          opts.onEstimate({ missing, perKeyMs: performance.now() - t0, workers: opts.workers ?? defaultWorkers(), spec: opts.spec });
          appender.append(der);
          records.push(der);
          left--;
          opts.onProgress?.(1, missing);
        }
        const already = missing - left;
        await generateKeys(opts.spec, left, {
          workers: opts.workers,
          onProgress: opts.onProgress && ((done, _total) => opts.onProgress!(done + already, missing)),
          signal: opts.signal,
          onKey: (der) => {
            appender.append(der);
            records.push(der);
          },
        });
      } finally {
        appender.close();
      }
    }
    const generatedMs = missing > 0 ? performance.now() - start : 0;
    return { file, records, before, generated: missing, generatedMs };
  } finally {
    await release();
  }
}
