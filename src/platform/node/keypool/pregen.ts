// SPDX-License-Identifier: MIT
/**
 * Pre-generation for the CLI (`keys pregen --spec rsa2048 --count N`): make sure the pool holds
 * at least `count` keys, generating the missing ones in worker threads and appending as they come.
 */
import type { KeySpec } from "../../../ports/crypto.js";
import { defaultPoolDir } from "./file.js";
import { parseKeySpec } from "./format.js";
import { emitPoolWarning } from "./pool.js";
import { loadAndGrow } from "./store.js";

export interface PregenOptions {
  /** Pool directory; default `$ENROLLSIM_KEY_POOL` or `~/.cache/enrollsim/keys`. */
  dir?: string;
  /** Default "rsa2048". */
  spec?: KeySpec;
  /** Keys the pool must hold afterwards. */
  count: number;
  workers?: number;
  /** Progress of the keys being generated now: `total` is the number missing, not the pool size. */
  onProgress?: (done: number, total: number) => void;
  onWarning?: (message: string) => void;
  /** Ctrl+C: stops generation; keys already appended stay in the file. */
  signal?: AbortSignal;
}

export interface PregenResult {
  /** The pool file. */
  file: string;
  /** Keys in the pool before / after. */
  before: number;
  after: number;
  /** Wall time spent generating (0 if nothing was missing). */
  generatedMs: number;
}

/** Ensures `<dir>/<spec>.pool` holds at least `count` keys. */
export async function pregenKeys(opts: PregenOptions): Promise<PregenResult> {
  const r = await loadAndGrow({
    dir: opts.dir ?? defaultPoolDir(),
    spec: parseKeySpec(opts.spec ?? "rsa2048"),
    ensure: opts.count,
    workers: opts.workers,
    onProgress: opts.onProgress,
    onWarning: opts.onWarning ?? emitPoolWarning,
    signal: opts.signal,
  });
  return { file: r.file, before: r.before, after: r.records.length, generatedMs: r.generatedMs };
}
