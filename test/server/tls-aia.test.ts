// SPDX-License-Identifier: MIT
/**
 * The Authority Information Access the embedded server's leaves carry (server/tls-chain.ts, wire/x509/aia.ts)
 * and the intermediates it serves at those URLs (reference-server.ts), cross-checked with the OpenSSL CLI and
 * over loopback; the network sees an AIA fetch as a request to the CA's host (runner/network/services.ts);
 * endpoints with a chain of their own are reached for any path (runner/endpoint-routes.ts).
 */
import { execFileSync } from "node:child_process";
import type { Server } from "node:net";
import { connect as tlsConnect } from "node:tls";
import { beforeAll, describe, expect, it } from "vitest";
import { NodeHttp } from "../../src/platform/node/http.js";
import { RealClock } from "../../src/platform/node/clock.js";
import { serviceHostOf } from "../../src/runner/network/services.js";
import { aiaChaser } from "../../src/runner/aia-fetch.js";
import { withServerTrust } from "../../src/runner/device-clock.js";
import { OUT_OF_BAND } from "../../src/device/trust.js";
import { withEndpointRoutes } from "../../src/runner/endpoint-routes.js";
import { ReferenceServer } from "../../src/server/reference-server.js";
import { createCaIdentity, type CaIdentity } from "../../src/server/scep/ca.js";
import { generateServedChain } from "../../src/server/tls-chain.js";
import { authorityInfoAccess, caIssuersOf, readCaIssuers } from "../../src/wire/x509/aia.js";
import { parseCertificate, toPem } from "../../src/wire/x509/certificate.js";
import { crypto, testKeys } from "../support/scep-harness.js";

const NOW = Date.UTC(2026, 5, 1, 12);
const names = { dns: ["localhost"], ip: ["127.0.0.1"] };
let ca: CaIdentity;

beforeAll(async () => {
  ca = createCaIdentity({ caKey: await (await testKeys()).rsa(4) }, crypto, NOW - 86_400_000);
});

const openssl = (der: Uint8Array): string => execFileSync("openssl", ["x509", "-noout", "-text"], { input: toPem(der) }).toString();

describe("AIA caIssuers on served leaves", () => {
  it("the extension round-trips, and a value with an OCSP entry yields only the caIssuers URL", () => {
    const ext = authorityInfoAccess(["http://cacerts.example/ca.cer"]);
    expect(ext.oid).toBe("1.3.6.1.5.5.7.1.1");
    expect(readCaIssuers(ext.value)).toEqual(["http://cacerts.example/ca.cer"]);
    // AccessDescription id-ad-ocsp http://ocsp.example, then id-ad-caIssuers http://ca.example/x.cer (DER by hand)
    const ocsp = Buffer.from("301f06082b060105050730018613687474703a2f2f6f6373702e6578616d706c65", "hex");
    const issuers = Buffer.from("302306082b060105050730028617687474703a2f2f63612e6578616d706c652f782e636572", "hex");
    const value = new Uint8Array([0x30, ocsp.length + issuers.length, ...ocsp, ...issuers]);
    expect(readCaIssuers(value)).toEqual(["http://ca.example/x.cer"]);
  });

  it("a leaf under an intermediate names it at /pki/aia/<aiaHost>/<serial>.cer on the server (openssl reads 'CA Issuers - URI:'); aia: false leaves it out; names replace the listener's", async () => {
    const c = await generateServedChain(ca, { intermediate: { send: false, aiaHost: "CACerts.Contoso.example" }, names: ["sts.contoso.example"] }, names, NOW, crypto, undefined, "http://127.0.0.1:8080");
    const [leaf, inter] = c.certificates;
    const path = `/pki/aia/cacerts.contoso.example/${inter!.serialHex}.cer`;
    expect(openssl(leaf!.der)).toContain(`CA Issuers - URI:http://127.0.0.1:8080${path}`);
    expect(openssl(leaf!.der)).toMatch(/DNS:sts\.contoso\.example/);
    expect(openssl(leaf!.der)).not.toMatch(/DNS:localhost/);
    expect(c.issuers).toEqual([{ path, der: inter!.der }]);
    expect(c.certPem.match(/BEGIN CERTIFICATE/g)).toHaveLength(2); // leaf + reference root, the intermediate left out
    const none = await generateServedChain(ca, { intermediate: { aia: false } }, names, NOW, crypto, undefined, "http://127.0.0.1:8080");
    expect(caIssuersOf(none.certificates[0]!)).toEqual([]);
    expect(none.issuers).toEqual([]);
    // No intermediate: the root issues the leaf, nothing to fetch.
    expect(caIssuersOf((await generateServedChain(ca, {}, names, NOW, crypto, undefined, "http://127.0.0.1:8080")).certificates[0]!)).toEqual([]);
  });

  it("the server serves the named intermediate as application/pkix-cert (DER), 404 elsewhere under the prefix, 405 for POST; the network sees the CA's host", async () => {
    const server = await ReferenceServer.start({ tls: { certificate: { intermediate: { name: "Contoso Issuing CA", send: false, aiaHost: "pki.contoso.example" } } } });
    try {
      // The leaf as a TLS client receives it (verification off: this reads the presented certificate only).
      const u = new URL(server.httpsUrl);
      const raw = await new Promise<Buffer>((resolve, reject) => {
        const t = tlsConnect({ host: u.hostname, port: Number(u.port), rejectUnauthorized: false }, () => {
          const c = t.getPeerCertificate(false) as { raw: Buffer };
          t.destroy();
          resolve(c.raw);
        });
        t.on("error", reject);
      });
      const leaf = parseCertificate(new Uint8Array(raw), "leaf");
      const [url] = caIssuersOf(leaf);
      expect(url).toMatch(new RegExp(`^${server.url}/pki/aia/pki\\.contoso\\.example/[0-9a-f]+\\.cer$`));
      expect(serviceHostOf(new URL(url!).pathname)).toBe("pki.contoso.example");
      const http = new NodeHttp({ clock: new RealClock() }).client({});
      try {
        const res = await http.request({ method: "GET", url: url! });
        expect(res.status).toBe(200);
        expect(res.headers["content-type"]).toBe("application/pkix-cert");
        expect(parseCertificate(res.body, "served intermediate").subject).toMatch(/CN=Contoso Issuing CA/);
        expect(leaf.issuer).toMatch(/CN=Contoso Issuing CA/);
        expect((await http.request({ method: "GET", url: `${server.url}/pki/aia/pki.contoso.example/00.cer` })).status).toBe(404);
        expect((await http.request({ method: "POST", url: url! })).status).toBe(405);
      } finally {
        await http.close();
      }
      expect(server.intermediatePems).toHaveLength(1);
    } finally {
      await server.close();
    }
  }, 60_000);

  it("the adapter completes a chain through the client's ChainCompletion: the first connection sends no request byte, the second (with the fetched issuer) is served; a failed completion is an untrusted TLS error naming why", async () => {
    const server = await ReferenceServer.start({ tls: { certificate: { intermediate: { send: false } } } });
    const seen: string[] = [];
    server.intercept = (req, path) => void seen.push(path);
    const port = new NodeHttp({ clock: new RealClock() });
    const leaves: Uint8Array[] = [];
    const ok = port.client({ tls: { ca: [server.caPem], completeChain: async (leaf) => (leaves.push(leaf), { issuers: server.intermediatePems }) } });
    const refused = port.client({ tls: { ca: [server.caPem], completeChain: async () => ({ failure: "the device could not fetch the missing intermediate (AIA): blocked" }) } });
    const plain = port.client({ tls: { ca: [server.caPem] } });
    try {
      expect((await ok.request({ method: "GET", url: `${server.httpsUrl}/nothing-here` })).status).toBe(404);
      expect(seen).toEqual(["/nothing-here"]);
      expect(caIssuersOf(parseCertificate(leaves[0]!, "leaf"))).toHaveLength(1);
      const err = await refused.request({ method: "GET", url: `${server.httpsUrl}/nothing-here` }).catch((e: unknown) => e);
      expect(err).toMatchObject({ kind: "tls", detail: "tls.untrusted", message: expect.stringMatching(/UNABLE_TO_VERIFY_LEAF_SIGNATURE[\s\S]*; the device could not fetch the missing intermediate \(AIA\): blocked$/) });
      // A client without a completion fails as before.
      expect(await plain.request({ method: "GET", url: `${server.httpsUrl}/nothing-here` }).catch((e: unknown) => (e as Error).message)).toMatch(/UNABLE_TO_VERIFY_LEAF_SIGNATURE\): unable to verify the first certificate$/);
      expect(seen).toEqual(["/nothing-here"]);
    } finally {
      await Promise.all([ok.close(), refused.close(), plain.close()]);
      await server.close();
    }
  }, 60_000);

  it("a device completes a chain once: its later connections, on the same client or a new one, carry the fetched issuer and handshake once each", async () => {
    const server = await ReferenceServer.start({ tls: { certificate: { intermediate: { send: false } } } });
    // Handshakes as the server sees them: every TLS connection the devices open (failed ones too).
    let connections = 0;
    (server as unknown as { https: { server: Server } }).https.server.on("connection", () => void connections++);
    const aiaFetches: string[] = [];
    server.intercept = (_req, path) => void (path.startsWith("/pki/aia/") && aiaFetches.push(path));
    const port = new NodeHttp({ clock: new RealClock() });
    const chaser = aiaChaser("windows", port, new RealClock())!;
    const device = withServerTrust(port, OUT_OF_BAND, { own: [server.caPem], all: [] }, chaser);
    const first = device.client({});
    try {
      expect((await first.request({ method: "GET", url: `${server.httpsUrl}/nothing-here` })).status).toBe(404);
      expect({ connections, aiaFetches: aiaFetches.length, issuerMissing: port.tlsStats.issuerMissing, completed: port.tlsStats.full + port.tlsStats.resumed }).toEqual({ connections: 2, aiaFetches: 1, issuerMissing: 1, completed: 1 });
      // The same client, a new connection (no keep-alive): the issuer is at hand.
      expect((await first.request({ method: "GET", url: `${server.httpsUrl}/nothing-here` })).status).toBe(404);
      const second = device.client({});
      try {
        expect((await second.request({ method: "GET", url: `${server.httpsUrl}/nothing-here` })).status).toBe(404);
      } finally {
        await second.close();
      }
      expect({ connections, aiaFetches: aiaFetches.length, issuerMissing: port.tlsStats.issuerMissing, completed: port.tlsStats.full + port.tlsStats.resumed }).toEqual({ connections: 4, aiaFetches: 1, issuerMissing: 1, completed: 3 });
    } finally {
      await first.close();
      await server.close();
    }
  }, 60_000);

  it("an endpoint with its own chain is reached for any path prefix, whatever URL the device built: requests under it go to its listener, others to the main one", async () => {
    const server = await ReferenceServer.start({ tls: { endpoints: [{ path: "/EnrollmentServer/Auth", certificate: { validityDays: 3 } }] } });
    const port = withEndpointRoutes(new NodeHttp({ clock: new RealClock() }), { ...server.urls, embedded: true });
    const http = port.client({ tls: { ca: [server.caPem] } });
    try {
      const ep = server.urls.endpoints![0]!;
      expect(ep.path).toBe("/EnrollmentServer/Auth");
      const seen: string[] = [];
      server.intercept = (req) => void seen.push(String(req.headers?.host));
      const res = await http.request({ method: "GET", url: `${server.httpsUrl}/EnrollmentServer/Auth?appru=x` });
      expect(res.url).toBe(`${server.httpsUrl}/EnrollmentServer/Auth?appru=x`); // the URL the device asked for
      await http.request({ method: "GET", url: `${server.httpsUrl}/EnrollmentServer/Discovery.svc` });
      expect(seen).toEqual([new URL(ep.base).host, new URL(server.httpsUrl).host]);
    } finally {
      await http.close();
      await server.close();
    }
  }, 60_000);
});
