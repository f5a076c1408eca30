// SPDX-License-Identifier: MIT
/**
 * The OS releases a hardware model can run: the release it shipped with and the last major release
 * its maker gave it (absent while it still gets them), each from a published source the catalog entry
 * cites (Apple's "Identify your … model" and tech-spec pages, Google's Pixel update schedule, the OEM's
 * OS support pages). A scenario that puts a model on a release outside that range describes a device
 * that cannot exist, and is refused when the file loads (runner/scenario/os-support-semantic.ts).
 *
 * Apple ranges are OS versions ("17.0"; `last` is a major release, "16" = any 16.x); Android ranges are
 * API levels (launch 34 = Android 14). Windows models carry none: a PC's release is an install choice.
 */
import { compareVersions } from "../wire/version.js";

export interface OsSupport {
  /** Release the model shipped with: Apple version ("17.0"), Android API level (34). */
  launch: string | number;
  /** Last major release it received: Apple major ("16"), Android API level (29). Absent: still updated. */
  last?: string | number;
  /** Where the range is published (a URL). */
  source: string;
}

/** The OS name as a maker writes it, per catalog platform. */
export const OS_NAME: Record<string, string> = { ios: "iOS", ipados: "iPadOS", macos: "macOS", android: "Android API level", windows: "Windows" };

/** Why `release` is outside the model's range (undefined: inside). Apple releases are versions, Android ones API levels. */
export function osRangeProblem(support: OsSupport, release: string | number): { side: "below" | "above"; bound: string } | undefined {
  if (typeof support.launch === "number" || typeof release === "number") {
    const n = Number(release);
    if (n < Number(support.launch)) return { side: "below", bound: String(support.launch) };
    if (support.last !== undefined && n > Number(support.last)) return { side: "above", bound: String(support.last) };
    return undefined;
  }
  const v = String(release);
  if (compareVersions(v, String(support.launch)) < 0) return { side: "below", bound: String(support.launch) };
  if (support.last !== undefined && Number(v.split(".")[0]) > Number(String(support.last).split(".")[0])) return { side: "above", bound: String(support.last) };
  return undefined;
}

/** "iOS 17.0 to 18", "Android API level 26 to 29", "iOS 17.0 and later". */
export function describeRange(platform: string, s: OsSupport): string {
  const os = OS_NAME[platform] ?? platform;
  return s.last === undefined ? `${os} ${s.launch} and later` : `${os} ${s.launch} to ${s.last}`;
}

/** The sentence a refusal uses: "iphone-15 ships with iOS 17.0; state.os 16.4 is below it". */
export function rangeMessage(model: string, platform: string, s: OsSupport, what: string, release: string | number, p: { side: "below" | "above"; bound: string }): string {
  const os = OS_NAME[platform] ?? platform;
  const head = p.side === "below" ? `${model} ships with ${os} ${s.launch}` : `${model}'s last supported release is ${os} ${s.last}`;
  return `${head}; ${what} ${release} is ${p.side === "below" ? "below" : "above"} it (supported: ${describeRange(platform, s)}; source: ${s.source})`;
}

/** The release a device state pins, as the range check reads it: Android `apiLevel`, Apple `os.version`. */
export function pinnedRelease(platform: string, state: unknown): { key: "apiLevel" | "os.version"; release: string | number } | undefined {
  const st = (state ?? {}) as { os?: { version?: unknown }; apiLevel?: unknown };
  const release = platform === "android" ? st.apiLevel : st.os?.version;
  if (typeof release !== "string" && typeof release !== "number") return undefined;
  return { key: platform === "android" ? "apiLevel" : "os.version", release };
}

/** A catalog model as the did-you-mean below reads it. */
export interface ModelRange {
  id: string;
  platform: string;
  osSupport?: OsSupport;
}

/**
 * The did-you-mean of a refused release: the catalog's models of the same platform whose published range
 * holds `release` (sorted, at most 8 named), or where to add one when none does.
 */
export function modelsThatRun(models: readonly ModelRange[], platform: string, release: string | number, except?: string): string {
  const os = OS_NAME[platform] ?? platform;
  const ids = models
    .filter((m) => m.platform === platform && m.id !== except && m.osSupport && !osRangeProblem(m.osSupport, release))
    .map((m) => m.id)
    .sort();
  if (ids.length === 0) return `no model in the catalog runs ${os} ${release} (add one: devices/README.md, --devices DIR)`;
  const named = ids.slice(0, 8).join(", ");
  return `models in the catalog that run ${os} ${release}: ${named}${ids.length > 8 ? ` and ${ids.length - 8} more` : ""} (enrollsim devices)`;
}
