// SPDX-License-Identifier: MIT
/**
 * `expect.shown`: which devices show a given text. A pattern is a substring (case-sensitive) or a
 * `/regex/flags`; it is matched against what a failed device shows, as the platform table gave it
 * (device/shown.ts): its text, code, symbolic name, screen, cause and unrecognised server value, and
 * the very line the summary and transcript print for it ("NSURLErrorDomain … (cause HTTP 412): "…"
 * [screen]"), so a text copied from that line matches; and against the same of each background task
 * that failed after enrolment.
 *
 * Never against the failure's message (enrollsim's diagnosis, which may quote what the server said:
 * blind trial 9's `shown: "Device limit reached"` passed for phones showing "Can't set up device"
 * because the reference server's refusal reason was in the message) nor against `Shown.serverSaid`
 * (the server's words, labelled as the server's; `expect.answered` asserts on them). Where a surface
 * really displays the server's words (an Apple MDM server's 403 message in Setup Assistant, a SOAP
 * fault's text in Windows Settings), its table puts them into `text` on purpose. A failure for which
 * the platform shows nothing of its own matches no `shown` entry.
 */
import type { DeviceResult } from "../runner/observer.js";
import { describeShown } from "../device/shown-for.js";
import type { Shown } from "../device/shown.js";

export { textMatcher, textPatternProblem } from "../runner/text-pattern.js";

/** What a device's end result says it showed: the platform's text, code, name and screen (device/shown.ts). */
export function shownTexts(result: DeviceResult): string[] {
  return matchableTexts(result.failure?.shown);
}

/** What the device shows, as the texts `expect.shown` is matched against (the printed line included). */
export function matchableTexts(shown: Shown | undefined): string[] {
  const parts = shown ? [shown.text, shown.code, shown.name, shown.screen, shown.cause?.code, shown.cause?.name, shown.unknown?.raw, describeShown(shown), ...(shown.logged ?? [])] : [];
  return parts.filter((t): t is string => typeof t === "string" && t !== "");
}

/**
 * What a device showed, by outcome code: its final failure and each failed background task
 * (a renewal refused after enrolment), so `expect.shown` with a `code` matches the right one.
 */
export function shownByOutcome(result: DeviceResult, finalCode: string): { code: string; texts: string[] }[] {
  const out = result.failure ? [{ code: finalCode, texts: shownTexts(result) }] : [];
  for (const b of result.background ?? []) {
    out.push({ code: b.code, texts: matchableTexts(b.shown) });
  }
  return out;
}
