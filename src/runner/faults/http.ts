// SPDX-License-Identifier: MIT
/**
 * The device's HTTP port with faults under it. Every client a flow builds (the protocol
 * context's client and the mTLS clients flows make themselves) comes from this port, so every
 * request passes the device's fault plan. The device never learns faults exist: it sees an
 * answer, or the TransportError the real failure would raise.
 */
import { TransportError } from "../../errors/index.js";
import type { HttpClient, HttpClientOptions, HttpPort, HttpRequest, HttpResponse } from "../../ports/http.js";
import { DEFAULT_TIMEOUT_MS, describeRequest, requestLimits } from "../../ports/http-request.js";
import { amapiErrorAnswer, mdmStatusAnswer, soapFaultAnswer, statusAnswer } from "./answers.js";
import type { DeviceFaults, Firing } from "./device.js";
import { DNS_TIMEOUT_MS, httpDnsError, noAnswerError, resetError, tlsError } from "./errors.js";
import { BodyEditError, removeFromBody } from "../../wire/body-edit.js";
import { editBytes } from "../../wire/body-bytes.js";
import type { EditAction } from "./vocabulary.js";

/** The request as the server receives it with another Content-Type ("" removes the header; any letter case of the name). */
function withRequestContentType(req: HttpRequest, value: string): HttpRequest {
  const headers = Object.fromEntries(Object.entries(req.headers ?? {}).filter(([k]) => k.toLowerCase() !== "content-type"));
  if (value !== "") headers["content-type"] = value;
  return { ...req, headers };
}

/** Keep `bytes` (or `ratio` of) the request body; the Content-Length the server reads is the kept length. */
function truncatedRequest(req: HttpRequest, t: { bytes?: number; ratio?: number }): HttpRequest {
  const body = req.body ?? new Uint8Array(0);
  const keep = t.bytes !== undefined ? Math.min(t.bytes, body.length) : Math.floor(body.length * (t.ratio ?? 0));
  return { ...req, body: body.slice(0, keep) };
}

/**
 * The body with the edit applied: what `remove` selects removed (unchanged when the path matches
 * nothing or the body is neither XML nor JSON: an edit is a change to a message, never a transport
 * failure of its own), then the byte edits (wire/body-bytes.ts). The same array when nothing changed.
 */
function editBody(body: Uint8Array, e: EditAction): Uint8Array {
  let out = body;
  if (e.remove !== undefined) {
    try {
      out = removeFromBody(body, e.remove).body;
    } catch (err) {
      if (!(err instanceof BodyEditError)) throw err;
    }
  }
  return editBytes(out, e);
}

/** Builds a CertRep FAILURE for a PKIOperation request; only the embedded CA (which holds the key) can. */
export type ScepFailureAnswer = (req: HttpRequest, failInfo: string) => Promise<HttpResponse>;

export interface FaultyHttpOptions {
  /** Present on embedded runs; the loader refuses `scepFailInfo` against a URL server. */
  scepFailure?: ScepFailureAnswer;
  /**
   * HTTPS base of the embedded server's listener that asks for a client certificate mid-connection
   * (server/http.ts `renegotiate`): a `tls: client-cert-mid-connection` request is sent there, the same bytes.
   */
  midConnection?: string;
}

export class FaultyHttp implements HttpPort {
  constructor(
    private readonly inner: HttpPort,
    private readonly faults: DeviceFaults,
    private readonly options: FaultyHttpOptions = {},
  ) {}

  client(options: HttpClientOptions = {}): HttpClient {
    const client = this.inner.client(options);
    // The simulator's own fetch (a QR code's payload) is no request of the device: no fault reaches it.
    if (this.faults.empty || options.simulatorOnly !== undefined) return client;
    return new FaultyHttpClient(client, () => this.inner.client({ ...options, tls: { ...options.tls, identity: undefined } }), this.faults, this.options);
  }
}

class FaultyHttpClient implements HttpClient {
  private anonymous?: HttpClient;

  constructor(
    private readonly inner: HttpClient,
    private readonly withoutIdentity: () => HttpClient,
    private readonly faults: DeviceFaults,
    private readonly options: FaultyHttpOptions,
  ) {}

  async request(req: HttpRequest): Promise<HttpResponse> {
    const { firing, matched } = this.faults.pick({ kind: "http", method: req.method, url: req.url, headers: req.headers, body: req.body });
    if (!firing) {
      try {
        const res = await this.inner.request(req);
        this.faults.settle(matched, res.status < 400);
        return res;
      } catch (err) {
        this.faults.settle(matched, false);
        throw err;
      }
    }
    return this.inject(firing, req);
  }

  async close(): Promise<void> {
    await Promise.all([this.inner.close(), this.anonymous?.close()]);
  }

  /** Waits `ms` on the device clock within the request's deadline; past it, the exchange times out. */
  private async wait(req: HttpRequest, ms: number, started: number, onDeadline: () => TransportError): Promise<void> {
    const timeoutMs = req.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const clock = this.faults.options.clock;
    const left = timeoutMs - (clock.now() - started);
    try {
      await clock.sleep(Math.max(0, Math.min(ms, left)), req.signal);
    } catch (err) {
      throw new TransportError("aborted", `${describeRequest(req.method, req.url)}: aborted by the caller`, { cause: err });
    }
    if (ms >= left) throw onDeadline();
  }

  /** The rest of the request's deadline, for the real exchange after a delay. */
  private rest(req: HttpRequest, started: number): HttpRequest {
    const timeoutMs = req.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    return { ...req, timeoutMs: Math.max(1, timeoutMs - (this.faults.options.clock.now() - started)) };
  }

  private async inject(f: Firing, req: HttpRequest): Promise<HttpResponse> {
    const spec = f.fault;
    const started = this.faults.options.clock.now();
    const timeoutMs = req.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const timeout = () => noAnswerError(req.method, req.url, timeoutMs);
    switch (f.action) {
      case "status":
        return statusAnswer(spec.status!, req);
      case "mdmStatus":
        return mdmStatusAnswer(spec.mdmStatus!, req);
      case "soapFault":
        return soapFaultAnswer(spec.soapFault!, req);
      case "amapiError":
        return amapiErrorAnswer(spec.amapiError!, req);
      case "redirect": {
        const r = spec.redirect!;
        return { status: r.status ?? 302, headers: { location: r.location, "content-length": "0" }, body: new Uint8Array(0), url: req.url };
      }
      case "scepFailInfo": {
        if (!this.options.scepFailure) throw new TransportError("other", `${describeRequest(req.method, req.url)}: scepFailInfo needs the embedded CA`);
        return this.options.scepFailure(req, spec.scepFailInfo!);
      }
      case "delay":
        await this.wait(req, spec.delay!.ms, started, timeout);
        return this.inner.request(this.rest(req, started));
      case "noAnswer":
        await this.wait(req, timeoutMs, started, timeout);
        throw timeout();
      case "dns": {
        const kind = spec.dns as "nxdomain" | "timeout" | "servfail";
        if (kind === "timeout") await this.wait(req, DNS_TIMEOUT_MS, started, timeout);
        throw httpDnsError(kind, req.method, req.url);
      }
      case "tls": {
        const kind = spec.tls!;
        if (kind === "client-cert-mid-connection") return this.midConnection(req);
        if (kind !== "client-cert-not-requested") throw tlsError(kind, req.method, req.url);
        // The server sends no CertificateRequest: the handshake completes without the device's
        // certificate, and the server answers the request as it answers an anonymous one.
        this.anonymous ??= this.withoutIdentity();
        return this.anonymous.request(req);
      }
      case "reset": {
        // The server received and handled the request; the connection drops before or during its answer.
        await this.inner.request(req).catch(() => undefined);
        throw resetError(spec.reset!.when, req.method, req.url);
      }
      case "contentType":
        if (spec.contentType!.in === "request") return this.inner.request(withRequestContentType(req, spec.contentType!.value));
        return this.reshape(f, await this.inner.request(req));
      case "truncate":
        if (spec.truncate!.in === "request") return this.inner.request(truncatedRequest(req, spec.truncate!));
        return this.reshape(f, await this.inner.request(req));
      case "corrupt":
        return this.reshape(f, await this.inner.request(req));
      case "edit": {
        const e = spec.edit!;
        if (e.in === "request") {
          const body = editBody(req.body ?? new Uint8Array(0), e);
          return this.inner.request(body.length === 0 && !req.body ? req : { ...req, body });
        }
        const res = await this.inner.request(req);
        const body = editBody(res.body, e);
        if (body === res.body) return res;
        // The device's size limit applies to what it receives: bytes a fault adds count as the
        // server's own would (the inner port checked only the real answer).
        const { maxBytes } = requestLimits(req);
        if (body.length > maxBytes) throw new TransportError("too-large", `${describeRequest(req.method, req.url)}: response body exceeds the ${maxBytes}-byte limit`);
        const headers = { ...res.headers };
        if (headers["content-length"] !== undefined) headers["content-length"] = String(body.length);
        return { ...res, headers, body };
      }
    }
  }

  /**
   * The request, unchanged, over a real connection to the listener that renegotiates after reading it with a
   * CertificateRequest: the device's own TLS stack follows the renegotiation or fails on it
   * (TlsSettings.renegotiation, per platform: devices/tls-stacks/). The answer keeps the URL asked for.
   */
  private async midConnection(req: HttpRequest): Promise<HttpResponse> {
    const base = this.options.midConnection;
    const url = new URL(req.url);
    if (!base || url.protocol !== "https:") throw new TransportError("other", `${describeRequest(req.method, req.url)}: tls: client-cert-mid-connection needs an https request to the embedded server`);
    let res: HttpResponse;
    try {
      res = await this.inner.request({ ...req, url: `${base}${url.pathname}${url.search}` });
    } catch (err) {
      // The device's message names the URL it asked for, not the listener that played the proxy.
      if (!(err instanceof TransportError)) throw err;
      throw new TransportError(err.kind, err.message.split(base).join(url.origin), { cause: err.cause, ...(err.detail ? { detail: err.detail } : {}) });
    }
    return { ...res, url: req.url };
  }

  /** Alters the real answer's body or Content-Type. */
  private reshape(f: Firing, res: HttpResponse): HttpResponse {
    const spec = f.fault;
    if (f.action === "contentType") return { ...res, headers: { ...res.headers, "content-type": spec.contentType!.value } };
    let body: Uint8Array;
    if (f.action === "truncate") {
      const t = spec.truncate!;
      const keep = t.bytes !== undefined ? Math.min(t.bytes, res.body.length) : Math.floor(res.body.length * (t.ratio ?? 0));
      body = res.body.slice(0, keep);
    } else {
      body = res.body.slice();
      const n = Math.min(spec.corrupt!.bytes, body.length);
      const positions = new Set<number>();
      while (positions.size < n) positions.add(f.entropy.int(body.length));
      for (const p of positions) body[p] = body[p]! ^ 0xff;
    }
    const headers = { ...res.headers };
    if (headers["content-length"] !== undefined) headers["content-length"] = String(body.length);
    return { ...res, headers, body };
  }
}
