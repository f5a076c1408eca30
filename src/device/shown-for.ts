// SPDX-License-Identifier: MIT
/** Picks the platform's table for what a device shows (device/shown.ts). */
import type { FlowResult } from "./flow.js";
import { androidShownForError, androidShownForOutcome } from "./android/shown.js";
import { appleScreen, appleShownForError } from "./apple/shown.js";
import type { Shown, ShownInput } from "./shown.js";
import { windowsShownForError } from "./windows/shown.js";

const APPLE = new Set(["ios", "ipados", "macos", "tvos", "visionos"]);

/** A thrown failure on `platform` ("windows", "ios", "macos", "android", …); undefined where the device shows nothing of its own. */
export function shownForError(platform: string, input: ShownInput): Shown | undefined {
  if (platform === "windows") return windowsShownForError(input);
  if (platform === "android") return androidShownForError(input);
  if (APPLE.has(platform)) return appleShownForError(input);
  return undefined;
}

/**
 * A failed outcome: what the flow said the device shows (on Apple with the screen for the flow: the
 * same check-in fails in Setup Assistant for ADE, in Settings for a profile), or what the platform's
 * table derives from its code.
 */
const OWN_SCREEN = new Set(["device.method", "agent.enroll"]);

export function shownForOutcome(platform: string, out: FlowResult, flow?: string): Shown | undefined {
  if (out.ok) return undefined;
  // device.method (device/methods.ts) names its own screen: the one where the method's entry point is missing; so does
  // a vendor's enrollment agent (agent.enroll, device/apple/hub.ts): its screen is the agent app's.
  if (out.shown) return APPLE.has(platform) && flow && !OWN_SCREEN.has(out.step ?? "") && !out.ownScreen ? { ...out.shown, screen: appleScreen(out.step, flow) } : out.shown;
  if (platform === "android") return androidShownForOutcome(out);
  return undefined;
}

/** One line for transcripts and failure summaries: `0x80180012 MENROLL_E_INVALIDSSLCERT: "There was …" [Settings › …]`. */
export function describeShown(s: Shown): string {
  const code = [s.code, s.name && s.name !== s.code ? s.name : undefined].filter(Boolean).join(" ");
  const unknown = !s.unknown ? "" : s.unknown.of === "condition" ? ` (no published code or text for this condition: "${s.unknown.raw}")` : ` (unknown server code "${s.unknown.raw}")`;
  const cause = s.cause ? ` (cause ${[s.cause.code, s.cause.name].filter(Boolean).join(" ")})` : "";
  const head = `${code}${unknown}${cause}`.trim();
  return `${head ? `${head}: ` : ""}"${s.text}" [${s.screen}]`;
}

/**
 * A failure's three parts, each on its own labelled line (transcripts, the summary table, JUnit, the enroll command):
 * what the device shows (its own words), what the server said (its words, as received), and enrollsim's diagnosis
 * (the failure's message: why, for the support engineer). Absent parts are left out.
 */
export function labelledFailure(shown: Shown | undefined, diagnosis: string | undefined): { label: string; text: string }[] {
  return [
    ...(shown ? [{ label: "the device shows", text: describeShown(shown) }] : []),
    ...(shown?.logged?.length ? [{ label: "the device logged", text: shown.logged.map((l) => `"${l}"`).join(" / ") }] : []),
    ...(shown?.serverSaid ? [{ label: "the server said", text: `"${shown.serverSaid}"` }] : []),
    ...(diagnosis ? [{ label: "enrollsim's diagnosis", text: diagnosis }] : []),
  ];
}
