// SPDX-License-Identifier: MIT
/** `enrollsim replay TRACE.ndjson --server URL`: re-send one device's recorded requests and report where the answers now differ. */
import type { Argv } from "yargs";
import { replayTrace, type ReplayReport } from "../../api/replay.js";
import { IGNORED_FIELDS } from "../../report/transcript/compare.js";
import { terminalText } from "../../report/terminal-text.js";
import { readTrustFiles, warnInsecure } from "../output.js";
import { readTraceFile } from "./trace.js";

/** The report as text: one line per exchange, the differences under it, the ignored fields at the end. */
export function formatReplay(r: ReplayReport): string {
  const t = (s: string) => terminalText(s);
  const out = [`replay of device ${t(r.device)}: ${r.exchanges.length} exchange(s)`, ""];
  for (const x of r.exchanges) {
    const head = `${x.n}. ${t(x.step)}  ${x.method} ${t(x.url)}`;
    if (x.result === "same") out.push(`${head}  same`);
    else if (x.result === "not-replayable") out.push(`${head}  NOT REPLAYABLE: ${t(x.reason ?? "")}`);
    else {
      out.push(`${head}  DIFFERS`);
      for (const d of x.differences) out.push(`     ${t(d.field)}: recorded ${t(d.recorded)}, now ${t(d.now)}`);
    }
  }
  out.push("", `${r.same} same, ${r.differs} differ, ${r.notReplayable} not replayable`, `not compared (they change with every answer): ${Object.keys(IGNORED_FIELDS).join(", ")}`);
  return `${out.join("\n")}\n`;
}

export const replayCommand = {
  command: "replay <trace>",
  describe: "Re-send one device's recorded requests (a run --trace file) to a server and report, per exchange, where its answers now differ",
  builder: (y: Argv) =>
    y
      .positional("trace", { type: "string", demandOption: true, describe: "NDJSON trace written by run --trace" })
      .option("server", { type: "string", array: true, demandOption: true, describe: "server to replay against; the recorded server's origin is replaced by it (give one http:// and one https:// URL to map each scheme)" })
      .option("device", { type: "string", describe: "device to replay (required when the trace holds several)" })
      .option("secret", { type: "string", array: true, describe: "value of the secret the trace redacted (a challenge, a password): put back where the trace says [REDACTED]" })
      .option("ca", { type: "string", array: true, describe: "PEM file(s) of extra roots to trust" })
      .option("insecure", { type: "boolean", default: false, describe: "TEST ONLY: do not verify server TLS certificates" })
      .option("json", { type: "boolean", default: false, describe: "print the report as JSON" })
      .example("$0 replay run.ndjson --device 'iphone-15#0' --server http://127.0.0.1:8080", "replay a SCEP enrolment against a server")
      .example("$0 replay trace/win.ndjson --server https://mdm.example.test --ca ca.pem --secret 'P@ssw0rd'", "a Windows enrolment whose password the trace redacted")
      .epilog(
        "Exit 0 when every replayed answer matches, 1 when one differs, 2 for a bad trace or command line.\nRequests in which the trace redacted a secret are replayed only with --secret; requests go out without a client certificate, so exchanges made over mutual TLS meet the server's refusal.",
      ),
  handler: async (a: { trace: string; server: string[]; device?: string; secret?: string[]; ca?: string[]; insecure: boolean; json: boolean }) => {
    if (a.insecure) warnInsecure();
    const report = await replayTrace(readTraceFile(a.trace), { servers: a.server, device: a.device, secrets: a.secret, trust: readTrustFiles(a.ca), insecure: a.insecure || undefined });
    process.stdout.write(a.json ? `${JSON.stringify({ ...report, ignored: IGNORED_FIELDS }, null, 2)}\n` : formatReplay(report));
    process.exitCode = report.differs > 0 ? 1 : 0;
  },
};
