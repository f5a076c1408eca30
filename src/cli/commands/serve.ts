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
  describe: "Run the embedded reference server until interrupted: the SCEP CA and the Apple, Windows and Android enrollment and management endpoints, on 127.0.0.1",
  builder: (y: Argv) =>
    y
      .option("host", { type: "string", default: "127.0.0.1", describe: "address to bind (loopback by default)" })
      .option("port", { type: "number", default: 0, describe: "port (0 = a free one)" })
      .option("challenge", { type: "string", default: "enrollsim-challenge", describe: "SCEP challenge password the CA accepts" })
      .option("pending", { type: "number", default: 0, describe: "answer PENDING this many times per transaction" })
      .option("fail-info", { choices: FAIL_INFOS as unknown as string[], describe: "always answer FAILURE with this failInfo" })
      .option("ra", { type: "boolean", default: false, describe: "serve an RA + CA chain" })
      .option("caps", { type: "string", array: true, describe: "GetCACaps keywords to advertise" })
      .option("ca-out", { type: "string", describe: "write the CA certificate (PEM) to FILE" })
      .option("stats-interval", { type: "number", default: 0, describe: "also print the counters every SECONDS (0: only when stopped)" })
      .example("$0 serve --port 8080 --ca-out ca.pem", "serve on 127.0.0.1:8080 and write the CA for --ca")
      .example("$0 serve --pending 2", "answer every SCEP transaction PENDING twice before issuing")
      .example("$0 serve --fail-info badRequest", "answer every SCEP request FAILURE badRequest")
      .epilog("On Ctrl-C (or SIGTERM) it prints what it did: SCEP requests, enrollments per platform, Apple check-ins and commands, Windows OMA-DM sessions."),
  handler: async (a: { host: string; port: number; challenge: string; pending: number; "fail-info"?: string; ra: boolean; caps?: string[]; "ca-out"?: string; "stats-interval": number }) => {
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
        `  every path below answers on both listeners; shown as full URLs on the TLS one:`,
        ...server.halves.flatMap((h) => h.describe?.() ?? []).map((line) => withBase(line, server.httpsUrl)),
        "Press Ctrl-C to stop.",
        "",
      ].join("\n"),
    );
    const every = a["stats-interval"] > 0 ? setInterval(() => process.stdout.write(`${serverCounters(server, "so far")}\n`), a["stats-interval"] * 1000) : undefined;
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
    if (every) clearInterval(every);
    await server.close();
    process.stdout.write(`${serverCounters(server, "stopped")}\n`);
  },
};

/**
 * What the server did, from its own counters and records: SCEP (requests, issued, PENDING replies,
 * rejected), then per platform the enrollment records it holds and the half's counters.
 */
export function serverCounters(server: ReferenceServer, label: string): string {
  const st = server.scep.stats;
  const lines = [`${label}: SCEP ${st.requests} request(s), ${st.issued} issued, ${st.pending} PENDING replies, ${st.rejected} rejected`];
  const records = server.records().enrollments;
  for (const h of server.halves) {
    const mine = records.filter((r) => r.platform === h.name);
    const held = mine.filter((r) => !r.removed).length;
    const counts = Object.entries(h.counters?.() ?? {}).map(([k, v]) => `${v} ${k}`);
    lines.push(`  ${h.name}: ${held} enrolled device record(s)${mine.length > held ? ` (+${mine.length - held} removed)` : ""}${counts.length ? `, ${counts.join(", ")}` : ""}`);
  }
  return lines.join("\n");
}

/** A half's description line with each absolute path (`/apple/enroll`) as a full URL on `base`. */
export function withBase(line: string, base: string): string {
  return line.replace(/(^|[\s(])(\/[A-Za-z][^\s,)]*)/g, (_m, pre: string, path: string) => `${pre}${base.replace(/\/$/, "")}${path}`);
}
