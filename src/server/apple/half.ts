// SPDX-License-Identifier: MIT
/** The apple half of the embedded reference server (see server.ts). */
import type { HalfFactory } from "../half.js";
import { createAppleHalf } from "./server.js";

export const appleHalf: HalfFactory | undefined = createAppleHalf;
