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
  /**
   * How the device completes a chain whose server left out an intermediate (AIA chasing): called with
   * the leaf the server presented when the TLS stack found no issuer for it; answers the issuer
   * certificates (PEM) the device fetched, after which the connection is made again with them, or why
   * it could not (the connection then fails as untrusted, with that reason). Absent: the device fetches
   * no missing issuer (Android) and the TLS stack's verdict stands.
   */
  completeChain?: ChainCompletion;
  /**
   * What the device's HTTP stack does when the server renegotiates TLS 1.2 in the middle of a connection (a
   * HelloRequest after the request was sent, in practice to ask for a client certificate: IIS, reverse proxies):
   * `follow` (absent) lets the TLS stack run the new handshake (it answers the CertificateRequest with the
   * identity, or an empty Certificate) and the exchange goes on, as OpenSSL and curl do; `fail` ends the exchange
   * with a TransportError of detail `tls.renegotiation`. Per platform and release: devices/tls-stacks/ (device/tls-renegotiation.ts).
   */
  renegotiation?: "follow" | "fail";
}

/**
 * See {@link TlsSettings.completeChain}. `holds(cert)` (DER) says whether the client already has an issuer for a
 * certificate (its trust store, issuers it was given): the completion fetches issuers above the leaf's until one is
 * held, so a chain missing several intermediates completes in one go. Without it, one level is fetched.
 */
export type ChainCompletion = (leaf: Uint8Array, remainingMs: number, holds?: (cert: Uint8Array) => boolean) => Promise<{ issuers: string[] } | { failure: string }>;

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

/**
 * A small per-device session cache; the oldest entry goes first. Every enrolled device holds one
 * for the whole steady phase, so it is a class over one exact-size array of key, session pairs
 * (≤ `capacity` entries, a linear scan; replaced, not grown, when it changes: a pushed-to array
 * reserves 17 slots) and a bit mask of the entries used this round. Measured with one session
 * each, 50,000 caches: 1,273 → 330 bytes of heap per device, key and session objects included
 * (a `Map`, a `Set` and a closure per method before), live heap that V8 multiplies by its growing factor.
 */
export class DeviceTlsSessions implements TlsSessionCache {
  /** key0, session0, key1, session1, …; oldest first. */
  private entries: (string | Uint8Array)[] = [];
  /** Bit i: entry i was offered or saved since the previous sweep (capacity ≤ 30). */
  private used = 0;

  constructor(private readonly capacity = TLS_SESSIONS_PER_DEVICE) {
    if (!(Number.isInteger(capacity) && capacity >= 1 && capacity <= 30)) throw new RangeError(`TLS session cache capacity must be 1..30, got ${capacity}`);
  }

  private indexOf(key: string): number {
    const e = this.entries;
    for (let i = 0; i < e.length; i += 2) if (e[i] === key) return i >> 1;
    return -1;
  }

  get(key: string): Uint8Array | undefined {
    const i = this.indexOf(key);
    if (i < 0) return undefined;
    this.used |= 1 << i;
    return this.entries[2 * i + 1] as Uint8Array;
  }

  set(key: string, session: Uint8Array): void {
    const i = this.indexOf(key);
    if (i >= 0) this.remove(i);
    this.entries = this.entries.concat(key, session);
    this.used |= 1 << (this.size - 1);
    if (this.size > this.capacity) this.remove(0);
  }

  sweep(): string[] {
    const dropped: string[] = [];
    for (let i = this.size - 1; i >= 0; i--) {
      if (this.used & (1 << i)) continue;
      dropped.unshift(this.entries[2 * i] as string);
      this.remove(i);
    }
    this.used = 0;
    return dropped;
  }

  get size(): number {
    return this.entries.length >> 1;
  }

  /** Bytes of the sessions held (what a benchmark reports). */
  get bytes(): number {
    let n = 0;
    for (let i = 1; i < this.entries.length; i += 2) n += (this.entries[i] as Uint8Array).byteLength;
    return n;
  }

  /** Removes entry i; the used bits above it move down with their entries. */
  private remove(i: number): void {
    this.entries = this.entries.slice(0, 2 * i).concat(this.entries.slice(2 * i + 2));
    const low = this.used & ((1 << i) - 1);
    this.used = low | ((this.used >>> (i + 1)) << i);
  }
}

/** A small per-device session cache; the oldest entry goes first. */
export function tlsSessionCache(capacity = TLS_SESSIONS_PER_DEVICE): DeviceTlsSessions {
  return new DeviceTlsSessions(capacity);
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
