// SPDX-License-Identifier: MIT
/**
 * AIA chasing of a whole missing path (runner/aia-fetch.ts, MAX_CHASE_DEPTH): a server that sends its leaf alone, under
 * two intermediates neither of which it sends, is completed in one request's verification, as CryptoAPI and trustd build
 * the path: the leaf's issuer is fetched, then that issuer's own (the device does not hold it), then the connection is
 * made again once with both. Before, one level was fetched per request and the retry failed on the second gap.
 * Loopback: an HTTPS server sending the leaf only, an HTTP server serving both intermediates at their caIssuers URLs.
 */
import { createServer as createHttpServer, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OUT_OF_BAND } from "../../src/device/trust.js";
import { RealClock } from "../../src/platform/node/clock.js";
import { NodeHttp } from "../../src/platform/node/http.js";
import type { HttpPort, HttpRequest } from "../../src/ports/http.js";
import { aiaChaser, MAX_CHASE_DEPTH } from "../../src/runner/aia-fetch.js";
import { withServerTrust } from "../../src/runner/device-clock.js";
import { createCaIdentity, type CaIdentity } from "../../src/server/scep/ca.js";
import { authorityInfoAccess } from "../../src/wire/x509/aia.js";
import { buildCertificate, keyIdentifier, parseCertificate, toPem } from "../../src/wire/x509/certificate.js";
import { authorityKeyIdentifier, basicConstraints, keyUsage, subjectAltName, subjectKeyIdentifier } from "../../src/wire/x509/extensions.js";
import { crypto, testKeys } from "../support/scep-harness.js";

const NOW = Date.now();
const DAY = 86_400_000;
let ca: CaIdentity;
/** root (the device trusts it) → "Policy CA" (I1) → "Issuing CA" (I2) → leaf; DER by caIssuers path. */
const served = new Map<string, Uint8Array>();
let leafPem: string;
let leafKeyPem: string;
let aiaServer: Server;
let aiaBase: string;
const aiaFetches: string[] = [];

type Key = Awaited<ReturnType<Awaited<ReturnType<typeof testKeys>>["rsa"]>>;
const cert = (serial: number, issuer: { subjectDer: Uint8Array; key: Key }, subject: string, key: { spki: Uint8Array }, extensions: Parameters<typeof buildCertificate>[0]["extensions"]): Uint8Array =>
  buildCertificate({ serial: new Uint8Array([serial]), issuer: issuer.subjectDer, subject, notBefore: new Date(NOW - DAY), notAfter: new Date(NOW + 30 * DAY), spki: key.spki, extensions }, issuer.key, "sha256", crypto);

beforeAll(async () => {
  const keys = await testKeys();
  ca = createCaIdentity({ caKey: await keys.rsa(4) }, crypto, NOW - DAY);
  aiaServer = createHttpServer((req, res) => {
    aiaFetches.push(req.url ?? "");
    const der = served.get(req.url ?? "");
    res.writeHead(der ? 200 : 404, { "content-type": "application/pkix-cert" }).end(der ? Buffer.from(der) : undefined);
  });
  await new Promise<void>((r) => aiaServer.listen(0, "127.0.0.1", r));
  aiaBase = `http://127.0.0.1:${(aiaServer.address() as AddressInfo).port}`;
  const k1 = await keys.rsa(5);
  const k2 = await keys.rsa(6);
  const leafKey = await crypto.generateKey("ec-p256");
  const caExt = (key: Key, issuerSpki: Uint8Array) => [basicConstraints(true), keyUsage(["keyCertSign", "cRLSign"]), subjectKeyIdentifier(keyIdentifier(key.spki, crypto)), authorityKeyIdentifier(keyIdentifier(issuerSpki, crypto))];
  // I1 names no caIssuers URL: its issuer, the root, is in the device's store.
  const i1 = parseCertificate(cert(11, { subjectDer: ca.ca.subjectDer, key: ca.caKey }, "CN=Policy CA,O=enrollsim test", k1, caExt(k1, ca.caKey.spki)), "I1");
  const i2 = parseCertificate(cert(12, { subjectDer: i1.subjectDer, key: k1 }, "CN=Issuing CA,O=enrollsim test", k2, [...caExt(k2, k1.spki), authorityInfoAccess([`${aiaBase}/i1.cer`])]), "I2");
  const leaf = cert(13, { subjectDer: i2.subjectDer, key: k2 }, "CN=localhost", leafKey, [
    basicConstraints(false),
    keyUsage(["digitalSignature"]),
    subjectAltName({ dns: ["localhost"], ip: ["127.0.0.1"] }),
    authorityKeyIdentifier(keyIdentifier(k2.spki, crypto)),
    authorityInfoAccess([`${aiaBase}/i2.cer`]),
  ]);
  served.set("/i1.cer", i1.der);
  served.set("/i2.cer", i2.der);
  leafPem = toPem(leaf);
  leafKeyPem = crypto.privateKeyPem(leafKey);
}, 60_000);

afterAll(async () => {
  await new Promise<void>((r) => aiaServer.close(() => r()));
});

describe("a chain missing two intermediates", () => {
  it("completes in one request: both issuers fetched in one completion, one failed and one served connection; later connections need no fetch", async () => {
    // test-only: a server that sends its leaf alone (the misconfiguration under test).
    let connections = 0;
    let requests = 0;
    const server = createHttpsServer({ cert: leafPem, key: leafKeyPem }, (_req, res) => {
      requests++;
      res.end("ok");
    });
    server.on("connection", () => void connections++);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const port = new NodeHttp({ clock: new RealClock() });
    const notes: Record<string, unknown>[] = [];
    const chaser = aiaChaser("windows", port, new RealClock(), (n) => notes.push(n))!;
    const device = withServerTrust(port, OUT_OF_BAND, { own: [toPem(ca.ca.der)], all: [] }, chaser);
    const first = device.client({});
    let second: ReturnType<typeof device.client> | undefined;
    try {
      aiaFetches.length = 0;
      const res = await first.request({ method: "GET", url });
      expect(res.status).toBe(200);
      expect({ connections, requests, aiaFetches, issuerMissing: port.tlsStats.issuerMissing }).toEqual({ connections: 2, requests: 1, aiaFetches: ["/i2.cer", "/i1.cer"], issuerMissing: 1 });
      expect(notes).toEqual([
        { aia: `${aiaBase}/i2.cer`, fetched: expect.stringMatching(/CN=Issuing CA/) },
        { aia: `${aiaBase}/i1.cer`, fetched: expect.stringMatching(/CN=Policy CA/) },
      ]);
      expect(chaser.fetched()).toHaveLength(2);
      // A new client of the same device carries both fetched issuers: one connection, no fetch.
      second = device.client({});
      expect((await second.request({ method: "GET", url })).status).toBe(200);
      expect({ connections, requests, fetches: aiaFetches.length }).toEqual({ connections: 3, requests: 2, fetches: 2 });
    } finally {
      await Promise.all([first.close(), second?.close()]);
      await new Promise<void>((r) => server.close(() => r()));
    }
  }, 60_000);
});

describe("the chase's stops", () => {
  /** A port answering from `served`, 404 elsewhere, counting requests. */
  const fromServed = (): { port: HttpPort; seen: string[] } => {
    const seen: string[] = [];
    return {
      seen,
      port: {
        client: () => ({
          request: async (req: HttpRequest) => {
            const path = new URL(req.url).pathname;
            seen.push(path);
            const der = served.get(path);
            return { status: der ? 200 : 404, headers: {}, body: der ?? new Uint8Array(), url: req.url };
          },
          close: async () => {},
        }),
      },
    };
  };
  const leafDer = (): Uint8Array => parseCertificate(Buffer.from(leafPem.replace(/-----[^-]+-----|\s/g, ""), "base64"), "leaf").der;

  it("stops at the first fetched issuer the device holds an issuer for; without `holds` it fetches one level, as before", async () => {
    const a = fromServed();
    const held = await aiaChaser("windows", a.port, { now: () => NOW })!(leafDer(), 60_000, (der) => parseCertificate(der, "c").subject.includes("Issuing CA"));
    expect(a.seen).toEqual(["/i2.cer"]);
    expect(held).toMatchObject({ issuers: [expect.stringContaining("BEGIN CERTIFICATE")] });
    const b = fromServed();
    expect(await aiaChaser("ios", b.port, { now: () => NOW })!(leafDer(), 60_000)).toMatchObject({ issuers: [expect.any(String)] });
    expect(b.seen).toEqual(["/i2.cer"]);
  });

  it("a failed fetch above the first names the level; a path that never reaches a held issuer stops at MAX_CHASE_DEPTH", async () => {
    const a = fromServed();
    const saved = served.get("/i1.cer")!;
    served.delete("/i1.cer");
    try {
      const r = await aiaChaser("windows", a.port, { now: () => NOW })!(leafDer(), 60_000, () => false);
      expect(r).toEqual({ failure: `the device could not fetch the missing intermediate (the 2nd missing certificate of the path, above the 1 fetched) (AIA): GET ${aiaBase}/i1.cer failed: HTTP 404` });
    } finally {
      served.set("/i1.cer", saved);
    }
    // A loop (I1 naming I2's URL again) never ends on its own: the bound ends it.
    const k1 = await (await testKeys()).rsa(5);
    const looping = cert(11, { subjectDer: ca.ca.subjectDer, key: ca.caKey }, "CN=Policy CA,O=enrollsim test", k1, [basicConstraints(true), authorityInfoAccess([`${aiaBase}/i2.cer`])]);
    served.set("/i1.cer", looping);
    try {
      const b = fromServed();
      const r = await aiaChaser("windows", b.port, { now: () => NOW })!(leafDer(), 60_000, () => false);
      expect(r).toEqual({ failure: `the device fetched ${MAX_CHASE_DEPTH} missing intermediates (AIA) and the path still lacks an issuer: it chases at most ${MAX_CHASE_DEPTH} levels` });
      // Cached per URL: the loop fetched each URL once.
      expect(b.seen).toEqual(["/i2.cer", "/i1.cer"]);
    } finally {
      served.set("/i1.cer", saved);
    }
  });
});
