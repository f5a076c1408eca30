// SPDX-License-Identifier: MIT
/**
 * HTTP/1.1 response parsing for the lean transport (lean.ts) with Node's own parser: llhttp, as
 * `node:_http_common` exposes it (HTTPParser), the very parser and the very settings node:http's
 * client uses (strict: `kLenientNone` unless Node runs with --insecure-http-parser; the header size
 * limit of --max-http-header-size, 16 KiB by default). So both transports accept and refuse the
 * same bytes: LF-only line ends, a second Content-Length, Content-Length with chunked, obs-fold,
 * bad chunk sizes and oversize headers are parse errors (HPE_*), as node:http reports them.
 *
 * `_http_common` is an internal module (no deprecation on Node 20 or 22): {@link leanParserAvailable}
 * says whether it has what this file needs, and the adapter refuses the lean transport when it has not.
 *
 * What this file adds over the parser is what a client must decide itself: 1xx answers are skipped
 * (101 is refused: no request asks to upgrade), HEAD answers have no body, and bytes after the final
 * response (a split response, or anything unsolicited) are noted so the connection is not reused.
 */
import { createRequire } from "node:module";

interface NativeParser {
  initialize(type: number, resource: object, maxHeaderSize: number, lenient: number): void;
  execute(data: Buffer): number | ParseError;
  finish(): undefined | ParseError;
  close(): void;
  [k: number]: unknown;
}
interface ParserClass {
  new (): NativeParser;
  RESPONSE: number;
  kOnMessageBegin: number;
  kOnHeaders: number;
  kOnHeadersComplete: number;
  kOnBody: number;
  kOnMessageComplete: number;
  kLenientNone: number;
}
/** What llhttp reports: `code` HPE_*, `reason` its text. */
export type ParseError = Error & { code?: string; reason?: string; bytesParsed?: number };

const HTTPParser: ParserClass | undefined = (() => {
  try {
    const p = (createRequire(import.meta.url)("_http_common") as { HTTPParser?: ParserClass }).HTTPParser;
    return p && typeof p.kOnHeadersComplete === "number" && typeof p.kOnMessageBegin === "number" && typeof p.prototype.initialize === "function" ? p : undefined;
  } catch {
    return undefined;
  }
})();

/** Whether this Node exposes the parser the lean transport needs. */
export function leanParserAvailable(): boolean {
  return HTTPParser !== undefined;
}

/** The status line and headers of the final (non-1xx) response. */
export interface ResponseHead {
  status: number;
  /** Names and values alternating, as received (node:http's `rawHeaders`). */
  rawHeaders: string[];
  /** The server allows another request on this connection (HTTP/1.1 without `Connection: close`). */
  keepAlive: boolean;
}

export interface ReaderEvents {
  /** The final response's head; returning a string stops the reader with that failure. */
  head(h: ResponseHead): void;
  body(chunk: Buffer): void;
  /** The final response is complete. */
  done(): void;
}

/**
 * Reads one response (after any 1xx) from the bytes of one connection. Callbacks run inside
 * {@link feed} and {@link end}; after `done`, further bytes set {@link trailing} and are not parsed.
 */
export class ResponseReader {
  private readonly parser: NativeParser;
  private headers: string[] = [];
  private final = false;
  private complete = false;
  private closed = false;
  private unasked101 = false;
  private executing = false;
  /** Bytes came after the final response: the connection must not carry another request. */
  trailing = false;
  /** Some response byte (even of a 1xx) arrived. */
  started = false;

  constructor(
    headRequest: boolean,
    private readonly on: ReaderEvents,
  ) {
    const P = HTTPParser;
    if (!P) throw new Error("this Node has no node:_http_common HTTPParser (lean HTTP transport unavailable)");
    const parser = (this.parser = new P());
    parser.initialize(P.RESPONSE, {}, 0, P.kLenientNone);
    parser[P.kOnMessageBegin] = () => {
      if (this.complete) this.trailing = true;
    };
    parser[P.kOnHeaders] = (headers: string[]) => {
      // A head split over several reads arrives in parts before kOnHeadersComplete.
      if (!this.complete) for (const h of headers) this.headers.push(h);
    };
    parser[P.kOnHeadersComplete] = (_maj: number, _min: number, headers: string[] | undefined, _m: unknown, _u: unknown, status: number, _sm: unknown, _up: boolean, keepAlive: boolean): number => {
      if (this.complete) return 1;
      const raw = headers ?? this.headers;
      this.headers = [];
      if (status >= 100 && status < 200) {
        if (status === 101) this.unasked101 = true;
        return 1; // informational: no body, the real answer follows
      }
      this.final = true;
      this.on.head({ status, rawHeaders: raw, keepAlive });
      // A HEAD answer has no body whatever it declares (204 and 304 llhttp knows itself).
      return headRequest ? 1 : 0;
    };
    parser[P.kOnBody] = (chunk: Buffer) => {
      if (!this.complete) this.on.body(chunk);
    };
    parser[P.kOnMessageComplete] = () => {
      if (!this.final || this.complete) return;
      this.complete = true;
      this.on.done();
    };
  }

  /** Parses bytes; a parse error is returned (node:http's message: `Parse Error: <reason>`). */
  feed(chunk: Buffer): ParseError | undefined {
    if (this.closed) return undefined;
    if (this.complete) {
      this.trailing = this.trailing || chunk.length > 0;
      return undefined;
    }
    this.started = true;
    this.executing = true;
    let r: number | ParseError;
    try {
      r = this.parser.execute(chunk);
    } finally {
      this.executing = false;
      // A callback asked to close (its exchange ended): the native parser is freed only now, never under its own execute.
      if (this.closed) this.parser.close();
    }
    if (this.unasked101) return parseError("HPE_USER", "101 Switching Protocols answered to a request that asked for no upgrade");
    if (typeof r === "number") return undefined;
    // after the final response: the rest is not this exchange's (the connection is not reused)
    if (this.complete) return void (this.trailing = true);
    return named(r);
  }

  /** The server closed its side: completes a body delimited by the close, or says what is missing. */
  end(): ParseError | undefined {
    if (this.closed || this.complete) return undefined;
    this.executing = true;
    let r: ParseError | undefined;
    try {
      r = this.parser.finish();
    } finally {
      this.executing = false;
      if (this.closed) this.parser.close();
    }
    if (r) return named(r);
    return this.complete ? undefined : parseError("HPE_INVALID_EOF_STATE", "Invalid EOF state");
  }

  get isComplete(): boolean {
    return this.complete;
  }

  /** Frees the native parser (idempotent; from inside a callback, once its execute returns). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (!this.executing) this.parser.close();
  }
}

function named(e: ParseError): ParseError {
  // As node:http's client reports it (_http_client.js, prepareError).
  if (typeof e.reason === "string" && !e.message.includes(e.reason)) e.message = `Parse Error: ${e.reason}`;
  return e;
}

function parseError(code: string, reason: string): ParseError {
  return Object.assign(new Error(`Parse Error: ${reason}`), { code, reason });
}
