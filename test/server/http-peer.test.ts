// SPDX-License-Identifier: MIT
/**
 * The reference server's view of who is on a TLS connection (src/server/http.ts), over real
 * loopback sockets: the client certificate a handler sees is the one the connection's own TLS
 * session authenticated, on a full handshake and on a resumed session alike (the server reads it
 * with a different Node call for each, for CPU). Devices resume interleaved, so a session can
 * never be attributed to another device, and a connection without a certificate has none.
 */
import { X509Certificate } from "node:crypto";
import tls from "node:tls";
import { mtlsFixture, type MtlsFixture } from "../support/mtls-fixture.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bindHandler, type BoundServer } from "../../src/server/http.js";

let pem: Record<string, string> = {};
let fixture: MtlsFixture;
const DEVICES = ["device-1", "device-2"] as const;
type Device = (typeof DEVICES)[number];

beforeAll(async () => {
  fixture = await mtlsFixture(DEVICES, "enrollsim-peer-");
  pem = fixture.pem;
}, 60_000);

afterAll(async () => {
  await fixture.cleanup();
});

/** One request on a new connection; resumes `session` when given. Returns what the client saw. */
function checkin(port: number, who: Device | "anonymous", session?: Buffer): Promise<{ body: string; reused: boolean; session?: Buffer }> {
  return new Promise((resolve, reject) => {
    let latest: Buffer | undefined;
    let reused = false;
    const identity = who === "anonymous" ? {} : { cert: pem[`${who}.pem`], key: pem[`${who}.key`] };
    const socket = tls.connect({ host: "127.0.0.1", port, ca: pem["server.pem"], ...identity, ...(session ? { session } : {}) }, () => {
      reused = socket.isSessionReused();
      socket.write(`GET /whoami HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\n\r\n`);
    });
    socket.on("session", (s: Buffer) => (latest = s));
    let data = "";
    socket.setEncoding("utf8");
    socket.on("data", (c: string) => (data += c));
    socket.on("error", reject);
    socket.on("close", () => resolve({ body: data.slice(data.indexOf("\r\n\r\n") + 4), reused, session: latest }));
  });
}

describe("client certificate per TLS connection", () => {
  let server: BoundServer;
  const fingerprint = (d: Device) => new X509Certificate(pem[`${d}.pem`]!).fingerprint256;

  beforeAll(async () => {
    server = await bindHandler(
      async (req) => {
        const der = req.tls?.peerCertificateDer;
        const body = der ? new X509Certificate(Buffer.from(der)).fingerprint256 : "none";
        return { status: 200, headers: { "content-type": "text/plain" }, body: new TextEncoder().encode(body), url: "" };
      },
      { tls: { certPem: pem["server.pem"]!, keyPem: pem["server.key"]!, caPem: [pem["ca.pem"]!] } },
    );
  });
  afterAll(() => server.close());

  it("is the certificate of the connection's own session, full or resumed, devices interleaved", async () => {
    const sessions: Partial<Record<Device, Buffer>> = {};
    const seen: { who: Device; reused: boolean; right: boolean }[] = [];
    // Full handshakes first, then resumptions alternating between the devices, twice.
    for (const who of [...DEVICES, ...DEVICES, ...DEVICES]) {
      const r = await checkin(server.port, who, sessions[who]);
      if (r.session) sessions[who] = r.session;
      seen.push({ who, reused: r.reused, right: r.body === fingerprint(who) });
    }
    expect(seen).toEqual([
      { who: "device-1", reused: false, right: true },
      { who: "device-2", reused: false, right: true },
      { who: "device-1", reused: true, right: true },
      { who: "device-2", reused: true, right: true },
      { who: "device-1", reused: true, right: true },
      { who: "device-2", reused: true, right: true },
    ]);
  });

  it("is none on a connection without a client certificate, full or resumed", async () => {
    const first = await checkin(server.port, "anonymous");
    expect(first).toMatchObject({ body: "none", reused: false });
    const again = await checkin(server.port, "anonymous", first.session);
    expect(again).toMatchObject({ body: "none", reused: true });
  });
});
