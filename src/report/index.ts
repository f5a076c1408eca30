// SPDX-License-Identifier: MIT
/**
 * The report layer without file I/O: summary collection, statistics, expectations, text and
 * JSON formatting, progress, redaction and transcript sinks. File writers are in
 * `trace-file.ts` and `json-file.ts`.
 */
export { ReportError } from "./errors.js";
export * from "./types.js";
export * from "./stats.js";
export * from "./expectations.js";
export { SummaryCollector, UNKNOWN_FAILURE_CODE, type SummaryCollectorOptions } from "./summary.js";
export { mergeSummaries } from "./merge.js";
export { formatSummary, formatDuration, renderTable, type FormatOptions } from "./table.js";
export { terminalText, terminalText as printable, terminalValue } from "./terminal-text.js";
export { ProgressDisplay, type ProgressOptions, type ProgressStream } from "./progress.js";
export { Redactor, REDACTED, isSensitiveName, looksLikeKeyMaterial } from "./redact.js";
export {
  NdjsonTraceSink,
  MemoryTranscript,
  sanitizeFileName,
  formatTranscript,
  type HttpTraceData,
  type NdjsonTraceOptions,
  type MemoryTranscriptOptions,
  type TraceOutput,
  type TraceWriter,
} from "./trace.js";
export { summaryToJson, orderedSummary, parseSummary } from "./json.js";
