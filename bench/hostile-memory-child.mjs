// SPDX-License-Identifier: MIT
// Peak RSS of N Windows devices against the worst-case OMA-DM server of issue 13: every SyncML
// message the device sends is answered with the reference server's real reply plus 9,000 Get
// commands and no end (a server that once drove ONE device to 560–635 MiB). The server is a small
// HTTPS front in this process that forwards everything else to the embedded reference server
// (ReferenceServer.serveBehind), so each device enrols for real up to its first management session.
// argv: devices [sessionCommands sessionBytes]. Prints one JSON line. test-only server (bench).
import { createServer } from "node:https";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runScenario } from "../dist/api/run-scenario.js";
import { NodeCrypto } from "../dist/platform/node/crypto.js";
import { ReferenceServer } from "../dist/server/reference-server.js";
import { lazyPeer } from "../dist/server/http.js";
import { issueServerCertificate } from "../dist/server/scep/ca.js";
import { toPem } from "../dist/wire/x509/certificate.js";

const N = Number(process.argv[2] ?? 100);
const sessionCommands = process.argv[3] ? Number(process.argv[3]) : undefined;
const sessionBytes = process.argv[4] ? Number(process.argv[4]) : undefined;
const COMMANDS = 9000;
const gc = globalThis.gc ?? (() => {});

const crypto = new NodeCrypto();
const reference = await ReferenceServer.create({});
const key = await crypto.generateKey("ec-p256");
const cert = issueServerCertificate(reference.scep.id, key.spki, { dns: ["localhost"], ip: ["127.0.0.1"] }, crypto.digest("sha256", key.spki).subarray(0, 8), Date.now(), crypto);
const extra = Array.from({ length: COMMANDS }, (_, i) => `<Get><CmdID>${1000 + i}</CmdID><Item><Target><LocURI>./DevDetail/SwV</LocURI></Target></Item></Get>`).join("");
let injected = 0;
const front = createServer({ cert: toPem(cert.der) + reference.caPem, key: crypto.privateKeyPem(key), ca: [reference.caPem], requestCert: true, rejectUnauthorized: false }, async (req, res) => {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  const body = Buffer.concat(chunks);
  const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : String(v)]));
  const out = await reference.handler({ method: req.method, url: req.url, headers, body: body.length ? new Uint8Array(body) : undefined, remoteAddress: req.socket.remoteAddress, tls: lazyPeer(req) });
  let answer = Buffer.from(out.body);
  if (req.method === "POST" && req.url.startsWith("/ManagementServer/MDM.svc") && out.status === 200) {
    injected++;
    answer = Buffer.from(
      answer
        .toString("utf8")
        .replace("</SyncBody>", `${extra}</SyncBody>`)
        .replace(/<Final\s*\/>/, ""),
    );
  }
  res.writeHead(out.status, { ...out.headers, "content-length": String(answer.length) }).end(answer);
});
await new Promise((r) => front.listen(0, "127.0.0.1", r));
const base = `https://127.0.0.1:${front.address().port}`;
reference.serveBehind({ http: base.replace("https:", "http:"), https: base });

const dir = mkdtempSync(join(tmpdir(), "enrollsim-hostile-bench-"));
const file = join(dir, "worst-case.yaml");
const limits = { durationSeconds: 300, stepTimeoutMs: 60000, ...(sessionCommands ? { sessionCommands } : {}), ...(sessionBytes ? { sessionBytes } : {}) };
writeFileSync(
  file,
  JSON.stringify({
    name: "hostile-memory",
    seed: 13,
    server: base,
    groups: [{ name: "pcs", model: "windows-11-laptop", count: N, flow: "windows-byod", options: { windows: { upn: "user%INDEX%@contoso.com", discoveryUrl: `${base}/EnrollmentServer/Discovery.svc` } } }],
    arrival: { concurrency: N },
    limits,
    expect: { successRatio: 0 },
  }),
);
for (let i = 0; i < 3; i++) (gc(), await new Promise((r) => setTimeout(r, 30)));
const baseline = process.memoryUsage().rss;
let peak = baseline;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
const started = Date.now();
const { summary } = await runScenario(file, { keyPoolSize: Math.min(N, 100), progress: false, trust: [reference.caPem], capacity: false });
clearInterval(sampler);
peak = Math.max(peak, process.memoryUsage().rss);
await new Promise((r) => front.close(r));
front.closeAllConnections?.();
const mib = (b) => Math.round((b / 1048576) * 10) / 10;
process.stdout.write(
  `${JSON.stringify({ devices: N, commandsPerMessage: COMMANDS, limits, peakRssMiB: mib(peak), baselineRssMiB: mib(baseline), peakOverBaselineMiB: mib(peak - baseline), perDeviceMiB: mib((peak - baseline) / N), enrolled: summary.enrolled, failed: summary.failed, errors: Object.fromEntries(Object.entries(summary.errors).map(([k, v]) => [k, v.count])), messagesServed: injected, durationMs: Date.now() - started })}\n`,
);
process.exit(0);
