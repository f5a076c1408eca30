// SPDX-License-Identifier: MIT
/**
 * One HTTP exchange: send, collect a bounded body, map failures. Over node:http(s) here, or over the
 * lean transport (lean.ts) when the client's context has its pool; both run one request lifecycle
 * (lifecycle.ts) and share what is about TLS (shared.ts).
 *
 * Guarantees: one deadline on the injected clock covers connect, headers and the whole body
 * (a server trickling bytes forever still times out); a body over `maxBytes` destroys the
 * socket at once; the promise settles only after the request reports `close` (or a short
 * grace period), so no socket or timer of this exchange outlives it. Redirects are returned,
 * never followed.
 */
import http from "node:http";
import https from "node:https";
import type { Socket } from "node:net";
import type { SecureContext, TLSSocket } from "node:tls";
import { TransportError } from "../../../errors/index.js";
import type { HttpRequest, HttpResponse } from "../../../ports/http.js";
import { toTransportError } from "./errors.js";
import { DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT_MS, requestLimits } from "../../../ports/http-request.js";
import { Attempt, preflight } from "./lifecycle.js";
import { leanAttempt } from "./lean.js";
import { attemptError, collectHeaders, connectPlan, IssuerMissing, outgoingHeaders, ResumptionRefused, watchRenegotiation, watchTls, type ConnectPlan, type ExchangeContext, type TlsWatch } from "./shared.js";
export { DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT_MS, requestLimits };
export { ClientClosing, collectHeaders, type ExchangeContext, type TlsHandshakeStats } from "./shared.js";

/**
 * Runs one exchange; every failure is a {@link TransportError} (or a ScenarioError for bad limits).
 *
 * A client with an mTLS identity that holds a live TLS 1.3 session for the origin first connects
 * with its trust context alone and that session (ClientTls.resumptionContext): a resumed TLS 1.3
 * handshake has no CertificateRequest (RFC 8446 §4.3.2), the server authenticates the device by
 * the session it made with the device's certificate (and still reports that certificate), and the
 * ClientHello is the same as with the identity loaded. If the server refuses the session (a full
 * handshake, or a TLS failure before the handshake completes), that connection is closed before
 * any request byte and the exchange connects again, once, with the identity, within the same
 * deadline; sessions of the refused connection are never saved.
 */
export async function exchange(req: HttpRequest, ctx: ExchangeContext): Promise<HttpResponse> {
  const { timeoutMs } = requestLimits(req);
  const deadlineAt = ctx.clock.now() + timeoutMs;
  try {
    return await resuming(req, ctx, timeoutMs, deadlineAt);
  } catch (err) {
    if (!(err instanceof IssuerMissing)) throw err;
    // A client that completes chains (Windows CryptoAPI, Apple trust evaluation: TlsSettings.completeChain; Android does
    // not) fetches the missing issuers, the whole missing path at once, and connects again with them, within the same deadline; the first
    // connection was closed before any request byte.
    if (ctx.stats) ctx.stats.issuerMissing = (ctx.stats.issuerMissing ?? 0) + 1;
    const completed = await ctx.tls.completeChain!(err.leaf, Math.max(1, deadlineAt - ctx.clock.now()));
    if (typeof completed === "string") throw new TransportError(err.kind, `${err.message}; ${completed}`, { cause: err.original, ...(err.detail ? { detail: err.detail } : {}) });
    ctx.adopt?.(completed);
    try {
      return await resuming(req, { ...ctx, tls: completed }, Math.max(1, deadlineAt - ctx.clock.now()), deadlineAt);
    } catch (again) {
      // Still no issuer with the fetched path in hand (the completion chases every missing level it can: runner/aia-fetch.ts,
      // MAX_CHASE_DEPTH): completed once per request, no more.
      throw again instanceof IssuerMissing ? again.original : again;
    }
  }
}

async function resuming(req: HttpRequest, ctx: ExchangeContext, timeoutMs: number, deadlineAt: number): Promise<HttpResponse> {
  const once = ctx.lean ? leanAttempt : attempt;
  try {
    return await once(req, ctx, timeoutMs, true);
  } catch (err) {
    if (!(err instanceof ResumptionRefused)) throw err;
    return once(req, ctx, Math.max(1, deadlineAt - ctx.clock.now()), false);
  }
}

/** One attempt over node:http(s) (see {@link exchange}); its lifecycle is lifecycle.ts's, shared with lean.ts. */
function attempt(req: HttpRequest, ctx: ExchangeContext, timeoutMs: number, mayResumeWithoutIdentity: boolean): Promise<HttpResponse> {
  return new Promise<HttpResponse>((resolve, reject) => {
    const pre = preflight(req, ctx);
    if (pre instanceof TransportError) return reject(pre);
    const { where, url } = pre;

    const secure = url.protocol === "https:";
    const keepAlive = ctx.agents !== undefined;
    const body = req.body ? Buffer.from(req.body) : undefined;
    let plan: ConnectPlan;
    try {
      plan = connectPlan(url, ctx, mayResumeWithoutIdentity);
    } catch (err) {
      return reject(err);
    }
    const { resumeWith, secureContext } = plan;
    const options: https.RequestOptions & { secureContext?: SecureContext; session?: Buffer } = {
      method: req.method,
      headers: outgoingHeaders(req, body),
      agent: ctx.agents ? (secure ? ctx.agents.https : ctx.agents.http) : false,
      ...(secure ? { secureContext, rejectUnauthorized: ctx.tls.rejectUnauthorized } : {}),
      ...(resumeWith ? { session: resumeWith } : {}),
    };
    let client: http.ClientRequest;
    try {
      client = (secure ? https : http).request(url, options);
    } catch (err) {
      return reject(toTransportError(err, req.method, req.url));
    }

    let closed = false;
    let socket: Socket | undefined;
    let response: http.IncomingMessage | undefined;
    /** Removes the renegotiation watch from the (possibly kept-alive) socket. */
    let unwatch: (() => void) | undefined;

    const a = new Attempt(
      { req, ctx, pre, timeoutMs, resolve, reject },
      {
        release: (o) => {
          if ("err" in o || !keepAlive) {
            client.destroy();
            socket?.destroy();
          }
          return closed;
        },
        connecting: () => !socket || socket.connecting,
        settled: () => unwatch?.(),
      },
    );

    /** What the device saw of this connection's TLS handshake (a reused keep-alive one: done long ago). */
    let w: TlsWatch = { refused: false, handshakeDone: false, keysDerived: false };
    client.on("socket", (s: Socket) => {
      socket = s;
      if (secure && ctx.tls.failOnRenegotiation) unwatch = watchRenegotiation(s as TLSSocket, !client.reusedSocket, where);
      // A kept-alive socket taken from the pool was set up (and counted) when it first connected.
      if (!secure || client.reusedSocket) return void (w.handshakeDone = true);
      w = watchTls(s as TLSSocket, url, where, plan, ctx);
    });
    client.on("error", (err) => a.conclude({ err: attemptError(err, req, response ? "mid-body" : "before-response", w, plan) }));
    client.on("close", () => {
      closed = true;
      // A close-delimited body is complete before its 'end' event: let 'end' conclude it.
      if (!a.outcome && !response?.complete) a.closedEarly(response !== undefined);
      a.finish();
    });
    client.on("response", (res) => {
      response = res;
      res.on("error", (err) => a.conclude({ err: toTransportError(err, req.method, req.url, "mid-body") }));
      a.declared(res.headers["content-length"]);
      if (a.outcome) return;
      res.on("data", (chunk: Buffer) => a.chunk(chunk));
      res.on("end", () => a.respond(res.statusCode ?? 0, collectHeaders(res.rawHeaders)));
    });
    client.end(body);
  });
}
