// SPDX-License-Identifier: MIT
/**
 * What filling the key pool costs, said before and while it happens: an estimate from one key
 * timed on this machine, then progress with the measured rate and the time left.
 */
import type { KeySpec } from "../../../ports/crypto.js";

const LABEL: Record<KeySpec, string> = { rsa2048: "RSA-2048", rsa3072: "RSA-3072", rsa4096: "RSA-4096", "ec-p256": "EC P-256", "ec-p384": "EC P-384" };
const n = (x: number) => x.toLocaleString("en-US");

/** Measured before the missing keys are generated (store.ts times one key). */
export interface KeygenEstimate {
  missing: number;
  /** Milliseconds one key took on this machine, one thread. */
  perKeyMs: number;
  /** Worker threads that will generate them. */
  workers: number;
  spec: KeySpec;
}

/** "generating 1,000 RSA-2048 keys: about 75 s on this machine (150 ms per key on 2 workers)". */
export function keygenEstimateLine(e: KeygenEstimate): string {
  const seconds = Math.max(1, Math.round((e.missing * e.perKeyMs) / Math.max(1, e.workers) / 1000));
  return `generating ${n(e.missing)} ${LABEL[e.spec]} keys: about ${n(seconds)} s on this machine (${Math.round(e.perKeyMs)} ms per key on ${e.workers} worker${e.workers === 1 ? "" : "s"})`;
}

/** "generating RSA-2048 keys: 130/1,000, 13.0 keys/s, about 67 s left" (rate and ETA once a key is done). */
export function keygenProgressLine(p: { done: number; total: number; elapsedMs: number; spec: KeySpec }): string {
  const head = `generating ${LABEL[p.spec]} keys: ${n(p.done)}/${n(p.total)}`;
  if (p.done <= 0 || p.elapsedMs <= 0) return head;
  const rate = (p.done * 1000) / p.elapsedMs;
  if (p.done >= p.total) return `${head}, ${rate.toFixed(1)} keys/s`;
  return `${head}, ${rate.toFixed(1)} keys/s, about ${n(Math.ceil((p.total - p.done) / rate))} s left`;
}
