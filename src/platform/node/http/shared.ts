// SPDX-License-Identifier: MIT
/**
 * What both HTTP/1.1 transports of the Node adapter share (exchange.ts over node:http(s), lean.ts
 * over the device's own socket and Node's llhttp parser): the client's context, the caller-abort
 * and client-closing plumbing, the outgoing headers, and everything the device does on a new TLS
 * connection before its first request byte ({@link watchTls}): its own chain judgement, session
 * saving, handshake counters, the refused-session and missing-issuer detection. One copy, so the
 * two transports cannot drift apart on what is security.
 */
import { setMaxListeners } from "node:events";
import type http from "node:http";
import type https from "node:https";
import type { SecureContext, TLSSocket } from "node:tls";
import { TransportError } from "../../../errors/index.js";
import { toTransportError } from "./errors.js";
import type { Clock } from "../../../ports/clock.js";
import type { HttpRequest, HttpResponse } from "../../../ports/http.js";
import { cheapHostCheck } from "./host-check.js";
import { sessionFacts, withoutServerCertificate } from "./session-info.js";
import { Lru, type ClientTls } from "./tls.js";
import type { LeanPool } from "./lean-pool.js";

/** Presented chains (DER, leaf first) by leaf fingerprint: `getPeerCertificate(true)` costs ~0.5 ms. */
const chains = new Lru<string, Uint8Array[]>(256);

/**
 * The chain a verified connection presented, leaf first, up to the anchor OpenSSL chained it to.
 * Only the legacy `getPeerCertificate` is used: on Node 20, once `getPeerX509Certificate()` has been
 * called on a socket, `getPeerCertificate()` answers `{}` (seen on chains with an intermediate).
 */
function peerChain(t: TLSSocket): Uint8Array[] {
  const key = (t.getPeerCertificate(false) as { fingerprint256?: string } | undefined)?.fingerprint256;
  const known = key ? chains.get(key) : undefined;
  if (known) return known;
  const out: Uint8Array[] = [];
  let c = t.getPeerCertificate(true) as { raw?: Buffer; issuerCertificate?: unknown } | undefined;
  while (c?.raw && out.length < 10) {
    out.push(new Uint8Array(c.raw));
    const next = c.issuerCertificate as typeof c;
    if (!next || next === c) break;
    c = next;
  }
  if (key && out.length) chains.set(key, out);
  return out;
}

/**
 * The chain each saved TLS session was made with: a resumed connection shows no certificate at all
 * (Node answers `{}` and `undefined`), but the device judges the chain again on its clock now, as it
 * was presented when the session was made. Keyed by the saved session object itself, which the
 * device's own session cache hands back (platform/node/http.ts): the entry lives exactly as long as
 * the device keeps that session, at any fleet size. (A bounded cache keyed by a digest of the
 * session forgot chains beyond 4,096 sessions, so a 50k-device run judged fewer resumed
 * connections than a 1k one.) A session restored from a store by another process has no entry and
 * is not judged.
 */
export const sessionChains = new WeakMap<Uint8Array, Uint8Array[]>();

/**
 * Origins that refused a session offered without the client identity (see {@link exchange}), until
 * one of their handshakes resumes again: meanwhile clients connect with their identity at once, so
 * a server that does not resume (or just rotated its ticket keys) costs each device at most one
 * handshake without a certificate, not one per check-in.
 */
export const refusingOrigins = new Lru<string, true>(256);

/**
 * Whether a saved session is a TLS 1.3 ticket with at least 5 s of its lifetime left. Real time,
 * not the injected clock: OpenSSL stamps and ages sessions on the wall clock, on both sides.
 */
export function liveTls13(session: Uint8Array): boolean {
  const facts = sessionFacts(session);
  return facts !== undefined && facts.tls13Ticket && facts.expiresAtMs - Date.now() > 5_000;
}

/**
 * Exchanges waiting on a caller's signal, per signal. A run passes one signal to every device's
 * requests, and Node's EventTarget walks its whole listener list on each add (to refuse a duplicate):
 * with 512 requests in flight an add and remove cost 2.8 µs (1.5 µs with 10), a Set's 0.1 µs
 * (20,000 in a loop, load ≈ 10). One listener per signal runs them when it aborts: once, in the
 * order they were added, as the signal's own listeners would.
 */
export const abortWaiters = new WeakMap<AbortSignal, Set<() => void>>();

export function onAbort(signal: AbortSignal, fn: () => void): void {
  let waiting = abortWaiters.get(signal);
  if (!waiting) {
    const set = (waiting = new Set());
    abortWaiters.set(signal, set);
    // A run-wide signal is shared by every in-flight device: lift the listener warning for it (as before).
    setMaxListeners(0, signal);
    signal.addEventListener(
      "abort",
      () => {
        const run = [...set];
        set.clear();
        for (const f of run) f();
      },
      { once: true },
    );
  }
  waiting.add(fn);
}

/** The attempt without the identity was refused: the exchange retries once with it. */
export class ResumptionRefused extends TransportError {}

/** OpenSSL found no issuer for the presented leaf (an intermediate the server did not send). */
const MISSING_ISSUER = new Set(["UNABLE_TO_VERIFY_LEAF_SIGNATURE", "UNABLE_TO_GET_ISSUER_CERT_LOCALLY"]);

/** The chain lacks the leaf's issuer and the client completes chains: the exchange fetches it and retries once (ClientTls.completeChain). */
export class IssuerMissing extends TransportError {
  constructor(
    readonly original: TransportError,
    readonly leaf: Uint8Array,
  ) {
    super(original.kind, original.message, { cause: original.cause, ...(original.detail ? { detail: original.detail } : {}) });
  }
}

/**
 * Ends the exchange when the server renegotiates the connection (TlsSettings.renegotiation `fail`): every
 * handshake after the connection's own first one (Node emits `secureConnect` again when OpenSSL finishes a
 * renegotiation the server started with a HelloRequest; pinned by test/platform/tls-renegotiation.test.ts).
 * Returns the listener's removal: a kept-alive socket outlives the exchange.
 */
export function watchRenegotiation(t: TLSSocket, fresh: boolean, where: string): () => void {
  let own = fresh;
  const on = (): void => {
    if (own) return void (own = false);
    t.destroy(
      new TransportError("tls", `${where}: TLS failure: the server renegotiated the connection after the request was sent (TLS 1.2 HelloRequest, a mid-connection client-certificate request); this device's HTTP stack fails on it`, {
        detail: "tls.renegotiation",
      }),
    );
  };
  t.on("secureConnect", on);
  return () => t.off("secureConnect", on);
}

/** How long a failed exchange waits for its socket to report closed before settling anyway. */
export const CLOSE_GRACE_MS = 1_000;

/**
 * Whether the owning client was closed, and what to run when it is: what an AbortSignal gave the
 * exchanges, without one AbortController, EventTarget dispatch and Event per client (a steady
 * check-in makes two clients; `abort()` and its listeners were ≈ 2–3 % of the simulator's CPU).
 * Listeners run once, synchronously, in the order they were added, as an AbortSignal's do.
 */
export class ClientClosing {
  private closed = false;
  private readonly listeners = new Set<() => void>();
  get aborted(): boolean {
    return this.closed;
  }
  /** Runs `fn` when the client closes (once). */
  on(fn: () => void): void {
    if (!this.closed) this.listeners.add(fn);
  }
  off(fn: () => void): void {
    this.listeners.delete(fn);
  }
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const run = [...this.listeners];
    this.listeners.clear();
    for (const fn of run) fn();
  }
}

/** What the owning client lends each exchange. */
export interface ExchangeContext {
  clock: Clock;
  tls: ClientTls;
  /** The client's keep-alive agents; absent → a fresh connection, closed after the exchange. */
  agents?: { http: http.Agent; https: https.Agent };
  /**
   * The lean transport's connections (lean.ts), when the client uses it: then `agents` is absent and
   * the pool says whether connections are kept alive.
   */
  lean?: LeanPool;
  /** Closed when the client is closed. */
  closing: ClientClosing;
  /**
   * TLS session resumption (absent: none). `get` returns the session the device saved for an
   * origin, offered by every new connection (a reused keep-alive one needs none); `save` is
   * called only with sessions of connections whose server certificate was verified (`authorized`).
   */
  sessions?: {
    get(origin: string): Buffer | undefined;
    save(origin: string, session: Buffer): void;
  };
  /** Counts full and resumed TLS handshakes (benchmarks: client-certificate signatures). */
  stats?: TlsHandshakeStats;
  /**
   * The client keeps the settings a chain completion produced (with the fetched issuers): its later connections
   * find the issuer locally, as CryptoAPI and trustd keep fetched certificates, instead of failing and fetching again.
   */
  adopt?: (tls: ClientTls) => void;
}

/** Handshake counters of one {@link NodeHttp} port. */
export interface TlsHandshakeStats {
  full: number;
  resumed: number;
  /**
   * Full handshakes of clients with an mTLS identity: one private-key signature each when the
   * server asks for the certificate (the reference server always does).
   */
  fullWithClientCert: number;
  /**
   * Connections that offered the device's session without its identity (http/tls.ts,
   * `resumptionContext`) and got a full handshake instead: closed before any request byte, then
   * made again with the identity.
   */
  resumptionRefused?: number;
  /**
   * Handshakes abandoned because the server's chain lacked the leaf's issuer and the client completes chains
   * (AIA): closed before any request byte, then made again with the fetched issuer.
   */
  issuerMissing?: number;
}

export type Outcome = { ok: HttpResponse } | { err: TransportError };

/** Lower-cased names; repeated headers joined with ", " in arrival order. */
export function collectHeaders(raw: readonly string[]): Record<string, string> {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    const prev = map.get(name);
    map.set(name, prev === undefined ? raw[i + 1]! : `${prev}, ${raw[i + 1]!}`);
  }
  return Object.fromEntries(map);
}

export function join(chunks: readonly Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

export function outgoingHeaders(req: HttpRequest, body: Buffer | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers ?? {})) {
    if (name.toLowerCase() !== "content-length") headers[name] = value;
  }
  if (body) headers["content-length"] = String(body.length);
  else if (req.method === "POST" || req.method === "PUT") headers["content-length"] = "0";
  return headers;
}

/** What {@link watchTls} learnt of one new TLS connection (read by the transport's error handler). */
export interface TlsWatch {
  /** This connection offered the session without the identity and the server did not resume it. */
  refused: boolean;
  handshakeDone: boolean;
  /** Without an identity: the client's key exchange was done (see errors.ts, HandshakeHint). */
  keysDerived: boolean;
  /** The leaf of a chain that lacked its issuer (only for clients that complete chains). */
  missingIssuerOf?: Buffer;
}

/** How one attempt connects: the session it offers, and whether without the identity. */
export interface ConnectPlan {
  origin: string;
  resumeWith?: Buffer;
  withoutIdentity: boolean;
  secureContext?: SecureContext;
}

/** The plan of one attempt to `url` (throws what building the TLS context throws: a ScenarioError). */
export function connectPlan(url: URL, ctx: ExchangeContext, mayResumeWithoutIdentity: boolean): ConnectPlan {
  const secure = url.protocol === "https:";
  const origin = `${url.hostname}:${url.port || "443"}`;
  const resumeWith = secure ? ctx.sessions?.get(origin) : undefined;
  const withoutIdentity = mayResumeWithoutIdentity && resumeWith !== undefined && ctx.tls.resumptionContext !== undefined && !refusingOrigins.get(origin) && liveTls13(resumeWith);
  // built on the first https request, then cached
  const secureContext = secure ? (withoutIdentity ? ctx.tls.resumptionContext!() : ctx.tls.secureContext()) : undefined;
  return { origin, withoutIdentity, ...(resumeWith ? { resumeWith } : {}), ...(secureContext ? { secureContext } : {}) };
}

/**
 * Installs, on a new (not reused) TLS client socket, everything the device does before its first
 * request byte: the refused-session check (first listener), the cheap host check, the
 * missing-issuer note, handshake counters, its own chain judgement (ClientTls.serverTrust, on
 * resumed connections too) and the saving of verified sessions. `where` prefixes error messages.
 */
export function watchTls(t: TLSSocket, url: URL, where: string, plan: ConnectPlan, ctx: ExchangeContext): TlsWatch {
  const w: TlsWatch = { refused: false, handshakeDone: false, keysDerived: false };
  const { origin, resumeWith, withoutIdentity } = plan;
  // First listener: decides before the others (and before any request byte) whether this connection is used.
  t.once("secureConnect", () => {
    w.handshakeDone = true;
    if (t.isSessionReused()) return void refusingOrigins.delete(origin);
    if (!withoutIdentity) return;
    w.refused = true;
    refusingOrigins.set(origin, true);
    t.destroy(new ResumptionRefused("tls", `${where}: the server did not resume the device's TLS session`));
  });
  cheapHostCheck(t);
  if (ctx.tls.completeChain) {
    // Before Node's own check (which destroys the socket on a verification error): the leaf of a
    // chain OpenSSL found no issuer for, for the client to complete (IssuerMissing).
    t.prependListener("secure", () => {
      const code = (t as unknown as { ssl?: { verifyError?: () => { code?: string } | null } }).ssl?.verifyError?.()?.code;
      if (code && MISSING_ISSUER.has(code)) w.missingIssuerOf = (t.getPeerCertificate(false) as { raw?: Buffer } | undefined)?.raw;
    });
  }
  // Without an identity, note when the client's key exchange is done (TLS 1.2 derives its
  // keys after the server's whole first flight, CertificateRequest included): a handshake
  // failure alert after that point is the server refusing the empty client Certificate.
  if (!ctx.tls.hasIdentity) t.once("keylog", () => (w.keysDerived = true));
  if (ctx.stats) {
    const stats = ctx.stats;
    t.once("secureConnect", () => {
      if (w.refused) stats.resumptionRefused = (stats.resumptionRefused ?? 0) + 1;
      else if (t.isSessionReused()) stats.resumed++;
      else {
        stats.full++;
        if (ctx.tls.hasIdentity) stats.fullWithClientCert++;
      }
    });
  }
  /** The chain the device judged on this connection (its own rules: ClientTls.serverTrust). */
  let judged: Uint8Array[] | undefined;
  const judge = ctx.tls.serverTrust;
  if (judge) {
    if (resumeWith) judged = sessionChains.get(resumeWith);
    // The device's own evaluation (its platform's rules, its clock), on every new connection,
    // resumed ones too. 'secureConnect' fires after Node's chain and host checks and before the
    // request's first byte is written, so a refused chain sees no request (contract-tested).
    t.once("secureConnect", () => {
      if (!t.authorized || w.refused) return;
      if (!t.isSessionReused()) judged = peerChain(t);
      // A resumed session whose chain was never seen (made before this process, or forgotten) is not judged.
      if (!judged) return;
      const failure = judge(judged, url.hostname.replace(/^\[|\]$/g, ""));
      if (failure) t.destroy(new TransportError("tls", `${where}: TLS failure (${failure.code}): ${failure.reason}`, { detail: failure.detail }));
    });
  }
  const sessions = ctx.sessions;
  if (sessions) {
    // Keep only sessions of verified connections. TLS 1.3 tickets arrive after the handshake
    // (`authorized` is known); a TLS 1.2 session can be announced before it completes, so it
    // waits for `secureConnect`, which follows Node's chain and host-name checks.
    let verifiedOrFailed = false;
    let pending: Buffer | undefined;
    const save = (session: Buffer): void => {
      // A refused connection made a session without the device's certificate: never the device's.
      if (w.refused) return;
      const kept = withoutServerCertificate(session);
      sessions.save(origin, kept);
      if (judged) sessionChains.set(kept, judged);
    };
    t.on("session", (session: Buffer) => {
      if (!verifiedOrFailed) pending = session;
      else if (t.authorized) save(session);
    });
    t.once("secureConnect", () => {
      verifiedOrFailed = true;
      if (pending && t.authorized) save(pending);
      pending = undefined;
    });
  }
  return w;
}

/**
 * A socket or request error of one attempt as the exchange sees it: the refused-session retry
 * (a TLS failure before the handshake completed on a connection without the identity), the
 * missing-issuer chase, or the mapped {@link TransportError}.
 */
export function attemptError(err: unknown, req: HttpRequest, phase: "before-response" | "mid-body", w: TlsWatch, plan: ConnectPlan): TransportError {
  if (err instanceof ResumptionRefused) return err;
  const mapped = toTransportError(err, req.method, req.url, phase, { anonymousAfterKeyExchange: w.keysDerived });
  // A TLS failure before the handshake completed, on a connection without the identity: a
  // server that fell back to a full handshake and required the certificate it never got
  // (TLS 1.2 alerts before the client's handshake ends). The identity's attempt decides.
  if (plan.withoutIdentity && !w.handshakeDone && mapped.kind === "tls") {
    w.refused = true;
    refusingOrigins.set(plan.origin, true);
    return new ResumptionRefused("tls", mapped.message, { cause: mapped });
  }
  if (w.missingIssuerOf && mapped.kind === "tls") return new IssuerMissing(mapped, new Uint8Array(w.missingIssuerOf));
  return mapped;
}
