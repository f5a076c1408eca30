// SPDX-License-Identifier: MIT
/**
 * Connections as devices use them (issue 14 #3), over real loopback sockets:
 * - a device's TLS session is resumed from its OWN cache by its next client (the server's
 *   `tlsSocket.isSessionReused()` says so, and the resumed connection still authenticates the
 *   device's certificate); another device never offers or receives that session;
 * - a kept-alive connection that sits idle is closed after the idle timeout, on the injected
 *   (virtual) clock, and `close()` ends the rest: no socket or timer outlives the client.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import http from "node:http";
import https from "node:https";
import type net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TLSSocket } from "node:tls";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RealClock } from "../../src/platform/node/clock.js";
import { NodeHttp } from "../../src/platform/node/http.js";
import { VirtualClock } from "../../src/platform/virtual/clock.js";
import { DEFAULT_IDLE_TIMEOUT_MS, tlsSessionCache, type TlsSessionCache } from "../../src/ports/http.js";

const run = promisify(execFile);
let dir: string;
const pem: Record<string, string> = {};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "enrollsim-sessions-"));
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2"];
  await run("openssl", ["req", "-x509", ...ec, "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", join(dir, "server.key"), "-out", join(dir, "server.pem")]);
  await run("openssl", ["req", "-x509", ...ec, "-subj", "/CN=Test Device CA", "-keyout", join(dir, "ca.key"), "-out", join(dir, "ca.pem")]);
  for (const d of ["device-1", "device-2"]) {
    await run("openssl", ["req", "-x509", ...ec, "-subj", `/CN=${d}`, "-CA", join(dir, "ca.pem"), "-CAkey", join(dir, "ca.key"), "-addext", "extendedKeyUsage=clientAuth", "-keyout", join(dir, `${d}.key`), "-out", join(dir, `${d}.pem`)]);
  }
  for (const f of ["server", "ca", "device-1", "device-2"]) {
    pem[`${f}.pem`] = await readFile(join(dir, `${f}.pem`), "utf8");
    pem[`${f}.key`] = await readFile(join(dir, `${f}.key`), "utf8");
  }
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A cache that also records what was stored in it. */
function recordingCache(): TlsSessionCache & { stored: Buffer[] } {
  const inner = tlsSessionCache();
  const stored: Buffer[] = [];
  return {
    stored,
    get: (k) => inner.get(k),
    set: (k, s) => (stored.push(Buffer.from(s)), inner.set(k, s)),
    sweep: () => inner.sweep(),
    get size() {
      return inner.size;
    },
  };
}

describe("TLS session resumption per device", () => {
  it("resumes a device's session from its own cache, authenticates it again, and never across devices", async () => {
    const seen: { reused: boolean; cn: string }[] = [];
    const server = https.createServer({ cert: pem["server.pem"], key: pem["server.key"], ca: pem["ca.pem"], requestCert: true, rejectUnauthorized: true }, (req, res) => {
      const s = req.socket as TLSSocket;
      seen.push({ reused: s.isSessionReused(), cn: String(s.getPeerCertificate().subject?.CN) });
      res.end("ok");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `https://127.0.0.1:${(server.address() as net.AddressInfo).port}/checkin`;
    const port = new NodeHttp({ clock: new RealClock() });
    const caches = { "device-1": recordingCache(), "device-2": recordingCache() };
    // Each check-in is a new client (as the flows build one per check-in), closed at its end.
    const checkin = async (d: "device-1" | "device-2", keepAlive = true) => {
      const c = port.client({ tls: { ca: [pem["server.pem"]!], identity: { certPem: pem[`${d}.pem`]!, keyPem: pem[`${d}.key`]! } }, keepAlive, sessions: caches[d] });
      await c.request({ method: "POST", url, body: new Uint8Array([1]) });
      await c.close();
    };
    try {
      await checkin("device-1");
      await checkin("device-2"); // device-1's session is cached for the same origin: device-2 must not get it
      await checkin("device-1");
      await checkin("device-2", false); // connection per request resumes from the same cache
      expect(seen).toEqual([
        { reused: false, cn: "device-1" },
        { reused: false, cn: "device-2" },
        { reused: true, cn: "device-1" },
        { reused: true, cn: "device-2" },
      ]);
      expect(port.tlsStats).toMatchObject({ full: 2, resumed: 2 });
      // No ticket ever sits in both devices' caches.
      const one = new Set(caches["device-1"].stored.map((b) => b.toString("base64")));
      expect(caches["device-1"].stored.length).toBeGreaterThan(0);
      expect(caches["device-2"].stored.length).toBeGreaterThan(0);
      for (const b of caches["device-2"].stored) expect(one.has(b.toString("base64"))).toBe(false);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it("keeps sessions per client identity: a device's anonymous session is not offered for its mTLS connection", async () => {
    const seen: boolean[] = [];
    const server = https.createServer({ cert: pem["server.pem"], key: pem["server.key"], ca: pem["ca.pem"], requestCert: true, rejectUnauthorized: false }, (req, res) => {
      seen.push((req.socket as TLSSocket).isSessionReused());
      res.end("ok");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `https://127.0.0.1:${(server.address() as net.AddressInfo).port}/`;
    const port = new NodeHttp({ clock: new RealClock() });
    const cache = tlsSessionCache();
    try {
      const anon = port.client({ tls: { ca: [pem["server.pem"]!] }, keepAlive: true, sessions: cache });
      await anon.request({ method: "GET", url });
      await anon.close();
      const mtls = port.client({ tls: { ca: [pem["server.pem"]!], identity: { certPem: pem["device-1.pem"]!, keyPem: pem["device-1.key"]! } }, keepAlive: true, sessions: cache });
      await mtls.request({ method: "GET", url });
      await mtls.close();
      expect(seen).toEqual([false, false]);
      expect(cache.size).toBe(2);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

describe("a device's session cache keeps what it uses", () => {
  it("sweep drops the sessions no connection offered or saved since the previous sweep", () => {
    const c = tlsSessionCache();
    c.set("https://mdm:443/|-", new Uint8Array([1])); // profile download (anonymous)
    c.set("https://mdm:443/|id", new Uint8Array([2])); // check-in (mTLS)
    expect(c.sweep()).toEqual([]); // both used during the enrolment
    expect(c.get("https://mdm:443/|id")).toEqual(new Uint8Array([2])); // the check-in offers its session
    expect(c.get("https://other:443/|-")).toBeUndefined(); // a miss uses nothing
    expect(c.sweep()).toEqual(["https://mdm:443/|-"]);
    expect(c.size).toBe(1);
    c.set("https://mdm:443/|id", new Uint8Array([3])); // a check-in that saved a fresh session keeps it too
    expect(c.sweep()).toEqual([]);
    expect(c.sweep()).toEqual(["https://mdm:443/|id"]); // unused for a whole round: dropped
    expect(c.size).toBe(0);
  });

  it("drops the oldest beyond its capacity, moves a re-saved key to the newest, and keeps each entry's use across removals", () => {
    const c = tlsSessionCache(3);
    const s = (n: number) => new Uint8Array([n]);
    c.set("a", s(1));
    c.set("b", s(2));
    c.set("c", s(3));
    c.set("a", s(4)); // re-saved: now the newest
    c.set("d", s(5)); // over capacity: "b", the oldest, goes
    expect([c.get("b"), c.get("c"), c.get("a"), c.get("d")]).toEqual([undefined, s(3), s(4), s(5)]);
    expect(c.bytes).toBe(3);
    expect(c.sweep()).toEqual([]); // all three used in this round
    expect(c.get("a")).toEqual(s(4)); // only "a" (the middle entry) used in the next round
    expect(c.sweep()).toEqual(["c", "d"]);
    expect(c.get("a")).toEqual(s(4));
    c.set("e", s(6));
    expect(c.sweep()).toEqual([]);
    expect(c.size).toBe(2);
    expect(() => tlsSessionCache(0)).toThrow(RangeError);
    expect(() => tlsSessionCache(31)).toThrow(RangeError);
  });
});

describe("idle keep-alive connections", () => {
  it("reuses one connection within the session and closes it after the idle timeout, on the virtual clock", async () => {
    const sockets = new Set<net.Socket>();
    let connections = 0;
    const server = http.createServer((_req, res) => res.end("ok"));
    server.keepAliveTimeout = 10 * DEFAULT_IDLE_TIMEOUT_MS; // the client, not the server, must close it
    server.on("connection", (s: net.Socket) => {
      connections++;
      sockets.add(s);
      s.once("close", () => sockets.delete(s));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/`;
    const clock = new VirtualClock();
    const client = new NodeHttp({ clock }).client({ keepAlive: true });
    try {
      for (let i = 0; i < 3; i++) await client.request({ method: "GET", url });
      expect(connections).toBe(1);
      expect(sockets.size).toBe(1);
      await clock.advance(DEFAULT_IDLE_TIMEOUT_MS - 1);
      expect(sockets.size).toBe(1); // not yet idle long enough
      await client.request({ method: "GET", url }); // a request re-arms the idle timer
      await clock.advance(DEFAULT_IDLE_TIMEOUT_MS - 1);
      expect([connections, sockets.size]).toEqual([1, 1]);
      await clock.advance(1);
      const deadline = Date.now() + 2000;
      while (sockets.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      expect(sockets.size).toBe(0);
      expect(clock.pendingTimers).toBe(0);
      // the client still works: a new connection for the next request, closed by close()
      await client.request({ method: "GET", url });
      expect(connections).toBe(2);
      await client.close();
      expect(clock.pendingTimers).toBe(0);
    } finally {
      await client.close();
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it("refuses a negative idle timeout with a clear error", () => {
    expect(() => new NodeHttp({ clock: new RealClock() }).client({ keepAlive: true, idleTimeoutMs: -1 })).toThrow(/idleTimeoutMs must be a number of milliseconds >= 0, got -1/);
  });
});
