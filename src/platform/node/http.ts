// SPDX-License-Identifier: MIT
/**
 * {@link HttpPort} on node:http / node:https. Each client is one device's network stack: its
 * own trust store and optional mTLS identity, and either a fresh connection per request
 * (default, like devices that close between check-ins) or one keep-alive agent (load mode).
 */
import http from "node:http";
import https from "node:https";
import type { Socket } from "node:net";
import { TransportError } from "../../errors/index.js";
import type { Clock } from "../../ports/clock.js";
import { ioLedger } from "../../ports/io-ledger.js";
import type { HttpClient, HttpClientOptions, HttpPort, HttpRequest, HttpResponse } from "../../ports/http.js";
import { describeRequest } from "./http/errors.js";
import { exchange, type ExchangeContext, type TlsHandshakeStats } from "./http/exchange.js";
import { buildClientTls, type ClientTls } from "./http/tls.js";

export { DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT_MS, type TlsHandshakeStats } from "./http/exchange.js";

/** Dependencies of {@link NodeHttp}. */
export interface NodeHttpOptions {
  /** Measures every request deadline. */
  clock: Clock;
  /**
   * TLS session resumption inside one client (default true): a connection-per-request client
   * offers the TLS 1.3 ticket of its previous verified connection to the same origin, as a
   * device's TLS stack does between requests of one check-in. Tickets are kept per client (one
   * device, one identity) and dropped with it; never shared between devices or clients.
   * Keep-alive clients use their agent's own per-client session cache instead.
   */
  tlsSessionResumption?: boolean;
}

/** Most TLS sessions one client keeps (one per origin). */
const SESSIONS_PER_CLIENT = 8;

/** The Node adapter of the HTTP port. */
export class NodeHttp implements HttpPort {
  /** TLS handshakes of every client of this port (benchmarks count client-certificate signatures). */
  readonly tlsStats: TlsHandshakeStats = { full: 0, resumed: 0, fullWithClientCert: 0 };

  constructor(private readonly options: NodeHttpOptions) {}

  /**
   * A per-device client. Its TLS settings are validated now, so a bad CA or identity PEM (or a
   * key that does not match its certificate) throws a ScenarioError here rather than failing
   * every request later. Contexts are cached; see http/tls.ts.
   */
  client(options: HttpClientOptions = {}): NodeHttpClient {
    return new NodeHttpClient(this.options.clock, options, this.options.tlsSessionResumption !== false, this.tlsStats);
  }
}

/** One device's HTTP client; see {@link NodeHttp}. */
export class NodeHttpClient implements HttpClient {
  private readonly tls: ClientTls;
  private readonly keepAlive: boolean;
  private agents?: { http: http.Agent; https: https.Agent };
  private readonly closing = new AbortController();
  private readonly inflight = new Set<Promise<unknown>>();

  private readonly sessions?: ExchangeContext["sessions"];
  private kept?: Map<string, Buffer>;

  constructor(
    private readonly clock: Clock,
    options: HttpClientOptions,
    resumeSessions = true,
    private readonly stats?: TlsHandshakeStats,
  ) {
    this.tls = buildClientTls(options.tls);
    this.keepAlive = options.keepAlive === true;
    if (resumeSessions && !this.keepAlive) {
      const kept = (this.kept = new Map<string, Buffer>());
      this.sessions = {
        get: (origin) => kept.get(origin),
        save: (origin, session) => {
          kept.delete(origin);
          kept.set(origin, session);
          if (kept.size > SESSIONS_PER_CLIENT) kept.delete(kept.keys().next().value as string);
        },
      };
    }
  }

  /** Sends one request; any status is a response, failures are TransportErrors. */
  request(req: HttpRequest): Promise<HttpResponse> {
    if (this.closing.signal.aborted) {
      return Promise.reject(
        new TransportError("aborted", `${describeRequest(req.method, req.url)}: the HTTP client is closed`),
      );
    }
    if (this.keepAlive && !this.agents) {
      this.agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };
    }
    // Real work in flight until the response (or failure) is back: a virtual-time run waits for it (ports/io-ledger.ts).
    const done = ioLedger.track(`http ${req.method} ${req.url.split("?")[0]!.slice(0, 200)}`, exchange(req, {
      clock: this.clock,
      tls: this.tls,
      agents: this.agents,
      closing: this.closing.signal,
      ...(this.sessions ? { sessions: this.sessions } : {}),
      ...(this.stats ? { stats: this.stats } : {}),
    }));
    const tracked = done.then(
      () => undefined,
      () => undefined,
    );
    this.inflight.add(tracked);
    void tracked.then(() => this.inflight.delete(tracked));
    return done;
  }

  /** Aborts requests in flight, then closes every pooled socket and waits until they are closed. */
  async close(): Promise<void> {
    this.closing.abort();
    await Promise.all([...this.inflight]);
    this.kept?.clear();
    const agents = this.agents;
    if (!agents) return;
    this.agents = undefined;
    const sockets: Socket[] = [];
    for (const agent of [agents.http, agents.https]) {
      for (const pool of [agent.sockets, agent.freeSockets]) {
        for (const list of Object.values(pool)) sockets.push(...((list ?? []) as Socket[]));
      }
    }
    const closed = sockets.filter((s) => !s.closed).map((s) => new Promise<void>((r) => s.once("close", () => r())));
    agents.http.destroy();
    agents.https.destroy();
    await Promise.all(closed);
  }
}
