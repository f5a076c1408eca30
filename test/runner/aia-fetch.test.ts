// SPDX-License-Identifier: MIT
/**
 * The device's AIA chase (runner/aia-fetch.ts): which platforms fetch a missing intermediate, with which
 * deadline, over the port they are given (the device's network), what they keep, and what they say when
 * they cannot.
 */
import { X509Certificate } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { HttpPort, HttpRequest, HttpResponse } from "../../src/ports/http.js";
import { aiaChaser, FAILED_FETCH_MEMORY_MS } from "../../src/runner/aia-fetch.js";
import { createCaIdentity, type CaIdentity } from "../../src/server/scep/ca.js";
import { generateServedChain, type ServedChain } from "../../src/server/tls-chain.js";
import { buildCertificate, toPem } from "../../src/wire/x509/certificate.js";
import { basicConstraints } from "../../src/wire/x509/extensions.js";
import { authorityInfoAccess } from "../../src/wire/x509/aia.js";
import { crypto, testKeys } from "../support/scep-harness.js";

const NOW = Date.UTC(2026, 5, 1, 12);
/** The device's clock (how long a failed URL is remembered); tests that need time to pass move `at`. */
const CLOCK = {
  at: NOW,
  now() {
    return this.at;
  },
};
let ca: CaIdentity;
let chain: ServedChain;

beforeAll(async () => {
  ca = createCaIdentity({ caKey: await (await testKeys()).rsa(4) }, crypto, NOW - 86_400_000);
  chain = await generateServedChain(ca, { intermediate: { name: "Issuing CA", send: false, aiaHost: "pki.example" } }, { dns: ["localhost"], ip: ["127.0.0.1"] }, NOW, crypto, undefined, "http://127.0.0.1:9");
});

/** A port that answers every request with `answer` and records what was asked. */
function fakePort(answer: (req: HttpRequest) => HttpResponse | Error): { port: HttpPort; seen: HttpRequest[] } {
  const seen: HttpRequest[] = [];
  return {
    seen,
    port: {
      client: () => ({
        request: async (req) => {
          seen.push(req);
          const a = answer(req);
          if (a instanceof Error) throw a;
          return a;
        },
        close: async () => {},
      }),
    },
  };
}

describe("AIA chasing per platform", () => {
  it("Android does not chase; Windows fetches with CryptoAPI's 15 s retrieval timeout; Apple with the request's own deadline", () => {
    const { port } = fakePort(() => new Error("unused"));
    expect(aiaChaser("android", port, CLOCK)).toBeUndefined();
    expect(aiaChaser("windows", port, CLOCK)).toBeTypeOf("function");
    expect(aiaChaser("ios", port, CLOCK)).toBeTypeOf("function");
    expect(aiaChaser("macos", port, CLOCK)).toBeTypeOf("function");
  });

  it("a self-issued certificate at the AIA URL (a root) is refused: fetching never adds a trust anchor", async () => {
    const { port } = fakePort(() => ({ status: 200, headers: { "content-type": "application/pkix-cert" }, body: ca.ca.der, url: "" }));
    const r = await aiaChaser("windows", port, CLOCK)!(chain.certificates[0]!.der, 60_000);
    expect(r).toMatchObject({ failure: expect.stringMatching(/self-issued .*never trusted as a root/) });
  });

  it("a root whose issuer differs from its subject only in case and spaces is self-issued to OpenSSL, and refused too", async () => {
    // OpenSSL compares names canonically (X509_NAME_cmp): "CN=Evil Root" issued by "CN=EVIL  ROOT" is self-issued, so in the
    // `ca` list it would be a trust anchor. A text compare of the two names let it through.
    const key = ca.caKey;
    const der = buildCertificate(
      { serial: new Uint8Array([7]), issuer: "CN=EVIL  ROOT,O=Contoso", subject: "CN=Evil Root,O=contoso", notBefore: new Date(NOW - 86_400_000), notAfter: new Date(NOW + 86_400_000), spki: key.spki, extensions: [basicConstraints(true)] },
      key,
      "sha256",
      crypto,
    );
    const x = new X509Certificate(der);
    expect(x.checkIssued(x)).toBe(true); // the premise: OpenSSL itself calls it self-issued
    const { port } = fakePort(() => ({ status: 200, headers: { "content-type": "application/pkix-cert" }, body: der, url: "" }));
    const r = await aiaChaser("windows", port, CLOCK)!(chain.certificates[0]!.der, 60_000);
    expect(r).toMatchObject({ failure: expect.stringMatching(/self-issued .*never trusted as a root/) });
  });

  it("fetches the leaf's caIssuers URL over the given port (DER or PEM), keeps it for the device, and notes it", async () => {
    const inter = chain.certificates[1]!;
    const { port, seen } = fakePort(() => ({ status: 200, headers: { "content-type": "application/pkix-cert" }, body: inter.der, url: "" }));
    const notes: Record<string, unknown>[] = [];
    const chase = aiaChaser("windows", port, CLOCK, (d) => notes.push(d))!;
    expect(await chase(chain.certificates[0]!.der, 60_000)).toEqual({ issuers: [toPem(inter.der)] });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: "GET", timeoutMs: 15_000, url: `http://127.0.0.1:9/pki/aia/pki.example/${inter.serialHex}.cer` });
    expect(notes).toEqual([{ aia: seen[0]!.url, fetched: inter.subject }]);
    await chase(chain.certificates[0]!.der, 60_000);
    expect(seen).toHaveLength(1); // cached for the device's run
    const pem = fakePort(() => ({ status: 200, headers: {}, body: new Uint8Array(Buffer.from(toPem(inter.der))), url: "" }));
    const apple = aiaChaser("ios", pem.port, CLOCK)!;
    expect(await apple(chain.certificates[0]!.der, 20_000)).toEqual({ issuers: [toPem(inter.der)] });
    expect(pem.seen[0]!.timeoutMs).toBe(20_000); // Apple: the request's remaining deadline
    // Windows: never past the request's own deadline either
    const late = fakePort(() => ({ status: 200, headers: {}, body: inter.der, url: "" }));
    await aiaChaser("windows", late.port, CLOCK)!(chain.certificates[0]!.der, 4_000);
    expect(late.seen[0]!.timeoutMs).toBe(4_000);
  });

  it("remembers a URL that failed for a minute of the device's clock (no second fetch), then tries it again; what it fetched goes with later clients", async () => {
    const inter = chain.certificates[1]!;
    let up = false;
    const { port, seen } = fakePort(() => (up ? { status: 200, headers: {}, body: inter.der, url: "" } : new Error("connection refused [injected]")));
    const clock = {
      at: NOW,
      now() {
        return this.at;
      },
    };
    const chase = aiaChaser("windows", port, clock)!;
    const leaf = chain.certificates[0]!.der;
    expect(await chase(leaf, 60_000)).toEqual({ failure: expect.stringMatching(/connection refused \[injected\]$/) });
    up = true;
    clock.at += FAILED_FETCH_MEMORY_MS - 1;
    expect(await chase(leaf, 60_000)).toEqual({ failure: expect.stringMatching(/connection refused \[injected\] \(remembered, not tried again\)$/) });
    expect(seen).toHaveLength(1);
    expect(chase.fetched()).toEqual([]);
    clock.at += 1;
    expect(await chase(leaf, 60_000)).toEqual({ issuers: [toPem(inter.der)] });
    expect(seen).toHaveLength(2);
    expect(chase.fetched()).toEqual([toPem(inter.der)]);
  });

  it("a leaf naming several caIssuers URLs: their fetches share what is left of the request's deadline, not one retrieval timeout each", async () => {
    const key = ca.caKey;
    const urls = ["http://a.example/1.cer", "http://b.example/2.cer", "http://c.example/3.cer"];
    const leaf = buildCertificate(
      { serial: new Uint8Array([8]), issuer: "CN=Issuing CA", subject: "CN=host.example", notBefore: new Date(NOW - 86_400_000), notAfter: new Date(NOW + 86_400_000), spki: key.spki, extensions: [authorityInfoAccess(urls)] },
      key,
      "sha256",
      crypto,
    );
    const clock = {
      at: NOW,
      now() {
        return this.at;
      },
    };
    // Each fetch hangs until its own timeout, on the device's clock.
    const { port, seen } = fakePort((req) => {
      clock.at += req.timeoutMs!;
      return new Error(`timed out after ${req.timeoutMs} ms`);
    });
    const r = await aiaChaser("windows", port, clock)!(leaf, 20_000);
    expect(seen.map((q) => [q.url, q.timeoutMs])).toEqual([
      [urls[0], 15_000],
      [urls[1], 5_000],
    ]);
    expect(clock.at - NOW).toBe(20_000);
    expect(r).toEqual({ failure: expect.stringMatching(/GET http:\/\/c\.example\/3\.cer not tried: the request's deadline passed$/) });
  });

  it("says why it could not: a refused fetch, a 404, a body that is no certificate, a leaf without AIA", async () => {
    const leaf = chain.certificates[0]!.der;
    const refused = aiaChaser("windows", fakePort(() => new Error("connection refused [injected: the firewall blocks pki.example]")).port, CLOCK)!;
    expect(await refused(leaf, 60_000)).toEqual({ failure: expect.stringMatching(/could not fetch the missing intermediate \(AIA\): GET http:\/\/127\.0\.0\.1:9\/pki\/aia\/pki\.example\/[0-9a-f]+\.cer failed: connection refused \[injected/) });
    const missing = aiaChaser("windows", fakePort(() => ({ status: 404, headers: {}, body: new Uint8Array(), url: "" })).port, CLOCK)!;
    expect(await missing(leaf, 60_000)).toEqual({ failure: expect.stringMatching(/failed: HTTP 404/) });
    const garbage = aiaChaser("windows", fakePort(() => ({ status: 200, headers: {}, body: new Uint8Array(Buffer.from("<html>portal</html>")), url: "" })).port, CLOCK)!;
    expect(await garbage(leaf, 60_000)).toEqual({ failure: expect.stringMatching(/could not fetch the missing intermediate/) });
    const bare = await generateServedChain(ca, {}, { dns: ["localhost"], ip: [] }, NOW, crypto);
    expect(await refused(bare.certificates[0]!.der, 60_000)).toEqual({ failure: expect.stringMatching(/names no caIssuers URL/) });
  });
});
