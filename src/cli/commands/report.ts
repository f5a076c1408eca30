// SPDX-License-Identifier: MIT
/**
 * `enrollsim report merge A.json B.json ... > total.json`: merge shard summaries exactly.
 * Exit 0 merged and ok, 1 merged but failing (expectations, or --allow-partial with shards
 * missing), 2 refused: unreadable input, a shard given twice, a shard missing (the file list is
 * the command line's fault: the merge would silently undercount the fleet).
 */
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
      .option("shards", { type: "number", describe: "the run's shard count (default: the shard i/N the summaries carry); a missing shard is refused" })
      .option("allow-partial", { type: "boolean", default: false, describe: 'merge even with shards missing: the result is marked "incomplete" and exits 1' })
      .option("scenario", { type: "string", describe: "evaluate this scenario's expect: block on the merged whole (shards cannot: counts are fleet-wide)" }),
  handler: async (a: { action: string; files: string[]; scenario?: string; shards?: number; "allow-partial": boolean }) => {
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
    if (a.shards === undefined && shards.every((s) => !s.shard)) {
      process.stderr.write("enrollsim: warning: these summaries carry no shard tag (run --shard i/N): cannot check that no shard is missing; pass --shards N to check the count\n");
    }
    const merged = mergeExtended(shards, expect, { shards: a.shards, allowPartial: a["allow-partial"] });
    if (merged.incomplete) {
      process.stderr.write(`enrollsim: INCOMPLETE: shard(s) ${merged.incomplete.missing.map((k) => `${k}/${merged.incomplete!.shards}`).join(", ") || "(count mismatch)"} missing; the merged counts leave out their devices\n`);
    }
    process.stdout.write(extendedSummaryToJson(merged));
    process.exitCode = merged.ok ? 0 : 1;
  },
};
