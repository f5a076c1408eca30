// SPDX-License-Identifier: MIT
/**
 * The handshake-only abbreviated certificate for Node's host-name check (http/host-check.ts):
 * host names are still checked on every full handshake (per request, keep-alive and resumed
 * sessions alike), and after the handshake the full chain is available as usual.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import tls from "node:tls";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TransportError } from "../../src/errors/index.js";
import { RealClock } from "../../src/platform/node/clock.js";
import { NodeHttp } from "../../src/platform/node/http.js";
import { cheapHostCheck } from "../../src/platform/node/http/host-check.js";

const run = promisify(execFile);
let dir: string;
const pem: Record<string, string> = {};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "enrollsim-hostcheck-"));
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2"];
  await run("openssl", ["req", "-x509", ...ec, "-subj", "/CN=Host Check CA", "-keyout", join(dir, "ca.key"), "-out", join(dir, "ca.pem")]);
  for (const [name, san] of [["right", "IP:127.0.0.1"], ["wrong", "DNS:elsewhere.example"]] as const) {
    await run("openssl", ["req", "-x509", ...ec, "-subj", `/CN=${name}`, "-CA", join(dir, "ca.pem"), "-CAkey", join(dir, "ca.key"),
      "-addext", `subjectAltName=${san}`, "-keyout", join(dir, `${name}.key`), "-out", join(dir, `${name}.pem`)]);
  }
  for (const f of ["ca", "right", "wrong"]) {
    pem[`${f}.pem`] = await readFile(join(dir, `${f}.pem`), "utf8");
    pem[`${f}.key`] = await readFile(join(dir, `${f}.key`), "utf8");
  }
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function serve(name: "right" | "wrong") {
  const server = https.createServer({ cert: pem[`${name}.pem`], key: pem[`${name}.key`] }, (_req, res) => res.end("ok"));
  server.on("tlsClientError", () => {});
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return { url, close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))) };
}

describe("host-name check with the abbreviated certificate", () => {
  it("still refuses a certificate for another host, per request, with keep-alive and on the second (resumable) request", async () => {
    const srv = await serve("wrong");
    const http = new NodeHttp({ clock: new RealClock() });
    for (const keepAlive of [false, true]) {
      const client = http.client({ tls: { ca: [pem["ca.pem"]!] }, keepAlive });
      for (let i = 0; i < 2; i++) {
        const err = await client.request({ method: "GET", url: srv.url }).then(() => undefined, (e: unknown) => e);
        expect(err).toBeInstanceOf(TransportError);
        expect((err as TransportError).kind).toBe("tls");
        expect((err as TransportError).message).toMatch(/ERR_TLS_CERT_ALTNAME_INVALID|does not match|not in the cert's altnames/i);
      }
      await client.close();
    }
    await srv.close();
  });

  it("accepts the right host, full handshake then resumed", async () => {
    const srv = await serve("right");
    const http = new NodeHttp({ clock: new RealClock() });
    const client = http.client({ tls: { ca: [pem["ca.pem"]!] } });
    for (let i = 0; i < 2; i++) expect((await client.request({ method: "GET", url: srv.url })).status).toBe(200);
    expect(http.tlsStats).toMatchObject({ full: 1, resumed: 1 });
    await client.close();
    await srv.close();
  });

  it("gives Node's check the abbreviated leaf during the handshake only; the full chain afterwards", async () => {
    const srv = await serve("right");
    const port = Number(new URL(srv.url).port);
    let seen: tls.PeerCertificate | tls.DetailedPeerCertificate | undefined;
    const socket = tls.connect({
      host: "127.0.0.1",
      port,
      ca: [pem["ca.pem"]!],
      checkServerIdentity: (host, cert) => {
        seen = cert;
        return tls.checkServerIdentity(host, cert);
      },
    });
    cheapHostCheck(socket);
    expect(Object.hasOwn(socket, "getPeerCertificate")).toBe(true);
    await new Promise<void>((resolve, reject) => socket.once("secureConnect", resolve).once("error", reject));
    expect(seen?.subjectaltname).toBe("IP Address:127.0.0.1");
    expect((seen as tls.DetailedPeerCertificate).issuerCertificate).toBeUndefined();
    expect(Object.hasOwn(socket, "getPeerCertificate")).toBe(false);
    expect(socket.getPeerCertificate(true).issuerCertificate?.subject.CN).toBe("Host Check CA");
    socket.destroy();
    await srv.close();
  });
});
