// SPDX-License-Identifier: MIT
/**
 * The browser a user opens an enrollment URL in, and what that browser hands to Settings when the page offers the
 * configuration profile (devices/profile-installers/browsers.yaml, extended by `--devices DIR`'s
 * profile-installers/*.yaml like the install path rows beside it). Device state `browser` names a row's id.
 *
 * A web enrollment that signs the user in first (an IdP sign-in at the portal) keeps the sign-in as a session cookie
 * in the browser that did it. Whether the profile download carries it is the row's `download`:
 *   with-session     the browser fetches the profile itself, with its cookies, and hands the bytes to Settings
 *   without-session  the profile request carries none of the browser's cookies, so a server that reads the sign-in
 *                    from its session cookie does not know the user at the download
 * One row per published report, with its source; a browser without a row is refused (the scenario names it), except
 * Safari, whose download is the browser's own (Apple: profiles are downloaded in Safari, support.apple.com/102400).
 */
import { isMap, LineCounter, parseDocument, type Node } from "yaml";
import { ScenarioError } from "../errors/index.js";
import { compareVersions } from "../wire/version.js";

const PLATFORMS = ["ios", "ipados", "macos"] as const;
type Platform = (typeof PLATFORMS)[number];
export const BROWSER_DOWNLOADS = ["with-session", "without-session"] as const;
export type BrowserDownload = (typeof BROWSER_DOWNLOADS)[number];

/** One row: a browser on the releases it covers (exact `releases`, or `from` inclusive / `until` exclusive; neither: all). */
export interface BrowserRow {
  browser: string;
  /** The browser's name as the user sees it ("Safari", "Chrome"): the screen a page or refusal appears on. */
  name: string;
  platform: Platform;
  releases?: string[];
  from?: string;
  until?: string;
  download: BrowserDownload;
  source: string;
  /** file:line:column of the row, for messages. */
  at: string;
}

export const isBrowserRow = (r: object): r is BrowserRow => "browser" in r;

/** The default browser, when the scenario names none and no row covers the device: Safari fetches the profile itself. */
export const SAFARI_ROW: Omit<BrowserRow, "platform" | "at"> = {
  browser: "safari",
  name: "Safari",
  download: "with-session",
  source: "Apple, 'Install a configuration profile on your iPhone or iPad' (support.apple.com/102400): a profile downloaded from a website in Safari waits in Settings as 'Profile Downloaded'",
};

/** The row of `browser` on a device's platform and release (an `ios` row also covers iPads), in precedence order. */
export function browserRow(rows: readonly BrowserRow[], browser: string, platform: string, osVersion: string): BrowserRow | undefined {
  return rows.find((r) => {
    if (r.browser !== browser) return false;
    if (r.platform !== platform && !(r.platform === "ios" && platform === "ipados")) return false;
    if (r.releases) return r.releases.some((v) => compareVersions(osVersion, v) === 0);
    return (r.from === undefined || compareVersions(osVersion, r.from) >= 0) && (r.until === undefined || compareVersions(osVersion, r.until) < 0);
  });
}

const FIELDS = ["browser", "name", "platform", "releases", "from", "until", "download", "source"];
const VERSION = /^\d+(\.\d+)*$/;
const ID = /^[a-z0-9][a-z0-9-]{0,40}$/;

/** The `browsers:` list of one devices/profile-installers/*.yaml file; a problem names file:line:column. */
export function parseBrowserRows(text: string, file: string): BrowserRow[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  const at = (n: Node | null | undefined): string => {
    const p = lines.linePos(n?.range?.[0] ?? 0);
    return `${file}:${p.line}:${p.col}`;
  };
  const bad = (n: Node | null | undefined, what: string, expected: string): never => {
    throw new ScenarioError(`browser catalog: ${what}`, at(n), expected);
  };
  if (doc.errors.length) bad(undefined, doc.errors[0]!.message, "valid YAML");
  const listNode = isMap(doc.contents) ? (doc.contents.get("browsers", true) as Node | undefined) : undefined;
  const data = doc.toJS() as { browsers?: unknown };
  if (data?.browsers === undefined) return [];
  if (!Array.isArray(data.browsers)) return bad(listNode ?? doc.contents, "`browsers:` is not a list", "browsers: [{ browser, name, platform, download, source }]");
  return (data.browsers as Record<string, unknown>[]).map((r, i) => {
    const node = doc.getIn(["browsers", i], true) as Node | undefined;
    const field = (k: string): Node | undefined => (doc.getIn(["browsers", i, k], true) as Node | undefined) ?? node;
    if (!r || typeof r !== "object" || Array.isArray(r)) return bad(node, `browsers[${i}] must be a mapping`, "{ browser, name, platform, download, source }");
    for (const k of Object.keys(r)) if (!FIELDS.includes(k)) bad(field(k), `browsers[${i}]: unknown field "${k}"`, FIELDS.join(" | "));
    if (typeof r.browser !== "string" || !ID.test(r.browser)) bad(field("browser"), `browsers[${i}].browser is ${JSON.stringify(r.browser)}`, "a lower-case id (safari, chrome, brave)");
    if (typeof r.name !== "string" || !r.name.trim()) bad(field("name"), `browsers[${i}].name is missing`, "the browser's name as the user sees it (Chrome)");
    if (!PLATFORMS.includes(r.platform as Platform)) bad(field("platform"), `browsers[${i}].platform is ${JSON.stringify(r.platform)}`, PLATFORMS.join(" | "));
    const version = (v: unknown): boolean => typeof v === "string" && VERSION.test(v);
    if (r.releases !== undefined && (!Array.isArray(r.releases) || r.releases.length === 0 || !r.releases.every(version))) bad(field("releases"), `browsers[${i}].releases is ${JSON.stringify(r.releases)}`, 'a list of quoted OS versions ("17.5")');
    if (r.releases !== undefined && (r.from !== undefined || r.until !== undefined)) bad(field("from"), `browsers[${i}] has releases and from/until`, "either releases (exact) or from/until (a range)");
    for (const k of ["from", "until"] as const) if (r[k] !== undefined && !version(r[k])) bad(field(k), `browsers[${i}].${k} is ${JSON.stringify(r[k])}`, 'a quoted OS version ("17.5")');
    if (!BROWSER_DOWNLOADS.includes(r.download as BrowserDownload)) bad(field("download"), `browsers[${i}].download is ${JSON.stringify(r.download)}`, BROWSER_DOWNLOADS.join(" | "));
    if (typeof r.source !== "string" || !r.source.trim()) bad(field("source"), `browsers[${i}].source is missing`, "where the browser's behaviour is published (URL and what it shows)");
    return {
      browser: r.browser as string,
      name: (r.name as string).trim(),
      platform: r.platform as Platform,
      download: r.download as BrowserDownload,
      source: r.source as string,
      at: at(node),
      ...(r.releases ? { releases: (r.releases as string[]).map(String) } : {}),
      ...(r.from !== undefined ? { from: String(r.from) } : {}),
      ...(r.until !== undefined ? { until: String(r.until) } : {}),
    };
  });
}
