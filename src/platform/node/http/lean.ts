// SPDX-License-Identifier: MIT
/**
 * The lean HTTP/1.1 transport: one attempt of an exchange (exchange.ts) written straight onto the
 * device's own `tls.connect` / `net.connect` socket and read with Node's own parser (lean-parser.ts),
 * without node:http's ClientRequest, IncomingMessage, Agent and their streams. Opt-in
 * (`NodeHttpOptions.transport: "lean"`, ENROLLSIM_HTTP_TRANSPORT=lean): performance round 10 in
 * docs/performance.md says what it saves and how it was proved.
 *
 * The same guarantees as the node:http attempt, from the same code where they are about TLS
 * (shared.ts: watchTls, connectPlan, attemptError): one deadline on the injected clock over
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
import { TransportError, type TransportDetail } from "../../../errors/index.js";
import type { Timer } from "../../../ports/clock.js";
import type { HttpRequest, HttpResponse } from "../../../ports/http.js";
import { describeRequest, requestLimits, requestUrl } from "../../../ports/http-request.js";
import { toTransportError } from "./errors.js";
import { ResponseReader, type ResponseHead } from "./lean-parser.js";
import { abortWaiters, attemptError, CLOSE_GRACE_MS, collectHeaders, connectPlan, join, onAbort, outgoingHeaders, watchTls, type ConnectPlan, type ExchangeContext, type Outcome, type TlsWatch, watchRenegotiation } from "./shared.js";

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
    const where = describeRequest(req.method, req.url);
    const { maxBytes } = requestLimits(req);
    const url = requestUrl(req, where);
    if (url instanceof TransportError) return reject(url);
    if (ctx.closing.aborted) return reject(new TransportError("aborted", `${where}: the HTTP client is closed`));
    if (req.signal?.aborted) return reject(new TransportError("aborted", `${where}: aborted before sending`, { cause: req.signal.reason }));
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

    let outcome: Outcome | undefined;
    let settled = false;
    let grace: Timer | undefined;
    let response: ResponseHead | undefined;
    const chunks: Uint8Array[] = [];
    let size = 0;

    const reader = new ResponseReader(req.method === "HEAD", {
      head: (h) => {
        response = h;
        const declared = collectHeaders(h.rawHeaders)["content-length"];
        if (req.method !== "HEAD" && declared !== undefined && Number(declared) > maxBytes) {
          fail("too-large", `response declares ${declared} bytes, more than the ${maxBytes}-byte limit`);
        }
      },
      body: (chunk) => {
        if (outcome) return;
        size += chunk.length;
        if (size > maxBytes) {
          chunks.length = 0;
          return fail("too-large", `response body exceeds the ${maxBytes}-byte limit`);
        }
        chunks.push(chunk);
      },
      // Concluded after the parser returns (`complete` below), when it is known whether bytes followed the response.
      done: () => {},
    });
    const complete = (): void => {
      if (outcome || !response || !reader.isComplete) return;
      conclude({ ok: { status: response.status, headers: collectHeaders(response.rawHeaders), body: join(chunks, size), url: req.url } });
    };

    const detach = (): void => {
      s.off("data", onData);
      s.off("end", onEnd);
      s.off("close", onClose);
      s.off("error", onError);
      s.off("secureConnect", send);
    };
    const finish = (): void => {
      if (settled || !outcome) return;
      settled = true;
      deadline.cancel();
      grace?.cancel();
      if (req.signal) abortWaiters.get(req.signal)?.delete(onCallerAbort);
      ctx.closing.off(onClosing);
      unwatch?.();
      reader.close();
      if ("ok" in outcome) resolve(outcome.ok);
      else reject(outcome.err);
    };
    const conclude = (o: Outcome): void => {
      if (outcome) return;
      outcome = o;
      const keep = "ok" in o && pool.keepAlive && response?.keepAlive === true && !reader.trailing && !s.destroyed && !ctx.closing.aborted;
      if (keep) {
        detach();
        pool.put(key, s);
        return finish();
      }
      s.destroy();
      if (s.closed) return finish();
      grace = ctx.clock.setTimer(CLOSE_GRACE_MS, finish);
    };
    const fail = (kind: TransportError["kind"], text: string, cause?: unknown, detail?: TransportDetail): void =>
      conclude({ err: new TransportError(kind, `${where}: ${text}`, { ...(cause === undefined ? {} : { cause }), ...(detail ? { detail } : {}) }) });
    const phase = (): "before-response" | "mid-body" => (response ? "mid-body" : "before-response");
    const broken = (err: unknown): void => conclude({ err: attemptError(err, req, phase(), w, plan) });
    const closedEarly = (): void => fail("reset", "connection closed before the response completed", undefined, response ? "reset.mid-body" : "reset.before-response");

    const onData = (chunk: Buffer): void => {
      const err = reader.feed(chunk);
      if (err && !outcome) broken(err);
      complete();
      // A byte after the response on a connection already returned to the pool is the pool's (lean-pool.ts).
    };
    const onEnd = (): void => {
      if (outcome) return;
      const err = reader.end();
      complete();
      if (outcome) return;
      if (err && !reader.started) return closedEarly();
      if (err) return err.code === "HPE_INVALID_EOF_STATE" ? closedEarly() : broken(err);
    };
    const onClose = (): void => {
      if (!outcome) {
        onEnd();
        if (!outcome) closedEarly();
      }
      finish();
    };
    const onError = (err: Error): void => broken(err);
    const send = (): void => {
      // After watchTls's listeners: a refused session or a chain the device refuses sees no request byte.
      if (outcome || s.destroyed) return;
      s.write(body ? Buffer.concat([Buffer.from(head, "latin1"), body]) : Buffer.from(head, "latin1"));
    };

    const onDeadline = (): void => {
      if (outcome) return finish(); // already failing, socket slow to close: settle anyway
      fail("timeout", `no complete response within ${timeoutMs} ms`, undefined, s.connecting ? "connect.timeout" : "timeout.response");
    };
    const onCallerAbort = (): void => fail("aborted", "aborted by the caller", req.signal?.reason);
    const onClosing = (): void => fail("aborted", "the HTTP client was closed");
    const deadline = ctx.clock.setTimer(timeoutMs, onDeadline);
    if (req.signal) onAbort(req.signal, onCallerAbort);
    ctx.closing.on(onClosing);

    s.on("data", onData);
    s.once("end", onEnd);
    s.once("close", onClose);
    s.on("error", onError);
    if (secure && !reused) s.once("secureConnect", send);
    else send();
  });
}
