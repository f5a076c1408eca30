// SPDX-License-Identifier: MIT
/**
 * How a platform extends the scenario format without editing the core schema: it contributes
 * the schema of `groups[].options.<key>` (its flows' options) and of `embedded.<key>` (its half
 * of the embedded reference server). Values pass through to the platform's flows and server half
 * as validated JSON; the platform applies its own defaults.
 */
import type { Json } from "../json.js";

export type { Json };

export interface ScenarioExtension {
  key: "apple" | "windows" | "android";
  groupOptions: Json;
  embedded: Json;
}
