// SPDX-License-Identifier: MIT
/**
 * The TransportErrors injected TLS, DNS, reset and timeout faults raise: the same kind, detail and
 * message shape as the Node adapters produce for the real failure (platform/node/http/errors.ts,
 * platform/node/dns.ts), so a flow cannot tell an injected failure from a real one. The OpenSSL
 * codes and reasons are the ones Node reports (node/lib/_tls_wrap.js, OpenSSL x509_txt.c).
 */
import { TransportError, type TransportDetail } from "../../errors/index.js";
import { describeRequest } from "../../ports/http-request.js";
import type { DNS_FAULTS, TLS_FAULTS } from "./vocabulary.js";

const TLS: Record<Exclude<(typeof TLS_FAULTS)[number], "client-cert-not-requested" | "client-cert-mid-connection">, { code: string; reason: (host: string) => string; detail: TransportDetail }> = {
  untrusted: { code: "UNABLE_TO_GET_ISSUER_CERT_LOCALLY", reason: () => "unable to get local issuer certificate", detail: "tls.untrusted" },
  expired: { code: "CERT_HAS_EXPIRED", reason: () => "certificate has expired", detail: "tls.expired" },
  "wrong-host": {
    code: "ERR_TLS_CERT_ALTNAME_INVALID",
    reason: (host) => `Hostname/IP does not match certificate's altnames: Host: ${host}. is not in the cert's altnames: DNS:wrong-host.enrollsim.invalid`,
    detail: "tls.wrong-host",
  },
  "protocol-version": { code: "ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION", reason: () => "tlsv1 alert protocol version", detail: "tls.protocol-version" },
  // A server that demands a client certificate the device does not have (TLS 1.3 alert 116).
  "client-cert-required": { code: "ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED", reason: () => "tlsv13 alert certificate required", detail: "tls.client-cert-required" },
  "client-cert-refused": { code: "ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE", reason: () => "sslv3 alert bad certificate", detail: "tls.client-cert-refused" },
};

/** The handshake failure a TLS fault stands for. */
export function tlsError(kind: keyof typeof TLS, method: string, url: string): TransportError {
  const t = TLS[kind];
  const host = new URL(url).hostname;
  return new TransportError("tls", `${describeRequest(method, url)}: TLS failure (${t.code}): ${t.reason(host)}`, { detail: t.detail });
}

const GETADDRINFO: Record<(typeof DNS_FAULTS)[number], { code: string; detail: TransportDetail }> = {
  nxdomain: { code: "ENOTFOUND", detail: "dns.nxdomain" },
  // getaddrinfo reports both a timed-out and a SERVFAIL answer as EAI_AGAIN ("try again").
  timeout: { code: "EAI_AGAIN", detail: "dns.timeout" },
  servfail: { code: "EAI_AGAIN", detail: "dns.servfail" },
};

/** An HTTP request whose host name did not resolve (Node: `getaddrinfo ENOTFOUND host`). */
export function httpDnsError(kind: (typeof DNS_FAULTS)[number], method: string, url: string): TransportError {
  const g = GETADDRINFO[kind];
  return new TransportError("dns", `${describeRequest(method, url)}: getaddrinfo ${g.code} ${new URL(url).hostname}`, { detail: g.detail });
}

const CARES: Record<(typeof DNS_FAULTS)[number], string> = { nxdomain: "ENOTFOUND", timeout: "ETIMEOUT", servfail: "ESERVFAIL" };

/** A DNS-port lookup that failed, as NodeDns reports it (`A name: ENOTFOUND`). */
export function lookupError(kind: (typeof DNS_FAULTS)[number], op: "CNAME" | "A", name: string): TransportError {
  const detail: TransportDetail = kind === "nxdomain" ? "dns.nxdomain" : kind === "timeout" ? "dns.timeout" : "dns.servfail";
  return new TransportError("dns", `${op} ${name}: ${CARES[kind]}`, { detail });
}

/** The exchange deadline passing with no answer (as the adapters word it). */
export function noAnswerError(method: string, url: string, timeoutMs: number): TransportError {
  return new TransportError("timeout", `${describeRequest(method, url)}: no complete response within ${timeoutMs} ms`, { detail: "timeout.response" });
}

/** The connection dropping before or during the response body (Node reports both as `read ECONNRESET`). */
export function resetError(when: "before-response" | "mid-body", method: string, url: string): TransportError {
  return new TransportError("reset", `${describeRequest(method, url)}: read ECONNRESET`, { detail: when === "before-response" ? "reset.before-response" : "reset.mid-body" });
}

/**
 * How long a resolver takes to give up on a name server that never answers: glibc's defaults
 * (resolv.conf(5): `timeout:5`, `attempts:2`), which getaddrinfo and most stub resolvers follow.
 */
export const DNS_TIMEOUT_MS = 10_000;
