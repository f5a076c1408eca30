// SPDX-License-Identifier: MIT
/**
 * node:fs implementation of {@link TraceOutput}. Trace files can hold identifiers and server
 * answers a customer may consider private, so they are created with mode 0600 in a 0700
 * directory, even after redaction.
 */
import { closeSync, createWriteStream, fchmodSync, mkdirSync, openSync, type WriteStream } from "node:fs";
import { basename, dirname, join } from "node:path";
import { ReportError } from "./errors.js";
import type { Redactor } from "./redact.js";
import { NdjsonTraceSink, type TraceOutput, type TraceWriter } from "./trace.js";

class FileTraceWriter implements TraceWriter {
  private error: unknown;
  private closing: Promise<void> | undefined;

  constructor(private readonly stream: WriteStream) {
    stream.on("error", (err) => {
      this.error ??= err;
    });
  }

  write(text: string): void {
    if (this.error === undefined && !this.closing) this.stream.write(text);
  }

  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve, reject) => {
      const done = (): void => (this.error === undefined ? resolve() : reject(this.error));
      if (this.stream.closed || this.stream.destroyed) return done();
      this.stream.once("close", done);
      this.stream.end();
    });
    return this.closing;
  }
}

/**
 * Trace files under `dir` (created, mode 0700, if missing).
 * @throws {ReportError} `report.io` when the directory cannot be created.
 */
export function fileTraceOutput(dir: string): TraceOutput {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw new ReportError("report.io", `cannot create the trace directory ${dir}: ${(err as Error).message}`, { cause: err });
  }
  return {
    open(name: string, append: boolean): TraceWriter {
      if (name !== basename(name) || name === "." || name === ".." || name.includes("\\")) {
        throw new ReportError("report.io", `refusing trace file name ${JSON.stringify(name)}: not a plain file name`);
      }
      const path = join(dir, name);
      let fd: number;
      try {
        // Always O_APPEND (a new file is truncated first): a device's file may be reopened (a timeline
        // note after its end) while the previous stream still flushes; positional writes of that
        // stream would overwrite the new lines, appends cannot.
        if (!append) closeSync(openSync(path, "w", 0o600));
        fd = openSync(path, "a", 0o600);
      } catch (err) {
        throw new ReportError("report.io", `cannot open ${path}: ${(err as Error).message}`, { cause: err });
      }
      try {
        fchmodSync(fd, 0o600); // an existing file keeps its mode on open: tighten it
      } catch {
        /* not supported on this file system: the create mode still applies to new files */
      }
      return new FileTraceWriter(createWriteStream(path, { fd, autoClose: true }));
    },
  };
}

/**
 * The sink for `--trace TARGET`: a name ending in `.ndjson` or `.jsonl` is one file for the run,
 * anything else is a directory of `<device>.ndjson` files.
 */
export function openTraceSink(
  target: string,
  options: { redactor?: Redactor | ((device: string) => Redactor); maxOpen?: number; maxBytesPerDevice?: number } = {},
): NdjsonTraceSink {
  if (/\.(ndjson|jsonl)$/i.test(target)) {
    return new NdjsonTraceSink({ ...options, output: fileTraceOutput(dirname(target)), file: basename(target) });
  }
  return new NdjsonTraceSink({ ...options, output: fileTraceOutput(target) });
}
