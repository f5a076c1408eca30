// SPDX-License-Identifier: MIT
/**
 * `expect.shown`: which devices show a given text. A pattern is a substring (case-sensitive) or a
 * `/regex/flags`; it is matched against what a failed device reports: the failure's message and,
 * when the platform table gave one, what the device shows (its text, code, symbolic name, screen,
 * cause and unrecognised server value) and the very line the summary and transcript print for it
 * ("NSURLErrorDomain … (cause HTTP 412): "…" [screen]"), so a text copied from the output matches;
 * and against the same of each background task that failed after enrolment.
 */
import type { DeviceResult } from "../runner/observer.js";
import { describeShown } from "../device/shown-for.js";
import type { Shown } from "../device/shown.js";

export { textMatcher, textPatternProblem } from "../runner/text-pattern.js";

/** Everything a device's end result says it showed: message, and the platform's text, code, name and screen (device/shown.ts). */
export function shownTexts(result: DeviceResult): string[] {
  const f = result.failure;
  return f ? matchableTexts(f.message, f.shown) : [];
}

/** A message and what the device shows, as the texts `expect.shown` is matched against (the printed line included). */
export function matchableTexts(message: string | undefined, shown: Shown | undefined): string[] {
  const parts = shown ? [shown.text, shown.code, shown.name, shown.screen, shown.cause?.code, shown.cause?.name, shown.unknown?.raw, describeShown(shown)] : [];
  return [message, ...parts].filter((t): t is string => typeof t === "string" && t !== "");
}

/**
 * What a device showed, by outcome code: its final failure and each failed background task
 * (a renewal refused after enrolment), so `expect.shown` with a `code` matches the right one.
 */
export function shownByOutcome(result: DeviceResult, finalCode: string): { code: string; texts: string[] }[] {
  const out = result.failure ? [{ code: finalCode, texts: shownTexts(result) }] : [];
  for (const b of result.background ?? []) {
    out.push({ code: b.code, texts: matchableTexts(b.message, b.shown) });
  }
  return out;
}
