// SPDX-License-Identifier: MIT
/** `enrollsim serve`: the embedded reference server on its own (127.0.0.1 unless --host). */
import type { Argv } from "yargs";
import { ReferenceServer } from "../../server/reference-server.js";
import { FAIL_INFOS, type FailInfo } from "../../wire/scep/vocabulary.js";
import { hex, toPem } from "../../wire/x509/certificate.js";
import { NodeCrypto } from "../../platform/node/crypto.js";
import { writeFileSync } from "node:fs";
import { terminalText } from "../../report/terminal-text.js";

export const serveCommand = {
  command: "serve",
  describe: "Run the embedded reference server (SCEP CA) until interrupted",
  builder: (y: Argv) =>
    y
      .option("host", { type: "string", default: "127.0.0.1", describe: "address to bind (loopback by default)" })
      .option("port", { type: "number", default: 0, describe: "port (0 = a free one)" })
      .option("challenge", { type: "string", default: "enrollsim-challenge", describe: "SCEP challenge password the CA accepts" })
      .option("pending", { type: "number", default: 0, describe: "answer PENDING this many times per transaction" })
      .option("fail-info", { choices: FAIL_INFOS as unknown as string[], describe: "always answer FAILURE with this failInfo" })
      .option("ra", { type: "boolean", default: false, describe: "serve an RA + CA chain" })
      .option("caps", { type: "string", array: true, describe: "GetCACaps keywords to advertise" })
      .option("ca-out", { type: "string", describe: "write the CA certificate (PEM) to FILE" }),
  handler: async (a: { host: string; port: number; challenge: string; pending: number; "fail-info"?: string; ra: boolean; caps?: string[]; "ca-out"?: string }) => {
    if (a.host !== "127.0.0.1" && a.host !== "::1" && a.host !== "localhost") {
      process.stderr.write(`warning: binding ${a.host}: the reference server is reachable beyond this machine\n`);
    }
    const server = await ReferenceServer.start({
      host: a.host,
      port: a.port,
      scep: { challenge: a.challenge, pending: a.pending, failInfo: a["fail-info"] as FailInfo | undefined, ra: a.ra, ...(a.caps ? { caps: a.caps } : {}) },
    });
    server.scep.onLog = (line) => process.stderr.write(`scep: ${terminalText(line)}\n`);
    const ca = server.scep.id.ca;
    if (a["ca-out"]) writeFileSync(a["ca-out"], toPem(ca.der));
    const fp = hex(new NodeCrypto().digest("sha256", ca.der));
    process.stdout.write(
      [
        `enrollsim reference server listening on ${server.url} and ${server.httpsUrl} (TLS, certificate from the reference CA)`,
        `  SCEP: ${server.scepUrl}   (challenge: [set with --challenge], pending: ${a.pending}${a["fail-info"] ? `, fail: ${a["fail-info"]}` : ""}${a.ra ? ", RA mode" : ""})`,
        `  CA:   ${ca.subject}   sha256:${fp}`,
        ...server.halves.flatMap((h) => h.describe?.() ?? []),
        "Press Ctrl-C to stop.",
        "",
      ].join("\n"),
    );
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
    await server.close();
    const st = server.scep.stats;
    process.stdout.write(`stopped: ${st.requests} requests, ${st.issued} issued, ${st.pending} pending replies, ${st.rejected} rejected\n`);
  },
};
