// SPDX-License-Identifier: MIT
/** CLI output helpers: errors as one clear line with who is at fault, never a stack trace. */
import { readFileSync } from "node:fs";
import { ScenarioError, SimError } from "../errors/index.js";
import { terminalText } from "../report/terminal-text.js";

/**
 * Prints an error as one line (a scenario error may span lines: its text is the user's own file).
 * Messages can carry server text, so they pass through terminalText.
 */
export function printError(err: unknown): void {
  if (err instanceof SimError) {
    process.stderr.write(`enrollsim: ${terminalText(err.describe(), { lines: err.blame === "scenario" })}\n`);
    // The other problems of the same file, so one edit-and-retry fixes them all.
    for (const m of err instanceof ScenarioError ? (err.more ?? []) : []) process.stderr.write(`enrollsim: ${terminalText(m.describe(), { lines: true })}\n`);
    if (process.env.ENROLLSIM_DEBUG && err.stack) process.stderr.write(`${err.stack}\n`);
  } else {
    const e = err as Error;
    process.stderr.write(`enrollsim: internal error (please report): ${terminalText(String(e?.message ?? err))}\n`);
    if (e?.stack) process.stderr.write(`${e.stack}\n`);
  }
}

/**
 * Exit status for an error that ended a command (README "Exit codes"): 2 for the user's input
 * (command line, scenario, files), 1 for a server that answered wrongly (a protocol failure),
 * 3 for a transport or environment failure (network, TLS, DNS, timeout), 70 for an internal
 * error (sysexits.h EX_SOFTWARE: a bug to report).
 */
export function exitCodeOf(err: unknown): number {
  return err instanceof SimError ? exitCodeForBlame(err.blame) : 70;
}

/** {@link exitCodeOf} by blame; a device's own failure outcome ("protocol-outcome") is 1. */
export function exitCodeForBlame(blame: string | undefined): number {
  switch (blame) {
    case "protocol-outcome":
      return 1;
    case "scenario":
      return 2;
    case "server":
      return 1;
    case "transport":
      return 3;
    default:
      return 70;
  }
}

/** Loud banner for anything that weakens security. */
export function warnInsecure(): void {
  process.stderr.write(
    "\n  !!! WARNING: --insecure: TLS certificates are NOT verified. Any server can impersonate the MDM.\n" +
      "  !!! Use only against test servers. Prefer --ca FILE to trust a test CA.\n\n",
  );
}

/**
 * Reads a file the user named on the command line. A missing, unreadable file or a directory is the
 * command line's fault (a ScenarioError, exit 2) naming the file, the reason and what was expected,
 * never an internal error.
 */
export function readInputFile(file: string, label: string, expected: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : code === "EISDIR" ? "it is a directory" : (err as Error).message;
    throw new ScenarioError(`${label}: cannot read it (${why})`, undefined, expected);
  }
}

/**
 * Reads the PEM files given with `--ca`. A missing, unreadable or certificate-less file is the
 * command line's fault (a ScenarioError, exit 2) with the file and the reason, never an internal error.
 */
export function readTrustFiles(files: readonly string[] | undefined): string[] | undefined {
  return files?.map((file) => {
    const text = readInputFile(file, `--ca ${file}`, "a PEM file with the CA certificate(s) to trust").toString("utf8");
    if (!/-----BEGIN CERTIFICATE-----/.test(text)) {
      throw new ScenarioError(`--ca ${file}: holds no PEM certificate (no "-----BEGIN CERTIFICATE-----" line)`, undefined, "a PEM file with the CA certificate(s) to trust");
    }
    return text;
  });
}
