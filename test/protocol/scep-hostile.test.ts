// SPDX-License-Identifier: MIT
/**
 * Hostile or broken SCEP servers: every bad answer ends the enrolment with a typed error naming
 * device, step and cause, within bounded time and memory.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RealClock } from "../../src/platform/node/clock.js";
import { NodeHttp } from "../../src/platform/node/http.js";
import { VirtualClock } from "../../src/platform/virtual/clock.js";
import { InMemoryHttp } from "../../src/platform/virtual/http.js";
import type { HttpHandler } from "../../src/ports/http.js";
import { ReferenceServer } from "../../src/server/reference-server.js";
import type { ScepServerFault } from "../../src/server/scep/config.js";
import { harness, testKeys } from "../support/scep-harness.js";

async function caWith(fault?: ScepServerFault) {
  const keys = await testKeys();
  return ReferenceServer.create({ scep: { fault }, keys: { ca: await keys.rsa(20) }, now: () => VIRTUAL_START });
}

const VIRTUAL_START = Date.UTC(2026, 5, 1);

async function enrollVia(handler: HttpHandler) {
  const clock = new VirtualClock(VIRTUAL_START);
  const h = harness(new InMemoryHttp({ clock, handler }), clock, { url: "http://ca.test/scep" }, "iphone-15#7");
  return clock.run(h.client.enroll(await h.enrollArgs()));
}

const only = (op: string, handler: HttpHandler, fallback: HttpHandler): HttpHandler => async (req) =>
  new URL(req.url).searchParams.get("operation") === op ? handler(req) : fallback(req);

const fixed = (status: number, contentType: string, body: string | Uint8Array): HttpHandler => async (req) => ({
  status,
  headers: { "content-type": contentType },
  body: typeof body === "string" ? new Uint8Array(Buffer.from(body)) : body,
  url: req.url,
});

describe("hostile SCEP server answers are typed errors naming device, step and cause", () => {
  beforeAll(testKeys);

  it.each([
    ["not-pkcs7", "asn1.malformed"],
    ["truncated", "asn1.malformed"],
    ["wrong-content-type", "scep.wrong-content-type"],
    ["unknown-signer", "scep.unknown-signer"],
    ["cert-for-other-key", "scep.cert-key-mismatch"],
    ["wrong-recipient-nonce", "scep.nonce-mismatch"],
    ["wrong-transaction-id", "scep.transaction-mismatch"],
  ] as const)("CertRep fault %s → %s at scep.pkioperation", async (fault, code) => {
    const server = await caWith(fault);
    await expect(enrollVia(server.handler)).rejects.toMatchObject({ code, step: "scep.pkioperation", device: "iphone-15#7", blame: "server" });
  });

  it("the lenient-nonce option records a finding instead of failing", async () => {
    const server = await caWith("wrong-recipient-nonce");
    const clock = new VirtualClock(VIRTUAL_START);
    const h = harness(new InMemoryHttp({ clock, handler: server.handler }), clock, { url: "http://ca.test/scep", lenientNonce: true });
    expect((await clock.run(h.client.enroll(await h.enrollArgs()))).status).toBe("issued");
    expect(h.events.some((e) => e.kind === "note" && String(e.data.finding).includes("recipientNonce"))).toBe(true);
  });

  it.each([
    [500, "scep.pkioperation"],
    [404, "scep.pkioperation"],
    [403, "scep.pkioperation"],
  ])("HTTP %i is a transport error, not a SCEP outcome", async (status) => {
    const server = await caWith();
    const handler = only("PKIOperation", fixed(status, "text/plain", "nope"), server.handler);
    await expect(enrollVia(handler)).rejects.toMatchObject({ code: "transport.http-status", status, step: "scep.pkioperation", blame: "transport" });
  });

  it("GetCACert with garbage, a wrong type, or an RA set without an RA", async () => {
    const server = await caWith();
    await expect(enrollVia(only("GetCACert", fixed(200, "application/x-x509-ca-cert", "garbage"), server.handler))).rejects.toMatchObject({
      code: "asn1.malformed",
      step: "scep.getcacert",
    });
    await expect(enrollVia(only("GetCACert", fixed(200, "text/html", "<html/>"), server.handler))).rejects.toMatchObject({
      code: "scep.wrong-content-type",
      step: "scep.getcacert",
    });
  });

  it("a server that never answers times out on the device clock", async () => {
    const server = await caWith();
    const stall: HttpHandler = () => new Promise(() => {});
    await expect(enrollVia(only("PKIOperation", stall, server.handler))).rejects.toMatchObject({ code: "transport.timeout", step: "scep.pkioperation" });
  });

  describe("over real sockets", () => {
    let raw: Server;
    let url: string;
    let ca: ReferenceServer;
    beforeAll(async () => {
      ca = await caWith();
      raw = createServer(async (req, res) => {
        const op = new URL(req.url!, "http://x").searchParams.get("operation");
        if (op === "PKIOperation" && req.url!.includes("stall")) {
          res.writeHead(200, { "content-type": "application/x-pki-message" });
          const drip = setInterval(() => res.write("\x30"), 20); // never-ending body
          res.on("close", () => clearInterval(drip));
          return;
        }
        if (op === "PKIOperation" && req.url!.includes("huge")) {
          res.writeHead(200, { "content-type": "application/x-pki-message" });
          const chunk = Buffer.alloc(64 * 1024, 0x41);
          const pump = () => {
            while (res.write(chunk)) if (res.destroyed) return;
          };
          res.on("drain", pump);
          pump();
          return;
        }
        const chunks: Buffer[] = [];
        for await (const c of req) chunks.push(c as Buffer);
        const out = await ca.scep.handle({ method: req.method as "GET", url: req.url!, headers: req.headers as Record<string, string>, body: new Uint8Array(Buffer.concat(chunks)) });
        res.writeHead(out.status, out.headers).end(Buffer.from(out.body));
      });
      await new Promise<void>((r) => raw.listen(0, "127.0.0.1", () => r()));
      url = `http://127.0.0.1:${(raw.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      raw.closeAllConnections();
      await new Promise<void>((r) => raw.close(() => r()));
    });

    it("a never-ending body ends in a timeout, and the socket is released", async () => {
      const clock = new RealClock();
      const h = harness(new NodeHttp({ clock }), clock, { url: `${url}/scep/stall` }, "pixel-8#3", 400);
      const started = Date.now();
      await expect(h.client.enroll(await h.enrollArgs())).rejects.toMatchObject({ code: "transport.timeout", step: "scep.pkioperation", device: "pixel-8#3" });
      expect(Date.now() - started).toBeLessThan(5_000);
    });

    it("a huge body is cut at the size limit", async () => {
      const clock = new RealClock();
      const h = harness(new NodeHttp({ clock }), clock, { url: `${url}/scep/huge` }, "pixel-8#4", 10_000);
      await expect(h.client.enroll(await h.enrollArgs())).rejects.toMatchObject({ code: "transport.too-large", step: "scep.pkioperation" });
    });
  });
});
