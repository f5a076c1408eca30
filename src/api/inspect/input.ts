// SPDX-License-Identifier: MIT
/**
 * Input detection: PEM (one or more blocks), bare base64 (also a `message=` value copied from a
 * SCEP GET URL, URL-encoded or not, standard or URL-safe alphabet) or raw DER.
 */
import { InspectError } from "./context.js";
import type { DecoderKind } from "./detect.js";
import type { InputFormat } from "./types.js";

export interface InputBlock {
  der: Uint8Array;
  pemLabel?: string;
  /** Decoder to try first, from the PEM label. */
  first?: DecoderKind;
}

export interface SplitInput {
  format: InputFormat;
  blocks: InputBlock[];
  /** Labels of PEM blocks that are not inspected (keys, CRLs, …). */
  skipped: string[];
}

/** PEM labels inspect reads, and which decoder each suggests. */
export const PEM_LABELS: Record<string, DecoderKind> = {
  CERTIFICATE: "certificate",
  "X509 CERTIFICATE": "certificate",
  "CERTIFICATE REQUEST": "csr",
  "NEW CERTIFICATE REQUEST": "csr",
  PKCS7: "cms",
  "PKCS #7 SIGNED DATA": "cms",
  CMS: "cms",
};

/** Printable ASCII plus tab/CR/LF: the input is text (PEM or base64), not DER. */
const isText = (b: Uint8Array): boolean => b.every((c) => c === 9 || c === 10 || c === 13 || (c >= 32 && c < 127));

function pem(text: string, name: string): SplitInput {
  const blocks: InputBlock[] = [];
  const skipped: string[] = [];
  const re = /-----BEGIN ([A-Z0-9 #]+)-----([\s\S]*?)-----END \1-----/g;
  for (const m of text.matchAll(re)) {
    const label = m[1]!;
    const first = PEM_LABELS[label];
    if (!first) {
      skipped.push(label);
      continue;
    }
    // RFC 1421 headers ("Proc-Type: …") are dropped; the rest is base64.
    const body = m[2]!.split(/\r?\n/).filter((l) => !l.includes(":")).join("").replace(/\s+/g, "");
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body)) {
      throw new InspectError("inspect.unrecognized", `${name}: the ${label} PEM block is not valid base64`);
    }
    blocks.push({ der: new Uint8Array(Buffer.from(body, "base64")), pemLabel: label, first });
  }
  if (blocks.length === 0) {
    const expected = Object.keys(PEM_LABELS).join(", ");
    const why = skipped.length
      ? `holds only PEM blocks of types ${[...new Set(skipped)].join(", ")}`
      : "has a PEM BEGIN line but no complete block (missing or mismatched END line)";
    throw new InspectError("inspect.unrecognized", `${name} ${why}; expected ${expected}`);
  }
  return { format: "pem", blocks, skipped };
}

/** Bare base64: the `message=` value of a SCEP URL, or the whole text. */
function base64(text: string, name: string): SplitInput {
  let s = text.trim();
  const query = /(?:^|[?&\s])message=([^&\s]*)/.exec(s);
  if (query) s = query[1]!;
  if (s.includes("%")) {
    try {
      s = decodeURIComponent(s);
    } catch {
      throw new InspectError("inspect.unrecognized", `${name}: not PEM, base64 or DER (bad URL encoding)`);
    }
  }
  s = s.replace(/\s+/g, "").replace(/-/g, "+").replace(/_/g, "/");
  if (s === "" || !/^[A-Za-z0-9+/]+={0,2}$/.test(s)) {
    throw new InspectError("inspect.unrecognized", `${name}: not a certificate, CSR or CMS message: not PEM, base64 or DER`);
  }
  return { format: "base64", blocks: [{ der: new Uint8Array(Buffer.from(s, "base64")) }], skipped: [] };
}

/** Splits input bytes into DER objects to inspect. Empty input is an InspectError. */
export function splitInput(bytes: Uint8Array, name: string): SplitInput {
  let b = bytes;
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) b = b.subarray(3); // UTF-8 BOM
  if (b.length === 0 || (isText(b) && Buffer.from(b).toString("latin1").trim() === "")) {
    throw new InspectError("inspect.empty", `${name} is empty`);
  }
  if (!isText(b)) return { format: "der", blocks: [{ der: b }], skipped: [] };
  const text = Buffer.from(b).toString("latin1");
  return text.includes("-----BEGIN ") ? pem(text, name) : base64(text, name);
}
