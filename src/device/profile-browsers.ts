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
import { coversRelease, oneOf, readCatalogRows, releaseSpan, requiredText } from "./catalog-rows.js";

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
    return coversRelease(r, osVersion);
  });
}

const FIELDS = ["browser", "name", "platform", "releases", "from", "until", "download", "source"];
const ID = /^[a-z0-9][a-z0-9-]{0,40}$/;

/** The `browsers:` list of one devices/profile-installers/*.yaml file; a problem names file:line:column. */
export function parseBrowserRows(text: string, file: string): BrowserRow[] {
  const o = { list: "browsers", label: "browser catalog", fields: FIELDS, shape: "{ browser, name, platform, download, source }", required: false };
  return readCatalogRows(text, file, o, (x) => {
    const { r, where, bad } = x;
    if (typeof r.browser !== "string" || !ID.test(r.browser)) bad("browser", `${where}.browser is ${JSON.stringify(r.browser)}`, "a lower-case id (safari, chrome, brave)");
    const name = requiredText(x, "name", "the browser's name as the user sees it (Chrome)").trim();
    const platform = oneOf(x, "platform", PLATFORMS);
    const span = releaseSpan(x, "17.5");
    const download = oneOf(x, "download", BROWSER_DOWNLOADS);
    const source = requiredText(x, "source", "where the browser's behaviour is published (URL and what it shows)");
    return { browser: r.browser as string, name, platform, download, source, at: x.at, ...span };
  });
}
