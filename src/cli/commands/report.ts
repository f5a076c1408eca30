// SPDX-License-Identifier: MIT
/** `enrollsim report merge A.json B.json ... > total.json`: merge shard summaries exactly. */
import { readFileSync } from "node:fs";
import type { Argv } from "yargs";
import { loadScenario } from "../../api/run-scenario.js";
import { ReportError } from "../../report/errors.js";
import { parseSummary } from "../../report/json.js";
import { extendedSummaryToJson, mergeExtended, type ExtendedSummary } from "../../report/metrics.js";

export const reportCommand = {
  command: "report <action> <files..>",
  describe: "Work with run summaries: merge the summary.json of several shards into one",
  builder: (y: Argv) =>
    y
      .positional("action", { choices: ["merge"], demandOption: true, describe: "merge: combine shard summaries (JSON on stdout)" })
      .positional("files", { type: "string", array: true, demandOption: true, describe: "summary JSON files (--report FILE of each shard)" })
      .option("scenario", { type: "string", describe: "evaluate this scenario's expect: block on the merged whole (shards cannot: counts are fleet-wide)" }),
  handler: async (a: { action: string; files: string[]; scenario?: string }) => {
    const shards: ExtendedSummary[] = a.files.map((f) => {
      let text: string;
      try {
        text = readFileSync(f, "utf8");
      } catch (err) {
        throw new ReportError("report.io", `cannot read ${f}: ${(err as Error).message}`);
      }
      return parseSummary(text, f) as ExtendedSummary;
    });
    const expect = a.scenario ? (await loadScenario(a.scenario)).expect : undefined;
    const merged = mergeExtended(shards, expect);
    process.stdout.write(extendedSummaryToJson(merged));
    process.exitCode = merged.ok ? 0 : 1;
  },
};
