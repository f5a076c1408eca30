// SPDX-License-Identifier: MIT
/**
 * Key generation in worker threads. Each worker runs `generateKeyPairSync` (≈250 ms of CPU per
 * RSA-2048 key, scep-and-crypto.md §9.1) and posts the PKCS#8 DER back; the main thread hands each
 * key to `onKey` as it arrives, so its event loop stays free and an interrupted run keeps its keys.
 *
 * The worker is plain JavaScript evaluated from a string (`eval: true`), so it runs the same from
 * compiled `dist/` and from `src/` under vitest, with no worker file to resolve.
 */
import { availableParallelism } from "node:os";
import { generateKeyPairSync } from "node:crypto";
import { Worker } from "node:worker_threads";
import type { KeySpec } from "../../../ports/crypto.js";
import { InternalError } from "../../../errors/index.js";
import { KeyPoolError } from "./errors.js";
import { KEY_SPECS } from "./format.js";

/** Worker body: on each "go" message, make one key and transfer its DER to the parent. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { generateKeyPairSync } = require("node:crypto");
parentPort.on("message", (msg) => {
  if (msg !== "go") return;
  const { privateKey } = generateKeyPairSync(workerData.type, {
    ...workerData.options,
    publicKeyEncoding: { type: "spki", format: "der" },
    privateKeyEncoding: { type: "pkcs8", format: "der" },
  });
  const der = new Uint8Array(privateKey);
  parentPort.postMessage(der, [der.buffer]);
});
`;

/** One key on this thread (PKCS#8 DER): store.ts times it to estimate what the rest will cost. */
export function generateOneKey(spec: KeySpec): Uint8Array {
  const { type, options } = KEY_SPECS[spec];
  const { privateKey } = generateKeyPairSync(type as "rsa", { ...(options as { modulusLength: number }), publicKeyEncoding: { type: "spki", format: "der" }, privateKeyEncoding: { type: "pkcs8", format: "der" } });
  return new Uint8Array(privateKey);
}

export interface GenerateOptions {
  /** Worker threads to use; default min(2, availableParallelism()), never more than `count`. */
  workers?: number;
  /** Called after each key has been handed to `onKey`. */
  onProgress?: (done: number, total: number) => void;
  /** Receives each PKCS#8 DER on the main thread, in arrival order (e.g. to append it to a file). */
  onKey?: (pkcs8Der: Uint8Array, index: number) => void;
  /** Stops the workers; the promise rejects with `keypool.aborted` after the keys already delivered. */
  signal?: AbortSignal;
}

/** Default worker count: both cores of the reference box, one on a single-core machine. */
export function defaultWorkers(): number {
  return Math.max(1, Math.min(2, availableParallelism()));
}

function positiveInt(name: string, value: number, allowZero: boolean): void {
  if (!Number.isSafeInteger(value) || value < (allowZero ? 0 : 1)) {
    throw new KeyPoolError("keypool.bad-argument", `${name} must be a ${allowZero ? "non-negative" : "positive"} integer, got ${value}`);
  }
}

/**
 * Generates `count` private keys of `spec` in worker threads and resolves with their PKCS#8 DER in
 * arrival order. Work is handed out one key at a time, so workers stay busy until exactly `count`
 * keys exist.
 */
export function generateKeys(spec: KeySpec, count: number, opts: GenerateOptions = {}): Promise<Uint8Array[]> {
  const params = KEY_SPECS[spec];
  if (!params) throw new KeyPoolError("keypool.bad-argument", `unknown key spec "${String(spec)}"`);
  positiveInt("count", count, true);
  const workerCount = opts.workers ?? defaultWorkers();
  positiveInt("workers", workerCount, false);
  if (count === 0) return Promise.resolve([]);
  if (opts.signal?.aborted) {
    return Promise.reject(new KeyPoolError("keypool.aborted", `key generation aborted before it started (0/${count})`));
  }

  return new Promise<Uint8Array[]>((resolve, reject) => {
    const keys: Uint8Array[] = [];
    const workers: Worker[] = [];
    let issued = 0;
    let settled = false;

    const finish = (err?: unknown) => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener("abort", onAbort);
      for (const w of workers) void w.terminate();
      if (err === undefined) resolve(keys);
      else reject(err);
    };
    const onAbort = () =>
      finish(new KeyPoolError("keypool.aborted", `key generation aborted after ${keys.length}/${count} keys`));
    opts.signal?.addEventListener("abort", onAbort, { once: true });

    const next = (w: Worker) => {
      if (issued >= count) return;
      issued++;
      w.postMessage("go");
    };

    for (let i = 0; i < Math.min(workerCount, count); i++) {
      const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { type: params.type, options: params.options } });
      workers.push(w);
      w.on("message", (der: Uint8Array) => {
        if (settled) return;
        try {
          const index = keys.length;
          keys.push(der);
          opts.onKey?.(der, index);
          opts.onProgress?.(keys.length, count);
        } catch (err) {
          finish(err);
          return;
        }
        if (keys.length === count) finish();
        else next(w);
      });
      w.on("error", (err) =>
        finish(new InternalError(`key generation worker failed after ${keys.length}/${count} keys: ${err.message}`, { cause: err })),
      );
      w.on("exit", (code) => {
        if (!settled) finish(new InternalError(`key generation worker exited (code ${code}) after ${keys.length}/${count} keys`));
      });
      next(w);
    }
  });
}
