// SPDX-License-Identifier: MIT
/** Registry of flows by name. Platform issues add theirs here. */
import type { Flow } from "../flow.js";
import { scepFlow } from "./scep.js";

export const FLOWS: Record<string, Flow<never>> = {
  scep: scepFlow as Flow<never>,
};

export const flowNames = (): string[] => Object.keys(FLOWS);
