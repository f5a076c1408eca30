// SPDX-License-Identifier: MIT
/**
 * `enrollsim inspect`: decodes a certificate, PKCS#10 request or CMS/SCEP message (PEM, bare
 * base64 or DER) into a JSON-serialisable {@link Inspection}, and {@link formatInspection}
 * renders it for people. Signatures are checked where the message carries the signer's key;
 * with a private key, SCEP envelopes are opened and their content inspected too.
 */
import { createPrivateKey } from "node:crypto";
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { NodeCrypto, NodePrivateKey } from "../platform/node/crypto.js";
import type { CryptoPort, PrivateKey } from "../ports/crypto.js";
import type { Certificate } from "../wire/x509/certificate.js";
import { InspectError, type InspectContext } from "./inspect/context.js";
import { decodeDer, decodeInner } from "./inspect/detect.js";
import { splitInput } from "./inspect/input.js";
import type { CertificateInspection, InspectedObject, Inspection } from "./inspect/types.js";
import { linkIssuers } from "./inspect/x509.js";

export { InspectError } from "./inspect/context.js";
export { formatInspection } from "./inspect/format.js";
export type * from "./inspect/types.js";

export interface InspectOptions {
  /** Show challenge passwords instead of `[REDACTED] (N chars)`. */
  showSecrets?: boolean;
  /** Path of a PEM private key (PKCS#8, PKCS#1 or SEC1) that opens the EnvelopedData inside SCEP messages. */
  key?: string;
  /** An already-loaded private key; wins over `key`. */
  privateKey?: PrivateKey;
  /** Reference time for certificate validity (default: now). */
  now?: Date;
  /** Crypto adapter (default: NodeCrypto). */
  crypto?: CryptoPort;
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Loads a PEM private key file for decryption; an InspectError when it cannot be used. */
export function loadPrivateKey(path: string): PrivateKey {
  let pem: string;
  try {
    pem = readFileSync(path, "utf8");
  } catch (err) {
    throw new InspectError("inspect.key", `cannot read key file ${path}: ${errorText(err)}`, [], { cause: err });
  }
  if (!/-----BEGIN (RSA |EC |ENCRYPTED )?PRIVATE KEY-----/.test(pem)) {
    throw new InspectError("inspect.key", `${path} holds no PEM private key (PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)`);
  }
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/.test(pem)) {
    throw new InspectError("inspect.key", `${path} is passphrase-protected; write a plain copy first (openssl pkey -in KEY -out plain.pem)`);
  }
  try {
    return new NodePrivateKey(createPrivateKey(pem));
  } catch (err) {
    throw new InspectError("inspect.key", `${path} is not a usable RSA or EC private key: ${errorText(err)}`, [], { cause: err });
  }
}

function context(options: InspectOptions): InspectContext {
  return {
    crypto: options.crypto ?? new NodeCrypto(),
    showSecrets: options.showSecrets ?? false,
    key: options.privateKey ?? (options.key !== undefined ? loadPrivateKey(options.key) : undefined),
    now: options.now ?? new Date(),
    depth: 0,
    inner: decodeInner,
  };
}

/**
 * Inspects bytes: PEM (each block), bare base64 (a SCEP `message=` value too) or DER. Throws an
 * {@link InspectError} when nothing in them is a certificate, CSR or CMS message.
 */
export function inspectBytes(bytes: Uint8Array, name = "input", options: InspectOptions = {}): Inspection {
  const ctx = context(options);
  const { format, blocks, skipped } = splitInput(bytes, name);
  const items: InspectedObject[] = [];
  const certs: { cert: Certificate; inspection: CertificateInspection }[] = [];
  const failures: string[] = [];
  blocks.forEach((block, i) => {
    const what = blocks.length > 1 ? `${name} block ${i + 1} (${block.pemLabel})` : name;
    try {
      const { object, cert } = decodeDer(block.der, ctx, what, block.first);
      const item = block.pemLabel ? { ...object, pemLabel: block.pemLabel } : object;
      items.push(item);
      if (cert) certs.push({ cert, inspection: item as CertificateInspection });
    } catch (err) {
      if (!(err instanceof InspectError) || blocks.length === 1) throw err;
      failures.push(err.message);
      items.push({ kind: "unreadable", title: "Unreadable PEM block", derLength: block.der.length, pemLabel: block.pemLabel, error: err.message });
    }
  });
  if (failures.length === blocks.length) {
    throw new InspectError("inspect.unrecognized", `${name}: none of its ${blocks.length} PEM blocks could be decoded: ${failures.join(" | ")}`);
  }
  if (certs.length > 1) linkIssuers(certs.map((c) => c.cert), certs.map((c) => c.inspection), ctx.crypto);
  return { source: name, format, items, skipped };
}

/** Reads and inspects a file; unreadable files are an {@link InspectError} too. */
export async function inspectFile(path: string, options: InspectOptions = {}): Promise<Inspection> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : errorText(err);
    throw new InspectError("inspect.file", `cannot read ${path}: ${why}`, [], { cause: err });
  }
  return inspectBytes(bytes, path, options);
}
