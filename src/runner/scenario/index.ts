// SPDX-License-Identifier: MIT
/** Scenario files: types, schema, pure loader. The disk reader is `./read.js` (imports node:fs). */
export * from "./types.js";
export { scenarioSchema, MAX_TOTAL_DEVICES, TEMPLATE_VARIABLES } from "./schema.js";
export { parseScenario, createScenarioAjv, MAX_SCENARIO_CHARS, MAX_ALIAS_COUNT } from "./load.js";
export { DEFAULTS, scepUrlFor } from "./resolve.js";
