// SPDX-License-Identifier: MIT
/**
 * `expect.shown`: which devices show a given text. A pattern is a substring (case-sensitive) or a
 * `/regex/flags`; it is matched against what a failed device reports: the failure's message and,
 * when the platform table gave one, what the device shows (its text, code and symbolic name), and
 * against the same of each background task that failed after enrolment.
 */
import type { DeviceResult } from "../runner/observer.js";

export { textMatcher, textPatternProblem } from "../runner/text-pattern.js";

/** Everything a device's end result says it showed: message, and the platform's text, code, name and screen (device/shown.ts). */
export function shownTexts(result: DeviceResult): string[] {
  const f = result.failure;
  if (!f) return [];
  const shown = f.shown;
  return [f.message, shown?.text, shown?.code, shown?.name, shown?.screen].filter((t): t is string => typeof t === "string" && t !== "");
}

/**
 * What a device showed, by outcome code: its final failure and each failed background task
 * (a renewal refused after enrolment), so `expect.shown` with a `code` matches the right one.
 */
export function shownByOutcome(result: DeviceResult, finalCode: string): { code: string; texts: string[] }[] {
  const out = result.failure ? [{ code: finalCode, texts: shownTexts(result) }] : [];
  for (const b of result.background ?? []) {
    const s = b.shown;
    out.push({ code: b.code, texts: [b.message, s?.text, s?.code, s?.name, s?.screen].filter((t): t is string => typeof t === "string" && t !== "") });
  }
  return out;
}
