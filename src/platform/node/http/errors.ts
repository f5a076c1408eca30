// SPDX-License-Identifier: MIT
/**
 * Maps Node socket/TLS/DNS errors onto {@link TransportError} kinds. Messages name the method
 * and URL, and for TLS failures carry the OpenSSL reason ("self-signed certificate",
 * "tlsv13 alert certificate required", …) so a report reader sees why the handshake failed.
 */
import { TransportError, type TransportDetail } from "../../../errors/index.js";

type Kind = TransportError["kind"];

/** OpenSSL certificate-verification codes Node surfaces as `err.code`. */
const VERIFY_CODES = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "UNABLE_TO_GET_CRL",
  "UNABLE_TO_DECRYPT_CERT_SIGNATURE",
  "UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY",
  "ERROR_IN_CERT_NOT_BEFORE_FIELD",
  "ERROR_IN_CERT_NOT_AFTER_FIELD",
  "HOSTNAME_MISMATCH",
  "INVALID_CA",
  "INVALID_PURPOSE",
  "PATH_LENGTH_EXCEEDED",
]);

const RESET_CODES = new Set(["ECONNRESET", "EPIPE", "ECONNABORTED", "ERR_STREAM_PREMATURE_CLOSE"]);
const DNS_CODES = new Set(["ENOTFOUND", "EAI_AGAIN", "EAI_FAIL", "EAI_NONAME", "EAI_NODATA"]);

/** Longest URL quoted in a message; GET PKIOperation URLs carry kilobytes of base64. */

/** `"GET https://host/path"`, with very long URLs shortened. */
import { describeRequest } from "../../../ports/http-request.js";
export { describeRequest };

interface NodeError {
  code?: unknown;
  message?: unknown;
  reason?: unknown;
  library?: unknown;
}

function isTls(code: string, e: NodeError): boolean {
  if (VERIFY_CODES.has(code)) return true;
  if (code.startsWith("CERT_") || code.startsWith("ERR_TLS_") || code.startsWith("ERR_SSL_")) return true;
  if (code.includes("SELF_SIGNED")) return true;
  if (typeof e.library === "string" && /SSL|X509/i.test(e.library)) return true;
  return code === "EPROTO" && typeof e.message === "string" && /ssl|tls/i.test(e.message);
}

/** Which kind a raw Node error is. */
export function classify(err: unknown): Kind {
  const e = (typeof err === "object" && err !== null ? err : {}) as NodeError;
  const code = typeof e.code === "string" ? e.code : "";
  if (code === "ECONNREFUSED") return "refused";
  if (isTls(code, e)) return "tls";
  if (RESET_CODES.has(code) || e.message === "socket hang up" || e.message === "aborted") return "reset";
  if (DNS_CODES.has(code)) return "dns";
  if (code === "ETIMEDOUT") return "timeout";
  return "other";
}

const UNTRUSTED = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "INVALID_CA",
  "CERT_UNTRUSTED",
  "CERT_REJECTED",
  "CERT_SIGNATURE_FAILURE",
]);

/** What the adapter saw of the handshake before it failed. */
export interface HandshakeHint {
  /** The client had no identity to present and had derived its keys (sent its Certificate flight). */
  anonymousAfterKeyExchange?: boolean;
}

/**
 * What exactly failed, from the OpenSSL / libuv / getaddrinfo code (the detail a device's own
 * stack would distinguish: windows/shown.ts, apple/shown.ts). `phase` says whether a response had
 * started, for resets. Undefined where the code does not tell.
 */
export function detailOf(err: unknown, kind: Kind, phase?: "before-response" | "mid-body", hint: HandshakeHint = {}): TransportDetail | undefined {
  const e = (typeof err === "object" && err !== null ? err : {}) as NodeError;
  const code = typeof e.code === "string" ? e.code : "";
  const text = `${code} ${typeof e.reason === "string" ? e.reason : ""} ${typeof e.message === "string" ? e.message : ""}`.toLowerCase();
  switch (kind) {
    case "refused":
      return "connect.refused";
    case "timeout":
      return "connect.timeout";
    case "reset":
      return phase === "mid-body" ? "reset.mid-body" : "reset.before-response";
    case "dns":
      return code === "EAI_AGAIN" ? "dns.timeout" : code === "EAI_FAIL" ? "dns.servfail" : code === "EAI_NODATA" || code === "ENODATA" ? "dns.no-address" : "dns.nxdomain";
    case "tls":
      if (UNTRUSTED.has(code)) return "tls.untrusted";
      if (code === "CERT_HAS_EXPIRED" || code === "CERT_NOT_YET_VALID") return "tls.expired";
      if (code === "ERR_TLS_CERT_ALTNAME_INVALID" || code === "HOSTNAME_MISMATCH") return "tls.wrong-host";
      if (/certificate required/.test(text)) return "tls.client-cert-required";
      // TLS 1.2 has no certificate_required alert: OpenSSL servers answer an empty client
      // Certificate with handshake_failure (ssl/statem/statem_srvr.c, "peer did not return a
      // certificate"). Only when the client had no identity and had finished its key exchange,
      // so a cipher or group mismatch (same alert, earlier) stays unclassified.
      if (hint.anonymousAfterKeyExchange && /alert handshake failure/.test(text)) return "tls.client-cert-required";
      if (/alert (bad certificate|unknown ca|certificate unknown|certificate revoked|certificate expired|unsupported certificate)/.test(text)) return "tls.client-cert-refused";
      if (/protocol version|unsupported protocol|wrong version number|no protocols available/.test(text)) return "tls.protocol-version";
      return undefined;
    default:
      return undefined;
  }
}

/** Wraps a raw Node error (or passes a TransportError through) for `method url`. */
export function toTransportError(err: unknown, method: string, url: string, phase?: "before-response" | "mid-body", hint?: HandshakeHint): TransportError {
  if (err instanceof TransportError) return err;
  const e = (typeof err === "object" && err !== null ? err : {}) as NodeError;
  const kind = classify(err);
  const code = typeof e.code === "string" ? e.code : undefined;
  const text = typeof e.message === "string" && e.message ? e.message : String(err);
  let detail: string;
  if (kind === "tls") {
    // OpenSSL messages carry addresses and source paths; its `reason` is the readable part.
    // A `write EPROTO` error has no `reason`; its message embeds OpenSSL's error line
    // ("…:SSL routines:ssl3_read_bytes:sslv3 alert handshake failure:…"), whose reason is kept.
    const reason = typeof e.reason === "string" && e.reason ? e.reason : (/:SSL routines:[^:]*:([^:]+):/.exec(text)?.[1] ?? text);
    detail = `TLS failure${code ? ` (${code})` : ""}: ${reason}`;
  } else {
    detail = code && !text.includes(code) ? `${code}: ${text}` : text;
  }
  const finer = detailOf(err, kind, phase, hint);
  return new TransportError(kind, `${describeRequest(method, url)}: ${detail}`, { cause: err, ...(finer ? { detail: finer } : {}) });
}
