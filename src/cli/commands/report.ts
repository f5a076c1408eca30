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
import { scenarioRedactor } from "../../api/run-scenario.js";
import { readTraceTranscripts, writeHtmlReport } from "../../report/html/files.js";
import { ScenarioError } from "../../errors/index.js";
import type { ResolvedScenario } from "../../runner/scenario/types.js";

export const reportCommand = {
  command: "report <action> <files..>",
  describe: "Work with run summaries: merge the summary.json of several shards into one, or draw one as an HTML report",
  builder: (y: Argv) =>
    y
      .positional("action", { choices: ["merge", "html"], demandOption: true, describe: "merge: combine shard summaries (JSON on stdout); html: write the HTML report of a summary (several: merged first) to -o FILE" })
      .option("output", { alias: "o", type: "string", describe: "html: the HTML file to write (mode 0600)" })
      .option("trace", { type: "string", describe: "html: the run's --trace DIR or .ndjson file; the sample failing devices' transcripts are embedded" })
      .positional("files", { type: "string", array: true, demandOption: true, describe: "summary JSON files (--report FILE of each shard)" })
      .option("shards", { type: "number", describe: "the run's shard count (default: the shard i/N the summaries carry); a missing shard is refused" })
      .option("allow-partial", { type: "boolean", default: false, describe: 'merge even with shards missing: the result is marked "incomplete" and exits 1' })
      .option("scenario", { type: "string", describe: "evaluate this scenario's expect: block on the merged whole (shards cannot: counts are fleet-wide); html: also show the scenario (secrets redacted)" })
      .example("$0 report merge s*.json > run.json", "merge the shards' --report files")
      .example("$0 report html run.json -o r.html", "offline HTML report of a saved run"),
  handler: async (a: { action: string; files: string[]; scenario?: string; shards?: number; "allow-partial": boolean; output?: string; trace?: string }) => {
    if (a.action === "html" && a.output === undefined) throw new ScenarioError("report html needs -o FILE: the HTML report to write");
    if (a.action !== "html" && (a.output !== undefined || a.trace !== undefined)) throw new ScenarioError(`-o and --trace are options of report html, not report ${a.action}`);
    const shards: ExtendedSummary[] = a.files.map((f) => {
      let text: string;
      try {
        text = readFileSync(f, "utf8");
      } catch (err) {
        throw new ReportError("report.io", `cannot read ${f}: ${(err as Error).message}`);
      }
      return parseSummary(text, f) as ExtendedSummary;
    });
    const scenario = a.scenario ? await loadScenario(a.scenario) : undefined;
    const expect = scenario?.expect;
    if (a.action === "html" && shards.length === 1) {
      // One summary (a run's or a merge's): drawn as it is; with --scenario its expectations are evaluated again.
      const one = expect ? { ...shards[0]!, ...mergeExtended(shards, expect, { allowPartial: true }), shards: shards[0]!.shards, incomplete: shards[0]!.incomplete } : shards[0]!;
      writeReportHtml(a.output!, one, scenario, a.trace);
      return;
    }
    if (a.shards === undefined && shards.every((s) => !s.shard)) {
      process.stderr.write("enrollsim: warning: these summaries carry no shard tag (run --shard i/N): cannot check that no shard is missing; pass --shards N to check the count\n");
    }
    const merged = mergeExtended(shards, expect, { shards: a.shards, allowPartial: a["allow-partial"] });
    if (merged.incomplete) {
      process.stderr.write(`enrollsim: INCOMPLETE: shard(s) ${merged.incomplete.missing.map((k) => `${k}/${merged.incomplete!.shards}`).join(", ") || "(count mismatch)"} missing; the merged counts leave out their devices\n`);
    }
    if (a.action === "html") return writeReportHtml(a.output!, merged, scenario, a.trace);
    process.stdout.write(extendedSummaryToJson(merged));
    process.exitCode = merged.ok ? 0 : 1;
  },
};

/**
 * `report html`: the summary's HTML report (exit 0 once written, whatever the run's result), with
 * the scenario text (its secrets redacted) and the sample failures' transcripts when given.
 */
function writeReportHtml(out: string, summary: ExtendedSummary, scenario: ResolvedScenario | undefined, trace: string | undefined): void {
  const scenarioText = scenario?.file ? scenarioRedactor(scenario).redactString(readFileSync(scenario.file, "utf8")) : undefined;
  const transcripts = trace
    ? readTraceTranscripts(
        trace,
        (summary.examples ?? []).map((e) => e.device),
      )
    : undefined;
  writeHtmlReport(out, summary, { scenarioText, transcripts });
  process.exitCode = 0;
}
