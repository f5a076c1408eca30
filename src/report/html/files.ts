// SPDX-License-Identifier: MIT
/**
 * File side of the HTML report: reads the page assets (uPlot from node_modules, the page script
 * and style next to this module; `npm run build` copies them to dist/), writes the report 0600
 * (it holds server answers and device identifiers), and reads a saved run JSON.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { createRequire } from "node:module";
import { ReportError } from "../errors.js";
import { parseSummary } from "../json.js";
import { parseTrace } from "../transcript/model.js";
import type { TranscriptEvent } from "../../ports/transcript.js";
import { sanitizeFileName, TranscriptBudget } from "../trace.js";
import type { ExtendedSummary } from "../metrics.js";
import { writePrivateFile } from "../private-file.js";
import { reportModel, type ReportModel } from "./model.js";
import { renderPage, type PageAssets } from "./page.js";

let cached: PageAssets | undefined;

/** uPlot's files and the page's own script and style, read once per process. */
export function pageAssets(): PageAssets {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const read = (path: string, what: string) => {
    try {
      return readFileSync(path, "utf8");
    } catch (err) {
      throw new ReportError("report.io", `cannot read ${what} (${path}): ${(err as Error).message}; is the installation complete (npm run build copies the page assets to dist/)?`, { cause: err });
    }
  };
  const own = (name: string) => new URL(`./assets/${name}`, import.meta.url).pathname;
  cached = {
    uplotJs: read(require.resolve("uplot/dist/uPlot.iife.min.js"), "uPlot"),
    uplotCss: read(require.resolve("uplot/dist/uPlot.min.css"), "uPlot's style sheet"),
    // One inline script (one CSP hash): the charts and the transcript view first, then the page that uses them.
    pageJs: ["charts.js", "transcript.js", "page.js"].map((f) => read(own(f), `the report page script ${f}`)).join("\n"),
    pageCss: read(own("page.css"), "the report page style sheet"),
  };
  return cached;
}

export const sha256Base64 = (text: string) => createHash("sha256").update(text, "utf8").digest("base64");

/** The self-contained HTML of a report model. */
export function reportHtml(model: ReportModel): string {
  return renderPage({ title: `enrollsim: ${model.summary.scenario}`, assets: pageAssets(), sha256: sha256Base64, model });
}

/** The live dashboard's page (its data arrives over the WebSocket at `wsPath`). */
export function dashboardHtml(title: string, wsPath: string): string {
  return renderPage({ title, assets: pageAssets(), sha256: sha256Base64, live: { wsPath } });
}

/**
 * Writes the HTML report of a run to `path` (mode 0600, atomically).
 * @throws {ReportError} `report.io` when it cannot be written.
 */
export function writeHtmlReport(path: string, summary: ExtendedSummary, extra: Parameters<typeof reportModel>[1] = {}): void {
  writePrivateFile(path, reportHtml(reportModel(summary, extra)));
}

/**
 * Reads a run JSON (`run --report`, `report merge`).
 * @throws {ReportError} `report.io` when unreadable; `report.invalid-input` naming the file and the problem.
 */
export function readSummaryFile(path: string): ExtendedSummary {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new ReportError("report.io", `cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
  return parseSummary(text, path) as ExtendedSummary; // a syntax error names the file and line:column (json.ts)
}

/** Trace bytes read from one file for the report (a single-file trace of a big run can be far larger). */
const MAX_TRACE_READ = 256 * 1024 * 1024;

/**
 * The recorded (already redacted) events of `devices` from a `--trace` target: a directory of
 * `<device>.ndjson` files, or one `.ndjson` file for the run. Devices without events are left out;
 * each device keeps at most 256 KiB of events (then a truncation marker).
 * @throws {ReportError} `report.io` when unreadable; `report.invalid-input` naming FILE:LINE:COLUMN of a bad line.
 */
export function readTraceTranscripts(target: string, devices: readonly string[]): Record<string, TranscriptEvent[]> {
  const want = new Set(devices);
  const out = new Map<string, TranscriptEvent[]>();
  const budgets = new Map<string, TranscriptBudget>();
  const readOne = (file: string) => {
    let text: string;
    try {
      if (statSync(file).size > MAX_TRACE_READ) throw new Error(`larger than ${MAX_TRACE_READ / 1048576} MiB; keep per-device traces (--trace DIR) for big runs`);
      text = readFileSync(file, "utf8");
    } catch (err) {
      throw new ReportError("report.io", `cannot read the trace ${file}: ${(err as Error).message}`, { cause: err });
    }
    for (const e of parseTrace(text, file)) {
      if (!want.has(e.device)) continue;
      const budget = budgets.get(e.device) ?? new TranscriptBudget(256 * 1024);
      budgets.set(e.device, budget);
      const kept = budget.admit(e, JSON.stringify(e).length);
      if (!kept) continue;
      const list = out.get(e.device) ?? [];
      out.set(e.device, list);
      list.push(kept);
    }
  };
  let isDir: boolean;
  try {
    isDir = statSync(target).isDirectory();
  } catch (err) {
    throw new ReportError("report.io", `cannot read the trace ${target}: ${(err as Error).message}`, { cause: err });
  }
  if (!isDir) readOne(target);
  else {
    for (const d of want) {
      const file = join(target, `${sanitizeFileName(d)}.ndjson`);
      if (existsSync(file)) readOne(file);
    }
  }
  return Object.fromEntries(devices.filter((d) => out.has(d)).map((d) => [d, out.get(d)!]));
}
