// SPDX-License-Identifier: MIT
/** The windows half of the embedded reference server; the windows platform issue implements it. */
import type { HalfFactory } from "../half.js";

export const windowsHalf: HalfFactory | undefined = undefined;
