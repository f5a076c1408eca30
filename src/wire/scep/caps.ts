// SPDX-License-Identifier: MIT
/** GetCACaps parsing and the client's algorithm choice (RFC 8894 §3.5.2, scep-and-crypto.md §2). */
import type { ContentCipher, HashAlg } from "../../ports/crypto.js";

export interface CaCaps {
  /** Keywords as sent, de-duplicated, original case. */
  keywords: string[];
  aes: boolean;
  des3: boolean;
  post: boolean;
  renewal: boolean;
  sha1: boolean;
  sha256: boolean;
  sha512: boolean;
  scepStandard: boolean;
  getNextCaCert: boolean;
  /** Keywords enrollsim does not know (ignored, but shown in transcripts). */
  unknown: string[];
}

const KNOWN = new Set(["aes", "des3", "getnextcacert", "postpkioperation", "renewal", "sha-1", "sha-256", "sha-512", "scepstandard", "update"]);

/** Parses a GetCACaps body: one keyword per line, LF or CRLF, case-insensitive, unknowns ignored. */
export function parseCaps(text: string): CaCaps {
  const keywords = [...new Set(text.split(/\r?\n|\s+/).map((s) => s.trim()).filter(Boolean))];
  const has = (k: string) => keywords.some((w) => w.toLowerCase() === k);
  const std = has("scepstandard");
  return {
    keywords,
    aes: has("aes") || std,
    des3: has("des3"),
    post: has("postpkioperation") || std,
    renewal: has("renewal"),
    sha1: has("sha-1"),
    sha256: has("sha-256") || std,
    sha512: has("sha-512"),
    scepStandard: std,
    getNextCaCert: has("getnextcacert"),
    unknown: keywords.filter((w) => !KNOWN.has(w.toLowerCase())),
  };
}

/** Legacy defaults when GetCACaps fails or is empty: GET, 3DES, SHA-1 (RFC 8894 §3.5.2). */
export const LEGACY_CAPS: CaCaps = parseCaps("");

export interface AlgorithmChoice {
  cipher: ContentCipher;
  digest: HashAlg;
  post: boolean;
}

/** AES > DES3 (DES3 is also the legacy default); SHA-256 > SHA-512 > SHA-1; POST when advertised. */
export function chooseAlgorithms(
  caps: CaCaps,
  wanted: { cipher?: ContentCipher | "auto"; digest?: HashAlg | "auto" } = {},
): AlgorithmChoice {
  const cipher: ContentCipher =
    wanted.cipher && wanted.cipher !== "auto" ? wanted.cipher : caps.aes ? "aes-128-cbc" : "des-ede3-cbc";
  const digest: HashAlg =
    wanted.digest && wanted.digest !== "auto"
      ? wanted.digest
      : caps.sha256
        ? "sha256"
        : caps.sha512
          ? "sha512"
          : "sha1";
  return { cipher, digest, post: caps.post };
}
