// SPDX-License-Identifier: MIT
/**
 * Real transport failures on loopback (an expired and a wrong-host certificate, a closed port, a
 * reset in the middle of the body) carry the same kind and detail as the faults that inject them
 * (runner/faults/errors.ts), so flows cannot tell an injected failure from a real one.
 */
import http from "node:http";
import https from "node:https";
import type { AddressInfo, Socket } from "node:net";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TransportError } from "../../src/errors/index.js";
import { RealClock } from "../../src/platform/node/clock.js";
import { NodeCrypto } from "../../src/platform/node/crypto.js";
import { NodeHttp } from "../../src/platform/node/http.js";
import { createCaIdentity, issueServerCertificate, type CaIdentity } from "../../src/server/scep/ca.js";
import { toPem } from "../../src/wire/x509/certificate.js";
import { httpDnsError, resetError, tlsError } from "../../src/runner/faults/errors.js";
import { NodeDns } from "../../src/platform/node/dns.js";
import { lookupError } from "../../src/runner/faults/errors.js";
import { windowsShownForError } from "../../src/device/windows/shown.js";

const crypto = new NodeCrypto();
const port = new NodeHttp({ clock: new RealClock() });
const YEAR = 365 * 86_400_000;
let ca: CaIdentity;
let keyPem: string;
let spki: Uint8Array;
const servers: net.Server[] = [];

beforeAll(async () => {
  const caKey = await crypto.generateKey("ec-p256");
  ca = createCaIdentity({ caKey }, crypto, Date.now());
  const key = await crypto.generateKey("ec-p256");
  keyPem = crypto.privateKeyPem(key);
  spki = key.spki;
});

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

async function listen(server: net.Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return (server.address() as AddressInfo).port;
}

/** An HTTPS server on 127.0.0.1 with a certificate for `names`, valid from `issuedAt` for 397 days. */
async function httpsServer(names: { dns: string[]; ip: string[] }, issuedAt: number): Promise<string> {
  const cert = issueServerCertificate(ca, spki, names, Uint8Array.from([0x42]), issuedAt, crypto);
  const server = https.createServer({ cert: toPem(cert.der), key: keyPem }, (_q, s) => s.end("ok"));
  return `https://127.0.0.1:${await listen(server)}/x`;
}

async function failure(p: Promise<unknown>): Promise<TransportError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(TransportError);
    return err as TransportError;
  }
  throw new Error("expected a TransportError");
}

const client = () => port.client({ tls: { ca: [toPem(ca.ca.der)] } });
const same = (real: TransportError, injected: TransportError) => {
  expect([real.kind, real.detail]).toEqual([injected.kind, injected.detail]);
  expect(real.message.replace(/\(.*$/, "")).toBe(injected.message.replace(/\(.*$/, "")); // same "METHOD url: TLS failure " prefix
};

describe("real failures carry the detail injected faults produce", () => {
  it("an expired server certificate: tls / tls.expired (CERT_HAS_EXPIRED)", async () => {
    const url = await httpsServer({ dns: [], ip: ["127.0.0.1"] }, Date.now() - 2 * YEAR);
    const real = await failure(client().request({ method: "GET", url }));
    expect(real.message).toContain("CERT_HAS_EXPIRED");
    same(real, tlsError("expired", "GET", url));
  });

  it("a certificate for another host: tls / tls.wrong-host (ERR_TLS_CERT_ALTNAME_INVALID)", async () => {
    const url = await httpsServer({ dns: ["mdm.elsewhere.test"], ip: [] }, Date.now());
    const real = await failure(client().request({ method: "GET", url }));
    expect(real.message).toContain("ERR_TLS_CERT_ALTNAME_INVALID");
    same(real, tlsError("wrong-host", "GET", url));
  });

  it("an untrusted issuer: tls / tls.untrusted", async () => {
    const url = await httpsServer({ dns: [], ip: ["127.0.0.1"] }, Date.now());
    const real = await failure(port.client().request({ method: "GET", url }));
    expect([real.kind, real.detail]).toEqual(["tls", tlsError("untrusted", "GET", url).detail]);
  });

  it("a closed port: refused / connect.refused", async () => {
    const probe = net.createServer();
    const p = await listen(probe);
    await new Promise((r) => probe.close(r));
    servers.splice(servers.indexOf(probe), 1);
    const real = await failure(port.client().request({ method: "GET", url: `http://127.0.0.1:${p}/` }));
    expect([real.kind, real.detail]).toEqual(["refused", "connect.refused"]);
  });

  it("ECONNRESET in the middle of the body: reset / reset.mid-body; before any response: reset.before-response", async () => {
    const mid = http.createServer((_q, res) => {
      res.writeHead(200, { "content-length": "1000" });
      res.write("partial");
      setTimeout(() => (res.socket as Socket).resetAndDestroy(), 20);
    });
    const url = `http://127.0.0.1:${await listen(mid)}/`;
    const real = await failure(port.client().request({ method: "GET", url }));
    expect([real.kind, real.detail, real.message]).toEqual(["reset", "reset.mid-body", resetError("mid-body", "GET", url).message]);
    const early = http.createServer((req) => (req.socket as Socket).resetAndDestroy());
    const url2 = `http://127.0.0.1:${await listen(early)}/`;
    const before = await failure(port.client().request({ method: "GET", url: url2 }));
    expect([before.kind, before.detail]).toEqual(["reset", resetError("before-response", "GET", url2).detail]);
    expect(before.message).toBe(resetError("before-response", "GET", url2).message);
  });

  it("a name that does not exist: dns / dns.nxdomain, for HTTP and for the DNS port", async () => {
    const url = "http://no-such-host.invalid/";
    const real = await failure(port.client().request({ method: "GET", url }));
    expect([real.kind, real.detail, real.message]).toEqual(["dns", "dns.nxdomain", httpDnsError("nxdomain", "GET", url).message]);
    const lookup = await failure(new NodeDns({ timeoutMs: 2000, tries: 1 }).resolve4("no-such-host.invalid"));
    expect([lookup.kind, lookup.detail]).toEqual(["dns", lookupError("nxdomain", "A", "no-such-host.invalid").detail]);
  });
});

describe("a server demanding a client certificate the device does not have", () => {
  /** requestCert + rejectUnauthorized: the server sends a CertificateRequest and refuses an empty Certificate. */
  async function mtlsServer(maxVersion: "TLSv1.2" | "TLSv1.3"): Promise<string> {
    const cert = issueServerCertificate(ca, spki, { dns: [], ip: ["127.0.0.1"] }, Uint8Array.from([0x43]), Date.now(), crypto);
    const server = https.createServer({ cert: toPem(cert.der), key: keyPem, ca: [toPem(ca.ca.der)], requestCert: true, rejectUnauthorized: true, maxVersion }, (_q, s) => s.end("ok"));
    return `https://127.0.0.1:${await listen(server)}/x`;
  }

  for (const version of ["TLSv1.3", "TLSv1.2"] as const) {
    it(`${version}: tls / tls.client-cert-required, as the injected fault`, async () => {
      const url = await mtlsServer(version);
      const real = await failure(client().request({ method: "POST", url, body: new Uint8Array([1, 2, 3]) }));
      expect([real.kind, real.detail]).toEqual(["tls", "tls.client-cert-required"]);
      const injected = tlsError("client-cert-required", "POST", url);
      same(real, injected);
      const win = (err: TransportError) => windowsShownForError({ error: err, step: "dm.session", flow: "windows-sync" });
      expect(win(real)).toMatchObject({ code: "0x80072F0C", name: "ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED", text: "The server requests client authentication." });
      expect(win(injected)).toEqual(win(real));
    });
  }
});
