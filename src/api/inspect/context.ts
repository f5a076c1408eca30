// SPDX-License-Identifier: MIT
/** Shared state of one inspection, and the error inspect throws for input it cannot read. */
import { SimError } from "../../errors/index.js";
import type { CryptoPort, PrivateKey } from "../../ports/crypto.js";
import type { InspectedObject } from "./types.js";

export interface InspectContext {
  crypto: CryptoPort;
  /** Print challenge passwords instead of `[REDACTED] (N chars)`. */
  showSecrets: boolean;
  /** Private key for opening EnvelopedData. */
  key?: PrivateKey;
  /** Reference time for certificate validity. */
  now: Date;
  /** Nesting level (SignedData → EnvelopedData → …); bounded against hostile input. */
  depth: number;
  /** SCEP messageType of the enclosing message, so decrypted message data can be named. */
  scepMessageType?: number;
  /** Decodes nested content (encapsulated or decrypted) one level down; never throws. */
  inner: (der: Uint8Array, ctx: InspectContext) => InspectedObject;
}

/** Deepest nesting inspect follows (a SCEP CertRep is SignedData → EnvelopedData → SignedData). */
export const MAX_DEPTH = 6;

/**
 * The input is not something inspect can read (not a certificate, CSR or CMS message, empty,
 * unreadable file or key). Blamed on the caller, like a ScenarioError. `tried` lists each
 * decoder attempted and why it refused.
 */
export class InspectError extends SimError {
  readonly blame = "scenario" as const;
  constructor(
    code: "inspect.empty" | "inspect.unrecognized" | "inspect.file" | "inspect.key",
    message: string,
    readonly tried: { as: string; error: string }[] = [],
    options: { cause?: unknown } = {},
  ) {
    super(code, message, options);
  }
}
