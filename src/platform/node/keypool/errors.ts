// SPDX-License-Identifier: MIT
/**
 * The key pool's typed error. A broken, insecure or missing pool is an environment problem the
 * user fixes (chmod, regenerate), so blame is "scenario"; the message always names the file.
 */
import { SimError } from "../../../errors/index.js";

/** Stable codes a caller (CLI, runner) can branch on. */
export type KeyPoolErrorCode =
  | "keypool.bad-argument"
  | "keypool.insecure-permissions"
  | "keypool.bad-magic"
  | "keypool.corrupt-record"
  | "keypool.truncated"
  | "keypool.bad-key"
  | "keypool.wrong-kind"
  | "keypool.empty"
  | "keypool.io"
  | "keypool.aborted";

/** A pool file or pool request is unusable; `file` and `record` locate the problem when known. */
export class KeyPoolError extends SimError {
  readonly blame = "scenario" as const;
  declare readonly code: KeyPoolErrorCode;

  constructor(
    code: KeyPoolErrorCode,
    message: string,
    readonly file?: string,
    readonly record?: number,
    cause?: unknown,
  ) {
    super(code, message, cause !== undefined ? { cause } : {});
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), file: this.file, record: this.record };
  }
}
