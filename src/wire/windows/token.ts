// SPDX-License-Identifier: MIT
/**
 * Test identity-provider tokens: compact JWTs signed HS256 with a key the embedded reference
 * server trusts (a stand-in for Entra's RS256 signature; never a real tenant's key). The claims are
 * Entra's access-token claims (entra-token.ts builds them per token version): upn, tid, iss, aud,
 * ver, iat, nbf, exp, amr, deviceid; `bulk` marks enrollsim's provisioning-package token.
 */
import type { CryptoPort } from "../../ports/crypto.js";

export interface TokenClaims {
  upn: string;
  tid?: string;
  /** Bulk (provisioning package) tokens enrol userless devices. */
  bulk?: boolean;
  /** Expiry, seconds since the epoch. */
  exp?: number;
  /**
   * Authentication methods of the sign-in (RFC 8176 values, as Entra's access tokens carry them in `amr`:
   * "pwd", and "mfa" once a second factor was done; Microsoft Learn, "Access token claims reference").
   */
  amr?: string[];
  /** Issuer: https://sts.windows.net/{tid}/ (v1.0) or https://login.microsoftonline.com/{tid}/v2.0 (v2.0). */
  iss?: string;
  /** Audience: the App ID URI (v1.0) or the application's client id (v2.0). */
  aud?: string | string[];
  /** Token version, "1.0" or "2.0". */
  ver?: string;
  iat?: number;
  nbf?: number;
  /** The Entra device id of the device the token was issued to. */
  deviceid?: string;
  /** v1.0 tokens: the user's name. */
  unique_name?: string;
  /** v2.0 tokens: the user's name. */
  preferred_username?: string;
}

const b64url = (u: Uint8Array): string => Buffer.from(u).toString("base64url");

export function mintToken(claims: TokenClaims, key: string, crypto: CryptoPort): string {
  const head = b64url(new TextEncoder().encode(JSON.stringify({ alg: "HS256", typ: "JWT" })));
  const body = b64url(new TextEncoder().encode(JSON.stringify(claims)));
  const sig = crypto.hmac("sha256", new TextEncoder().encode(key), new TextEncoder().encode(`${head}.${body}`));
  return `${head}.${body}.${b64url(sig)}`;
}

/** Claims of a valid token, or undefined (bad shape, bad signature, expired). */
export function verifyToken(token: string, key: string, crypto: CryptoPort, nowMs: number): TokenClaims | undefined {
  const claims = signedClaims(token, key, crypto);
  if (claims?.exp !== undefined && claims.exp * 1000 < nowMs) return undefined;
  return claims;
}

/** Claims of a well-formed token whose signature verifies under the key, or undefined; lifetime not checked (the caller's clock skew decides). */
export function signedClaims(token: string, key: string, crypto: CryptoPort): TokenClaims | undefined {
  const parts = token.split(".");
  if (parts.length !== 3 || token.length > 8192) return undefined;
  const sig = crypto.hmac("sha256", new TextEncoder().encode(key), new TextEncoder().encode(`${parts[0]}.${parts[1]}`));
  // Constant time: a `!==` on the strings stops at the first differing character, so response times would tell a forger
  // how much of a guessed signature is right. The encoded forms are compared (43 characters for HS256), so a
  // non-canonical base64url spelling of the right bytes is still refused, as before.
  if (!crypto.secretsEqual(new TextEncoder().encode(b64url(sig)), new TextEncoder().encode(parts[2]!))) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(parts[1]!, "base64url").toString("utf8"));
    return wellTyped(claims) ? claims : undefined;
  } catch {
    return undefined;
  }
}

const optional = (v: unknown, ok: (x: unknown) => boolean): boolean => v === undefined || ok(v);
const isString = (x: unknown): boolean => typeof x === "string";
/** RFC 7519 §2 NumericDate: a JSON number of seconds. */
const isNumericDate = (x: unknown): boolean => typeof x === "number" && Number.isFinite(x);
const isStrings = (x: unknown): boolean => Array.isArray(x) && x.every(isString);

/**
 * Whether a token's payload has the claim types TokenClaims promises. A claim of another type (an `exp` string, a
 * numeric `tid`, an `aud` list of numbers) makes the token invalid, as JWT libraries refuse it (RFC 7519 §4.1: exp,
 * nbf and iat are NumericDate; aud a string or an array of strings): otherwise `exp: "tomorrow"` would read as a token
 * that never expires, and a non-string tid or aud would throw in the server's checks (entra-token.ts).
 */
function wellTyped(c: unknown): c is TokenClaims {
  if (typeof c !== "object" || c === null || Array.isArray(c)) return false;
  const o = c as Record<string, unknown>;
  return (
    typeof o.upn === "string" &&
    ["tid", "iss", "ver", "deviceid", "unique_name", "preferred_username"].every((k) => optional(o[k], isString)) &&
    ["exp", "nbf", "iat"].every((k) => optional(o[k], isNumericDate)) &&
    optional(o.aud, (x) => isString(x) || isStrings(x)) &&
    optional(o.amr, isStrings) &&
    optional(o.bulk, (x) => typeof x === "boolean")
  );
}

/** The one-time code of the simulated authenticator: 6 digits of HMAC-SHA256(key, "mfa:" + lower-case UPN). */
export function mfaCode(upn: string, key: string, crypto: CryptoPort): string {
  const h = crypto.hmac("sha256", new TextEncoder().encode(key), new TextEncoder().encode(`mfa:${upn.toLowerCase()}`));
  return String((((h[0]! << 24) | (h[1]! << 16) | (h[2]! << 8) | h[3]!) >>> 0) % 1_000_000).padStart(6, "0");
}
