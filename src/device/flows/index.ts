// SPDX-License-Identifier: MIT
/** Registry of flows by name: the platform-neutral ones plus each platform's. */
import { androidFlows } from "../android/flows.js";
import { appleFlows } from "../apple/flows.js";
import type { Flow } from "../flow.js";
import { windowsFlows } from "../windows/flows.js";
import { scepFlow } from "./scep.js";

export const FLOWS: Record<string, Flow<never>> = {
  scep: scepFlow as Flow<never>,
  ...appleFlows,
  ...windowsFlows,
  ...androidFlows,
};

export const flowNames = (): string[] => Object.keys(FLOWS);
