// SPDX-License-Identifier: MIT
/** CLI output helpers: errors as one clear line with who is at fault, never a stack trace. */
import { SimError } from "../errors/index.js";

export function printError(err: unknown): void {
  if (err instanceof SimError) {
    process.stderr.write(`enrollsim: ${err.describe()}\n`);
    if (process.env.ENROLLSIM_DEBUG && err.stack) process.stderr.write(`${err.stack}\n`);
  } else {
    const e = err as Error;
    process.stderr.write(`enrollsim: internal error (please report): ${e?.message ?? String(err)}\n`);
    if (e?.stack) process.stderr.write(`${e.stack}\n`);
  }
}

/** Loud banner for anything that weakens security. */
export function warnInsecure(): void {
  process.stderr.write(
    "\n  !!! WARNING: --insecure: TLS certificates are NOT verified. Any server can impersonate the MDM.\n" +
      "  !!! Use only against test servers. Prefer --ca FILE to trust a test CA.\n\n",
  );
}
