// SPDX-License-Identifier: MIT
/**
 * {@link KeyPool} over a pool file. Opening reads the framed DER records only; each key is imported
 * the first time its slot is asked for and cached after that (RSA records as a JWK, ./rsa-jwk.ts).
 *
 * EC keys cost ~0.07 ms to generate, so devices may just call `CryptoPort.generateKey("ec-p256")`;
 * an EC pool (`spec: "ec-p256"`, read with {@link FileKeyPool.ec}) is only worth it when the same
 * slot must keep the same public key across runs.
 */
import type { KeygenEstimate } from "./progress.js";
import { ioLedger } from "../../../ports/io-ledger.js";
import { createPrivateKey } from "node:crypto";
import type { KeySpec } from "../../../ports/crypto.js";
import type { KeyPool } from "../../../ports/keys.js";
import { NodePrivateKey } from "../crypto.js";
import { KeyPoolError } from "./errors.js";
import { defaultPoolDir } from "./file.js";
import { KEY_SPECS, parseKeySpec } from "./format.js";
import { SlotMap } from "./slots.js";
import { loadAndGrow } from "./store.js";
import { rsaPkcs8ToJwk } from "./rsa-jwk.js";

export interface FileKeyPoolOptions {
  /** Pool directory; default {@link defaultPoolDir} (`$ENROLLSIM_KEY_POOL` or `~/.cache/enrollsim/keys`). */
  dir?: string;
  /** Which pool file to use; default "rsa2048". */
  spec?: KeySpec;
  /** Generate keys first (in worker threads) until the pool holds at least this many. */
  ensure?: number;
  workers?: number;
  /** Progress of the keys being generated now: `total` is the number missing, not the pool size. */
  onProgress?: (done: number, total: number) => void;
  /** Before generating missing keys: how many, and what one key cost on this machine (progress.ts). */
  onEstimate?: (e: KeygenEstimate) => void;
  /** Non-fatal problems; default `process.emitWarning`. */
  onWarning?: (message: string) => void;
  /** What to do with a partial last record from an interrupted write; default "truncate" (with a warning). */
  partialTail?: "truncate" | "error";
  signal?: AbortSignal;
}

/** Default warning sink: Node's warning channel (printed to stderr once per message). */
export function emitPoolWarning(message: string): void {
  process.emitWarning(message, { code: "ENROLLSIM_KEYPOOL" });
}

export class FileKeyPool implements KeyPool {
  private readonly cache: (NodePrivateKey | undefined)[];
  private readonly slots = new SlotMap();

  private constructor(
    /** Absolute path of the pool file. */
    readonly file: string,
    readonly spec: KeySpec,
    private readonly records: readonly Uint8Array[],
  ) {
    this.cache = new Array<NodePrivateKey | undefined>(records.length);
  }

  /** Loads (and with `ensure`, first grows) `<dir>/<spec>.pool`. A missing file is an empty pool. */
  static open(opts: FileKeyPoolOptions = {}): Promise<FileKeyPool> {
    // File reads, a lock, perhaps key generation: real work a virtual-time run waits for (ports/io-ledger.ts).
    return ioLedger.track("key pool open", FileKeyPool.load(opts));
  }

  private static async load(opts: FileKeyPoolOptions): Promise<FileKeyPool> {
    const spec = parseKeySpec(opts.spec ?? "rsa2048");
    const loaded = await loadAndGrow({
      dir: opts.dir ?? defaultPoolDir(),
      spec,
      ensure: opts.ensure ?? 0,
      workers: opts.workers,
      onProgress: opts.onProgress,
      onEstimate: opts.onEstimate,
      onWarning: opts.onWarning ?? emitPoolWarning,
      partialTail: opts.partialTail,
      signal: opts.signal,
    });
    return new FileKeyPool(loaded.file, spec, loaded.records);
  }

  /** Number of distinct keys in the pool. */
  get size(): number {
    return this.records.length;
  }

  /** Distinct slots asked for beyond `size`: that many devices share a key with another device. */
  get reusedSlots(): number {
    return this.slots.reusedSlots;
  }

  /** The RSA key at `slot` (modulo size). Refuses an EC pool. */
  async rsa(slot: number): Promise<NodePrivateKey> {
    return this.keyOfKind("rsa", slot);
  }

  /** The EC key at `slot` (modulo size), for an `ec-p256`/`ec-p384` pool. */
  async ec(slot: number): Promise<NodePrivateKey> {
    return this.keyOfKind("ec", slot);
  }

  /** The key at `slot` (modulo size), imported on first use and cached. */
  key(slot: number): NodePrivateKey {
    if (this.records.length === 0) {
      throw new KeyPoolError(
        "keypool.empty",
        `key pool ${this.file} has no keys; generate some first (enrollsim keys pregen --spec ${this.spec} --count N)`,
        this.file,
      );
    }
    const index = this.slots.index(slot, this.records.length);
    return (this.cache[index] ??= this.importRecord(index));
  }

  private keyOfKind(kind: "rsa" | "ec", slot: number): NodePrivateKey {
    if (KEY_SPECS[this.spec].kind !== kind) {
      throw new KeyPoolError("keypool.wrong-kind", `key pool ${this.file} holds ${this.spec} keys, not ${kind}`, this.file);
    }
    return this.key(slot);
  }

  private importRecord(index: number): NodePrivateKey {
    const want = KEY_SPECS[this.spec];
    let key: NodePrivateKey;
    try {
      const record = this.records[index]!;
      // An RSA record is imported from its components (a JWK, read by a minimal DER reader): the
      // same key at a 30th of the cost of OpenSSL's PKCS#8 decoder. Anything else, and a record
      // the reader does not accept, goes through OpenSSL, which names what is wrong.
      const jwk = want.kind === "rsa" ? rsaPkcs8ToJwk(record) : undefined;
      key = new NodePrivateKey(jwk ? createPrivateKey({ key: jwk, format: "jwk" }) : createPrivateKey({ key: Buffer.from(record), format: "der", type: "pkcs8" }));
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      throw new KeyPoolError("keypool.bad-key", `${this.file}: record ${index} is not a usable PKCS#8 key (${why})`, this.file, index, err);
    }
    if (key.kind !== want.kind || key.bits !== want.bits) {
      throw new KeyPoolError(
        "keypool.bad-key",
        `${this.file}: record ${index} is a ${key.kind}-${key.bits} key, but this is a ${this.spec} pool`,
        this.file,
        index,
      );
    }
    return key;
  }
}
