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
import { isMap, LineCounter, parseDocument, type Node } from "yaml";
import { ScenarioError } from "../errors/index.js";
import { compareVersions } from "../wire/version.js";
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
      if (r.releases) return r.releases.some((v) => compareVersions(osVersion, v) === 0);
      return (r.from === undefined || compareVersions(osVersion, r.from) >= 0) && (r.until === undefined || compareVersions(osVersion, r.until) < 0);
    });
    return row ? { path: row.path, row } : { path: "queued" };
  }

  /** The user's rows (`--devices DIR`) before the shipped ones: they override a shipped row for the same release. */
  withOverrides(first: ProfileInstallPathCatalog): ProfileInstallPathCatalog {
    return new ProfileInstallPathCatalog([...first.rows, ...this.rows, ...first.browsers, ...this.browsers]);
  }
}

const FIELDS = ["platform", "releases", "from", "until", "path", "alert", "source"];
const VERSION = /^\d+(\.\d+)*$/;

/** Parses one devices/profile-installers/*.yaml file (`paths:` and/or `browsers:` lists); a problem names file:line:column. */
export function parseProfileInstallerFile(text: string, file: string): (ProfileInstallPathRow | BrowserRow)[] {
  const browsers = parseBrowserRows(text, file);
  const doc = parseDocument(text);
  const hasPaths = isMap(doc.contents) && doc.contents.has("paths");
  return [...(hasPaths || browsers.length === 0 ? parseProfileInstallPaths(text, file) : []), ...browsers];
}

/** Parses the `paths:` list of one devices/profile-installers/*.yaml file; a problem names file:line:column. */
export function parseProfileInstallPaths(text: string, file: string): ProfileInstallPathRow[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  const at = (n: Node | null | undefined): string => {
    const p = lines.linePos(n?.range?.[0] ?? 0);
    return `${file}:${p.line}:${p.col}`;
  };
  const bad = (n: Node | null | undefined, what: string, expected: string): never => {
    throw new ScenarioError(`profile install path catalog: ${what}`, at(n), expected);
  };
  if (doc.errors.length) bad(undefined, doc.errors[0]!.message, "valid YAML");
  const listNode = isMap(doc.contents) ? (doc.contents.get("paths", true) as Node | undefined) : undefined;
  const data = doc.toJS() as { paths?: unknown };
  if (!Array.isArray(data?.paths)) return bad(listNode ?? doc.contents, "missing `paths:` list", "paths: [{ platform, releases | from/until, path, source }]");
  return (data.paths as Record<string, unknown>[]).map((r, i) => {
    const node = doc.getIn(["paths", i], true) as Node | undefined;
    const field = (k: string): Node | undefined => (doc.getIn(["paths", i, k], true) as Node | undefined) ?? node;
    if (!r || typeof r !== "object" || Array.isArray(r)) return bad(node, `paths[${i}] must be a mapping`, "{ platform, releases | from/until, path, source }");
    for (const k of Object.keys(r)) if (!FIELDS.includes(k)) bad(field(k), `paths[${i}]: unknown field "${k}"`, FIELDS.join(" | "));
    if (!PLATFORMS.includes(r.platform as Platform)) bad(field("platform"), `paths[${i}].platform is ${JSON.stringify(r.platform)}`, PLATFORMS.join(" | "));
    const version = (v: unknown): boolean => typeof v === "string" && VERSION.test(v);
    if (r.releases !== undefined && (!Array.isArray(r.releases) || r.releases.length === 0 || !r.releases.every(version))) bad(field("releases"), `paths[${i}].releases is ${JSON.stringify(r.releases)}`, 'a list of quoted OS versions ("11.4")');
    if (r.releases !== undefined && (r.from !== undefined || r.until !== undefined)) bad(field("from"), `paths[${i}] has releases and from/until`, "either releases (exact) or from/until (a range)");
    for (const k of ["from", "until"] as const) if (r[k] !== undefined && !version(r[k])) bad(field(k), `paths[${i}].${k} is ${JSON.stringify(r[k])}`, 'a quoted OS version ("11.4")');
    if (!INSTALL_PATHS.includes(r.path as InstallPath)) bad(field("path"), `paths[${i}].path is ${JSON.stringify(r.path)}`, INSTALL_PATHS.join(" | "));
    const alert = r.alert as Record<string, unknown> | undefined;
    if (
      alert !== undefined &&
      (typeof alert !== "object" || alert === null || typeof alert.text !== "string" || !alert.text.trim() || typeof alert.screen !== "string" || !alert.screen.trim() || Object.keys(alert).some((k) => k !== "text" && k !== "screen"))
    )
      bad(field("alert"), `paths[${i}].alert is ${JSON.stringify(r.alert)}`, '{ text: "what the alert says", screen: "where it appears" }');
    if (typeof r.source !== "string" || !r.source.trim()) bad(field("source"), `paths[${i}].source is missing`, "where the release's behaviour is published (URL and what it shows)");
    return {
      platform: r.platform as Platform,
      path: r.path as InstallPath,
      ...(alert ? { alert: { text: alert.text as string, screen: alert.screen as string } } : {}),
      source: r.source as string,
      at: at(node),
      ...(r.releases ? { releases: (r.releases as string[]).map(String) } : {}),
      ...(r.from !== undefined ? { from: String(r.from) } : {}),
      ...(r.until !== undefined ? { until: String(r.until) } : {}),
    };
  });
}
