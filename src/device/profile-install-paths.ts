// SPDX-License-Identifier: MIT
/**
 * How a downloaded configuration profile reaches Apple's installer, per release (devices/profile-installers/*.yaml,
 * extended by `--devices DIR`'s profile-installers/*.yaml): queued for installation, or handed to an interactive
 * install. It decides the installer's outermost error when a payload handler refuses a payload
 * (wire/apple/payload-errors.ts: 4000 "Invalid Profile" when queued, 4001 "Profile Installation Failed" when
 * interactive), and, where an app shows that refusal in its own words (Safari's alert for a download it cannot queue),
 * what the user sees. One row per published capture, with its source; a release without a row is `queued`, the
 * chain of github.com/thrasr/mdm-server/issues/15 (the oldest capture) and enrollsim's behaviour before the table.
 */
import { isMap, parseDocument } from "yaml";
import { coversRelease, oneOf, readCatalogRows, releaseSpan, requiredText } from "./catalog-rows.js";
import { INSTALL_PATHS, type InstallPath } from "../wire/apple/payload-errors.js";
import { browserRow, isBrowserRow, parseBrowserRows, type BrowserRow } from "./profile-browsers.js";

const PLATFORMS = ["ios", "ipados", "macos"] as const;
type Platform = (typeof PLATFORMS)[number];

/** One row: the releases it covers (exact `releases`, or `from` inclusive / `until` exclusive), the path and its source. */
export interface ProfileInstallPathRow {
  platform: Platform;
  releases?: string[];
  from?: string;
  until?: string;
  path: InstallPath;
  /** What the user sees for the installer's refusal on this release where an app shows it in its own words (Safari's alert), with where. */
  alert?: { text: string; screen: string };
  source: string;
  /** file:line:column of the row, for messages. */
  at: string;
}

export class ProfileInstallPathCatalog {
  /** Install path rows in precedence order: the first row covering a release decides. */
  readonly rows: readonly ProfileInstallPathRow[];
  /** Browser rows (profile-browsers.ts) in precedence order. */
  readonly browsers: readonly BrowserRow[];

  constructor(rows: readonly (ProfileInstallPathRow | BrowserRow)[] = []) {
    this.rows = rows.filter((r): r is ProfileInstallPathRow => !isBrowserRow(r));
    this.browsers = rows.filter(isBrowserRow);
  }

  /** The row of `browser` on a device's platform and release (profile-browsers.ts), if any. */
  browser(browser: string, platform: string, osVersion: string): BrowserRow | undefined {
    return browserRow(this.browsers, browser, platform, osVersion);
  }

  /** The path of a device's release (an `ios` row also covers iPads: they share iOS's release numbers), and the row that says so. */
  forDevice(platform: string, osVersion: string): { path: InstallPath; row?: ProfileInstallPathRow } {
    const row = this.rows.find((r) => {
      if (r.platform !== platform && !(r.platform === "ios" && platform === "ipados")) return false;
      return coversRelease(r, osVersion);
    });
    return row ? { path: row.path, row } : { path: "queued" };
  }

  /** The user's rows (`--devices DIR`) before the shipped ones: they override a shipped row for the same release. */
  withOverrides(first: ProfileInstallPathCatalog): ProfileInstallPathCatalog {
    return new ProfileInstallPathCatalog([...first.rows, ...this.rows, ...first.browsers, ...this.browsers]);
  }
}

const FIELDS = ["platform", "releases", "from", "until", "path", "alert", "source"];

/** Parses one devices/profile-installers/*.yaml file (`paths:` and/or `browsers:` lists); a problem names file:line:column. */
export function parseProfileInstallerFile(text: string, file: string): (ProfileInstallPathRow | BrowserRow)[] {
  const browsers = parseBrowserRows(text, file);
  const doc = parseDocument(text);
  const hasPaths = isMap(doc.contents) && doc.contents.has("paths");
  return [...(hasPaths || browsers.length === 0 ? parseProfileInstallPaths(text, file) : []), ...browsers];
}

/** Parses the `paths:` list of one devices/profile-installers/*.yaml file; a problem names file:line:column. */
export function parseProfileInstallPaths(text: string, file: string): ProfileInstallPathRow[] {
  const o = { list: "paths", label: "profile install path catalog", fields: FIELDS, shape: "{ platform, releases | from/until, path, source }", required: true };
  return readCatalogRows(text, file, o, (x) => {
    const { r, where, bad } = x;
    const platform = oneOf(x, "platform", PLATFORMS);
    const span = releaseSpan(x, "11.4");
    const path = oneOf(x, "path", INSTALL_PATHS);
    const alert = r.alert as Record<string, unknown> | undefined;
    if (
      alert !== undefined &&
      (typeof alert !== "object" || alert === null || typeof alert.text !== "string" || !alert.text.trim() || typeof alert.screen !== "string" || !alert.screen.trim() || Object.keys(alert).some((k) => k !== "text" && k !== "screen"))
    )
      bad("alert", `${where}.alert is ${JSON.stringify(r.alert)}`, '{ text: "what the alert says", screen: "where it appears" }');
    const source = requiredText(x, "source", "where the release's behaviour is published (URL and what it shows)");
    return { platform, path, ...(alert ? { alert: { text: alert.text as string, screen: alert.screen as string } } : {}), source, at: x.at, ...span };
  });
}
