// SPDX-License-Identifier: MIT
/**
 * Scenario extension for the android platform: the JSON Schema of `groups[].options.android` and of
 * `embedded.android`. The platform issue fills these in; until then both accept only an empty object.
 */
import type { ScenarioExtension } from "./extension.js";

export const androidScenario: ScenarioExtension = {
  key: "android",
  groupOptions: { type: "object", additionalProperties: false, description: "android flow options.", properties: {} },
  embedded: { type: "object", additionalProperties: false, description: "The embedded server's android half.", properties: {} },
};
