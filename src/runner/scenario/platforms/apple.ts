// SPDX-License-Identifier: MIT
/**
 * Scenario extension for the apple platform: the JSON Schema of `groups[].options.apple` and of
 * `embedded.apple`. The platform issue fills these in; until then both accept only an empty object.
 */
import type { ScenarioExtension } from "./extension.js";

export const appleScenario: ScenarioExtension = {
  key: "apple",
  groupOptions: { type: "object", additionalProperties: false, description: "apple flow options.", properties: {} },
  embedded: { type: "object", additionalProperties: false, description: "The embedded server's apple half.", properties: {} },
};
