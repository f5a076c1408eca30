// SPDX-License-Identifier: MIT
/** `enrollsim run <scenario>`: run a fleet; the exit code says whether expectations held. */
import { readFileSync } from "node:fs";
import type { Argv } from "yargs";
import { runScenario } from "../../api/run-scenario.js";
import { formatSummary } from "../../report/table.js";
import { summaryToJson } from "../../report/json.js";
import { writeReport } from "../../report/json-file.js";
import { warnInsecure } from "../output.js";

export const runCommand = {
  command: "run <scenario>",
  describe: "Run a scenario file: a fleet of virtual devices against the embedded or a real server",
  builder: (y: Argv) =>
    y
      .positional("scenario", { type: "string", demandOption: true, describe: "scenario YAML file" })
      .option("json", { type: "boolean", default: false, describe: "print the summary as JSON on stdout" })
      .option("report", { type: "string", describe: "write the JSON summary to FILE" })
      .option("trace", { type: "string", describe: "keep per-device NDJSON traces in DIR (secrets redacted)" })
      .option("seed", { type: "string", describe: "override the scenario's run seed" })
      .option("ca", { type: "string", array: true, describe: "PEM file(s) of extra roots every device trusts" })
      .option("insecure", { type: "boolean", default: false, describe: "TEST ONLY: do not verify server TLS certificates" })
      .option("key-pool", { type: "string", describe: "key pool directory (default $ENROLLSIM_KEY_POOL or ~/.cache/enrollsim/keys)" })
      .option("key-pool-size", { type: "number", describe: "distinct RSA keys to keep (default min(devices, 1000))" })
      .option("progress", { type: "boolean", default: true, describe: "show progress on stderr (--no-progress to hide)" }),
  handler: async (a: {
    scenario: string;
    json: boolean;
    report?: string;
    trace?: string;
    seed?: string;
    ca?: string[];
    insecure: boolean;
    "key-pool"?: string;
    "key-pool-size"?: number;
    progress: boolean;
  }) => {
    if (a.insecure) warnInsecure();
    const stderr = process.stderr;
    let lastKeyLine = 0;
    const { summary } = await runScenario(a.scenario, {
      seed: a.seed,
      trace: a.trace,
      trust: a.ca?.map((f) => readFileSync(f, "utf8")),
      insecure: a.insecure || undefined,
      keyPoolDir: a["key-pool"],
      keyPoolSize: a["key-pool-size"],
      progress: a.progress ? { write: (s) => stderr.write(s), isTTY: stderr.isTTY, columns: stderr.columns } : false,
      onKeyProgress: (done, total) => {
        const now = Date.now();
        if (done === total || now - lastKeyLine > (stderr.isTTY ? 100 : 5000)) {
          lastKeyLine = now;
          const line = `generating RSA-2048 key pool (one-time, reused by later runs): ${done}/${total}`;
          stderr.write(stderr.isTTY ? `\r${line}${done === total ? "\n" : ""}` : `${line}\n`);
        }
      },
    });
    if (a.report) writeReport(a.report, summary);
    if (a.json) process.stdout.write(`${summaryToJson(summary)}\n`);
    else process.stdout.write(`${formatSummary(summary, { unicode: !!process.stdout.isTTY })}\n`);
    process.exitCode = summary.ok ? 0 : 1;
  },
};
