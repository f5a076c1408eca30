// SPDX-License-Identifier: MIT
/**
 * What each Windows build is, sends and shows, as catalog data (`devices/windows/builds.yaml`, documented in
 * devices/README.md "Windows builds"): per OS build, its display version ("1909", "25H2"), the MS-MDE2 discovery
 * RequestVersion it sends by itself, and the text it shows for an enrollment error on a surface (OOBE, Settings ›
 * Access work or school, the ESP) where that text is published for the build. Every fact carries its published source.
 *
 * A build the table does not name takes each fact from the nearest earlier row that has it (a Windows 11 24H2 PC at
 * 26100.2605 sends what the 22621.3155 row says until a row for 26100 is added). Reading the files is
 * runner/catalog-files.ts's job: the shipped file, then `DIR/windows/builds.yaml` of `--devices DIR`, whose rows add to
 * the table or replace the shipped row of the same build.
 */
import { didYouMean } from "../errors/suggest.js";
import { compareVersions } from "../wire/version.js";
import { readYaml, type MapReader } from "./catalog-reader.js";

/** Where the user meets an enrollment error on Windows. */
export const WINDOWS_SURFACES = ["oobe", "settings", "esp"] as const;
export type WindowsSurface = (typeof WINDOWS_SURFACES)[number];

export interface WindowsBuildScreen {
  surface: WindowsSurface;
  /** The HRESULTs the text is published for ("0x80180006"). */
  codes: string[];
  /** The text, with {code} (8 hex digits as Windows prints them), {serverMessage} and {correlationId} (the SOAP fault's DeviceEnrollmentServiceError Message and TraceId; "Not available" when absent). */
  text: string;
  source: string;
}

export interface WindowsBuildRow {
  /** OS build, "26200" or with the update revision "22621.3155": the row applies from this build on. */
  build: string;
  /** The feature release's name: YYMM up to Windows 10 2004 ("1909"), then YYH1/YYH2 ("20H2", "25H2"). */
  displayVersion?: string;
  /** Source of the display version. */
  source?: string;
  /** The discovery RequestVersion this build sends, and where that is published. */
  discovery?: { requestVersion: string; source: string };
  screens: WindowsBuildScreen[];
  /**
   * Whether this build's Autopilot client refuses, at "Securing your hardware" of self-deploying and pre-provisioning,
   * a TPM whose firmware has a known vulnerability (0x81039024, wire/windows/tpm-firmware.ts) before any attestation
   * goes to the service, with the source that shows it for the build ("not published: …" when none does).
   */
  tpmVulnerabilityCheck?: { refuses: boolean; source: string };
}

/** The table, rows in build order. */
export type WindowsBuildTable = readonly WindowsBuildRow[];

/** Windows 10's YYMM names (1507 … 2004) and every later release's YYH1/YYH2 name. */
export const DISPLAY_VERSION = /^(1[5-9]\d\d|20\d\d|\d\dH[12])$/;
const YYMM_LAST = 2004;

/** Why a display version name is not one Windows uses, or undefined. `known` gives the did-you-mean. */
export function displayVersionProblem(name: string, known: readonly string[] = []): string | undefined {
  if (!DISPLAY_VERSION.test(name)) return `"${name}" is not a Windows display version${didYouMean(name, known)}; Windows 10 releases up to 2004 are named YYMM (1507 … 1909, 2004), later ones YYH1/YYH2 (20H2 … 25H2)`;
  if (/^\d{4}$/.test(name) && Number(name) > YYMM_LAST) {
    const yy = name.slice(0, 2);
    return `"${name}" is not a Windows display version: releases after 2004 are named YYH1/YYH2 (did you mean ${yy}H1 or ${yy}H2?)`;
  }
  // The YYMM names are a closed list (Windows 10 1507 … 2004): one the table does not hold is no release.
  if (/^\d{4}$/.test(name) && known.length > 0 && !known.includes(name)) return `"${name}" is not a Windows 10 release${didYouMean(name, known)}; the YYMM releases are ${known.filter((k) => /^\d{4}$/.test(k)).join(", ")}`;
  return undefined;
}

const full = (build: string): string => `10.0.${build}${build.includes(".") ? "" : ".0"}`;

/** The rows at or before `version` (10.0.<build>.<UBR>), newest first. */
function earlier(table: WindowsBuildTable, version: string): WindowsBuildRow[] {
  return table.filter((r) => compareVersions(full(r.build), version) <= 0).reverse();
}

/** The display version of `version` by the table (nearest earlier row with one). */
export function displayVersionFor(table: WindowsBuildTable, version: string): string | undefined {
  return earlier(table, version).find((r) => r.displayVersion !== undefined)?.displayVersion;
}

/** The discovery RequestVersion `version` sends by itself, with the row it comes from. */
export function requestVersionFor(table: WindowsBuildTable, version: string): { requestVersion: string; build: string; source: string } | undefined {
  const row = earlier(table, version).find((r) => r.discovery !== undefined);
  return row ? { ...row.discovery!, build: row.build } : undefined;
}

/** Whether `version`'s Autopilot client refuses a vulnerable TPM itself (nearest earlier row that says), with the row it comes from. */
export function tpmVulnerabilityCheckFor(table: WindowsBuildTable, version: string): { refuses: boolean; source: string; build: string } | undefined {
  const row = earlier(table, version).find((r) => r.tpmVulnerabilityCheck !== undefined);
  return row ? { ...row.tpmVulnerabilityCheck!, build: row.build } : undefined;
}

/** The text `version` shows on `surface` for `code` ("0x80180006"), from the nearest earlier row that publishes one. */
export function screenFor(table: WindowsBuildTable, version: string, surface: WindowsSurface, code: string): (WindowsBuildScreen & { build: string }) | undefined {
  const c = code.toLowerCase();
  for (const r of earlier(table, version)) {
    const s = r.screens.find((x) => x.surface === surface && x.codes.some((k) => k.toLowerCase() === c));
    if (s) return { ...s, build: r.build };
  }
  return undefined;
}

/** Fills a row's text: {code} as Windows prints it (80180006), the server's message and correlation id or "Not available". */
export function fillScreenText(text: string, code: string, server: { message?: string; correlationId?: string } = {}): string {
  return text
    .replaceAll("{code}", code.replace(/^0x/i, "").toLowerCase())
    .replaceAll("{serverMessage}", server.message || "Not available")
    .replaceAll("{correlationId}", server.correlationId || "Not available");
}

/** Rows of `extra` replace the rows of `base` with the same build, others add; the result is in build order. */
export function mergeBuildTables(base: WindowsBuildTable, extra: WindowsBuildTable): WindowsBuildTable {
  const byBuild = new Map(base.map((r) => [r.build, r]));
  for (const r of extra) byBuild.set(r.build, r);
  return [...byBuild.values()].sort((a, b) => compareVersions(full(a.build), full(b.build)));
}

const ROW_KEYS = ["build", "displayVersion", "source", "discovery", "screens", "tpmVulnerabilityCheck"] as const;

/** Parses and validates one builds file (`builds: [...]`); every mistake a `ScenarioError` at file:line:column. */
export function parseWindowsBuilds(text: string, fileName: string): WindowsBuildTable {
  const r = readYaml(text, fileName);
  const root = r.map(r.doc.contents, "Windows build table", "a mapping with builds: [...]").only(["builds"]);
  const seen = new Set<string>();
  const rows = root.list("builds", "a non-empty list of {build, displayVersion?, source?, discovery?, screens?}", (m) => readRow(m.only(ROW_KEYS)));
  rows.forEach((row, i) => {
    if (seen.has(row.build)) r.fail(root.node("builds"), `builds[${i}]: a second row for build ${row.build}`, "one row per build");
    seen.add(row.build);
  });
  return mergeBuildTables([], rows);
}

const URL = /^https:\/\//;
const SOURCE_OR_UNPUBLISHED = /^(https:\/\/|not published: )/;

function readRow(m: MapReader): WindowsBuildRow {
  const build = m.str("build", /^\d{5}(\.\d+)?$/, 'an OS build such as "26200" or "22621.3155"');
  const row: WindowsBuildRow = { build, screens: [] };
  if (m.has("displayVersion")) {
    const name = m.str("displayVersion");
    const problem = displayVersionProblem(name);
    if (problem) m.r.fail(m.node("displayVersion"), problem, 'a display version such as "1909" or "23H2"');
    row.displayVersion = name;
    row.source = m.str("source", URL, "the https URL of the published source of the display version");
  } else if (m.has("source")) m.r.fail(m.node("source"), "source is the display version's source; this row has no displayVersion", "displayVersion with source, or neither");
  if (m.has("discovery")) {
    const d = m.map("discovery", "{requestVersion, source}").only(["requestVersion", "source"]);
    // A value nobody published for the build is kept honest in the data: "not published: …" says what it rests on.
    row.discovery = {
      requestVersion: d.str("requestVersion", /^\d+\.\d+$/, 'an MS-MDE2 RequestVersion such as "9.0"'),
      source: d.str("source", SOURCE_OR_UNPUBLISHED, 'the https URL of the published source, or "not published: <what the value rests on>"'),
    };
  }
  if (m.has("screens")) {
    row.screens = m.list("screens", "a list of {surface, codes, text, source}", (s) => {
      s.only(["surface", "codes", "text", "source"]);
      return {
        surface: s.oneOf("surface", WINDOWS_SURFACES),
        codes: s.strings("codes", 'a non-empty list of HRESULTs such as "0x80180006"', /^0x[0-9a-fA-F]{8}$/).map((c) => c.toLowerCase()),
        text: s.str("text"),
        source: s.str("source", URL, "the https URL of the published screen or text"),
      };
    });
  }
  if (m.has("tpmVulnerabilityCheck")) {
    const t = m.map("tpmVulnerabilityCheck", "{refuses, source}").only(["refuses", "source"]);
    row.tpmVulnerabilityCheck = { refuses: t.bool("refuses"), source: t.str("source", SOURCE_OR_UNPUBLISHED, 'the https URL of the published source, or "not published: <what the value rests on>"') };
  }
  if (!row.displayVersion && !row.discovery && row.screens.length === 0 && !row.tpmVulnerabilityCheck)
    m.r.fail(m.self, `build ${build}: a row needs at least one of displayVersion, discovery, screens, tpmVulnerabilityCheck`, "displayVersion, discovery, screens or tpmVulnerabilityCheck");
  return row;
}
