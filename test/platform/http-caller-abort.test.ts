// SPDX-License-Identifier: MIT
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TransportError } from "../../src/errors/index.js";
import { RealClock } from "../../src/platform/node/clock.js";
import { NodeHttp } from "../../src/platform/node/http.js";

/** A loopback server that answers /fast at once and never answers /hang. */
let server: http.Server;
let base: string;
beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === "/fast") res.end("ok");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe("a caller's signal shared by many requests (one run-wide signal)", () => {
  it("aborts every request still waiting on it, and none that already finished; other signals are untouched", async () => {
    const port = new NodeHttp({ clock: new RealClock() });
    const run = new AbortController();
    const other = new AbortController();
    const clients = Array.from({ length: 20 }, () => port.client());
    // finished requests leave nothing waiting on the signal
    for (const c of clients.slice(0, 5)) expect((await c.request({ method: "GET", url: `${base}/fast`, signal: run.signal })).status).toBe(200);
    const hanging = clients.slice(5).map((c) => c.request({ method: "GET", url: `${base}/hang`, signal: run.signal }));
    const untouched = port.client().request({ method: "GET", url: `${base}/hang`, signal: other.signal, timeoutMs: 60_000 });
    run.abort(new Error("run interrupted"));
    const outcomes = await Promise.allSettled(hanging);
    for (const o of outcomes) {
      expect(o.status).toBe("rejected");
      const err = (o as PromiseRejectedResult).reason as TransportError;
      expect(err).toBeInstanceOf(TransportError);
      expect(err.kind).toBe("aborted");
      expect(err.message).toMatch(/aborted by the caller/);
    }
    // a request made after the abort is refused before sending
    await expect(clients[0]!.request({ method: "GET", url: `${base}/fast`, signal: run.signal })).rejects.toThrow(/aborted before sending/);
    other.abort();
    await expect(untouched).rejects.toThrow(/aborted by the caller/);
    await Promise.all(clients.map((c) => c.close()));
  });
});
