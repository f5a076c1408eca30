// SPDX-License-Identifier: MIT
/** Hostile-server cases of the android half (table in cases.ts and README.md). */
import { ANDROID_CASES } from "./cases.js";
import { hostileSuite } from "./suite.js";

hostileSuite("hostile android server", ANDROID_CASES);
