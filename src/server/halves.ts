// SPDX-License-Identifier: MIT
/** Registry of platform halves mounted by the reference server. */
import { androidHalf } from "./android/half.js";
import { appleHalf } from "./apple/half.js";
import type { HalfFactory } from "./half.js";
import { windowsHalf } from "./windows/half.js";

export const HALVES: Record<"apple" | "windows" | "android", HalfFactory | undefined> = {
  apple: appleHalf,
  windows: windowsHalf,
  android: androidHalf,
};
