// SPDX-License-Identifier: MIT
/**
 * Pool files on disk: where they live, secure creation (dir 0700, file 0600, header written
 * atomically), permission checks on load, and an append-only writer. No key is ever parsed here.
 */
import { closeSync, fdatasyncSync, fstatSync, linkSync, openSync, unlinkSync, writeSync } from "node:fs";
import { chmod, mkdir, open, truncate } from "node:fs/promises";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import type { KeySpec } from "../../../ports/crypto.js";
import { KeyPoolError } from "./errors.js";
import { POOL_MAGIC, encodeRecord, parsePool, type ParsedPool } from "./format.js";

/** `$ENROLLSIM_KEY_POOL` if set, else `~/.cache/enrollsim/keys`. */
export function defaultPoolDir(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env["ENROLLSIM_KEY_POOL"];
  return fromEnv ? resolve(fromEnv) : join(homedir(), ".cache", "enrollsim", "keys");
}

/** `<dir>/<spec>.pool`, e.g. `~/.cache/enrollsim/keys/rsa2048.pool`. */
export function poolFilePath(dir: string, spec: KeySpec): string {
  return join(dir, `${spec}.pool`);
}

/** Wraps a filesystem error so the message names the file and what we were doing. */
export function ioError(file: string, doing: string, err: unknown): KeyPoolError {
  const detail = err instanceof Error ? err.message : String(err);
  return new KeyPoolError("keypool.io", `cannot ${doing} key pool ${file}: ${detail}`, file, undefined, err);
}

const checkModes = process.platform !== "win32";

function refuseInsecure(file: string, mode: number): void {
  if (!checkModes || (mode & 0o077) === 0) return;
  const octal = (mode & 0o777).toString(8).padStart(4, "0");
  throw new KeyPoolError(
    "keypool.insecure-permissions",
    `key pool ${file} is accessible by group or others (mode ${octal}); it holds private keys: run \`chmod 600 ${file}\``,
    file,
  );
}

/**
 * Reads and frames a pool file without modifying it, or returns undefined if it does not exist.
 * Refuses a file open to group/other, a non-regular file, and a bad magic or corrupt record.
 */
export async function readPoolFile(file: string): Promise<ParsedPool | undefined> {
  let handle;
  try {
    handle = await open(file, "r");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw ioError(file, "open", err);
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw new KeyPoolError("keypool.io", `key pool ${file} is not a regular file`, file);
    refuseInsecure(file, st.mode);
    return parsePool(file, await handle.readFile());
  } catch (err) {
    if (err instanceof KeyPoolError) throw err;
    throw ioError(file, "read", err);
  } finally {
    await handle.close();
  }
}

/** Creates the pool directory (mode 0700 for directories it creates). */
export async function ensurePoolDir(dir: string): Promise<void> {
  try {
    const created = await mkdir(dir, { recursive: true, mode: 0o700 });
    if (created !== undefined) await chmod(dir, 0o700);
  } catch (err) {
    throw ioError(dir, "create the directory of", err);
  }
}

/**
 * Creates `file` holding only the header, mode 0600, unless it exists. The header is written to a
 * private temp file that is then hard-linked into place, so the pool file never exists without it.
 */
export function createPoolFile(file: string): void {
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    const fd = openSync(tmp, "wx", 0o600);
    try {
      writeSync(fd, POOL_MAGIC);
      fdatasyncSync(fd);
    } finally {
      closeSync(fd);
    }
    try {
      linkSync(tmp, file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
  } catch (err) {
    throw ioError(file, "create", err);
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      /* already gone */
    }
  }
}

/** Cuts an interrupted write's partial record off the end of the file. */
export async function truncatePoolFile(file: string, length: number): Promise<void> {
  try {
    await truncate(file, length);
  } catch (err) {
    throw ioError(file, "truncate", err);
  }
}

/** Appends records one `write` each (O_APPEND), so an interrupted run keeps every finished key. */
export class PoolAppender {
  private constructor(
    readonly file: string,
    private fd: number | undefined,
  ) {}

  /** Opens an existing pool file for appending; refuses it if group/other can access it. */
  static open(file: string): PoolAppender {
    let fd: number;
    try {
      fd = openSync(file, "a");
    } catch (err) {
      throw ioError(file, "open for appending", err);
    }
    try {
      refuseInsecure(file, fstatSync(fd).mode);
    } catch (err) {
      closeSync(fd);
      throw err;
    }
    return new PoolAppender(file, fd);
  }

  append(der: Uint8Array): void {
    if (this.fd === undefined) throw new KeyPoolError("keypool.io", `key pool ${this.file} is closed`, this.file);
    try {
      const record = encodeRecord(der);
      for (let done = 0; done < record.length; ) done += writeSync(this.fd, record, done);
    } catch (err) {
      throw ioError(this.file, "append to", err);
    }
  }

  /** Flushes to disk and closes; safe to call twice. */
  close(): void {
    if (this.fd === undefined) return;
    const fd = this.fd;
    this.fd = undefined;
    try {
      fdatasyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}
