// SPDX-License-Identifier: MIT
/** The fault engine under the device's ports: selectors, counting, actions, on virtual time. */
import { describe, expect, it } from "vitest";
import { TransportError } from "../../../src/errors/index.js";
import { SeededEntropySource } from "../../../src/platform/node/entropy.js";
import { InMemoryHttp } from "../../../src/platform/virtual/http.js";
import { VirtualClock } from "../../../src/platform/virtual/clock.js";
import type { HttpRequest, HttpResponse, TranscriptEvent } from "../../../src/ports/index.js";
import { zoneDns } from "../../../src/ports/dns.js";
import { compilePattern } from "../../../src/runner/faults/select.js";
import { faultyPorts } from "../../../src/runner/faults/plan.js";
import type { FaultSpec, ResolvedFault } from "../../../src/runner/faults/vocabulary.js";

const BASE = "https://mdm.example.test";
const ok = (body = "hello world, this is the real answer"): HttpResponse => ({ status: 200, headers: { "content-type": "text/plain", "content-length": String(body.length) }, body: new Uint8Array(Buffer.from(body)), url: "" });

function setup(faults: FaultSpec[], o: { seed?: string; index?: number; group?: string; platform?: string; handler?: (r: HttpRequest) => Promise<HttpResponse> } = {}) {
  const clock = new VirtualClock();
  const served: HttpRequest[] = [];
  const http = new InMemoryHttp({ clock, handler: async (r) => (served.push(r), o.handler ? o.handler(r) : ok()) });
  const events: TranscriptEvent[] = [];
  const resolved: ResolvedFault[] = faults.map((f, i) => ({ ...f, name: f.name ?? `faults[${i}]`, origin: `faults[${i}]` }));
  const entropy = new SeededEntropySource(o.seed ?? "1").forDevice(0, o.index ?? 0).fork("faults");
  const dns = zoneDns({ "enterpriseenrollment.contoso.com": { cname: ["mdm.example.test"] }, "mdm.example.test": { a: ["127.0.0.1"] } });
  const ports = faultyPorts(resolved, { id: `dev#${o.index ?? 0}`, platform: o.platform ?? "windows", flow: "windows-byod", group: o.group ?? "pcs" }, { http, dns, clock, transcript: { record: (e) => events.push(e) }, entropy, runStart: clock.now() });
  const client = ports.http.client();
  const get = (path = "/x", extra: Partial<HttpRequest> = {}) => client.request({ method: "GET", url: `${BASE}${path}`, timeoutMs: 30_000, ...extra });
  const inStep = async <T>(step: string, fn: () => Promise<T>): Promise<T> => {
    ports.current.step = step;
    try {
      return await fn();
    } finally {
      ports.current.step = undefined;
    }
  };
  return { clock, served, events, ports, client, get, inStep };
}

const statusOf = async (p: Promise<HttpResponse>) => (await p).status;
const errorOf = async (p: Promise<unknown>): Promise<TransportError> => {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(TransportError);
    return err as TransportError;
  }
  throw new Error("expected a TransportError");
};

describe("selectors", () => {
  it("globs and /regex/ patterns", () => {
    expect(compilePattern("discovery.*").test("discovery.post")).toBe(true);
    expect(compilePattern("discovery.*").test("enroll.rst")).toBe(false);
    expect(compilePattern("*.pkioperation").test("scep.pkioperation")).toBe(true);
    expect(compilePattern("*/EnrollmentServer/*").test(`${BASE}/EnrollmentServer/Discovery.svc`)).toBe(true);
    expect(compilePattern("/^https:.*\\.svc$/").test(`${BASE}/a.svc`)).toBe(true);
    expect(compilePattern("a.b").test("axb")).toBe(false); // a dot in a glob is a dot
  });

  it("nth fires on the Nth matching request only; times bounds the firings", async () => {
    const a = setup([{ match: { nth: 2 }, status: { code: 503 } }]);
    expect([await statusOf(a.get()), await statusOf(a.get()), await statusOf(a.get())]).toEqual([200, 503, 200]);
    const b = setup([{ times: 2, status: { code: 500 } }]);
    expect([await statusOf(b.get()), await statusOf(b.get()), await statusOf(b.get())]).toEqual([500, 500, 200]);
    expect(b.served).toHaveLength(1); // faulted requests never reached the server
  });

  it("afterSuccesses waits for N successful matching requests of the device", async () => {
    const s = setup([{ match: { afterSuccesses: 2, url: "*/api*" }, status: { code: 429 } }]);
    const seq = [await statusOf(s.get("/other")), await statusOf(s.get("/api")), await statusOf(s.get("/api")), await statusOf(s.get("/api"))];
    expect(seq).toEqual([200, 200, 200, 429]);
  });

  it("step, method and url selectors read the device's current step", async () => {
    const s = setup([{ match: { step: "discovery.*", method: "POST" }, status: { code: 404 } }]);
    expect(await statusOf(s.inStep("discovery.post", () => s.get("/d", { method: "POST" })))).toBe(404);
    expect(await statusOf(s.inStep("discovery.get", () => s.get("/d")))).toBe(200);
    expect(await statusOf(s.inStep("enroll.rst", () => s.get("/d", { method: "POST" })))).toBe(200);
    expect(await statusOf(s.get("/d", { method: "POST" }))).toBe(200); // outside any step
  });

  it("group and platform scope which devices a fault reaches", async () => {
    const f: FaultSpec[] = [{ match: { group: "laptops", platform: "apple" }, status: { code: 500 } }];
    expect(await statusOf(setup(f, { group: "laptops", platform: "macos" }).get())).toBe(500);
    expect(await statusOf(setup(f, { group: "laptops", platform: "windows" }).get())).toBe(200);
    expect(await statusOf(setup(f, { group: "phones", platform: "ios" }).get())).toBe(200);
  });

  it("probability draws from the device's seeded entropy: same seed, same firings; another seed differs", async () => {
    const firings = async (seed: string, index: number) => {
      const s = setup([{ match: { probability: 0.5 }, status: { code: 503 } }], { seed, index });
      const out: number[] = [];
      for (let i = 0; i < 40; i++) out.push(await statusOf(s.get()));
      return out.map((x) => (x === 503 ? 1 : 0)).join("");
    };
    const a = await firings("42", 3);
    expect(await firings("42", 3)).toBe(a);
    expect(await firings("43", 3)).not.toBe(a);
    expect(await firings("42", 4)).not.toBe(a);
    const rate = [...a].filter((c) => c === "1").length / a.length;
    expect(rate).toBeGreaterThan(0.2);
    expect(rate).toBeLessThan(0.8);
  });
});

describe("actions", () => {
  it("status answers with the code, body and headers (Retry-After) without reaching the server", async () => {
    const s = setup([{ status: { code: 503, body: "busy", headers: { "Retry-After": "120" } } }]);
    const res = await s.get();
    expect(res.status).toBe(503);
    expect(res.headers["retry-after"]).toBe("120");
    expect(Buffer.from(res.body).toString()).toBe("busy");
    expect(s.served).toHaveLength(0);
  });

  it("records every injected fault in the transcript as injected, with the entry and action", async () => {
    const s = setup([{ name: "maintenance", match: { step: "enroll.*" }, status: { code: 503 } }]);
    await s.inStep("enroll.rst", () => s.get("/e"));
    expect(s.events).toEqual([
      expect.objectContaining({ kind: "note", step: "enroll.rst", device: "dev#0", data: { injected: true, fault: "maintenance", entry: "faults[0]", action: { status: { code: 503 } }, target: `GET ${BASE}/e` } }),
    ]);
  });

  it("truncate, corrupt and contentType alter the real answer", async () => {
    const t = await setup([{ truncate: { bytes: 5 } }]).get();
    expect(Buffer.from(t.body).toString()).toBe("hello");
    expect(t.headers["content-length"]).toBe("5");
    expect((await setup([{ truncate: { ratio: 0.5 } }]).get()).body.length).toBe(18);
    const c1 = await setup([{ corrupt: { bytes: 3 } }]).get();
    const c2 = await setup([{ corrupt: { bytes: 3 } }]).get();
    const real = ok().body;
    expect(c1.body.filter((b, i) => b !== real[i]).length).toBe(3);
    expect(Buffer.from(c1.body)).toEqual(Buffer.from(c2.body)); // deterministic by seed
    expect((await setup([{ contentType: { value: "text/html" } }]).get()).headers["content-type"]).toBe("text/html");
  });

  it("redirect answers a Location", async () => {
    const r = await setup([{ redirect: { location: "https://elsewhere.test/x", status: 307 } }]).get();
    expect([r.status, r.headers.location]).toEqual([307, "https://elsewhere.test/x"]);
  });

  it("reset lets the server handle the request, then drops the connection", async () => {
    const s = setup([{ reset: { when: "mid-body" } }]);
    const e = await errorOf(s.get());
    expect([e.kind, e.detail]).toEqual(["reset", "reset.mid-body"]);
    expect(s.served).toHaveLength(1);
    const b = await errorOf(setup([{ reset: { when: "before-response" } }]).get());
    expect([b.kind, b.detail, b.message]).toEqual(["reset", "reset.before-response", `GET ${BASE}/x: read ECONNRESET`]);
  });

  it("tls faults fail the handshake with the Node-shaped error, and only on https", async () => {
    const expired = await errorOf(setup([{ tls: "expired" }]).get());
    expect([expired.kind, expired.detail, expired.message]).toEqual(["tls", "tls.expired", `GET ${BASE}/x: TLS failure (CERT_HAS_EXPIRED): certificate has expired`]);
    expect((await errorOf(setup([{ tls: "wrong-host" }]).get())).detail).toBe("tls.wrong-host");
    expect((await errorOf(setup([{ tls: "untrusted" }]).get())).detail).toBe("tls.untrusted");
    const plain = setup([{ tls: "expired" }]);
    expect((await plain.client.request({ method: "GET", url: "http://mdm.example.test/x" })).status).toBe(200);
  });

  it("client-cert-not-requested sends the request without the device's certificate", async () => {
    const seen: (Uint8Array | undefined)[] = [];
    const s = setup([{ tls: "client-cert-not-requested" }], { handler: async (r) => (seen.push((r as { tls?: { peerCertificateDer?: Uint8Array } }).tls?.peerCertificateDer), ok()) });
    const certPem = "-----BEGIN CERTIFICATE-----\nAQID\n-----END CERTIFICATE-----\n"; // the in-memory port only carries the DER
    const c = s.ports.http.client({ tls: { identity: { certPem, keyPem: "unused" } } });
    expect((await c.request({ method: "GET", url: `${BASE}/m` })).status).toBe(200);
    expect(seen).toEqual([undefined]);
    const plain = setup([], { handler: async (r) => (seen.push((r as { tls?: { peerCertificateDer?: Uint8Array } }).tls?.peerCertificateDer), ok()) });
    await plain.ports.http.client({ tls: { identity: { certPem, keyPem: "unused" } } }).request({ method: "GET", url: `${BASE}/m` });
    expect(seen[1]).toEqual(new Uint8Array([1, 2, 3])); // without the fault the certificate is presented
  });

  it("dns faults fail HTTP requests like getaddrinfo and DNS lookups like the resolver", async () => {
    const s = setup([{ match: { url: "enterpriseenrollment.*" }, dns: "nxdomain" }, { match: { url: "*/blocked" }, dns: "nxdomain" }]);
    expect(await s.ports.dns.resolveCname("enterpriseenrollment.contoso.com")).toEqual([]); // NodeDns: ENOTFOUND → no CNAME
    const a = await errorOf(s.ports.dns.resolve4("enterpriseenrollment.contoso.com"));
    expect([a.kind, a.detail, a.message]).toEqual(["dns", "dns.nxdomain", "A enterpriseenrollment.contoso.com: ENOTFOUND"]);
    expect(await s.ports.dns.resolve4("mdm.example.test")).toEqual(["127.0.0.1"]);
    const h = await errorOf(s.get("/blocked"));
    expect([h.kind, h.detail, h.message]).toEqual(["dns", "dns.nxdomain", `GET ${BASE}/blocked: getaddrinfo ENOTFOUND mdm.example.test`]);
    const cname = setup([{ match: { url: "enterpriseenrollment.*" }, dns: { cname: "mdm.example.test" } }]);
    const zoned = cname.ports.dns.withZone!({ "enterpriseenrollment.fabrikam.com": { cname: ["nowhere.test"] }, "mdm.example.test": { a: ["10.0.0.9"] } });
    expect(await zoned.resolveCname("enterpriseenrollment.fabrikam.com")).toEqual(["mdm.example.test"]);
    expect(await zoned.resolve4("enterpriseenrollment.fabrikam.com")).toEqual(["10.0.0.9"]);
  });

  it("soapFault answers a MS-MDE2 fault envelope relating to the request", async () => {
    const s = setup([{ soapFault: { subcode: "Authorization", reason: "no licence", type: "UserLicense" } }]);
    const body = new Uint8Array(Buffer.from('<s:Envelope><s:Header><a:MessageID>urn:uuid:0d5a1441-5891-453b-becf-a2e5f6ea3749</a:MessageID></s:Header></s:Envelope>'));
    const res = await s.client.request({ method: "POST", url: `${BASE}/EnrollmentServer/Enrollment.svc`, body });
    const xml = Buffer.from(res.body).toString();
    expect(res.status).toBe(500);
    expect(res.headers["content-type"]).toBe("application/soap+xml; charset=utf-8");
    expect(xml).toContain("<s:Value>s:Authorization</s:Value>");
    expect(xml).toContain("<ErrorType>UserLicense</ErrorType>");
    expect(xml).toContain("urn:uuid:0d5a1441-5891-453b-becf-a2e5f6ea3749");
  });

  it("amapiError answers the Google API JSON error shape; mdmStatus a bare status", async () => {
    const r = await setup([{ amapiError: { code: 403, message: "The caller does not have permission" } }]).get();
    expect([r.status, JSON.parse(Buffer.from(r.body).toString())]).toEqual([403, { error: { code: 403, message: "The caller does not have permission", status: "PERMISSION_DENIED" } }]);
    const m = await setup([{ mdmStatus: 410 }]).get();
    expect([m.status, m.body.length]).toEqual([410, 0]);
  });
});

describe("faults on virtual time", () => {
  it("delay answers late with the real answer; a delay past the deadline is a timeout", async () => {
    const s = setup([{ delay: { ms: 5000 } }]);
    const t0 = s.clock.now();
    const res = await s.clock.run(s.get());
    expect([res.status, s.clock.now() - t0]).toEqual([200, 5000]);
    const late = setup([{ delay: { ms: 60_000 } }]);
    const t1 = late.clock.now();
    const e = await errorOf(late.clock.run(late.get("/x", { timeoutMs: 10_000 })));
    expect([e.kind, e.detail, late.clock.now() - t1, late.served.length]).toEqual(["timeout", "timeout.response", 10_000, 0]);
  });

  it("noAnswer hangs until the exchange deadline on the injected clock", async () => {
    const s = setup([{ noAnswer: true }]);
    const t0 = s.clock.now();
    const e = await errorOf(s.clock.run(s.get("/x", { timeoutMs: 45_000 })));
    expect([e.kind, e.message, s.clock.now() - t0]).toEqual(["timeout", `GET ${BASE}/x: no complete response within 45000 ms`, 45_000]);
  });

  it("window fires only between from and to on the scenario clock", async () => {
    const s = setup([{ match: { window: { from: 60, to: 120 } }, status: { code: 503, headers: { "retry-after": "30" } } }]);
    const seen: number[] = [];
    for (let i = 0; i < 6; i++) {
      seen.push(await statusOf(s.get()));
      await s.clock.advance(30_000);
    }
    expect(seen).toEqual([200, 200, 503, 503, 200, 200]); // t = 0, 30, 60, 90, 120 (to is exclusive), 150 s
  });

  it("Retry-After: a client that waits what the header says gets through once the window closes", async () => {
    const s = setup([{ match: { window: { to: 90 } }, status: { code: 503, headers: { "Retry-After": "60" } } }]);
    const t0 = s.clock.now();
    const attempts: { at: number; status: number }[] = [];
    const honour = async () => {
      for (;;) {
        const res = await s.get();
        attempts.push({ at: (s.clock.now() - t0) / 1000, status: res.status });
        if (res.status !== 503) return res;
        await s.clock.sleep(Number(res.headers["retry-after"]) * 1000);
      }
    };
    await s.clock.run(honour());
    expect(attempts).toEqual([
      { at: 0, status: 503 },
      { at: 60, status: 503 },
      { at: 120, status: 200 },
    ]);
  });

  it("a DNS timeout takes the resolver's give-up time, then fails", async () => {
    const s = setup([{ dns: "timeout" }]);
    const t0 = s.clock.now();
    const e = await errorOf(s.clock.run(s.ports.dns.resolve4("enterpriseenrollment.contoso.com")));
    expect([e.detail, s.clock.now() - t0]).toEqual(["dns.timeout", 10_000]);
  });
});

describe("patterns (property)", () => {
  it("a glob without wildcards matches exactly its own text, whatever characters it holds", async () => {
    const fc = await import("fast-check");
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40 }).filter((t) => !/[*?]/.test(t) && !/^\/.+\/[a-z]*$/s.test(t)), fc.string({ maxLength: 5 }), (text, extra) => {
        const re = compilePattern(text);
        expect(re.test(text)).toBe(true);
        if (extra.length) expect(re.test(text + extra)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});

describe("edit: byte edits of the answer or the request", () => {
  it("prefix/append/replace change the real answer and its Content-Length; the device gets the edited bytes", async () => {
    const t = setup([{ edit: { prefix: { hex: "00 00" }, append: "\n", replace: { find: "real", with: "edited" } } }]);
    const res = await t.get();
    expect(Buffer.from(res.body).toString("latin1")).toBe("\0\0hello world, this is the edited answer\n");
    expect(res.headers["content-length"]).toBe(String(res.body.length));
    expect(t.events.some((e) => e.kind === "note" && (e.data as { injected?: boolean }).injected)).toBe(true);
  });

  it("bytes an edit adds count against the device's size limit: past it the device gets too-large, as for a real body", async () => {
    const t = setup([{ edit: { append: "x".repeat(64) } }]);
    const err = await errorOf(t.get("/x", { maxBytes: 40 }));
    expect(err.kind).toBe("too-large");
    expect(err.message).toContain("40-byte limit");
    const under = await t.get("/x", { maxBytes: 1000 });
    expect(under.body.length).toBe(ok().body.length + 64);
  });

  it("truncate in: request cuts what the server reads (a tunnel dropping a POST body); the device gets the server's own answer", async () => {
    const t = setup([{ truncate: { bytes: 0, in: "request" } }], { handler: async (r) => ok(`got ${r.body?.length ?? 0} bytes`) });
    const res = await t.get("/x", { method: "POST", body: new Uint8Array(Buffer.from("a PKIOperation body")) });
    expect(t.served[0]!.body!.length).toBe(0);
    expect(Buffer.from(res.body).toString()).toBe("got 0 bytes");
    const half = setup([{ truncate: { ratio: 0.5, in: "request" } }]);
    await half.get("/x", { method: "POST", body: new Uint8Array(10) });
    expect(half.served[0]!.body!.length).toBe(5);
  });

  it("in: request edits what the server reads, and the device's answer is the server's own", async () => {
    const t = setup([{ edit: { in: "request", replace: { find: "secret", with: "s3cr3t" }, prefix: "X" } }], { handler: async (r) => ok(Buffer.from(r.body ?? new Uint8Array()).toString()) });
    const res = await t.get("/x", { method: "POST", body: new Uint8Array(Buffer.from("a secret")) });
    expect(Buffer.from(t.served[0]!.body!).toString()).toBe("Xa s3cr3t");
    expect(Buffer.from(res.body).toString()).toBe("Xa s3cr3t");
  });

  it("remove and byte edits combine: the structural removal first, then the bytes", async () => {
    const json = '{"a":1,"b":2}';
    const t = setup([{ edit: { remove: "b", prefix: ")]}'\n" } }], { handler: async () => ok(json) });
    const text = Buffer.from((await t.get()).body).toString();
    expect(text.startsWith(")]}'\n")).toBe(true);
    expect(JSON.parse(text.slice(5))).toEqual({ a: 1 });
  });
});
