// SPDX-License-Identifier: MIT
/**
 * Scenario extension for the windows platform: the JSON Schema of `groups[].options.windows` and of
 * `embedded.windows`. The platform issue fills these in; until then both accept only an empty object.
 */
import type { ScenarioExtension } from "./extension.js";

export const windowsScenario: ScenarioExtension = {
  key: "windows",
  groupOptions: { type: "object", additionalProperties: false, description: "windows flow options.", properties: {} },
  embedded: { type: "object", additionalProperties: false, description: "The embedded server's windows half.", properties: {} },
};
