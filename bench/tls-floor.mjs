// SPDX-License-Identifier: MIT
// The native cost of the TLS handshakes an enrolment needs, for the protocol floor of issue 14 #4:
// a minimal handshake pair (tls.connect against a bare tls.Server, no HTTP, one byte each way),
// server in its own process so each side's CPU is read separately with process.cpuUsage().
// The server uses the reference server's own TLS identity (EC P-256 leaf under its CA) and asks
// for a client certificate as the reference server does; the client trusts the CA and, for the
// mTLS kind, presents an RSA-2048 certificate with a pool key (one TLS 1.3 CertificateVerify).
//
// Kinds measured: full (no client certificate), full-mtls, resumed (TLS 1.3 ticket of the
// previous connection). The client reuses one SecureContext: building one is per-device setup,
// not part of the handshake floor.
import { execFileSync, fork } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect, createSecureContext, createServer } from "node:tls";
import { fileURLToPath } from "node:url";

const cpuMs = (u) => (u.user + u.system) / 1000;

/** Per-handshake CPU (ms) of client and server for each kind; `key` is a NodePrivateKey (pool). */
export async function measureHandshakes(key, n = 150) {
  const child = fork(fileURLToPath(import.meta.url), ["--tls-floor-child"], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const ask = (m) =>
    new Promise((resolve, reject) => {
      child.once("message", resolve);
      child.once("exit", (c) => reject(new Error(`tls floor child exited with ${c}`)));
      if (m) child.send(m);
    });
  const dir = mkdtempSync(join(tmpdir(), "enrollsim-tls-floor-"));
  try {
    const { port, caPem } = await ask();
    const keyPem = key.keyObject.export({ type: "pkcs8", format: "pem" }).toString();
    const keyFile = join(dir, "key.pem");
    execFileSync("sh", ["-c", `umask 077; cat > "${keyFile}"`], { input: keyPem });
    execFileSync("openssl", ["req", "-x509", "-new", "-key", keyFile, "-subj", "/CN=tls-floor-device", "-days", "1", "-out", join(dir, "cert.pem")], { stdio: "ignore" });
    const certPem = readFileSync(join(dir, "cert.pem"), "utf8");
    const plain = createSecureContext({ ca: caPem });
    const mtls = createSecureContext({ ca: caPem, cert: certPem, key: keyPem });
    const once = (ctx, session) =>
      new Promise((resolve, reject) => {
        let ticket;
        const s = connect({ host: "127.0.0.1", port, servername: "localhost", secureContext: ctx, ...(session ? { session } : {}) });
        s.on("session", (t) => (ticket = t));
        s.on("error", reject);
        s.on("data", () => {});
        s.on("close", () => resolve({ ticket, reused: s.isSessionReused?.() }));
      });
    const kinds = {};
    const run = async (name, ctx, withSession) => {
      let session = withSession ? (await once(ctx)).ticket : undefined;
      for (let i = 0; i < 20; i++) session = (await once(ctx, session)).ticket ?? session; // warm up
      const s0 = (await ask("cpu")).cpu;
      const c0 = process.cpuUsage();
      for (let i = 0; i < n; i++) {
        const r = await once(ctx, withSession ? session : undefined);
        if (withSession) session = r.ticket ?? session;
      }
      const client = cpuMs(process.cpuUsage(c0)) / n;
      const server = (cpuMs((await ask("cpu")).cpu) - cpuMs(s0)) / n;
      kinds[name] = { clientMs: round(client), serverMs: round(server) };
    };
    await run("full", plain, false);
    await run("full-mtls", mtls, false);
    await run("resumed", plain, true);
    return kinds;
  } finally {
    rmSync(dir, { recursive: true, force: true });
    child.send("stop");
    await new Promise((r) => child.once("exit", r));
  }
}

/**
 * The protocol floor (ms of simulator CPU per enrolment): the private-key operations the device
 * performs itself, plus the handshakes counted in the run at their measured client-side cost. The
 * mTLS handshake's CertificateVerify signature is inside its cost, so the counted
 * `tls-client-sign` operations are not added twice.
 */
export function protocolFloorMs(perEnrol, cost, handshakes, tlsCost) {
  let total = 0;
  for (const [op, k] of Object.entries(perEnrol)) if (!op.startsWith("tls-client-sign:")) total += k * (cost[op] ?? 0);
  const plainFull = Math.max(0, handshakes.full - handshakes.fullWithClientCert);
  total += plainFull * tlsCost.full.clientMs + handshakes.fullWithClientCert * tlsCost["full-mtls"].clientMs + handshakes.resumed * tlsCost.resumed.clientMs;
  return total;
}

const round = (x, d = 3) => Math.round(x * 10 ** d) / 10 ** d;

const CHILD = process.argv[2] === "--tls-floor-child";

if (CHILD) {
  const { ReferenceServer } = await import("../dist/server/reference-server.js");
  const ref = await ReferenceServer.start({ scep: { challenge: "x" } });
  const id = ref.tls; // (a private field, read here only) the identity the reference server listens with (certPem, keyPem, caPem)
  await ref.close();
  const server = createServer({ cert: id.certPem, key: id.keyPem, ca: id.caPem, requestCert: true, rejectUnauthorized: false }, (s) => {
    s.on("error", () => {});
    s.end("x");
  });
  server.listen(0, "127.0.0.1", () => process.send({ port: server.address().port, caPem: id.caPem }));
  process.on("message", (m) => {
    if (m === "cpu") process.send({ cpu: process.cpuUsage() });
    if (m === "stop") server.close(() => process.exit(0));
  });
  process.on("disconnect", () => process.exit(1)); // the parent died: never outlive it
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { FileKeyPool } = await import("../dist/platform/node/keypool/index.js");
  const keys = await FileKeyPool.open({ spec: "rsa2048", ensure: 1 });
  console.log(JSON.stringify(await measureHandshakes(await keys.rsa(0))));
}
