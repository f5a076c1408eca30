// SPDX-License-Identifier: MIT
/**
 * The request lifecycle both HTTP/1.1 transports run (exchange.ts over node:http(s), lean.ts over the
 * device's own socket): the checks before anything is sent, one deadline on the injected clock over
 * connect, headers and body, the body cap (declared and received), the caller's signal and the client's
 * close, the mapping of each end to a typed {@link TransportError}, and settling only after the
 * transport's connection reported closed (or a short grace), so nothing of the attempt outlives it.
 * What differs per transport (how the connection is released, whether it is still connecting, what
 * to take down on settling) comes in as {@link AttemptHooks}. One copy: the two transports cannot
 * drift apart on limits, timeouts or error kinds (test/platform/http-lean.test.ts, the differential
 * property test, pins that they agree).
 */
import { TransportError, type TransportDetail } from "../../../errors/index.js";
import type { Timer } from "../../../ports/clock.js";
import type { HttpRequest, HttpResponse } from "../../../ports/http.js";
import { describeRequest, requestLimits, requestUrl } from "../../../ports/http-request.js";
import { abortWaiters, CLOSE_GRACE_MS, join, onAbort, type ExchangeContext, type Outcome } from "./shared.js";

/** What one attempt checked before sending: its description for messages, its body cap, its URL. */
export interface Preflight {
  where: string;
  maxBytes: number;
  url: URL;
}

/** The request's URL and limits, or why it is refused before any connection (bad URL, closed client, aborted signal). */
export function preflight(req: HttpRequest, ctx: ExchangeContext): Preflight | TransportError {
  const where = describeRequest(req.method, req.url);
  const { maxBytes } = requestLimits(req);
  const url = requestUrl(req, where);
  if (url instanceof TransportError) return url;
  if (ctx.closing.aborted) return new TransportError("aborted", `${where}: the HTTP client is closed`);
  if (req.signal?.aborted) return new TransportError("aborted", `${where}: aborted before sending`, { cause: req.signal.reason });
  return { where, maxBytes, url };
}

/** The transport's part of an {@link Attempt}. */
export interface AttemptHooks {
  /** The attempt has its outcome: release or destroy the connection; true when it is already closed (or kept alive), so the attempt settles now. */
  release(outcome: Outcome): boolean;
  /** Whether the connection is still being made (a deadline then is a connect timeout). */
  connecting(): boolean;
  /** Run once when the attempt settles (listeners off a kept-alive socket, a parser freed). */
  settled(): void;
}

/** One attempt: its request, the client's context, what {@link preflight} found, its time and its promise's ends. */
export interface AttemptRun {
  req: HttpRequest;
  ctx: ExchangeContext;
  pre: Preflight;
  timeoutMs: number;
  resolve: (r: HttpResponse) => void;
  reject: (e: TransportError) => void;
}

/**
 * One attempt's lifecycle. Made once the transport has its request or socket; arms the deadline, the
 * caller's signal and the client's close at once. The transport reports what happens through
 * {@link conclude}, {@link fail}, {@link closedEarly}, {@link declared}, {@link chunk} and {@link closed}.
 */
export class Attempt {
  private result: Outcome | undefined;
  private done = false;
  private grace: Timer | undefined;
  private readonly deadline: Timer;
  private readonly chunks: Uint8Array[] = [];
  private size = 0;
  private readonly onCallerAbort = (): void => this.fail("aborted", "aborted by the caller", this.req.signal?.reason);
  private readonly onClosing = (): void => this.fail("aborted", "the HTTP client was closed");

  private readonly req: HttpRequest;
  private readonly ctx: ExchangeContext;
  private readonly pre: Preflight;
  private readonly timeoutMs: number;
  private readonly resolve: (r: HttpResponse) => void;
  private readonly reject: (e: TransportError) => void;

  constructor(
    run: AttemptRun,
    private readonly hooks: AttemptHooks,
  ) {
    ({ req: this.req, ctx: this.ctx, pre: this.pre, timeoutMs: this.timeoutMs, resolve: this.resolve, reject: this.reject } = run);
    this.deadline = this.ctx.clock.setTimer(this.timeoutMs, this.onDeadline);
    if (this.req.signal) onAbort(this.req.signal, this.onCallerAbort);
    this.ctx.closing.on(this.onClosing);
  }

  /** The attempt's outcome, once it has one. */
  get outcome(): Outcome | undefined {
    return this.result;
  }

  private readonly onDeadline = (): void => {
    if (this.result) return this.finish(); // already failing, socket slow to close: settle anyway
    // Still connecting (no socket, or its connect not done) is a connect timeout; else the server is slow to answer.
    this.fail("timeout", `no complete response within ${this.timeoutMs} ms`, undefined, this.hooks.connecting() ? "connect.timeout" : "timeout.response");
  };

  /** Settles the promise (once, and only after an outcome): timers, listeners and the transport's hook first. */
  readonly finish = (): void => {
    if (this.done || !this.result) return;
    this.done = true;
    this.deadline.cancel();
    this.grace?.cancel();
    if (this.req.signal) abortWaiters.get(this.req.signal)?.delete(this.onCallerAbort);
    this.ctx.closing.off(this.onClosing);
    this.hooks.settled();
    if ("ok" in this.result) this.resolve(this.result.ok);
    else this.reject(this.result.err);
  };

  /** The first outcome wins; the connection is released and the attempt settles when it has closed (or after the grace). */
  readonly conclude = (o: Outcome): void => {
    if (this.result) return;
    this.result = o;
    if (this.hooks.release(o)) return this.finish();
    this.grace = this.ctx.clock.setTimer(CLOSE_GRACE_MS, this.finish);
  };

  readonly fail = (kind: TransportError["kind"], text: string, cause?: unknown, detail?: TransportDetail): void =>
    this.conclude({ err: new TransportError(kind, `${this.pre.where}: ${text}`, { ...(cause === undefined ? {} : { cause }), ...(detail ? { detail } : {}) }) });

  /** The connection ended before a complete response (`midBody`: after its head). */
  closedEarly(midBody: boolean): void {
    this.fail("reset", "connection closed before the response completed", undefined, midBody ? "reset.mid-body" : "reset.before-response");
  }

  /** A response head's Content-Length: fails the attempt when it declares more than the cap (not for HEAD). */
  declared(contentLength: string | undefined): void {
    if (this.req.method !== "HEAD" && contentLength !== undefined && Number(contentLength) > this.pre.maxBytes) {
      this.fail("too-large", `response declares ${contentLength} bytes, more than the ${this.pre.maxBytes}-byte limit`);
    }
  }

  /** A body chunk: kept until the body passes the cap, which fails the attempt at once. */
  chunk(c: Uint8Array): void {
    if (this.result) return;
    this.size += c.length;
    if (this.size > this.pre.maxBytes) {
      this.chunks.length = 0;
      return this.fail("too-large", `response body exceeds the ${this.pre.maxBytes}-byte limit`);
    }
    this.chunks.push(c);
  }

  /** Concludes with the collected body. */
  respond(status: number, headers: Record<string, string>): void {
    this.conclude({ ok: { status, headers, body: join(this.chunks, this.size), url: this.req.url } });
  }
}
