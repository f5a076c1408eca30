// SPDX-License-Identifier: MIT
/**
 * `enrollsim validate FILE…`: checks scenario files without running anything and reports every
 * problem of every file at once (file:line:column, what was expected, did-you-mean), so one round
 * of edits fixes them all. Exit 0 when every file is valid, 2 when any is not (a scenario error).
 */
import type { Argv } from "yargs";
import { loadScenario } from "../../api/run-scenario.js";
import { ScenarioError, SimError } from "../../errors/index.js";
import { printError } from "../output.js";
import type { Catalog } from "../../device/catalog.js";
import { loadCatalogWith } from "../../runner/catalog-files.js";

/** Loads each file; prints "FILE: ok (…)" or all its problems; returns how many files were bad. */
export async function validateFiles(files: readonly string[], write: (s: string) => void, catalog?: Catalog): Promise<number> {
  let bad = 0;
  for (const file of files) {
    try {
      const s = await loadScenario(file, catalog);
      for (const w of s.warnings ?? []) process.stderr.write(`${w}\n`);
      write(`${file}: ok (scenario ${s.name}, ${s.totalDevices} device(s) in ${s.groups.length} group(s), seed ${s.seed})\n`);
    } catch (err) {
      if (!(err instanceof SimError)) throw err;
      bad++;
      printError(err);
      const n = 1 + (err instanceof ScenarioError ? (err.more?.length ?? 0) : 0);
      write(`${file}: ${n} problem(s)\n`);
    }
  }
  return bad;
}

export const validateCommand = {
  command: "validate <files..>",
  describe: "Check scenario files without running them; every problem of every file is reported (exit 2 if any)",
  builder: (y: Argv) =>
    y
      .positional("files", { type: "string", array: true, demandOption: true, describe: "scenario YAML files" })
      .option("devices", { type: "string", describe: "directory of device YAML files that add to or replace the shipped catalog's models" })
      .option("agents", { type: "string", describe: "directory of vendor agent YAML files that add to or replace the shipped agent catalog (agents/README.md)" })
      .example("$0 validate scenarios/*.yaml", "check every shipped scenario")
      .example("$0 validate fleet.yaml --devices my-devices/", "with custom device models"),
  handler: async (a: { files: string[]; devices?: string; agents?: string }) => {
    const bad = await validateFiles(a.files, (s) => process.stdout.write(s), loadCatalogWith(a.devices, a.agents));
    process.exitCode = bad ? 2 : 0;
  },
};
