// SPDX-License-Identifier: MIT
/**
 * `enroll --set KEY=VALUE` checked like a scenario file: the pairs become the options of a
 * one-group scenario, which the scenario loader validates (JSON Schema of the group options, the
 * flow's platform extensions, semantic checks). Its messages name `groups[0].options.KEY`; here
 * they say `--set KEY` instead, keep the expected values and the did-you-mean, and every problem is
 * reported at once (exit 2).
 */
import { stringify } from "yaml";
import { scenarioContext } from "../../api/run-scenario.js";
import { ScenarioError } from "../../errors/index.js";
import { loadCatalog } from "../../runner/catalog-files.js";
import type { Catalog } from "../../device/catalog.js";
import { parseScenario } from "../../runner/scenario/load.js";

const SOURCE = "--set";

function reword(e: ScenarioError): ScenarioError {
  const text = e.message
    .replace(/^--set:\d+:\d+: /, "")
    .replace(/\bgroups\[0\]\.options\.?/g, "--set ")
    .replace(/--set (\s|;|$)/g, "--set options$1")
    .trim();
  return new ScenarioError(text, undefined, e.expected);
}

/** Throws a ScenarioError listing every problem of the `--set` options for `flow` on `model`. */
export function checkSets(sets: Record<string, unknown>, flow: string, model: string, catalog: Catalog = loadCatalog()): void {
  if (Object.keys(sets).length === 0) return;
  const scenario = { name: "enroll", server: "https://enroll.invalid", groups: [{ name: "enroll", model, count: 1, flow, options: sets }] };
  try {
    parseScenario(stringify(scenario), SOURCE, scenarioContext(catalog));
  } catch (err) {
    if (!(err instanceof ScenarioError)) throw err;
    const first = reword(err);
    first.more = (err.more ?? []).map(reword);
    throw first;
  }
}
