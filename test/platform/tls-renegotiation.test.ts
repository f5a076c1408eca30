// SPDX-License-Identifier: MIT
/**
 * A server that asks for a client certificate in the middle of a connection (server/http.ts `renegotiate`: TLS 1.2
 * HelloRequest after reading the request, then a handshake with a CertificateRequest), against the device's HTTP
 * client over real loopback sockets. What must hold:
 * - a client that follows renegotiation (TlsSettings.renegotiation absent or `follow`, OpenSSL's and curl's way)
 *   gets the answer, and the server sees the device's certificate only through the mid-connection request (its first
 *   handshake asks for none);
 * - a client whose stack fails on it (`fail`, WinHTTP: device/tls-renegotiation.ts) ends the exchange with a
 *   TransportError of kind tls and detail `tls.renegotiation`, and no socket stays open;
 * - the same failing client against an ordinary listener (fresh and kept-alive connections) is not affected.
 */
import type { TLSSocket } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TransportError } from "../../src/errors/index.js";
import { RealClock } from "../../src/platform/node/clock.js";
import { NodeHttp } from "../../src/platform/node/http.js";
import type { HttpRequest } from "../../src/ports/http.js";
import { bindHandler, type BoundServer } from "../../src/server/http.js";
import { mtlsFixture, type MtlsFixture } from "../support/mtls-fixture.js";

let fixture: MtlsFixture;
let pem: Record<string, string>;

beforeAll(async () => {
  fixture = await mtlsFixture(["device-1"], "enrollsim-reneg-");
  pem = fixture.pem;
}, 60_000);

afterAll(async () => {
  await fixture.cleanup();
});

interface Listener {
  bound: BoundServer;
  /** Peer certificate CN the handler saw per request ("" for none). */
  seen: string[];
  /** Every TLS connection the listener accepted, to check none stays open. */
  sockets: TLSSocket[];
  protocols: string[];
}

async function listener(renegotiate: boolean): Promise<Listener> {
  const l: Listener = { bound: undefined as unknown as BoundServer, seen: [], sockets: [], protocols: [] };
  l.bound = await bindHandler(
    (req) => {
      const der = req.tls?.peerCertificateDer;
      l.seen.push(der ? "device" : "");
      return Promise.resolve({ status: 200, headers: { "content-type": "text/plain" }, body: new TextEncoder().encode("POSTPKIOperation\nSHA-256\n"), url: req.url });
    },
    { tls: { certPem: pem["server.pem"]!, keyPem: pem["server.key"]!, caPem: [pem["ca.pem"]!] }, renegotiate },
  );
  l.bound.server.on("secureConnection", (s: TLSSocket) => {
    l.sockets.push(s);
    l.protocols.push(String(s.getProtocol()));
  });
  return l;
}

const closed = (s: TLSSocket): Promise<void> => (s.destroyed ? Promise.resolve() : new Promise((r) => s.once("close", () => r())));

const getCaCaps = (base: string): HttpRequest => ({ method: "GET", url: `${base}/scep/pkiclient.exe?operation=GetCACaps`, timeoutMs: 20_000 });

describe("a mid-connection client-certificate request (TLS 1.2 renegotiation)", () => {
  it("a client that follows it gets the answer; the certificate reaches the server only through the renegotiation", async () => {
    const l = await listener(true);
    const port = new NodeHttp({ clock: new RealClock() });
    const client = port.client({ tls: { ca: [pem["server.pem"]!], identity: { certPem: pem["device-1.pem"]!, keyPem: pem["device-1.key"]! } } });
    try {
      const res = await client.request(getCaCaps(l.bound.url));
      expect(res.status).toBe(200);
      expect(new TextDecoder().decode(res.body)).toContain("SHA-256");
      expect(l.seen).toEqual(["device"]);
      expect(l.protocols).toEqual(["TLSv1.2"]);
    } finally {
      await client.close();
      await l.bound.close();
    }
  }, 30_000);

  it("a client without a certificate follows it with an empty Certificate: the answer comes, anonymous", async () => {
    const l = await listener(true);
    const client = new NodeHttp({ clock: new RealClock() }).client({ tls: { ca: [pem["server.pem"]!], renegotiation: "follow" } });
    try {
      expect((await client.request(getCaCaps(l.bound.url))).status).toBe(200);
      expect(l.seen).toEqual([""]);
    } finally {
      await client.close();
      await l.bound.close();
    }
  }, 30_000);

  for (const keepAlive of [false, true]) {
    it(`a client whose stack fails on it ends the exchange with tls.renegotiation and leaves no socket (keepAlive ${keepAlive})`, async () => {
      const l = await listener(true);
      const client = new NodeHttp({ clock: new RealClock() }).client({ keepAlive, tls: { ca: [pem["server.pem"]!], renegotiation: "fail" } });
      try {
        const err = await client.request(getCaCaps(l.bound.url)).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(TransportError);
        expect((err as TransportError).kind).toBe("tls");
        expect((err as TransportError).detail).toBe("tls.renegotiation");
        expect((err as TransportError).message).toMatch(/renegotiated the connection after the request was sent/);
        // The request was read (the renegotiation comes after it): the server may answer it, the device never reads the answer.
        expect(l.seen.length).toBeLessThanOrEqual(1);
        expect(l.sockets.length).toBe(1);
        await Promise.all(l.sockets.map(closed));
        expect(l.sockets.every((s) => s.destroyed)).toBe(true);
      } finally {
        await client.close();
        await l.bound.close();
      }
    }, 30_000);
  }

  it("the failing client is not affected by an ordinary listener, on fresh and kept-alive connections", async () => {
    const l = await listener(false);
    const client = new NodeHttp({ clock: new RealClock() }).client({ keepAlive: true, tls: { ca: [pem["server.pem"]!], renegotiation: "fail" } });
    try {
      for (let i = 0; i < 3; i++) expect((await client.request(getCaCaps(l.bound.url))).status).toBe(200);
      expect(l.seen.length).toBe(3);
      expect(l.sockets.length).toBe(1);
    } finally {
      await client.close();
      await l.bound.close();
    }
  }, 30_000);
});
