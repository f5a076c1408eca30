// SPDX-License-Identifier: MIT
/**
 * A device that holds its own live TLS 1.3 session connects with its trust context alone (no
 * identity context is built for it), over real loopback sockets against a server that requests
 * client certificates. What must hold:
 * - the server resumes and still sees the device's OWN certificate, on every resumption in a row;
 * - a device never resumes another device's session;
 * - when the server refuses the session (here: it rotated its ticket keys), the connection without
 *   the identity is closed before any request byte, the device connects again with its identity,
 *   and the server gets the request once, from that certificate; the refused connection's sessions
 *   are not kept; other devices then connect with their identity until the origin resumes again;
 * - a TLS 1.2 session is always offered with the identity loaded.
 */
import { X509Certificate, randomBytes } from "node:crypto";
import https from "node:https";
import type net from "node:net";
import { connect as tlsConnect, type TLSSocket } from "node:tls";
import { mtlsFixture, type MtlsFixture } from "../support/mtls-fixture.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RealClock } from "../../src/platform/node/clock.js";
import { NodeHttp } from "../../src/platform/node/http.js";
import { sessionFacts, withoutServerCertificate } from "../../src/platform/node/http/session-info.js";
import { clearTlsCaches, contextStats } from "../../src/platform/node/http/tls.js";
import { tlsSessionCache, type TlsSessionCache } from "../../src/ports/http.js";

let pem: Record<string, string> = {};
let fixture: MtlsFixture;
const DEVICES = ["device-1", "device-2"] as const;
type Device = (typeof DEVICES)[number];

beforeAll(async () => {
  fixture = await mtlsFixture(DEVICES, "enrollsim-resume-");
  pem = fixture.pem;
}, 60_000);

afterAll(async () => {
  await fixture.cleanup();
});

interface Seen {
  reused: boolean;
  cn: string;
}

/** An mTLS server; `rejectUnauthorized` false is the reference server's setting (certificates optional at TLS). */
async function server(opts: { rejectUnauthorized: boolean; maxVersion?: "TLSv1.2" | "TLSv1.3" }) {
  const requests: Seen[] = [];
  const s = https.createServer({ cert: pem["server.pem"], key: pem["server.key"], ca: pem["ca.pem"], requestCert: true, rejectUnauthorized: opts.rejectUnauthorized, ...(opts.maxVersion ? { maxVersion: opts.maxVersion } : {}) }, (req, res) => {
    const t = req.socket as TLSSocket;
    requests.push({ reused: t.isSessionReused(), cn: String(t.getPeerCertificate().subject?.CN) });
    res.end("ok");
  });
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const url = `https://127.0.0.1:${(s.address() as net.AddressInfo).port}/checkin`;
  return { s, url, requests, close: () => new Promise<void>((r) => s.close(() => r())) };
}

function fleet(url: string) {
  const port = new NodeHttp({ clock: new RealClock() });
  const caches = Object.fromEntries(DEVICES.map((d) => [d, tlsSessionCache()])) as Record<Device, TlsSessionCache>;
  /** One check-in: a new client with the device's identity and its own session cache, closed at its end. */
  const checkin = async (d: Device) => {
    const c = port.client({ tls: { ca: [pem["server.pem"]!], identity: { certPem: pem[`${d}.pem`]!, keyPem: pem[`${d}.key`]! } }, keepAlive: true, sessions: caches[d] });
    try {
      const res = await c.request({ method: "POST", url, body: new Uint8Array([1]) });
      expect(res.status).toBe(200);
    } finally {
      await c.close();
    }
  };
  return { port, caches, checkin };
}

describe("resuming a device's TLS 1.3 session without loading its identity", () => {
  for (const rejectUnauthorized of [true, false]) {
    it(`keeps the device's own certificate on every resumption and falls back to the identity when refused (client certificate ${rejectUnauthorized ? "required" : "optional"})`, async () => {
      const srv = await server({ rejectUnauthorized });
      const { port, caches, checkin } = fleet(srv.url);
      clearTlsCaches();
      const base = contextStats.identityBuilt;
      try {
        await checkin("device-1");
        await checkin("device-2");
        const built = contextStats.identityBuilt;
        expect(built - base).toBe(2); // the first check-ins had no session: a full handshake with the identity
        for (let i = 0; i < 3; i++) for (const d of DEVICES) await checkin(d);
        expect(contextStats.identityBuilt).toBe(built); // no identity context for a resumed check-in
        expect(srv.requests).toEqual([{ reused: false, cn: "device-1" }, { reused: false, cn: "device-2" }, ...Array.from({ length: 3 }, () => DEVICES.map((cn) => ({ reused: true, cn }))).flat()]);
        expect(port.tlsStats).toMatchObject({ full: 2, resumed: 6, fullWithClientCert: 2 });

        // The server forgets its tickets (new ticket keys): both devices' sessions are refused.
        srv.s.setTicketKeys(randomBytes(48));
        clearTlsCaches(); // an identity context is built again when needed
        srv.requests.length = 0;
        await checkin("device-1"); // without the identity: refused, closed, then again with it
        await checkin("device-2"); // the origin refused a session: straight with the identity
        expect(srv.requests).toEqual([
          { reused: false, cn: "device-1" },
          { reused: false, cn: "device-2" },
        ]);
        expect(port.tlsStats.resumptionRefused).toBe(1);
        expect(port.tlsStats).toMatchObject({ full: 4, fullWithClientCert: 4, resumed: 6 });
        // The refused connection sent no request (above: one request per device, each with its certificate).
        expect(contextStats.identityBuilt - built).toBe(2);

        // The sessions kept are the identity connections': the next check-ins resume as each device.
        srv.requests.length = 0;
        await checkin("device-1"); // the origin is still marked: identity loaded, session resumed, mark cleared
        await checkin("device-2"); // without the identity again
        await checkin("device-1");
        expect(srv.requests).toEqual([
          { reused: true, cn: "device-1" },
          { reused: true, cn: "device-2" },
          { reused: true, cn: "device-1" },
        ]);
        expect(port.tlsStats).toMatchObject({ full: 4, resumed: 9, resumptionRefused: 1 });
        for (const d of DEVICES) expect(caches[d].size).toBe(1);
      } finally {
        await srv.close();
      }
    });
  }

  it("never resumes another device's session: no ticket is ever in two devices' caches", async () => {
    const srv = await server({ rejectUnauthorized: true });
    const { caches, checkin } = fleet(srv.url);
    const stored: Record<Device, Set<string>> = { "device-1": new Set(), "device-2": new Set() };
    for (const d of DEVICES) {
      const set = caches[d].set.bind(caches[d]);
      caches[d].set = (k, s) => (stored[d].add(Buffer.from(s).toString("base64")), set(k, s));
    }
    try {
      for (let i = 0; i < 3; i++) for (const d of DEVICES) await checkin(d);
      expect(srv.requests).toEqual([false, true, true].flatMap((reused) => DEVICES.map((cn) => ({ reused, cn }))));
      expect(stored["device-1"].size).toBeGreaterThan(0);
      // Kept without the server's certificate (decoded on every resumption otherwise), and still resumed above.
      const serverDer = new X509Certificate(pem["server.pem"]!).raw;
      for (const d of DEVICES) for (const t of stored[d]) expect(Buffer.from(t, "base64").includes(serverDer)).toBe(false);
      for (const t of stored["device-2"]) expect(stored["device-1"].has(t)).toBe(false);
    } finally {
      await srv.close();
    }
  });

  it("offers a TLS 1.2 session with the identity loaded", async () => {
    const srv = await server({ rejectUnauthorized: true, maxVersion: "TLSv1.2" });
    const { port, checkin } = fleet(srv.url);
    clearTlsCaches();
    const base = contextStats.identityBuilt;
    try {
      await checkin("device-1");
      clearTlsCaches();
      await checkin("device-1");
      expect(srv.requests).toEqual([
        { reused: false, cn: "device-1" },
        { reused: true, cn: "device-1" },
      ]);
      expect(contextStats.identityBuilt - base).toBe(2); // built for the resumed TLS 1.2 connection too
      expect(port.tlsStats.resumptionRefused ?? 0).toBe(0);
    } finally {
      await srv.close();
    }
  });
});

describe("sessionFacts and withoutServerCertificate", () => {
  it("read a real session's version, ticket and lifetime, drop its server certificate, and refuse what is not one", async () => {
    const srv = await server({ rejectUnauthorized: false });
    try {
      // The session exactly as OpenSSL writes it (node:tls, not the HTTP port, which keeps it slimmed).
      const whole = await new Promise<Buffer>((resolve, reject) => {
        const url = new URL(srv.url);
        const t = tlsConnect({ host: url.hostname, port: Number(url.port), ca: pem["server.pem"], servername: "localhost" });
        t.once("session", (s: Buffer) => (resolve(s), t.destroy()));
        t.once("secureConnect", () => t.write("GET / HTTP/1.1\r\nhost: localhost\r\n\r\n"));
        t.on("error", reject);
      });
      const facts = sessionFacts(whole)!;
      expect(facts.tls13Ticket).toBe(true);
      expect(facts.expiresAtMs).toBeGreaterThan(Date.now());
      expect(facts.expiresAtMs).toBeLessThanOrEqual(Date.now() + 7 * 86_400_000); // TLS 1.3 caps a ticket at 7 days
      const serverDer = new X509Certificate(pem["server.pem"]!).raw;
      expect(whole.includes(serverDer)).toBe(true);
      const slim = withoutServerCertificate(whole);
      expect(slim.includes(serverDer)).toBe(false);
      expect(slim.length).toBeLessThanOrEqual(whole.length - serverDer.length);
      expect(sessionFacts(slim)).toEqual(facts);
      // Kept for the device's life: its own memory, not a slice pinning a slab of Node's shared Buffer pool.
      expect(slim.buffer.byteLength).toBe(slim.length);
      const notOne = Buffer.from([0x30, 0x03, 0x02, 0x01, 0x01]);
      expect(withoutServerCertificate(notOne)).toBe(notOne);
      expect(sessionFacts(notOne)).toBeUndefined();
      expect(sessionFacts(new Uint8Array([0x04, 0x00]))).toBeUndefined();
      expect(sessionFacts(whole.subarray(0, 40))).toBeUndefined();
    } finally {
      await srv.close();
    }
  });
});
