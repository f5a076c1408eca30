// SPDX-License-Identifier: MIT
/** Binds an {@link HttpHandler} to a node:http server: bounded bodies, 127.0.0.1 by default. */
import { createServer, type IncomingMessage, type Server } from "node:http";
import { createServer as createTlsServer } from "node:https";
import { constants as cryptoConstants } from "node:crypto";
import type { TLSSocket } from "node:tls";
import type { AddressInfo } from "node:net";
import type { HttpHandler } from "../ports/http.js";

export interface BoundServer {
  server: Server;
  url: string;
  port: number;
  close(): Promise<void>;
}

const MAX_BODY = 4 * 1024 * 1024;

function readBody(req: IncomingMessage, limit: number): Promise<Uint8Array | "too-large"> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        resolve("too-large");
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => resolve(new Uint8Array(Buffer.concat(chunks))));
    req.on("error", reject);
  });
}

export interface BindOptions {
  host?: string;
  port?: number;
  onError?: (err: unknown) => void;
  /**
   * Serve HTTPS with this identity. Client certificates are requested but not required: the
   * handler sees the presented one (if any) and decides, as MDM servers behind TLS do.
   */
  tls?: { certPem: string; keyPem: string; caPem: string[]; weak?: boolean };
  /**
   * With `tls`: the listener asks for a client certificate in the middle of each connection, as a reverse proxy or
   * IIS with a per-path client-certificate rule does: after reading a connection's first request it renegotiates
   * (TLS 1.2 HelloRequest, then a handshake with a CertificateRequest; the certificate stays optional) and only
   * then answers. TLS 1.2 at most: TLS 1.3 has no renegotiation (RFC 8446 §4.1.2), and its post-handshake
   * authentication (§4.6.2) has no Node API, so such a server negotiates TLS 1.2 (the `tls: client-cert-mid-connection` fault).
   */
  renegotiate?: boolean;
}

/** Sockets whose mid-connection certificate request was made (one per connection). */
const renegotiated = new WeakSet<object>();

/**
 * Renegotiates `socket` with a CertificateRequest (optional certificate). Settles on the new handshake's end, its
 * failure, or the socket closing (a client that drops the connection instead of answering); true when it completed.
 */
export function askCertificateMidConnection(socket: TLSSocket): Promise<boolean> {
  if (renegotiated.has(socket)) return Promise.resolve(!socket.destroyed);
  renegotiated.add(socket);
  return new Promise((resolve) => {
    const onClose = (): void => resolve(false);
    socket.once("close", onClose);
    const started = socket.renegotiate({ requestCert: true, rejectUnauthorized: false }, (err) => {
      socket.off("close", onClose);
      if (err) socket.destroy();
      resolve(!err);
    });
    if (!started) {
      socket.off("close", onClose);
      socket.destroy();
      resolve(false);
    }
  });
}

export async function bindHandler(handler: HttpHandler, options: BindOptions = {}): Promise<BoundServer> {
  const host = options.host ?? "127.0.0.1";
  const listener = async (req: IncomingMessage, res: import("node:http").ServerResponse) => {
    try {
      const body = await readBody(req, MAX_BODY);
      if (body === "too-large") {
        res.writeHead(413, { "content-type": "text/plain", connection: "close" }).end("request body too large\n");
        return;
      }
      if (options.renegotiate && options.tls && !(await askCertificateMidConnection(req.socket as TLSSocket))) return;
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(", ") : v;
      const out = await handler({
        method: (req.method ?? "GET") as "GET",
        url: req.url ?? "/",
        headers,
        body: body.length ? body : undefined,
        remoteAddress: req.socket.remoteAddress,
        tls: options.tls ? lazyPeer(req) : undefined,
      });
      res.writeHead(out.status, { ...out.headers, "content-length": String(out.body.length) });
      res.end(Buffer.from(out.body.buffer, out.body.byteOffset, out.body.byteLength));
    } catch (err) {
      options.onError?.(err);
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end("internal error in the reference server\n");
    }
  };
  const server: Server = options.tls
    ? (createTlsServer(
        {
          cert: options.tls.certPem,
          key: options.tls.keyPem,
          ca: options.tls.caPem,
          // A renegotiating listener asks for the certificate only mid-connection (askCertificateMidConnection).
          requestCert: options.renegotiate !== true,
          // No session tickets there: the renegotiation would resume the connection's session (Node 20 and OpenSSL 3
          // resume it from the ticket the client offers) and send no CertificateRequest at all.
          ...(options.renegotiate ? { maxVersion: "TLSv1.2" as const, secureOptions: cryptoConstants.SSL_OP_NO_TICKET } : {}),
          // A chain configured with a SHA-1 signature or a 1024-bit RSA key (embedded.tls: what a
          // misconfigured real server presents) loads only at OpenSSL security level 0.
          ...(options.tls.weak ? { ciphers: "DEFAULT:@SECLEVEL=0" } : {}),
          // Client certificates are optional at the TLS layer; halves verify them (MDM mTLS).
          rejectUnauthorized: false,
        },
        listener,
      ) as unknown as Server)
    : createServer(listener);
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(":") ? `[${host}]` : host;
  return {
    server,
    port,
    url: `${options.tls ? "https" : "http"}://${shownHost}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * `req.tls` whose client certificate is read only when a handler asks for it: most HTTPS requests
 * (profile downloads, discovery, policy) never do, and reading it is ~4 % of the server's CPU.
 */
export function lazyPeer(req: IncomingMessage): { readonly peerCertificateDer: Uint8Array | undefined } {
  let read = false;
  let der: Uint8Array | undefined;
  return {
    get peerCertificateDer() {
      if (!read) {
        read = true;
        der = peerCertificate(req);
      }
      return der;
    },
  };
}

/**
 * The client certificate of a TLS connection, read once per socket (not per request), always from
 * that socket's own TLS session (nothing is carried between connections, so a resumed session is
 * never attributed to another device). Which Node call is cheaper depends on the handshake:
 * measured on Node 20 on the bench machine, per mTLS connection, both calls alternated in one
 * process (docs/performance.md "Server CPU per steady check-in"):
 *
 * - full handshake: `getPeerCertificate(false).raw` ≈ 0.04 ms, `getPeerX509Certificate().raw` ≈ 0.15 ms;
 * - resumed session (every steady check-in): `getPeerCertificate(false)` ≈ 0.09 ms (it builds the
 *   whole JS object: names, fingerprints, modulus), `getPeerX509Certificate().raw` ≈ 0.03 ms.
 *
 * Both give the same DER bytes (test/server/http-peer.test.ts).
 */
const peerCache = new WeakMap<object, Uint8Array | null>();
function peerCertificate(req: IncomingMessage): Uint8Array | undefined {
  const socket = req.socket as TLSSocket;
  if (typeof socket.getPeerCertificate !== "function") return undefined;
  let der = peerCache.get(socket);
  if (der === undefined) {
    const raw = socket.isSessionReused() ? socket.getPeerX509Certificate()?.raw : (socket.getPeerCertificate(false) as { raw?: Buffer } | null)?.raw;
    der = raw?.length ? new Uint8Array(raw) : null;
    peerCache.set(socket, der);
  }
  return der ?? undefined;
}
