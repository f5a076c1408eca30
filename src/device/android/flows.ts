// SPDX-License-Identifier: MIT
/** android flows (registered in device/flows/index.ts); the android platform issue adds them. */
import type { Flow } from "../flow.js";

export const androidFlows: Record<string, Flow<never>> = {};
