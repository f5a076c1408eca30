// SPDX-License-Identifier: MIT
/**
 * The hostile server: ONE small configurable loopback server (HTTP and HTTPS on 127.0.0.1) in
 * front of an embedded reference server (src/server/reference-server.ts). Every request is
 * forwarded to the reference server, except the ones a rule selects (path glob, method, nth
 * match), which get the rule's misbehaviour over the real socket: a wrong answer, an endless or
 * huge or gzip-bombed body, bytes dripped slowly, no answer, a TCP reset, a lying Content-Length,
 * an HTTP/1.0 answer that never ends, a redirect. The HTTPS listener can itself be hostile (a
 * self-signed, expired or wrong-host certificate, TLS 1.0 only, a client certificate demanded).
 *
 * test-only: this is a deliberately broken server for the hostile suite. It is NOT the `faults:`
 * mechanism (which sits under the device's ports): these are real misbehaving sockets, so what the
 * suite proves is the defence of the client's real network stack and parsers.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createTlsServer } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { gzipSync } from "node:zlib";
import { NodeCrypto } from "../../src/platform/node/crypto.js";
import type { HttpResponse } from "../../src/ports/http.js";
import { constants as cryptoConstants } from "node:crypto";
import type { TLSSocket } from "node:tls";
import { askCertificateMidConnection, lazyPeer } from "../../src/server/http.js";
import type { ReferenceServer } from "../../src/server/reference-server.js";
import { createCaIdentity, issueServerCertificate } from "../../src/server/scep/ca.js";
import { toPem } from "../../src/wire/x509/certificate.js";

/** What the server does instead of forwarding the selected request. */
export type Misbehaviour =
  /** The reference server's real answer, rewritten (garbage, truncated, mutated, hostile text, …). */
  | { kind: "rewrite"; fn: (real: HttpResponse, req: { path: string; body: Buffer }) => { status?: number; headers?: Record<string, string>; body: Buffer | string } }
  /** A chunked body that never ends (bytes as fast as the client reads). */
  | { kind: "endless" }
  /** Declares (and starts sending) a body of this many bytes. */
  | { kind: "huge"; bytes: number }
  /** `Content-Encoding: gzip` over `inflated` zero bytes (a few KiB on the wire). */
  | { kind: "gzip-bomb"; inflated: number; contentType: string }
  /** The status line and headers, one byte every `everyMs`, never finished. */
  | { kind: "slow-headers"; everyMs: number }
  /** Headers at once, then the real body one byte every `everyMs`. */
  | { kind: "slow-body"; everyMs: number }
  /** Reads the request and never answers. */
  | { kind: "no-answer" }
  /** A TCP reset (RST) after reading the request, before any byte of the answer. */
  | { kind: "reset-before" }
  /** Headers and half the real body, then a TCP reset. */
  | { kind: "reset-mid" }
  /** The real body with a Content-Length `extra` bytes larger, then the connection closes. */
  | { kind: "wrong-length"; extra: number }
  /** An HTTP/1.0 answer without Content-Length whose connection is never closed (the body never ends). */
  | { kind: "http10-open" }
  /** A redirect; `to` gets the server's own base URLs. */
  | { kind: "redirect"; status?: number; to: (base: { http: string; https: string }, path: string) => string };

export interface Rule {
  /** Glob over the request path with its query (`*` any run); e.g. `/EnrollmentServer/Discovery.svc*`. */
  path: string;
  method?: string;
  /** Only the nth matching request (1-based); default every one. */
  nth?: number;
  act: Misbehaviour;
}

/** How the HTTPS listener presents itself. */
export type TlsMode = "ok" | "self-signed" | "expired" | "wrong-host" | "tls1.0-only" | "client-cert-required" | "renegotiate-client-cert";

export interface HostileOptions {
  reference: ReferenceServer;
  rules?: Rule[];
  tls?: TlsMode;
}

const MAX_REQUEST = 4 * 1024 * 1024;
const globRe = (g: string) => new RegExp(`^${g.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`, "i");

export class HostileServer {
  /** Requests each rule misbehaved on (proves the flow reached the hostile step). */
  readonly fired: number[];
  /** Requests forwarded to the reference server. */
  forwarded = 0;
  /** "METHOD /path" of every request, in arrival order (queries cut at 60 characters). */
  readonly log: string[] = [];
  private readonly seen: number[];
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private constructor(
    private readonly o: HostileOptions,
    private readonly http: Server,
    private readonly https: Server,
  ) {
    this.fired = (o.rules ?? []).map(() => 0);
    this.seen = (o.rules ?? []).map(() => 0);
  }

  get urls(): { http: string; https: string } {
    return { http: `http://127.0.0.1:${(this.http.address() as AddressInfo).port}`, https: `https://127.0.0.1:${(this.https.address() as AddressInfo).port}` };
  }

  static async start(o: HostileOptions): Promise<HostileServer> {
    const tls = await tlsOptions(o.reference, o.tls ?? "ok");
    let self: HostileServer | undefined;
    const listener = (req: IncomingMessage, res: ServerResponse) => void self!.handle(req, res);
    const http = createServer(listener);
    const https = createTlsServer(tls, listener) as unknown as Server;
    self = new HostileServer(o, http, https);
    for (const s of [http, https]) {
      s.on(s === https ? "secureConnection" : "connection", (sock: Socket) => {
        self!.sockets.add(sock);
        sock.on("close", () => self!.sockets.delete(sock));
      });
      s.on("tlsClientError", () => {}); // a refused handshake is the point of the TLS modes
      await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
    }
    o.reference.serveBehind(self.urls);
    return self;
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    for (const s of this.sockets) s.destroy();
    for (const s of [this.http, this.https]) {
      s.closeAllConnections();
      await new Promise<void>((r) => s.close(() => r()));
    }
  }

  private rule(req: IncomingMessage): number {
    const rules = this.o.rules ?? [];
    for (let i = 0; i < rules.length; i++) {
      const r = rules[i]!;
      if (r.method && r.method !== req.method) continue;
      if (!globRe(r.path).test(req.url ?? "/")) continue;
      this.seen[i]!++;
      if (r.nth !== undefined && this.seen[i] !== r.nth) continue;
      return i;
    }
    return -1;
  }

  private every(ms: number, fn: () => void, sock: Socket): void {
    const t = setInterval(fn, ms);
    this.timers.add(t);
    sock.once("close", () => (clearInterval(t), this.timers.delete(t)));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of req) {
      size += (c as Buffer).length;
      if (size > MAX_REQUEST) return void res.socket?.destroy();
      chunks.push(c as Buffer);
    }
    const body = Buffer.concat(chunks);
    // A certificate asked for mid-connection, after the request was read (TLS 1.2 renegotiation, as a proxy does).
    if (this.o.tls === "renegotiate-client-cert" && "encrypted" in req.socket && !(await askCertificateMidConnection(req.socket as TLSSocket))) return;
    if (this.log.length < 1000) this.log.push(`${req.method} ${(req.url ?? "/").slice(0, 80)}`);
    const i = this.rule(req);
    const act = i >= 0 ? this.o.rules![i]!.act : undefined;
    if (i >= 0) this.fired[i]!++;
    const sock = req.socket;
    const real = async (): Promise<HttpResponse> => {
      this.forwarded++;
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(", ") : v;
      try {
        return await this.o.reference.handler({
          method: (req.method ?? "GET") as "GET",
          url: req.url ?? "/",
          headers,
          body: body.length ? new Uint8Array(body) : undefined,
          remoteAddress: sock.remoteAddress,
          tls: "encrypted" in sock ? lazyPeer(req) : undefined,
        });
      } catch {
        return { status: 500, headers: { "content-type": "text/plain" }, body: new TextEncoder().encode("reference server error\n"), url: req.url ?? "/" };
      }
    };
    const send = (r: { status?: number; headers?: Record<string, string>; body: Buffer | Uint8Array | string }) => {
      const b = typeof r.body === "string" ? Buffer.from(r.body) : Buffer.from(r.body);
      res.writeHead(r.status ?? 200, { ...(r.headers ?? {}), "content-length": String(b.length) }).end(b);
    };
    if (!act) return send(await real());
    switch (act.kind) {
      case "rewrite": {
        const out = act.fn(await real(), { path: req.url ?? "/", body });
        return send(out);
      }
      case "endless": {
        res.writeHead(200, { "content-type": "application/octet-stream" });
        const chunk = Buffer.alloc(16 * 1024, 0x3c);
        const pump = () => {
          while (!res.destroyed && res.write(chunk));
        };
        res.on("drain", pump);
        return pump();
      }
      case "huge": {
        res.writeHead(200, { "content-type": "application/octet-stream", "content-length": String(act.bytes) });
        return void res.write(Buffer.alloc(64 * 1024, 0x41));
      }
      case "gzip-bomb": {
        const bomb = gzipSync(Buffer.alloc(act.inflated), { level: 9 });
        return void res.writeHead(200, { "content-type": act.contentType, "content-encoding": "gzip", "content-length": String(bomb.length) }).end(bomb);
      }
      case "slow-headers": {
        const text = Buffer.from("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nX-Slow: " + "a".repeat(10_000));
        let at = 0;
        return this.every(act.everyMs, () => void (at < text.length && sock.write(text.subarray(at, ++at))), sock);
      }
      case "slow-body": {
        const r = await real();
        const b = Buffer.from(r.body);
        res.writeHead(r.status, { ...r.headers, "content-length": String(b.length) });
        let at = 0;
        return this.every(act.everyMs, () => void (at < b.length - 1 && res.write(b.subarray(at, ++at))), sock);
      }
      case "no-answer":
        return;
      case "reset-before":
        return reset(sock);
      case "reset-mid": {
        const r = await real();
        const b = Buffer.from(r.body);
        res.writeHead(r.status, { ...r.headers, "content-length": String(b.length) });
        res.write(b.subarray(0, Math.floor(b.length / 2)), () => setTimeout(() => reset(sock), 20));
        return;
      }
      case "wrong-length": {
        const r = await real();
        const b = Buffer.from(r.body);
        res.writeHead(r.status, { ...r.headers, "content-length": String(b.length + act.extra) });
        res.write(b, () => setTimeout(() => sock.end(), 20));
        return;
      }
      case "http10-open": {
        const r = await real();
        const head = `HTTP/1.0 ${r.status} OK\r\n${Object.entries(r.headers)
          .filter(([k]) => k.toLowerCase() !== "content-length")
          .map(([k, v]) => `${k}: ${v}\r\n`)
          .join("")}\r\n`;
        sock.write(Buffer.concat([Buffer.from(head), Buffer.from(r.body)]));
        return; // the connection stays open: the body never ends
      }
      case "redirect":
        return void res.writeHead(act.status ?? 302, { location: act.to(this.urls, req.url ?? "/"), "content-length": "0" }).end();
    }
  }
}

/** A TCP RST on a plain socket; a TLS socket (whose handle is not TCP) is torn down at once instead. */
function reset(sock: Socket): void {
  const tcp = (sock as Socket & { _parent?: Socket })._parent ?? sock;
  try {
    tcp.resetAndDestroy();
  } catch {
    /* not a TCP handle */
  }
  sock.destroy();
}

/** The HTTPS listener's options for a TLS mode: a certificate from the reference CA unless the mode says otherwise. */
async function tlsOptions(reference: ReferenceServer, mode: TlsMode): Promise<import("node:https").ServerOptions> {
  const crypto = new NodeCrypto();
  const key = await crypto.generateKey("ec-p256");
  const keyPem = crypto.privateKeyPem(key);
  const serial = crypto.digest("sha256", key.spki).subarray(0, 8);
  const now = Date.now();
  const id = reference.scep.id;
  const names = { dns: ["localhost"], ip: ["127.0.0.1"] };
  let certPem: string;
  if (mode === "self-signed") {
    const self = createCaIdentity({ caKey: key }, crypto, now, "hostile self-signed server");
    certPem = toPem(self.ca.der);
  } else if (mode === "expired") {
    certPem = toPem(issueServerCertificate(id, key.spki, names, serial, now - 800 * 86_400_000, crypto).der);
  } else if (mode === "wrong-host") {
    certPem = toPem(issueServerCertificate(id, key.spki, { dns: ["mdm.wrong-host.example"], ip: [] }, serial, now, crypto).der);
  } else {
    certPem = toPem(issueServerCertificate(id, key.spki, names, serial, now, crypto).der);
  }
  return {
    cert: certPem + reference.caPem,
    key: keyPem,
    ca: [reference.caPem],
    requestCert: mode !== "renegotiate-client-cert",
    rejectUnauthorized: mode === "client-cert-required",
    ...(mode === "renegotiate-client-cert" ? { maxVersion: "TLSv1.2" as const, secureOptions: cryptoConstants.SSL_OP_NO_TICKET } : {}),
    ...(mode === "tls1.0-only" ? { minVersion: "TLSv1" as const, maxVersion: "TLSv1" as const, ciphers: "DEFAULT@SECLEVEL=0" } : {}),
  };
}
