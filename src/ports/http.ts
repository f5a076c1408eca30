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
}

export interface HttpClientOptions {
  tls?: TlsSettings;
  /** Keep connections between requests (load mode). Default false: close like devices do. */
  keepAlive?: boolean;
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
