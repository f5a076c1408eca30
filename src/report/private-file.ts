// SPDX-License-Identifier: MIT
/**
 * Files that can hold a secret (reports with scenario values, QR codes with Wi-Fi passwords or
 * enrollment tokens, logs, transcripts): mode 0600, in a directory the tool creates 0700. Written to
 * a temporary file first and renamed, so a reader never sees half a file and an existing file with a
 * wider mode is replaced, not reused.
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { ReportError } from "./errors.js";

/** Mode of every file enrollsim writes that can hold a secret. */
export const PRIVATE_FILE_MODE = 0o600;
/** Mode of a directory enrollsim creates for such files. */
export const PRIVATE_DIR_MODE = 0o700;

/** Creates `dir` (and missing parents) with mode 0700; an existing directory is left as it is. */
export function ensurePrivateDir(dir: string): void {
  if (existsSync(dir)) return;
  try {
    mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  } catch (err) {
    throw new ReportError("report.io", `cannot create the directory ${dir}: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Writes `data` to `path` with mode 0600 (atomically: temporary file, then rename).
 * @throws {ReportError} `report.io` when the file cannot be written.
 */
export function writePrivateFile(path: string, data: string | Uint8Array): void {
  ensurePrivateDir(dirname(path));
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, data, { mode: PRIVATE_FILE_MODE });
    chmodSync(tmp, PRIVATE_FILE_MODE); // the create mode is masked by the umask; this is not
    renameSync(tmp, path);
  } catch (err) {
    try {
      rmSync(tmp, { force: true });
    } catch {
      /* the directory itself is unusable (ENOTDIR, EACCES): nothing was left behind */
    }
    throw new ReportError("report.io", `cannot write ${path}: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Makes sure `path` exists with mode 0600 before a stream (a log) appends to it, whatever the umask
 * and whatever mode an earlier file had.
 */
export function preparePrivateAppendFile(path: string): void {
  ensurePrivateDir(dirname(path));
  try {
    closeSync(openSync(path, "a", PRIVATE_FILE_MODE));
    chmodSync(path, PRIVATE_FILE_MODE);
  } catch (err) {
    throw new ReportError("report.io", `cannot open ${path}: ${(err as Error).message}`, { cause: err });
  }
}
