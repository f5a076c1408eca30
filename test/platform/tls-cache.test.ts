// SPDX-License-Identifier: MIT
// The Node HTTP adapter's hot-path caches (docs/performance.md): TLS contexts built lazily and
// shared only between clients with identical trust (and identical mTLS identity), TLS sessions
// resumed only inside one client, and NodeCrypto's bounded public-key cache.
import { execFile } from "node:child_process";
import { createPrivateKey, generateKeyPairSync, sign as nodeSign } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TLSSocket } from "node:tls";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ScenarioError } from "../../src/errors/index.js";
import { RealClock } from "../../src/platform/node/clock.js";
import { NodeCrypto, PUBLIC_KEY_CACHE_SIZE, publicKeyCacheSize } from "../../src/platform/node/crypto.js";
import { NodeHttp } from "../../src/platform/node/http.js";
import { contextStats, Lru, ScanResistantCache } from "../../src/platform/node/http/tls.js";

const run = promisify(execFile);
const text = (r: { body: Uint8Array }) => Buffer.from(r.body).toString();

interface Srv {
  url: string;
  close(): Promise<void>;
}

async function serve(handler: http.RequestListener, tls?: https.ServerOptions): Promise<Srv> {
  const server = tls ? https.createServer(tls, handler) : http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls ? "https" : "http"}://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

describe("NodeHttp TLS contexts, sessions and identities", () => {
  let dir: string;
  const pem: Record<string, string> = {};
  const port = new NodeHttp({ clock: new RealClock() });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "enrollsim-tlscache-"));
    const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2"];
    await run("openssl", ["req", "-x509", ...ec, "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1",
      "-keyout", join(dir, "server.key"), "-out", join(dir, "server.pem")]);
    await run("openssl", ["req", "-x509", ...ec, "-subj", "/CN=Device CA", "-keyout", join(dir, "ca.key"), "-out", join(dir, "ca.pem")]);
    for (const d of ["device-1", "device-2"]) {
      await run("openssl", ["req", "-x509", ...ec, "-subj", `/CN=${d}`, "-CA", join(dir, "ca.pem"), "-CAkey", join(dir, "ca.key"),
        "-addext", "extendedKeyUsage=clientAuth", "-addext", "basicConstraints=critical,CA:FALSE",
        "-keyout", join(dir, `${d}.key`), "-out", join(dir, `${d}.pem`)]);
    }
    for (const f of ["server", "ca", "device-1", "device-2"]) {
      pem[`${f}.pem`] = await readFile(join(dir, `${f}.pem`), "utf8");
      pem[`${f}.key`] = await readFile(join(dir, `${f}.key`), "utf8");
    }
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** An mTLS server answering "<client CN> <resumed?>" for every request. */
  const mtls = () =>
    serve(
      (req, res) => {
        const s = req.socket as TLSSocket;
        res.end(`${String(s.getPeerCertificate().subject?.CN ?? "anonymous")} ${s.isSessionReused() ? "resumed" : "full"}`);
      },
      { cert: pem["server.pem"], key: pem["server.key"], ca: pem["ca.pem"], requestCert: true, rejectUnauthorized: true },
    );
  const identity = (d: string) => ({ certPem: pem[`${d}.pem`]!, keyPem: pem[`${d}.key`]! });

  it("builds no context for a client that only speaks http:, and shares one per trust setting", async () => {
    const plain = await serve((_q, r) => r.end("ok"));
    const tlsSrv = await serve((_q, r) => r.end("ok"), { cert: pem["server.pem"], key: pem["server.key"] });
    // a trust list no other test uses, so the first https request must build its context
    const trust = { ca: [pem["server.pem"]!, pem["ca.pem"]!] };
    const before = contextStats.trustBuilt;
    const a = port.client({ tls: trust });
    expect(text(await a.request({ method: "GET", url: plain.url }))).toBe("ok");
    expect(contextStats.trustBuilt).toBe(before);
    expect(text(await a.request({ method: "GET", url: tlsSrv.url }))).toBe("ok");
    expect(contextStats.trustBuilt).toBe(before + 1);
    const b = port.client({ tls: { ca: [pem["server.pem"]!, pem["ca.pem"]!] } });
    expect(text(await b.request({ method: "GET", url: tlsSrv.url }))).toBe("ok");
    expect(contextStats.trustBuilt).toBe(before + 1); // same trust: cached
    // different trust: its own context, and it still refuses what it does not trust
    const c = port.client({ tls: { ca: [pem["ca.pem"]!], replaceRoots: true } });
    const refused = await c.request({ method: "GET", url: tlsSrv.url }).catch((e: unknown) => e);
    expect((refused as { kind?: string }).kind).toBe("tls");
    expect(contextStats.trustBuilt).toBe(before + 2);
    await Promise.all([a.close(), b.close(), c.close(), plain.close(), tlsSrv.close()]);
  });

  it("a trust list seen before is reused, a bad one is refused every time, and a list differing in one PEM or a flag is its own trust", async () => {
    const tlsSrv = await serve((_q, r) => r.end("ok"), { key: pem["server.key"], cert: pem["server.pem"] });
    const before = contextStats.trustBuilt;
    const list = [pem["server.pem"]!, pem["ca.pem"]!];
    for (let i = 0; i < 3; i++) {
      const c = port.client({ tls: { ca: list, replaceRoots: true } });
      expect(text(await c.request({ method: "GET", url: tlsSrv.url }))).toBe("ok");
      await c.close();
    }
    // the same certificates in another order (or a copy of the list) are the same trust: one context
    const again = port.client({ tls: { ca: [pem["ca.pem"]!, pem["server.pem"]!], replaceRoots: true } });
    expect(text(await again.request({ method: "GET", url: tlsSrv.url }))).toBe("ok");
    expect(contextStats.trustBuilt).toBeLessThanOrEqual(before + 1); // (an earlier test may have built it)
    // a prefix of a known list is its own trust: it trusts only what it names
    const prefix = port.client({ tls: { ca: [pem["ca.pem"]!, pem["server.pem"]!].slice(0, 1), replaceRoots: true } });
    expect((await prefix.request({ method: "GET", url: tlsSrv.url }).catch((e: unknown) => e)) as { kind?: string }).toMatchObject({ kind: "tls" });
    for (let i = 0; i < 2; i++) {
      expect(() => port.client({ tls: { ca: [pem["server.pem"]!, "not a pem"] } })).toThrow(ScenarioError);
      expect(() => port.client({ tls: { ca: [pem["server.pem"]!, 42 as never] } })).toThrow(ScenarioError);
    }
    await Promise.all([again.close(), prefix.close(), tlsSrv.close()]);
  });

  it("shares an mTLS context only between clients with the same identity, never across devices", async () => {
    const srv = await mtls();
    const trust = { ca: [pem["server.pem"]!] };
    const before = contextStats.identityBuilt;
    const d1a = port.client({ tls: { ...trust, identity: identity("device-1") } });
    const d1b = port.client({ tls: { ...trust, identity: identity("device-1") } });
    const d2 = port.client({ tls: { ...trust, identity: identity("device-2") } });
    expect(contextStats.identityBuilt).toBe(before + 2);
    expect(text(await d1a.request({ method: "GET", url: srv.url }))).toMatch(/^device-1 /);
    expect(text(await d2.request({ method: "GET", url: srv.url }))).toMatch(/^device-2 /);
    expect(text(await d1b.request({ method: "GET", url: srv.url }))).toMatch(/^device-1 /);
    // the cache key includes the key: device-1's certificate with device-2's key is refused
    expect(() => port.client({ tls: { ...trust, identity: { certPem: pem["device-1.pem"]!, keyPem: pem["device-2.key"]! } } })).toThrow(ScenarioError);
    expect(() => port.client({ tls: { ...trust, identity: { certPem: pem["device-1.pem"]!, keyPem: "garbage" } } })).toThrow(/keyPem/);
    expect(() => port.client({ tls: { ...trust, identity: { certPem: "nope", keyPem: pem["device-1.key"]! } } })).toThrow(/certPem/);
    await Promise.all([d1a.close(), d1b.close(), d2.close()]);
    await srv.close();
  });

  it("treats the trust list as a set: repeated or reordered CAs share the context of the list without them", async () => {
    const srv = await mtls();
    const reflow = (pem: string) => pem.replace(/\n/g, "\r\n"); // another PEM layout of the same certificate
    const a = { ca: [pem["server.pem"]!, pem["device-1.pem"]!] };
    const b = { ca: [pem["device-1.pem"]!, reflow(pem["server.pem"]!), pem["server.pem"]!] };
    const built = contextStats.identityBuilt;
    const one = port.client({ tls: { ...a, identity: identity("device-2") } });
    const two = port.client({ tls: { ...b, identity: identity("device-2") } });
    expect(contextStats.identityBuilt).toBe(built + 1);
    expect(text(await two.request({ method: "GET", url: srv.url }))).toMatch(/^device-2 /);
    // a different set is a different context, and one without the server's CA still refuses it
    const other = port.client({ tls: { ca: [pem["device-1.pem"]!], replaceRoots: true, identity: identity("device-2") } });
    expect(contextStats.identityBuilt).toBe(built + 2);
    expect(((await other.request({ method: "GET", url: srv.url }).catch((e: unknown) => e)) as { kind?: string }).kind).toBe("tls");
    await Promise.all([one.close(), two.close(), other.close()]);
    await srv.close();
  });

  it("resumes TLS sessions within one client only, keeping the mTLS identity", async () => {
    const srv = await mtls();
    const trust = { ca: [pem["server.pem"]!] };
    const before = { ...port.tlsStats };
    const d1 = port.client({ tls: { ...trust, identity: identity("device-1") } });
    const seen: string[] = [];
    for (let i = 0; i < 3; i++) seen.push(text(await d1.request({ method: "GET", url: srv.url })));
    expect(seen).toEqual(["device-1 full", "device-1 resumed", "device-1 resumed"]);
    // another client of the same device (same identity and context) starts with a full handshake
    const d1again = port.client({ tls: { ...trust, identity: identity("device-1") } });
    expect(text(await d1again.request({ method: "GET", url: srv.url }))).toBe("device-1 full");
    // and another device never gets device-1's session
    const d2 = port.client({ tls: { ...trust, identity: identity("device-2") } });
    expect(text(await d2.request({ method: "GET", url: srv.url }))).toBe("device-2 full");
    expect(port.tlsStats.full - before.full).toBe(3);
    expect(port.tlsStats.resumed - before.resumed).toBe(2);
    expect(port.tlsStats.fullWithClientCert - before.fullWithClientCert).toBe(3);
    await Promise.all([d1.close(), d1again.close(), d2.close()]);
    await srv.close();
  });

  it("resumes TLS 1.2 sessions too (announced before the handshake completes)", async () => {
    const srv = await serve((req, res) => res.end((req.socket as TLSSocket).isSessionReused() ? "resumed" : "full"), {
      cert: pem["server.pem"],
      key: pem["server.key"],
      maxVersion: "TLSv1.2",
    });
    const client = port.client({ tls: { ca: [pem["server.pem"]!] } });
    const seen = [];
    for (let i = 0; i < 3; i++) seen.push(text(await client.request({ method: "GET", url: srv.url })));
    expect(seen).toEqual(["full", "resumed", "resumed"]);
    await client.close();
    await srv.close();
  });

  it("does not resume sessions of unverified (insecure) connections, nor when resumption is off", async () => {
    const srv = await serve((req, res) => res.end((req.socket as TLSSocket).isSessionReused() ? "resumed" : "full"), {
      cert: pem["server.pem"],
      key: pem["server.key"],
    });
    const insecure = port.client({ tls: { insecure: true } });
    const a = [];
    for (let i = 0; i < 2; i++) a.push(text(await insecure.request({ method: "GET", url: srv.url })));
    expect(a).toEqual(["full", "full"]);
    const off = new NodeHttp({ clock: new RealClock(), tlsSessionResumption: false }).client({ tls: { ca: [pem["server.pem"]!] } });
    const b = [];
    for (let i = 0; i < 2; i++) b.push(text(await off.request({ method: "GET", url: srv.url })));
    expect(b).toEqual(["full", "full"]);
    await Promise.all([insecure.close(), off.close()]);
    await srv.close();
  });
});

describe("NodeCrypto private-key PEM", () => {
  it("exports a key once and hands the same PEM back, distinct keys their own", () => {
    const c = new NodeCrypto();
    const a = c.importPrivateKey(new Uint8Array(generateKeyPairSync("ec", { namedCurve: "prime256v1" }).privateKey.export({ type: "pkcs8", format: "der" })));
    const b = c.importPrivateKey(new Uint8Array(generateKeyPairSync("ec", { namedCurve: "prime256v1" }).privateKey.export({ type: "pkcs8", format: "der" })));
    const pem = c.privateKeyPem(a);
    expect(pem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(c.privateKeyPem(a)).toBe(pem);
    expect(c.privateKeyPem(b)).not.toBe(pem);
    expect(createPrivateKey(pem).export({ type: "pkcs8", format: "der" })).toEqual(Buffer.from(c.exportPrivateKey(a)));
  });
});

describe("NodeCrypto public-key cache", () => {
  it("verifies and encrypts with cached keys, bounded, and never caches a bad SPKI", () => {
    const c = new NodeCrypto();
    const data = new Uint8Array([1, 2, 3]);
    const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const spki = new Uint8Array(rsa.publicKey.export({ type: "spki", format: "der" }));
    const sig = new Uint8Array(nodeSign("sha256", data, rsa.privateKey));
    for (let i = 0; i < 3; i++) expect(c.verify(spki, "sha256", data, sig)).toBe(true);
    // a copy in another buffer (and at an offset) hits the same entry and still verifies
    const shifted = new Uint8Array(spki.length + 5);
    shifted.set(spki, 5);
    expect(c.verify(shifted.subarray(5), "sha256", data, sig)).toBe(true);
    expect(c.verify(spki, "sha256", new Uint8Array([9]), sig)).toBe(false);
    expect(c.rsaEncryptPkcs1(spki, data).length).toBe(256);
    const size = publicKeyCacheSize();
    expect(c.verify(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00]), "sha256", data, sig)).toBe(false);
    expect(publicKeyCacheSize()).toBe(size);
    for (let i = 0; i < PUBLIC_KEY_CACHE_SIZE + 10; i++) {
      const ec = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
      c.verify(new Uint8Array(ec.publicKey.export({ type: "spki", format: "der" })), "sha256", data, sig);
    }
    expect(publicKeyCacheSize()).toBe(PUBLIC_KEY_CACHE_SIZE);
    expect(c.verify(spki, "sha256", data, sig)).toBe(true); // evicted, re-imported
  });
});

describe("identity context cache (scan-resistant)", () => {
  /** Hits of `rounds` cyclic passes over `population` keys (what steady-state check-ins do). */
  const cyclicHits = (cache: { get(k: number): number | undefined; set(k: number, v: number): void }, population: number, rounds: number) => {
    let hits = 0;
    for (let r = 0; r < rounds; r++) {
      for (let k = 0; k < population; k++) {
        if (cache.get(k) === k) hits++;
        else cache.set(k, k);
      }
    }
    return hits;
  };

  it("keeps the most recent entries whatever the population (the clients of one enrolment)", () => {
    const c = new ScanResistantCache<number, number>(100, 20);
    for (let k = 0; k < 1000; k++) {
      c.set(k, k);
      // oldest first, so the looks themselves keep the order of use
      for (let back = Math.min(19, k); back >= 0; back--) expect(c.get(k - back)).toBe(k - back);
    }
  });

  it("stays bounded and keeps about capacity / population of a cyclically visited fleet, where an LRU keeps none", () => {
    const cache = new ScanResistantCache<number, number>(100, 20);
    const hits = cyclicHits(cache, 400, 10);
    expect(cache.size).toBe(100);
    // 9 passes after the first: the 80 resident entries hit on each (an ideal cache of 100: 9 × 100)
    expect(hits).toBe(9 * 80);
    const lru = new Lru<number, number>(100);
    expect(cyclicHits(lru, 400, 10)).toBe(0);
  });

  it("with a doorkeeper, keeps resident only entries stored again after they were dropped (a one-off burst leaves it empty)", () => {
    const cache = new ScanResistantCache<number, number>(100, 20, 1000);
    // one burst over 400 keys (every device's enrolment): nothing resident, only the recent 20
    for (let k = 0; k < 400; k++) cache.set(k, k);
    expect(cache.size).toBe(20);
    // the same keys come back (a server that does not resume: each check-in needs its context again):
    // from their second drop on they are kept, up to the capacity, and hit on every later pass
    const hits = cyclicHits(cache, 400, 10);
    expect(cache.size).toBe(100);
    expect(hits).toBe(9 * 80);
    // a doorkeeper full of keys starts again: still bounded
    const small = new ScanResistantCache<number, number>(10, 2, 5);
    for (let k = 0; k < 1000; k++) small.set(k, k);
    expect(small.size).toBeLessThanOrEqual(10);
    expect(cyclicHits(small, 3, 3)).toBeGreaterThan(0);
  });

  it("keeps every entry while the population fits, and a value is only ever its own key's", () => {
    const c = new ScanResistantCache<string, string>(50, 10);
    for (let i = 0; i < 50; i++) c.set(`k${i}`, `v${i}`);
    c.set("k7", "v7b");
    for (let i = 0; i < 50; i++) expect(c.get(`k${i}`)).toBe(i === 7 ? "v7b" : `v${i}`);
    for (let i = 50; i < 500; i++) c.set(`k${i}`, `v${i}`);
    expect(c.size).toBe(50);
    for (let i = 0; i < 500; i++) expect([undefined, i === 7 ? "v7b" : `v${i}`]).toContain(c.get(`k${i}`));
    c.clear();
    expect(c.size).toBe(0);
    expect(c.get("k499")).toBeUndefined();
  });
});
