// SPDX-License-Identifier: MIT
/**
 * What a saved client TLS session says about its own resumability, read from the DER that Node's
 * `session` event hands out (OpenSSL's `i2d_SSL_SESSION`, `ssl/ssl_asn1.c`):
 *
 *     SSL_SESSION_ASN1 ::= SEQUENCE {
 *       version INTEGER, ssl_version INTEGER, cipher OCTET STRING, session_id OCTET STRING,
 *       master_key OCTET STRING, key_arg [0] IMPLICIT OCTET STRING OPTIONAL,
 *       time [1] EXPLICIT INTEGER OPTIONAL,     -- seconds since the epoch, when it was made
 *       timeout [2] EXPLICIT INTEGER OPTIONAL,  -- seconds
 *       peer [3] ..., session_id_context [4] ..., verify_result [5] ..., hostname [6] ...,
 *       psk_identity_hint [7] ..., psk_identity [8] ...,
 *       tlsext_tick_lifetime_hint [9] EXPLICIT INTEGER OPTIONAL,  -- the server's ticket_lifetime
 *       tlsext_tick [10] EXPLICIT OCTET STRING OPTIONAL, ... }
 *
 * Only the top level is walked (the server certificate inside `peer` is skipped by its length).
 * Anything unexpected answers "not resumable", which only costs the caller its fast path.
 */

/** TLS 1.3's `ssl_version` (0x0304). */
const TLS13 = 0x0304;

/** Reads a DER length at `at`; returns [length, offset after it] or undefined. */
function readLength(b: Uint8Array, at: number): [number, number] | undefined {
  if (at >= b.length) return undefined;
  const first = b[at]!;
  if (first < 0x80) return [first, at + 1];
  const n = first & 0x7f;
  if (n === 0 || n > 4 || at + 1 + n > b.length) return undefined;
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + b[at + 1 + i]!;
  return [len, at + 1 + n];
}

/** A small non-negative INTEGER's value (DER), or undefined. */
function readUint(b: Uint8Array, at: number, end: number): number | undefined {
  if (b[at] !== 0x02) return undefined;
  const l = readLength(b, at + 1);
  if (!l || l[0] === 0 || l[0] > 7 || l[1] + l[0] > end) return undefined;
  let v = 0;
  for (let i = 0; i < l[0]; i++) v = v * 256 + b[l[1] + i]!;
  return v;
}

/** The facts of one saved session the client needs before offering it. */
export interface SessionFacts {
  /** The session was made with TLS 1.3 and carries a server ticket (a PSK it can offer). */
  tls13Ticket: boolean;
  /** When the ticket stops being offered by OpenSSL or accepted by the server (ms since the epoch). */
  expiresAtMs: number;
}

/** Reads {@link SessionFacts} from a session's DER; undefined when it is not what OpenSSL writes. */
export function sessionFacts(der: Uint8Array): SessionFacts | undefined {
  if (der[0] !== 0x30) return undefined;
  const outer = readLength(der, 1);
  if (!outer) return undefined;
  const end = Math.min(der.length, outer[1] + outer[0]);
  let at = outer[1];
  let index = 0;
  let sslVersion: number | undefined;
  let time: number | undefined;
  let timeout: number | undefined;
  let hint: number | undefined;
  let ticket = false;
  while (at < end) {
    const tag = der[at]!;
    const l = readLength(der, at + 1);
    if (!l || l[1] + l[0] > end) return undefined;
    const [len, body] = l;
    if (index === 1) sslVersion = readUint(der, at, end);
    else if (tag === 0xa1) time = readUint(der, body, body + len);
    else if (tag === 0xa2) timeout = readUint(der, body, body + len);
    else if (tag === 0xa9) hint = readUint(der, body, body + len);
    else if (tag === 0xaa) ticket = len > 2;
    at = body + len;
    index++;
  }
  if (sslVersion === undefined || time === undefined) return undefined;
  // OpenSSL's client stops offering a TLS 1.3 ticket older than its lifetime hint; the server
  // refuses one older than the session timeout. The shorter of the two bounds it.
  const lifetime = Math.min(timeout ?? Infinity, hint ?? Infinity);
  if (!Number.isFinite(lifetime)) return undefined;
  return { tls13Ticket: sslVersion === TLS13 && ticket, expiresAtMs: (time + lifetime) * 1000 };
}

/**
 * The session without the server's certificate (`peer`, [3]), for a TLS 1.3 ticket session; any
 * other input comes back unchanged. Decoding that certificate is most of Node's `setSession` on
 * every resumed connection (OpenSSL 3 decodes its public key through the provider decoders), and
 * nothing on the client reads it after a resumption: Node checks the host name only on full
 * handshakes, reports no peer certificate for a resumed one, and takes the verification result
 * from the session's own `verify_result` [5], which stays. The device's own chain evaluation
 * keeps the chain it judged beside the session (http/exchange.ts). Half the session's bytes, too.
 */
export function withoutServerCertificate(der: Buffer): Buffer {
  const facts = sessionFacts(der);
  if (!facts?.tls13Ticket) return der;
  const outer = readLength(der, 1)!;
  const end = outer[1] + outer[0];
  const kept: Buffer[] = [];
  let at = outer[1];
  let dropped = false;
  while (at < end) {
    const l = readLength(der, at + 1)!;
    const next = l[1] + l[0];
    if (der[at] === 0xa3) dropped = true;
    else kept.push(der.subarray(at, next));
    at = next;
  }
  if (!dropped) return der;
  const n = kept.reduce((sum, k) => sum + k.length, 0);
  const header = n < 0x80 ? [0x30, n] : n < 0x100 ? [0x30, 0x81, n] : n < 0x10000 ? [0x30, 0x82, n >> 8, n & 0xff] : undefined;
  if (!header) return der;
  // Its own memory, never a slice of Node's shared 8 KiB pool (Buffer.concat of a small total is one):
  // a session lives as long as its device, and a pooled slice would keep a whole slab alive per
  // session (≈ 8 KiB per device, 664 MiB of ArrayBuffers at 50,000 devices in bench steady).
  const out = Buffer.allocUnsafeSlow(header.length + n);
  out.set(header, 0);
  let at2 = header.length;
  for (const k of kept) (out.set(k, at2), (at2 += k.length));
  return out;
}
