// SPDX-License-Identifier: MIT
/** The android half of the embedded reference server; the android platform issue implements it. */
import type { HalfFactory } from "../half.js";

export const androidHalf: HalfFactory | undefined = undefined;
