// SPDX-License-Identifier: MIT
/** The apple half of the embedded reference server; the apple platform issue implements it. */
import type { HalfFactory } from "../half.js";

export const appleHalf: HalfFactory | undefined = undefined;
