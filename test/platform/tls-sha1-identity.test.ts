// SPDX-License-Identifier: MIT
// A device certificate signed with SHA-1 (oscartbeaumont/windows_mdm copies a Windows 10 CSR's sha1RSA
// into the certificate it issues, docs/interop.md) is still presented over mTLS, as Windows does.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TLSSocket } from "node:tls";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RealClock } from "../../src/platform/node/clock.js";
import { NodeHttp } from "../../src/platform/node/http.js";

const run = promisify(execFile);

describe("mTLS identity signed with SHA-1", () => {
  let dir: string;
  const pem: Record<string, string> = {};
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "enrollsim-sha1id-"));
    const rsa = ["-newkey", "rsa:2048", "-nodes", "-days", "2"];
    await run("openssl", ["req", "-x509", ...rsa, "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", join(dir, "server.key"), "-out", join(dir, "server.pem")]);
    await run("openssl", ["req", "-x509", ...rsa, "-subj", "/CN=Demo Identity", "-keyout", join(dir, "ca.key"), "-out", join(dir, "ca.pem")]);
    await run("openssl", ["req", "-x509", ...rsa, "-sha1", "-subj", "/CN=0123456789ABCDEF", "-CA", join(dir, "ca.pem"), "-CAkey", join(dir, "ca.key"), "-keyout", join(dir, "dev.key"), "-out", join(dir, "dev.pem")]);
    for (const f of ["server", "ca", "dev"]) {
      pem[`${f}.pem`] = await readFile(join(dir, `${f}.pem`), "utf8");
      pem[`${f}.key`] = await readFile(join(dir, `${f}.key`), "utf8");
    }
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("builds the context and presents the certificate (OpenSSL 3 refuses it at the default security level)", async () => {
    // The server asks for a certificate but does not verify it, as windows_mdm's Go server does not.
    const server = https.createServer({ cert: pem["server.pem"], key: pem["server.key"], requestCert: true, rejectUnauthorized: false }, (req, res) => {
      res.end(String((req.socket as TLSSocket).getPeerCertificate().subject?.CN ?? "anonymous"));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const client = new NodeHttp({ clock: new RealClock() }).client({ tls: { ca: [pem["server.pem"]!], identity: { certPem: pem["dev.pem"]!, keyPem: pem["dev.key"]! } } });
    try {
      const res = await client.request({ method: "GET", url });
      expect(Buffer.from(res.body).toString()).toBe("0123456789ABCDEF");
    } finally {
      await client.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
