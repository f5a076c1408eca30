// SPDX-License-Identifier: MIT
/** apple flows (registered in device/flows/index.ts); the apple platform issue adds them. */
import type { Flow } from "../flow.js";

export const appleFlows: Record<string, Flow<never>> = {};
