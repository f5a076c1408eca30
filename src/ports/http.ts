// SPDX-License-Identifier: MIT
/** HTTP port: a per-device client with its own trust store and optional mTLS identity. */
export interface HttpRequest {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD";
  url: string;
  headers?: Record<string, string>;
  body?: Uint8Array;
  /** Whole-exchange deadline, on the injected clock. */
  timeoutMs?: number;
  /** Largest response body accepted; more is a TransportError("too-large"). */
  maxBytes?: number;
  signal?: AbortSignal;
  /**
   * The proxy (host:port) the device's proxy settings send this request through; absent: direct. Only the
   * simulated network (runner/network) reads it — it decides whether that proxy exists and lets the request
   * out; the node adapter still connects to the target itself (no real proxy is ever spoken to).
   */
  proxy?: string;
}

export interface HttpResponse {
  status: number;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  body: Uint8Array;
  url: string;
}

export interface TlsSettings {
  /** PEM certificates trusted as roots, in addition to (or instead of, see `replaceRoots`) the system store. */
  ca?: string[];
  replaceRoots?: boolean;
  /** mTLS client identity. */
  identity?: { certPem: string; keyPem: string };
  /** Disables certificate verification. Only set from an explicit, loud `--insecure`. */
  insecure?: boolean;
  /**
   * The device's own evaluation of the server's chain, on top of the TLS stack's (which still
   * verifies the chain to a trusted anchor and the host name): the platform's rules per OS build
   * (key sizes, signature hashes, EKU, SAN, validity length) and the validity window on the
   * device's clock. Called on every new connection, resumed ones too, before any request byte is
   * sent; a failure refuses the connection. Certificate strength is then the platform's to judge,
   * not OpenSSL's security level (a real Android 9 or Windows client accepts a SHA-1 chain).
   */
  serverTrust?: ServerTrust;
}

/** Why a device refuses a server chain: the transport detail, OpenSSL-style code and reason. */
export interface ServerTrustFailure {
  detail: "tls.untrusted" | "tls.expired" | "tls.not-yet-valid" | "tls.wrong-host" | "tls.weak-signature" | "tls.weak-key" | "tls.wrong-usage" | "tls.policy";
  /** Code in the TransportError message, like the adapter's OpenSSL codes ("CERT_NOT_YET_VALID"). */
  code: string;
  reason: string;
}

/** `chain`: DER certificates as the connection presents them, leaf first, up to the anchor where known. */
export type ServerTrust = (chain: readonly Uint8Array[], host: string) => ServerTrustFailure | undefined;

export interface HttpClientOptions {
  tls?: TlsSettings;
  /**
   * Keep connections open between the requests of one client, as NSURLSession and WinHTTP do
   * within a session; idle ones close after `idleTimeoutMs` and all of them on `close()`. Absent
   * or false: a fresh connection per request, closed after its response. The port is only the
   * mechanism: devices choose (FlowContext.keepAlive: true unless `load.keepAlive: false` or
   * `run --close-connections`).
   */
  keepAlive?: boolean;
  /** How long a kept connection may sit idle before the client closes it (default {@link DEFAULT_IDLE_TIMEOUT_MS}). */
  idleTimeoutMs?: number;
  /**
   * The device's own TLS session cache: connections of this client offer the session a previous
   * verified connection of the same device (same origin, same client identity) saved, so a
   * device's next check-in resumes instead of a full handshake. Absent: a cache private to this
   * client. Never pass one device's cache to another device's client.
   */
  sessions?: TlsSessionCache;
  /**
   * The simulator's own request, none the real device makes: what it stands for (the payload a QR
   * code carries, which a real device reads with its camera). Faults and the device's network
   * (timeline offline, blocked hosts) never apply to it; a flow marks every such fetch, so a fault
   * without a `step` reaches only requests a real device sends.
   */
  simulatorOnly?: string;
}

/**
 * Idle time after which a client closes a kept-alive connection. An assumption, not a figure
 * published by Apple or Microsoft: short enough that a fleet between check-ins holds no sockets,
 * longer than the pauses inside one enrolment or OMA-DM session.
 */
export const DEFAULT_IDLE_TIMEOUT_MS = 30_000;

/** One device's TLS session cache (serialized sessions by origin and client identity). */
export interface TlsSessionCache {
  get(key: string): Uint8Array | undefined;
  set(key: string, session: Uint8Array): void;
  /**
   * Drops the sessions no connection offered (a `get` that found one) or saved since the previous
   * sweep, and starts the next round; returns the keys dropped. After a device's successful
   * check-in it keeps only what its check-ins use (the enrolment's profile download session goes).
   */
  sweep(): string[];
  readonly size: number;
}

/** Most sessions one device keeps (one per origin and identity; a device talks to a few servers). */
export const TLS_SESSIONS_PER_DEVICE = 8;

/** A small per-device session cache; the oldest entry goes first. */
export function tlsSessionCache(capacity = TLS_SESSIONS_PER_DEVICE): TlsSessionCache {
  const map = new Map<string, Uint8Array>();
  let used: Set<string> | undefined;
  const use = (key: string) => (used ??= new Set()).add(key);
  return {
    get(key) {
      const s = map.get(key);
      if (s) use(key);
      return s;
    },
    set(key, session) {
      map.delete(key);
      map.set(key, session);
      use(key);
      if (map.size > capacity) map.delete(map.keys().next().value as string);
    },
    sweep() {
      const dropped = [...map.keys()].filter((k) => !used?.has(k));
      for (const k of dropped) map.delete(k);
      used = undefined;
      return dropped;
    },
    get size() {
      return map.size;
    },
  };
}

export interface HttpClient {
  request(req: HttpRequest): Promise<HttpResponse>;
  /** Closes every socket this client holds. Idempotent. */
  close(): Promise<void>;
}

export interface HttpPort {
  client(options?: HttpClientOptions): HttpClient;
}

/** A request handler: what a server (or an in-memory fake) does with one request. */
export type HttpHandler = (req: HttpRequest & { remoteAddress?: string; tls?: { peerCertificateDer?: Uint8Array } }) => Promise<HttpResponse>;
