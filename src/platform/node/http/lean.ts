// SPDX-License-Identifier: MIT
/**
 * The lean HTTP/1.1 transport: one attempt of an exchange (exchange.ts) written straight onto the
 * device's own `tls.connect` / `net.connect` socket and read with Node's own parser (lean-parser.ts),
 * without node:http's ClientRequest, IncomingMessage, Agent and their streams. The default since
 * performance round 11 (`NodeHttpOptions.transport`, ENROLLSIM_HTTP_TRANSPORT; `node` selects the
 * node:http attempt for one more release): rounds 10 and 11 in docs/performance.md say what it saves
 * and how it was proved.
 *
 * The same guarantees as the node:http attempt, from the same code: the request lifecycle
 * (lifecycle.ts: Attempt) and what is about TLS (shared.ts: watchTls, connectPlan, attemptError): one deadline on the injected clock over
 * connect, headers and body; the body cap (declared and received); the caller's signal and the
 * client's close; the promise settles only after a failed or closed socket reports `close` (or a
 * short grace), so nothing of the attempt outlives it. On send: the request line and headers are
 * checked with node:http's own validators (a CR or LF in a name or value is refused before any byte
 * is written, as node:http refuses it). One request per connection at a time (no pipelining); a
 * connection is reused only after a complete response that allowed it and had nothing after it.
 */
import http from "node:http";
import net from "node:net";
import tls, { type TLSSocket } from "node:tls";
import { TransportError } from "../../../errors/index.js";
import type { HttpRequest, HttpResponse } from "../../../ports/http.js";
import { toTransportError } from "./errors.js";
import { ResponseReader, type ResponseHead } from "./lean-parser.js";
import { Attempt, preflight } from "./lifecycle.js";
import { attemptError, collectHeaders, connectPlan, outgoingHeaders, watchTls, type ConnectPlan, type ExchangeContext, type TlsWatch, watchRenegotiation } from "./shared.js";

/** RFC 9110 §5.6.2 token: what node:http accepts as a method. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * The request line and headers, latin1 as node:http writes them. Throws node:http's own errors
 * (ERR_INVALID_HTTP_TOKEN, ERR_INVALID_CHAR) for a bad name or value: no CR/LF reaches the wire.
 */
export function requestHead(method: string, url: URL, headers: Record<string, string>, keepAlive: boolean): string {
  if (!TOKEN.test(method)) throw Object.assign(new TypeError(`Method must be a valid HTTP token ["${method}"]`), { code: "ERR_INVALID_HTTP_TOKEN" });
  const path = `${url.pathname}${url.search}`;
  // node:http's INVALID_PATH_REGEX; a WHATWG URL has escaped these already.
  if (/[^\u0021-\u00ff]/.test(path)) throw Object.assign(new TypeError("Request path contains unescaped characters"), { code: "ERR_UNESCAPED_CHARACTERS" });
  let head = `${method} ${path} HTTP/1.1\r\n`;
  let host = false;
  let connection = false;
  for (const [name, value] of Object.entries(headers)) {
    http.validateHeaderName(name);
    http.validateHeaderValue(name, value);
    const lower = name.toLowerCase();
    if (lower === "host") host = true;
    else if (lower === "connection") connection = true;
    head += `${name}: ${value}\r\n`;
  }
  if (!host) head += `Host: ${url.host}\r\n`;
  if (!connection) head += keepAlive ? "Connection: keep-alive\r\n" : "Connection: close\r\n";
  return `${head}\r\n`;
}

/** One attempt over the lean transport (see exchange.ts, `exchange`). */
export function leanAttempt(req: HttpRequest, ctx: ExchangeContext, timeoutMs: number, mayResumeWithoutIdentity: boolean): Promise<HttpResponse> {
  return new Promise<HttpResponse>((resolve, reject) => {
    const pre = preflight(req, ctx);
    if (pre instanceof TransportError) return reject(pre);
    const { where, url } = pre;
    const pool = ctx.lean!;
    const secure = url.protocol === "https:";
    const body = req.body ? Buffer.from(req.body) : undefined;
    let head: string;
    let plan: ConnectPlan;
    try {
      head = requestHead(req.method, url, outgoingHeaders(req, body), pool.keepAlive);
    } catch (err) {
      return reject(toTransportError(err, req.method, req.url));
    }
    try {
      plan = connectPlan(url, ctx, mayResumeWithoutIdentity);
    } catch (err) {
      return reject(err);
    }
    const key = `${url.protocol}//${url.host}`;
    let socket: net.Socket;
    let w: TlsWatch = { refused: false, handshakeDone: true, keysDerived: false };
    const reused = pool.keepAlive ? pool.take(key) : undefined;
    if (reused) socket = reused;
    else {
      const host = url.hostname.replace(/^\[|\]$/g, "");
      const port = Number(url.port || (secure ? 443 : 80));
      try {
        socket = secure
          ? tls.connect({
              host,
              port,
              ...(net.isIP(host) ? {} : { servername: host }),
              secureContext: plan.secureContext!,
              rejectUnauthorized: ctx.tls.rejectUnauthorized,
              ...(plan.resumeWith ? { session: plan.resumeWith } : {}),
            })
          : net.connect({ host, port });
        socket.setNoDelay(true); // one write per request: nothing to coalesce (node:http does the same)
      } catch (err) {
        return reject(toTransportError(err, req.method, req.url));
      }
      pool.track(socket);
      if (secure) w = watchTls(socket as TLSSocket, url, where, plan, ctx);
    }
    const s = socket;
    /** Removes the renegotiation watch from the (possibly kept-alive) socket. */
    const unwatch = secure && ctx.tls.failOnRenegotiation ? watchRenegotiation(s as TLSSocket, !reused, where) : undefined;

    let response: ResponseHead | undefined;
    const a = new Attempt(
      { req, ctx, pre, timeoutMs, resolve, reject },
      {
        release: (o) => {
          const keep = "ok" in o && pool.keepAlive && response?.keepAlive === true && !reader.trailing && !s.destroyed && !ctx.closing.aborted;
          if (keep) {
            detach();
            pool.put(key, s);
            return true;
          }
          s.destroy();
          return s.closed;
        },
        connecting: () => s.connecting,
        settled: () => {
          unwatch?.();
          reader.close();
        },
      },
    );

    const reader = new ResponseReader(req.method === "HEAD", {
      head: (h) => {
        response = h;
        a.declared(collectHeaders(h.rawHeaders)["content-length"]);
      },
      body: (chunk) => a.chunk(chunk),
      // Concluded after the parser returns (`complete` below), when it is known whether bytes followed the response.
      done: () => {},
    });
    const complete = (): void => {
      if (a.outcome || !response || !reader.isComplete) return;
      a.respond(response.status, collectHeaders(response.rawHeaders));
    };

    const detach = (): void => {
      s.off("data", onData);
      s.off("end", onEnd);
      s.off("close", onClose);
      s.off("error", onError);
      s.off("secureConnect", send);
    };
    const phase = (): "before-response" | "mid-body" => (response ? "mid-body" : "before-response");
    const broken = (err: unknown): void => a.conclude({ err: attemptError(err, req, phase(), w, plan) });
    const closedEarly = (): void => a.closedEarly(response !== undefined);

    const onData = (chunk: Buffer): void => {
      const err = reader.feed(chunk);
      if (err && !a.outcome) broken(err);
      complete();
      // A byte after the response on a connection already returned to the pool is the pool's (lean-pool.ts).
    };
    const onEnd = (): void => {
      if (a.outcome) return;
      const err = reader.end();
      complete();
      if (a.outcome) return;
      if (err && !reader.started) return closedEarly();
      if (err) return err.code === "HPE_INVALID_EOF_STATE" ? closedEarly() : broken(err);
    };
    const onClose = (): void => {
      if (!a.outcome) {
        onEnd();
        if (!a.outcome) closedEarly();
      }
      a.finish();
    };
    const onError = (err: Error): void => broken(err);
    const send = (): void => {
      // After watchTls's listeners: a refused session or a chain the device refuses sees no request byte.
      if (a.outcome || s.destroyed) return;
      s.write(body ? Buffer.concat([Buffer.from(head, "latin1"), body]) : Buffer.from(head, "latin1"));
    };

    s.on("data", onData);
    s.once("end", onEnd);
    s.once("close", onClose);
    s.on("error", onError);
    if (secure && !reused) s.once("secureConnect", send);
    else send();
  });
}
