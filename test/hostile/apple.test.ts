// SPDX-License-Identifier: MIT
/** Hostile-server cases of the apple half (table in cases.ts and README.md). */
import { APPLE_CASES } from "./cases.js";
import { hostileSuite } from "./suite.js";

hostileSuite("hostile apple server", APPLE_CASES);
