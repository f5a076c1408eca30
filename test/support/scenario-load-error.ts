// SPDX-License-Identifier: MIT
/** The ScenarioError a scenario text gets when it loads (the load-time error tests of removed keys and new vocabulary). */
import { ScenarioError } from "../../src/errors/index.js";
import { parseScenario } from "../../src/runner/scenario/load.js";
import type { ScenarioContext } from "../../src/runner/scenario/types.js";

/** Parses `text` as `file`; returns its ScenarioError, rethrows any other error, fails when it loads. */
export function scenarioLoadError(text: string, file: string, context: ScenarioContext): ScenarioError {
  try {
    parseScenario(text, file, context);
  } catch (e) {
    if (e instanceof ScenarioError) return e;
    throw e;
  }
  throw new Error("the scenario loaded");
}
