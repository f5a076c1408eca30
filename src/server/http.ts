// SPDX-License-Identifier: MIT
/** Binds an {@link HttpHandler} to a node:http server: bounded bodies, 127.0.0.1 by default. */
import { createServer, type IncomingMessage, type Server } from "node:http";
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

export async function bindHandler(handler: HttpHandler, options: { host?: string; port?: number; onError?: (err: unknown) => void } = {}): Promise<BoundServer> {
  const host = options.host ?? "127.0.0.1";
  const server = createServer(async (req, res) => {
    try {
      const body = await readBody(req, MAX_BODY);
      if (body === "too-large") {
        res.writeHead(413, { "content-type": "text/plain", connection: "close" }).end("request body too large\n");
        return;
      }
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(", ") : v;
      const out = await handler({
        method: (req.method ?? "GET") as "GET",
        url: req.url ?? "/",
        headers,
        body: body.length ? body : undefined,
        remoteAddress: req.socket.remoteAddress,
      });
      res.writeHead(out.status, { ...out.headers, "content-length": String(out.body.length) });
      res.end(Buffer.from(out.body.buffer, out.body.byteOffset, out.body.byteLength));
    } catch (err) {
      options.onError?.(err);
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end("internal error in the reference server\n");
    }
  });
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
    url: `http://${shownHost}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
