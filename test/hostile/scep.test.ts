// SPDX-License-Identifier: MIT
/** Hostile-server cases of the scep half (table in cases.ts and README.md). */
import { SCEP_CASES } from "./cases.js";
import { hostileSuite } from "./suite.js";

hostileSuite("hostile scep server", SCEP_CASES);
