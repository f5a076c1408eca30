// SPDX-License-Identifier: MIT
/** Writes `summary.json` (mode 0600: a report carries scenario values): to a temporary file first, then renamed, so a reader never sees half a report. */
import { summaryToJson } from "./json.js";
import { writePrivateFile } from "./private-file.js";
import type { RunSummary } from "./types.js";

/**
 * Writes the summary as JSON to `path`.
 * @throws {ReportError} `report.io` when the file cannot be written.
 */
export function writeReport(path: string, summary: RunSummary): void {
  writePrivateFile(path, summaryToJson(summary));
}
