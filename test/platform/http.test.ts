// SPDX-License-Identifier: MIT
import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ScenarioError, TransportError } from "../../src/errors/index.js";
import { RealClock } from "../../src/platform/node/clock.js";
import { NodeHttp } from "../../src/platform/node/http.js";
import { VirtualClock } from "../../src/platform/virtual/clock.js";
import { InMemoryHttp } from "../../src/platform/virtual/http.js";
import type { Clock, Timer } from "../../src/ports/clock.js";
import type { HttpRequest, HttpResponse } from "../../src/ports/http.js";

const run = promisify(execFile);

/** A real clock that counts timers not yet fired or cancelled. */
class CountingClock implements Clock {
  private readonly inner = new RealClock();
  pending = 0;
  now(): number {
    return this.inner.now();
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return this.inner.sleep(ms, signal);
  }
  setTimer(ms: number, fn: () => void): Timer {
    this.pending++;
    let live = true;
    const done = () => {
      if (live) this.pending--;
      live = false;
    };
    const t = this.inner.setTimer(ms, () => {
      done();
      fn();
    });
    return {
      cancel: () => {
        done();
        t.cancel();
      },
    };
  }
}

interface TestServer {
  url: string;
  port: number;
  /** Connections accepted so far. */
  connections: number;
  /** Resolves once every connection accepted so far has closed (fails after 2 s). */
  allClosed(): Promise<void>;
  close(): Promise<void>;
}

const servers = new Set<TestServer>();

async function serve(
  handler: http.RequestListener,
  tlsOptions?: https.ServerOptions,
): Promise<TestServer> {
  const server: net.Server = tlsOptions ? https.createServer(tlsOptions, handler) : http.createServer(handler);
  const sockets = new Set<net.Socket>();
  const closes: Promise<void>[] = [];
  let connections = 0;
  server.on("connection", (s: net.Socket) => {
    connections++;
    sockets.add(s);
    closes.push(new Promise((r) => s.once("close", () => (sockets.delete(s), r()))));
  });
  server.on("tlsClientError", () => {});
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as net.AddressInfo).port;
  const ts: TestServer = {
    url: `${tlsOptions ? "https" : "http"}://127.0.0.1:${port}`,
    port,
    get connections() {
      return connections;
    },
    async allClosed() {
      let timer: NodeJS.Timeout | undefined;
      const limit = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${sockets.size} server socket(s) still open`)), 2000);
      });
      try {
        await Promise.race([Promise.all(closes), limit]);
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      servers.delete(ts);
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  servers.add(ts);
  return ts;
}

async function failure(p: Promise<unknown>): Promise<TransportError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TransportError);
  return err as TransportError;
}

const text = (r: HttpResponse) => Buffer.from(r.body).toString("utf8");
const allBytes = Uint8Array.from({ length: 256 }, (_, i) => i);

function resourceCounts(): Record<string, number> {
  const counts: Record<string, number> = { TCPWRAP: 0, TLSWRAP: 0, Timeout: 0 };
  for (const r of process.getActiveResourcesInfo()) if (r in counts) counts[r]!++;
  return counts;
}

let baseline: Record<string, number>;
let clock = new CountingClock();
let port = new NodeHttp({ clock });

beforeAll(() => {
  baseline = resourceCounts();
});

afterEach(() => {
  const pending = clock.pending;
  clock = new CountingClock();
  port = new NodeHttp({ clock });
  // Every exchange cancels or fires its deadline (and grace timer) before it settles.
  expect(pending, "timers left pending by the test's requests").toBe(0);
});

describe("NodeHttp over loopback HTTP", () => {
  it("round-trips a GET with headers and a binary body", async () => {
    const seen: http.IncomingHttpHeaders[] = [];
    const srv = await serve((req, res) => {
      seen.push(req.headers);
      res.setHeader("X-Upper", "1");
      res.setHeader("Set-Cookie", ["a=1", "b=2"]);
      res.setHeader("X-Seen-Url", req.url ?? "");
      res.end(Buffer.from(allBytes));
    });
    const client = port.client();
    const r = await client.request({ method: "GET", url: `${srv.url}/scep?operation=GetCACaps`, headers: { "X-Device": "d1" } });
    expect(r.status).toBe(200);
    expect(r.body).toEqual(allBytes);
    expect(r.body).toBeInstanceOf(Uint8Array);
    expect(r.headers["x-upper"]).toBe("1");
    expect(r.headers["set-cookie"]).toBe("a=1, b=2");
    expect(r.headers["x-seen-url"]).toBe("/scep?operation=GetCACaps");
    expect(Object.keys(r.headers).every((k) => k === k.toLowerCase())).toBe(true);
    expect(r.url).toBe(`${srv.url}/scep?operation=GetCACaps`);
    expect(seen[0]!["x-device"]).toBe("d1");
    expect(seen[0]!.connection).toBe("close");
    await client.close();
    await srv.close();
  });

  it("POSTs a binary body with its content-length", async () => {
    const payload = new Uint8Array(randomBytes(70_000));
    let declared: string | undefined;
    const srv = await serve((req, res) => {
      declared = req.headers["content-length"];
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const got = Buffer.concat(chunks);
        res.setHeader("X-Digest", createHash("sha256").update(got).digest("hex"));
        res.end(got);
      });
    });
    const client = port.client();
    const r = await client.request({
      method: "POST",
      url: `${srv.url}/scep?operation=PKIOperation`,
      headers: { "Content-Type": "application/x-pki-message", "Content-Length": "3" },
      body: payload,
    });
    expect(declared).toBe("70000");
    expect(r.headers["x-digest"]).toBe(createHash("sha256").update(payload).digest("hex"));
    expect(r.body).toEqual(payload);
    await srv.close();
  });

  it("returns 4xx and 5xx as responses and never follows redirects", async () => {
    let followed = 0;
    const srv = await serve((req, res) => {
      if (req.url === "/missing") res.writeHead(404).end("nope");
      else if (req.url === "/busy") res.writeHead(503, { "Retry-After": "7" }).end("later");
      else if (req.url === "/moved") res.writeHead(302, { Location: "/elsewhere" }).end();
      else {
        followed++;
        res.end("followed");
      }
    });
    const client = port.client();
    const missing = await client.request({ method: "GET", url: `${srv.url}/missing` });
    expect([missing.status, text(missing)]).toEqual([404, "nope"]);
    const busy = await client.request({ method: "GET", url: `${srv.url}/busy` });
    expect([busy.status, busy.headers["retry-after"], text(busy)]).toEqual([503, "7", "later"]);
    const moved = await client.request({ method: "GET", url: `${srv.url}/moved` });
    expect([moved.status, moved.headers.location]).toEqual([302, "/elsewhere"]);
    expect(followed).toBe(0);
    await srv.close();
  });

  it("reads a body delimited by the connection closing", async () => {
    const raw = net.createServer((s) => {
      s.once("data", () => s.end("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nhello, device"));
    });
    await new Promise<void>((r) => raw.listen(0, "127.0.0.1", r));
    const { port: p } = raw.address() as net.AddressInfo;
    const r = await port.client().request({ method: "GET", url: `http://127.0.0.1:${p}/` });
    expect(text(r)).toBe("hello, device");
    await new Promise<void>((r) => raw.close(() => r()));
  });

  it("rejects a declared content-length over maxBytes without reading the body", async () => {
    const srv = await serve((_req, res) => {
      res.writeHead(200, { "Content-Length": String(10_000_000) });
      res.write(Buffer.alloc(16 * 1024)); // and never more: the client must not wait for it
    });
    const start = Date.now();
    const err = await failure(port.client().request({ method: "GET", url: `${srv.url}/big`, maxBytes: 1024, timeoutMs: 5000 }));
    expect(err.kind).toBe("too-large");
    expect(err.message).toContain(`GET ${srv.url}/big`);
    expect(err.message).toContain("10000000");
    expect(Date.now() - start).toBeLessThan(2000);
    await srv.allClosed();
    await srv.close();
  });

  it("stops a chunked body without length once it passes maxBytes", async () => {
    let written = 0;
    const srv = await serve((_req, res) => {
      const chunk = Buffer.alloc(16 * 1024, 7);
      const pump = () => {
        while (!res.destroyed) {
          written += chunk.length;
          if (!res.write(chunk)) break;
        }
      };
      res.on("drain", pump);
      res.writeHead(200);
      pump();
    });
    const err = await failure(
      port.client().request({ method: "GET", url: `${srv.url}/endless`, maxBytes: 100_000, timeoutMs: 5000 }),
    );
    expect(err.kind).toBe("too-large");
    expect(err.message).toContain("100000-byte limit");
    await srv.allClosed();
    expect(written).toBeGreaterThan(100_000);
    await srv.close();
  });

  it("times out when the server never sends headers", async () => {
    let arrived = 0;
    const srv = await serve(() => void arrived++);
    const start = Date.now();
    const err = await failure(port.client().request({ method: "GET", url: `${srv.url}/stall`, timeoutMs: 200 }));
    const elapsed = Date.now() - start;
    expect(err.kind).toBe("timeout");
    expect(err.message).toBe(`GET ${srv.url}/stall: no complete response within 200 ms`);
    expect(arrived).toBe(1);
    expect(elapsed).toBeGreaterThanOrEqual(190);
    expect(elapsed).toBeLessThan(2000);
    await srv.allClosed(); // the client closed its end: nothing was left behind
    await srv.close();
  });

  it("times out on a never-ending body, and on one trickling a byte at a time", async () => {
    const srv = await serve((req, res) => {
      res.writeHead(200, { "Content-Type": "application/octet-stream" });
      res.write("first chunk");
      if (req.url === "/trickle") {
        const t = setInterval(() => res.write("."), 40);
        res.on("close", () => clearInterval(t));
      }
    });
    const client = port.client();
    const start = Date.now();
    const stalled = await failure(client.request({ method: "GET", url: `${srv.url}/stall`, timeoutMs: 200 }));
    expect(stalled.kind).toBe("timeout");
    expect(Date.now() - start).toBeLessThan(2000);
    const trickleStart = Date.now();
    const trickle = await failure(client.request({ method: "GET", url: `${srv.url}/trickle`, timeoutMs: 300 }));
    expect(trickle.kind).toBe("timeout"); // a whole-exchange deadline, not an idle timeout
    expect(Date.now() - trickleStart).toBeLessThan(2000);
    await srv.allClosed();
    await srv.close();
  });

  it("measures the deadline on the injected clock", async () => {
    const virtual = new VirtualClock();
    let arrived!: () => void;
    const received = new Promise<void>((r) => (arrived = r));
    const srv = await serve(() => arrived());
    const t0 = virtual.now();
    const pending = new NodeHttp({ clock: virtual }).client().request({ method: "GET", url: `${srv.url}/` });
    let outcome: unknown;
    pending.then(
      () => (outcome = "resolved"),
      (e: unknown) => (outcome = e),
    );
    await received;
    await virtual.advance(29_999);
    expect(outcome).toBeUndefined();
    await virtual.advance(1);
    await pending.catch(() => {});
    expect(outcome).toBeInstanceOf(TransportError);
    expect((outcome as TransportError).kind).toBe("timeout");
    expect(virtual.now() - t0).toBe(30_000);
    expect(virtual.pendingTimers).toBe(0);
    await srv.allClosed();
    await srv.close();
  });

  it("reports a refused port as refused", async () => {
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
    const { port: p } = probe.address() as net.AddressInfo;
    await new Promise<void>((r) => probe.close(() => r()));
    const err = await failure(port.client().request({ method: "POST", url: `http://127.0.0.1:${p}/x`, body: allBytes }));
    expect(err.kind).toBe("refused");
    expect(err.message).toContain(`POST http://127.0.0.1:${p}/x`);
    expect(err.code).toBe("transport.refused");
  });

  it("reports a connection cut mid-body as reset", async () => {
    const srv = await serve((_req, res) => {
      res.writeHead(200, { "Content-Length": "100" });
      res.write("ten bytes!", () => res.socket?.destroy());
    });
    const err = await failure(port.client().request({ method: "GET", url: `${srv.url}/cut` }));
    expect(err.kind).toBe("reset");
    await srv.close();
  });

  it("aborts on the caller's signal, before or during the exchange", async () => {
    let arrived!: () => void;
    const received = new Promise<void>((r) => (arrived = r));
    const srv = await serve(() => arrived());
    const client = port.client();
    const early = await failure(client.request({ method: "GET", url: srv.url, signal: AbortSignal.abort() }));
    expect(early.kind).toBe("aborted");
    expect(srv.connections).toBe(0);
    const ac = new AbortController();
    const pending = client.request({ method: "GET", url: srv.url, signal: ac.signal });
    await received;
    ac.abort(new Error("device powered off"));
    const err = await failure(pending);
    expect(err.kind).toBe("aborted");
    await srv.allClosed();
    await srv.close();
  });

  it("rejects bad input with typed errors", async () => {
    const client = port.client();
    expect((await failure(client.request({ method: "GET", url: "not a url" }))).kind).toBe("other");
    expect((await failure(client.request({ method: "GET", url: "ftp://127.0.0.1/" }))).message).toContain("unsupported scheme");
    const bad = await client.request({ method: "GET", url: "http://127.0.0.1:1/", timeoutMs: -1 }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ScenarioError);
    expect(() => port.client({ tls: { ca: ["not a certificate"] } })).toThrow(ScenarioError);
  });

  it("opens and closes a connection per request by default", async () => {
    const srv = await serve((_req, res) => res.end("ok"));
    const client = port.client();
    for (let i = 0; i < 3; i++) expect(text(await client.request({ method: "GET", url: srv.url }))).toBe("ok");
    expect(srv.connections).toBe(3);
    await srv.allClosed(); // closed by the client although the server would keep them alive
    await srv.close();
  });

  it("reuses one connection with keepAlive and releases it on close()", async () => {
    const srv = await serve((_req, res) => res.end("ok"));
    const client = port.client({ keepAlive: true });
    for (let i = 0; i < 3; i++) expect(text(await client.request({ method: "GET", url: srv.url }))).toBe("ok");
    expect(srv.connections).toBe(1);
    await client.close();
    await srv.allClosed();
    await client.close(); // idempotent
    expect((await failure(client.request({ method: "GET", url: srv.url }))).kind).toBe("aborted");
    await srv.close();
  });

  it("close() aborts requests in flight", async () => {
    let arrived!: () => void;
    const received = new Promise<void>((r) => (arrived = r));
    const srv = await serve(() => arrived());
    const client = port.client({ keepAlive: true });
    const pending = client.request({ method: "GET", url: srv.url });
    await received;
    await client.close();
    const err = await failure(pending);
    expect([err.kind, err.message]).toEqual(["aborted", `GET ${srv.url}: the HTTP client was closed`]);
    await srv.allClosed();
    await srv.close();
  });
});

describe("NodeHttp over loopback HTTPS", () => {
  let dir: string;
  const pem: Record<string, string> = {};

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "enrollsim-http-"));
    const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2"];
    const selfSigned = (name: string, cn: string) =>
      run("openssl", ["req", "-x509", ...ec, "-subj", `/CN=${cn}`, "-addext", "subjectAltName=IP:127.0.0.1",
        "-keyout", join(dir, `${name}.key`), "-out", join(dir, `${name}.pem`)]);
    await selfSigned("server", "localhost");
    await selfSigned("other", "someone-else");
    await run("openssl", ["req", "-x509", ...ec, "-subj", "/CN=Test Device CA",
      "-keyout", join(dir, "ca.key"), "-out", join(dir, "ca.pem")]);
    await run("openssl", ["req", "-x509", ...ec, "-subj", "/CN=device-17", "-CA", join(dir, "ca.pem"),
      "-CAkey", join(dir, "ca.key"), "-addext", "extendedKeyUsage=clientAuth", "-addext", "basicConstraints=critical,CA:FALSE",
      "-keyout", join(dir, "client.key"), "-out", join(dir, "client.pem")]);
    for (const f of ["server", "other", "ca", "client"]) {
      pem[`${f}.pem`] = await readFile(join(dir, `${f}.pem`), "utf8");
      pem[`${f}.key`] = await readFile(join(dir, `${f}.key`), "utf8");
    }
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const hello: http.RequestListener = (_req, res) => res.end("hello over tls");

  it("refuses an untrusted server with a tls error carrying the OpenSSL reason", async () => {
    const srv = await serve(hello, { cert: pem["server.pem"], key: pem["server.key"] });
    const err = await failure(port.client().request({ method: "GET", url: `${srv.url}/` }));
    expect(err.kind).toBe("tls");
    expect(err.message).toBe(`GET ${srv.url}/: TLS failure (DEPTH_ZERO_SELF_SIGNED_CERT): self-signed certificate`);
    await srv.close();
  });

  it("trusts a server through tls.ca, without changing other clients' trust", async () => {
    const srv = await serve(hello, { cert: pem["server.pem"], key: pem["server.key"] });
    const trusting = port.client({ tls: { ca: [pem["server.pem"]!] } });
    expect(text(await trusting.request({ method: "GET", url: `${srv.url}/` }))).toBe("hello over tls");
    expect((await failure(port.client().request({ method: "GET", url: `${srv.url}/` }))).kind).toBe("tls");
    const replaced = port.client({ tls: { ca: [pem["server.pem"]!], replaceRoots: true } });
    expect((await replaced.request({ method: "GET", url: `${srv.url}/` })).status).toBe(200);
    const wrongRoot = port.client({ tls: { ca: [pem["other.pem"]!], replaceRoots: true } });
    expect((await failure(wrongRoot.request({ method: "GET", url: `${srv.url}/` }))).kind).toBe("tls");
    await srv.close();
  });

  it("skips verification only when insecure is set", async () => {
    const srv = await serve(hello, { cert: pem["server.pem"], key: pem["server.key"] });
    const r = await port.client({ tls: { insecure: true } }).request({ method: "GET", url: `${srv.url}/` });
    expect(text(r)).toBe("hello over tls");
    await srv.close();
  });

  it("presents the mTLS identity, and fails without one", async () => {
    const srv = await serve(
      (req, res) => res.end((req.socket as import("node:tls").TLSSocket).getPeerCertificate().subject?.CN ?? "anonymous"),
      { cert: pem["server.pem"], key: pem["server.key"], ca: pem["ca.pem"], requestCert: true, rejectUnauthorized: true },
    );
    const tls = { ca: [pem["server.pem"]!] };
    const device = port.client({ tls: { ...tls, identity: { certPem: pem["client.pem"]!, keyPem: pem["client.key"]! } } });
    expect(text(await device.request({ method: "GET", url: `${srv.url}/checkin` }))).toBe("device-17");
    const anonymous = await failure(port.client({ tls }).request({ method: "GET", url: `${srv.url}/checkin` }));
    expect(["tls", "reset"]).toContain(anonymous.kind);
    if (anonymous.kind === "tls") expect(anonymous.message).toMatch(/: TLS failure \(\w+\): .*certificate required$/);
    await srv.close();
  });

  it("rejects a malformed identity when the client is created", () => {
    expect(() => port.client({ tls: { identity: { certPem: pem["client.pem"]!, keyPem: "garbage" } } })).toThrow(
      /keyPem/,
    );
    expect(() => port.client({ tls: { identity: { certPem: pem["client.pem"]!, keyPem: pem["other.key"]! } } })).toThrow(
      ScenarioError,
    );
  });
});

describe("InMemoryHttp on the virtual clock", () => {
  const vclock = () => new VirtualClock();

  it("hands the handler a deep copy and returns its response", async () => {
    const clock = vclock();
    let seen: HttpRequest | undefined;
    const memory = new InMemoryHttp({
      clock,
      handler: {
        "https://mdm.example": async (req) => {
          seen = req;
          return { status: 201, headers: { "X-Answer": "42" }, body: req.body ?? new Uint8Array(), url: req.url };
        },
      },
    });
    const body = Uint8Array.of(1, 2, 3);
    const pending = memory.client().request({ method: "POST", url: "https://mdm.example/enroll", headers: { "X-Device": "d" }, body });
    body[0] = 99; // the caller's later changes do not reach the server
    const r = await clock.run(pending);
    expect(seen!.body).toEqual(Uint8Array.of(1, 2, 3));
    expect(seen!.headers).toMatchObject({ "x-device": "d", "content-length": "3", host: "mdm.example" });
    expect([r.status, r.headers["x-answer"], r.url]).toEqual([201, "42", "https://mdm.example/enroll"]);
    seen!.body![1] = 77; // nor the server's to the response
    expect(r.body).toEqual(Uint8Array.of(1, 2, 3));
    const other = await failure(clock.run(memory.client().request({ method: "GET", url: "https://other.example/" })));
    expect(other.kind).toBe("refused");
  });

  it("times out a handler that never answers when virtual time reaches the deadline", async () => {
    const clock = vclock();
    const memory = new InMemoryHttp({ clock, handler: () => new Promise<HttpResponse>(() => {}) });
    const t0 = clock.now();
    const err = await failure(clock.run(memory.client().request({ method: "GET", url: "http://scep.example/scep" })));
    expect(err.kind).toBe("timeout");
    expect(clock.now() - t0).toBe(30_000);
    expect(clock.pendingTimers).toBe(0);

    let outcome: unknown;
    const slow = memory.client().request({ method: "GET", url: "http://scep.example/scep", timeoutMs: 5_000 });
    slow.then(() => (outcome = "resolved"), (e: unknown) => (outcome = e));
    await clock.advance(4_999);
    expect(outcome).toBeUndefined();
    await clock.advance(1);
    expect((outcome as TransportError).kind).toBe("timeout");
  });

  it("applies maxBytes, aborts, closes, and maps handler failures", async () => {
    const clock = vclock();
    const memory = new InMemoryHttp({
      clock,
      handler: async (req) => {
        if (req.url.endsWith("/big")) return { status: 200, headers: {}, body: new Uint8Array(2048), url: req.url };
        if (req.url.endsWith("/refuse")) throw new TransportError("refused", "simulated refusal");
        if (req.url.endsWith("/crash")) throw new Error("boom");
        return new Promise<HttpResponse>(() => {});
      },
    });
    const client = memory.client();
    expect((await failure(clock.run(client.request({ method: "GET", url: "http://s/big", maxBytes: 1024 })))).kind).toBe("too-large");
    expect((await failure(clock.run(client.request({ method: "GET", url: "http://s/refuse" })))).message).toBe("simulated refusal");
    const crash = await failure(clock.run(client.request({ method: "GET", url: "http://s/crash" })));
    expect([crash.kind, crash.message]).toEqual(["reset", "GET http://s/crash: in-memory server failed: boom"]);
    const ac = new AbortController();
    const aborted = client.request({ method: "GET", url: "http://s/hang", signal: ac.signal });
    ac.abort();
    expect((await failure(aborted)).kind).toBe("aborted");
    const hanging = client.request({ method: "GET", url: "http://s/hang" });
    await client.close();
    expect((await failure(hanging)).kind).toBe("aborted");
    expect(clock.pendingTimers).toBe(0);
  });
});

describe("resources", () => {
  it("leaves no sockets or timers behind once the test servers are closed", async () => {
    for (const s of [...servers]) await s.close();
    await new Promise((r) => setImmediate(r));
    const now = resourceCounts();
    for (const kind of ["TCPWRAP", "TLSWRAP", "Timeout"]) expect(now[kind], kind).toBeLessThanOrEqual(baseline[kind]!);
  });
});
