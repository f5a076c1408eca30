// SPDX-License-Identifier: MIT
/** windows flows (registered in device/flows/index.ts); the windows platform issue adds them. */
import type { Flow } from "../flow.js";

export const windowsFlows: Record<string, Flow<never>> = {};
