// SPDX-License-Identifier: MIT
/** Hostile-server cases of the windows half (table in cases.ts and README.md). */
import { WINDOWS_CASES } from "./cases.js";
import { hostileSuite } from "./suite.js";

hostileSuite("hostile windows server", WINDOWS_CASES);
