// SPDX-License-Identifier: MIT
/**
 * {@link HttpPort} on node:http / node:https. Each client is one device's network stack: its
 * own trust store and optional mTLS identity, its connections kept alive between requests
 * (`keepAlive`, what devices ask for, as NSURLSession and WinHTTP do; idle ones close on a timer)
 * or a fresh connection per request (the port's default), and its TLS sessions resumed from the device's own cache.
 */
import http from "node:http";
import https from "node:https";
import type { Socket } from "node:net";
import { ScenarioError, TransportError } from "../../errors/index.js";
import { createHash } from "node:crypto";
import type { Clock, Timer } from "../../ports/clock.js";
import { ioLedger } from "../../ports/io-ledger.js";
import { DEFAULT_IDLE_TIMEOUT_MS, tlsSessionCache, type HttpClient, type HttpClientOptions, type HttpPort, type HttpRequest, type HttpResponse } from "../../ports/http.js";
import { describeRequest } from "./http/errors.js";
import { ClientClosing, exchange, type ExchangeContext, type TlsHandshakeStats } from "./http/exchange.js";
import { buildClientTls, type ClientTls } from "./http/tls.js";
import { LeanPool } from "./http/lean-pool.js";
import { leanParserAvailable } from "./http/lean-parser.js";

export { DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT_MS, type TlsHandshakeStats } from "./http/exchange.js";

/** Dependencies of {@link NodeHttp}. */
export interface NodeHttpOptions {
  /** Measures every request deadline and every idle keep-alive connection. */
  clock: Clock;
  /**
   * TLS session resumption (default true): a connection offers the session the device's previous
   * verified connection to the same origin, with the same client identity, saved — in the
   * device's own cache (`HttpClientOptions.sessions`) or, without one, the client's. Never
   * another device's: caches are per device and nothing is kept in the shared TLS contexts.
   */
  tlsSessionResumption?: boolean;
  /**
   * The HTTP/1.1 client code (the ENROLLSIM_HTTP_TRANSPORT environment variable when unset; default
   * `"lean"`, or `"node"` on a Node that does not expose the parser lean needs): `"lean"` writes
   * requests straight onto the device's own socket and reads answers with Node's own parser
   * (http/lean.ts); `"node"` is node:http(s) (ClientRequest, Agent), kept selectable for one
   * release. The same TLS, limits, deadlines and errors; lean spends less CPU per request
   * (docs/performance.md, rounds 10 and 11).
   */
  transport?: HttpTransport;
}

/** The HTTP/1.1 client code of {@link NodeHttpOptions.transport}. */
export type HttpTransport = "node" | "lean";

/**
 * The transport an option or the environment asks for; anything else is a clear configuration error.
 * Neither given: lean where this Node has its parser, node:http(s) otherwise (asking for lean there is an error).
 */
export function resolveTransport(option: string | undefined, env: NodeJS.ProcessEnv = process.env, leanAvailable: () => boolean = leanParserAvailable): HttpTransport {
  const v = option ?? env.ENROLLSIM_HTTP_TRANSPORT ?? (leanAvailable() ? "lean" : "node");
  if (v !== "node" && v !== "lean") throw new ScenarioError(`HTTP transport must be "node" or "lean" (option transport or ENROLLSIM_HTTP_TRANSPORT), got ${JSON.stringify(v)}`);
  if (v === "lean" && !leanAvailable()) throw new ScenarioError(`the lean HTTP transport needs node:_http_common's HTTPParser, which this Node (${process.version}) does not expose: use transport "node"`);
  return v;
}

/** The Node adapter of the HTTP port. */
export class NodeHttp implements HttpPort {
  /** TLS handshakes of every client of this port (benchmarks count client-certificate signatures). */
  readonly tlsStats: TlsHandshakeStats = { full: 0, resumed: 0, fullWithClientCert: 0 };

  private readonly transport: HttpTransport;

  constructor(private readonly options: NodeHttpOptions) {
    this.transport = resolveTransport(options.transport);
  }

  /**
   * A per-device client. Its TLS settings are validated now, so a bad CA or identity PEM (or a
   * key that does not match its certificate) throws a ScenarioError here rather than failing
   * every request later. Contexts are cached; see http/tls.ts.
   */
  client(options: HttpClientOptions = {}): NodeHttpClient {
    return new NodeHttpClient(this.options.clock, options, this.options.tlsSessionResumption !== false, this.tlsStats, this.transport);
  }
}

/** Open sockets of a set of agents (in use and idle). */
function agentSockets(agents: { http: http.Agent; https: https.Agent }, idleOnly: boolean): Socket[] {
  const sockets: Socket[] = [];
  for (const agent of [agents.http, agents.https]) {
    for (const pool of idleOnly ? [agent.freeSockets] : [agent.sockets, agent.freeSockets]) {
      for (const list of Object.values(pool)) sockets.push(...((list ?? []) as Socket[]));
    }
  }
  return sockets;
}

/** One device's HTTP client; see {@link NodeHttp}. */
export class NodeHttpClient implements HttpClient {
  /** Its TLS settings; a chain completion's (with the issuers it fetched) replaces them for later connections. */
  private tls: ClientTls;
  private readonly keepAlive: boolean;
  private readonly idleTimeoutMs: number;
  private agents?: { http: http.Agent; https: https.Agent };
  /** The lean transport's connections (transport "lean"), instead of agents. */
  private lean?: LeanPool;
  private readonly closing = new ClientClosing();
  private readonly inflight = new Set<Promise<unknown>>();
  private idle?: Timer;

  private readonly sessions?: ExchangeContext["sessions"];

  constructor(
    private readonly clock: Clock,
    options: HttpClientOptions,
    resumeSessions = true,
    private readonly stats?: TlsHandshakeStats,
    private readonly transport: HttpTransport = "node",
  ) {
    // A device that already holds sessions (its cache is not empty) connects with them first: its
    // identity context is built when a connection needs it (http/tls.ts, `resumptionContext`).
    this.tls = buildClientTls(options.tls, { deferIdentity: resumeSessions && (options.sessions?.size ?? 0) > 0 });
    this.keepAlive = options.keepAlive === true;
    this.idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    if (!(this.idleTimeoutMs >= 0)) throw new ScenarioError(`idleTimeoutMs must be a number of milliseconds >= 0, got ${String(options.idleTimeoutMs)}`);
    if (resumeSessions) {
      const cache = options.sessions ?? tlsSessionCache();
      // A session belongs to one client identity: one resumed by a connection that should present
      // another certificate (or none) would authenticate it as the first. So the key holds it.
      const id = options.tls?.identity ? createHash("sha256").update(String(options.tls.identity.certPem)).digest("base64").slice(0, 16) : "-";
      this.sessions = {
        get: (origin) => {
          const s = cache.get(`${origin}|${id}`);
          // The saved object itself when it is one (exchange.ts keys the session's chain by it); a view otherwise.
          return s ? (Buffer.isBuffer(s) ? s : Buffer.from(s.buffer, s.byteOffset, s.byteLength)) : undefined;
        },
        save: (origin, session) => cache.set(`${origin}|${id}`, session),
      };
    }
  }

  /** Sends one request; any status is a response, failures are TransportErrors. */
  request(req: HttpRequest): Promise<HttpResponse> {
    if (this.closing.aborted) {
      return Promise.reject(
        new TransportError("aborted", `${describeRequest(req.method, req.url)}: the HTTP client is closed`),
      );
    }
    this.idle?.cancel();
    this.idle = undefined;
    if (this.transport === "lean") this.lean ??= new LeanPool(this.keepAlive);
    else if (this.keepAlive && !this.agents) {
      // Sessions are resumed from the device's cache (above), not the agent's own cache.
      this.agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true, maxCachedSessions: 0 }) };
    }
    // Real work in flight until the response (or failure) is back: a virtual-time run waits for it (ports/io-ledger.ts).
    const done = ioLedger.track(`http ${req.method} ${req.url.split("?")[0]!.slice(0, 200)}`, exchange(req, {
      clock: this.clock,
      tls: this.tls,
      agents: this.agents,
      ...(this.lean ? { lean: this.lean } : {}),
      closing: this.closing,
      ...(this.sessions ? { sessions: this.sessions } : {}),
      ...(this.stats ? { stats: this.stats } : {}),
      adopt: (tls: ClientTls) => {
        this.tls = tls;
      },
    }));
    const tracked = done.then(
      () => undefined,
      () => undefined,
    );
    this.inflight.add(tracked);
    void tracked.then(() => {
      this.inflight.delete(tracked);
      this.armIdle();
    });
    return done;
  }

  /** Once nothing is in flight, kept connections close after the idle timeout (on the injected clock). */
  private armIdle(): void {
    if (!(this.agents || this.lean?.keepAlive) || this.inflight.size > 0 || this.closing.aborted) return;
    this.idle?.cancel();
    this.idle = this.clock.setTimer(this.idleTimeoutMs, () => {
      this.idle = undefined;
      if (this.inflight.size > 0) return;
      this.lean?.closeIdle();
      if (this.agents) for (const s of agentSockets(this.agents, true)) s.destroy();
    });
  }

  /** Aborts requests in flight, then closes every pooled socket and waits until they are closed. */
  async close(): Promise<void> {
    this.closing.close();
    this.idle?.cancel();
    this.idle = undefined;
    await Promise.all([...this.inflight]); // a closed client never re-arms the idle timer
    const lean = this.lean;
    this.lean = undefined;
    await lean?.destroyAll();
    const agents = this.agents;
    if (!agents) return;
    this.agents = undefined;
    const sockets = agentSockets(agents, false);
    const closed = sockets.filter((s) => !s.closed).map((s) => new Promise<void>((r) => s.once("close", () => r())));
    agents.http.destroy();
    agents.https.destroy();
    await Promise.all(closed);
  }
}
