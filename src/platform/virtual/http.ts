// SPDX-License-Identifier: MIT
/**
 * In-memory {@link HttpPort} for virtual-time tests: requests go straight to an
 * {@link HttpHandler} (one for every origin, or one per origin), no sockets. It keeps the
 * Node adapter's contract: the handler gets a deep copy of the request with lower-cased header
 * names plus `host` and `content-length`; the response body is bounded by `maxBytes`; the
 * `timeoutMs` deadline runs on the injected clock, so a handler that never answers times out
 * when virtual time advances; the signal and `close()` abort. Handlers may throw a
 * TransportError to simulate refused, reset or TLS failures; any other throw is a reset.
 */
import { describeRequest, requestLimits, requestUrl } from "../../ports/http-request.js";
import { ScenarioError, TransportError } from "../../errors/index.js";
import type { Clock } from "../../ports/clock.js";
import type {
  HttpClient,
  HttpClientOptions,
  HttpHandler,
  HttpPort,
  HttpRequest,
  HttpResponse,
} from "../../ports/http.js";


/** Dependencies of {@link InMemoryHttp}. */
export interface InMemoryHttpOptions {
  clock: Clock;
  /** One handler for every origin, or a map of origin (`"https://mdm.example:8443"`) to handler. */
  handler: HttpHandler | Record<string, HttpHandler>;
  /** Reported to handlers as the client address. Default "127.0.0.1". */
  remoteAddress?: string;
}

/** The in-memory adapter of the HTTP port. */
export class InMemoryHttp implements HttpPort {
  private readonly route: (origin: string) => HttpHandler | undefined;

  constructor(private readonly options: InMemoryHttpOptions) {
    const { handler } = options;
    if (typeof handler === "function") {
      this.route = () => handler;
    } else {
      const byOrigin = new Map<string, HttpHandler>();
      for (const [origin, h] of Object.entries(handler)) {
        let key: string;
        try {
          key = new URL(origin).origin;
        } catch {
          throw new ScenarioError(`in-memory HTTP origin "${origin}" is not a URL`);
        }
        byOrigin.set(key, h);
      }
      this.route = (origin) => byOrigin.get(origin);
    }
  }

  /** A client; `tls.identity` is presented to https handlers as `tls.peerCertificateDer`. */
  client(options: HttpClientOptions = {}): HttpClient {
    return new InMemoryHttpClient(this.options, this.route, options);
  }
}

function pemToDer(pem: string): Uint8Array | undefined {
  const m = /-----BEGIN CERTIFICATE-----([\s\S]+?)-----END CERTIFICATE-----/.exec(pem);
  if (!m) return undefined;
  try {
    return Uint8Array.from(atob(m[1]!.replace(/\s+/g, "")), (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
}

function lowerCased(headers: Record<string, string> | undefined): Record<string, string> {
  const map = new Map<string, string>();
  for (const [name, value] of Object.entries(headers ?? {})) map.set(name.toLowerCase(), String(value));
  return Object.fromEntries(map);
}

class InMemoryHttpClient implements HttpClient {
  private readonly closing = new AbortController();
  private readonly inflight = new Set<Promise<unknown>>();
  private readonly peerCertificateDer?: Uint8Array;

  constructor(
    private readonly options: InMemoryHttpOptions,
    private readonly route: (origin: string) => HttpHandler | undefined,
    clientOptions: HttpClientOptions,
  ) {
    const pem = clientOptions.tls?.identity?.certPem;
    if (pem !== undefined) {
      this.peerCertificateDer = pemToDer(pem);
      if (!this.peerCertificateDer) throw new ScenarioError("tls.identity.certPem contains no PEM certificate");
    }
  }

  request(req: HttpRequest): Promise<HttpResponse> {
    const done = this.exchange(req);
    const tracked = done.then(
      () => undefined,
      () => undefined,
    );
    this.inflight.add(tracked);
    void tracked.then(() => this.inflight.delete(tracked));
    return done;
  }

  async close(): Promise<void> {
    this.closing.abort();
    await Promise.all([...this.inflight]);
  }

  private exchange(req: HttpRequest): Promise<HttpResponse> {
    return new Promise<HttpResponse>((resolve, reject) => {
      // Same checks and defaults as the Node adapter (ports/http-request.ts).
      const where = describeRequest(req.method, req.url);
      const { timeoutMs, maxBytes } = requestLimits(req);
      const url = requestUrl(req, where);
      if (url instanceof TransportError) return reject(url);
      if (this.closing.signal.aborted) return reject(new TransportError("aborted", `${where}: the HTTP client is closed`));
      if (req.signal?.aborted) {
        return reject(new TransportError("aborted", `${where}: aborted before sending`, { cause: req.signal.reason }));
      }
      const handler = this.route(url.origin);
      if (!handler) return reject(new TransportError("refused", `${where}: no in-memory server for ${url.origin}`));

      let settled = false;
      const settle = (result: { ok: HttpResponse } | { err: TransportError }): void => {
        if (settled) return;
        settled = true;
        deadline.cancel();
        req.signal?.removeEventListener("abort", onAbort);
        this.closing.signal.removeEventListener("abort", onClosing);
        if ("ok" in result) resolve(result.ok);
        else reject(result.err);
      };
      const fail = (kind: TransportError["kind"], text: string, cause?: unknown): void =>
        settle({ err: new TransportError(kind, `${where}: ${text}`, cause === undefined ? {} : { cause }) });
      const onAbort = (): void => fail("aborted", "aborted by the caller", req.signal?.reason);
      const onClosing = (): void => fail("aborted", "the HTTP client was closed");
      const deadline = this.options.clock.setTimer(timeoutMs, () =>
        fail("timeout", `no complete response within ${timeoutMs} ms`),
      );
      req.signal?.addEventListener("abort", onAbort, { once: true });
      this.closing.signal.addEventListener("abort", onClosing, { once: true });

      const headers = lowerCased(req.headers);
      delete headers["content-length"];
      headers.host ??= url.host;
      const body = req.body ? new Uint8Array(req.body) : undefined;
      if (body) headers["content-length"] = String(body.length);
      else if (req.method === "POST" || req.method === "PUT") headers["content-length"] = "0";
      const secure = url.protocol === "https:";
      const copy: Parameters<HttpHandler>[0] = {
        method: req.method,
        url: req.url,
        headers,
        ...(body ? { body } : {}),
        remoteAddress: this.options.remoteAddress ?? "127.0.0.1",
        ...(secure ? { tls: this.peerCertificateDer ? { peerCertificateDer: new Uint8Array(this.peerCertificateDer) } : {} } : {}),
      };
      Promise.resolve()
        .then(() => handler(copy))
        .then(
          (res) => settle(this.response(res, req.url, where, maxBytes)),
          (err: unknown) =>
            err instanceof TransportError
              ? settle({ err })
              : fail("reset", `in-memory server failed: ${err instanceof Error ? err.message : String(err)}`, err),
        );
    });
  }

  private response(
    res: HttpResponse,
    url: string,
    where: string,
    maxBytes: number,
  ): { ok: HttpResponse } | { err: TransportError } {
    if (!res || !Number.isInteger(res.status) || res.status < 100 || res.status > 599) {
      return { err: new TransportError("other", `${where}: in-memory server returned no valid status`) };
    }
    const body = res.body ?? new Uint8Array(0);
    if (body.length > maxBytes) {
      return { err: new TransportError("too-large", `${where}: response body exceeds the ${maxBytes}-byte limit`) };
    }
    return { ok: { status: res.status, headers: lowerCased(res.headers), body: new Uint8Array(body), url } };
  }
}
