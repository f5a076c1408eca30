// SPDX-License-Identifier: MIT
/** The platform extensions of the scenario format, in schema order. */
import { androidScenario } from "./android.js";
import { appleScenario } from "./apple.js";
import type { ScenarioExtension } from "./extension.js";
import { windowsScenario } from "./windows.js";

export type { ScenarioExtension } from "./extension.js";
export const SCENARIO_EXTENSIONS: readonly ScenarioExtension[] = [appleScenario, windowsScenario, androidScenario];
export type PlatformKey = ScenarioExtension["key"];

/**
 * Which `groups[].options` key a flow reads: "scep" for the scep flow, the platform key for
 * platform flows (ios-*, ipados-*, macos-* → apple; windows-* → windows; android-* → android).
 */
export function optionsKeyForFlow(flow: string): string {
  if (/^(ios|ipados|macos|apple)-/.test(flow)) return "apple";
  if (flow.startsWith("windows-")) return "windows";
  if (flow.startsWith("android-")) return "android";
  return flow;
}
