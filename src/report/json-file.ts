// SPDX-License-Identifier: MIT
/** Writes `summary.json`: to a temporary file first, then renamed, so a reader never sees half a report. */
import { renameSync, rmSync, writeFileSync } from "node:fs";
import { ReportError } from "./errors.js";
import { summaryToJson } from "./json.js";
import type { RunSummary } from "./types.js";

/**
 * Writes the summary as JSON to `path`.
 * @throws {ReportError} `report.io` when the file cannot be written.
 */
export function writeReport(path: string, summary: RunSummary): void {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, summaryToJson(summary), { mode: 0o644 });
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new ReportError("report.io", `cannot write the report ${path}: ${(err as Error).message}`, { cause: err });
  }
}
