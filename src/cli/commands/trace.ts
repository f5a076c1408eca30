// SPDX-License-Identifier: MIT
/** `enrollsim trace show TRACE.ndjson [--device ID]`: one device's numbered, decoded, redacted transcript. */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Argv } from "yargs";
import { ReportError } from "../../report/errors.js";
import { formatDeviceList, formatDeviceTranscript } from "../../report/transcript/format.js";
import { deviceTranscript, listDevices, parseTrace } from "../../report/transcript/model.js";
import type { TranscriptEvent } from "../../ports/transcript.js";

/**
 * Reads a trace: one NDJSON file, or a `--trace DIR` of per-device files (every `*.ndjson` in it, in
 * name order). Unreadable or corrupt is the user's input (exit 2) naming the file and line:column.
 */
export function readTraceFile(file: string): TranscriptEvent[] {
  const read = (path: string): string => {
    try {
      return readFileSync(path, "utf8");
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new ReportError("report.io", `cannot read ${path}: ${code === "ENOENT" ? "no such file" : (err as Error).message}`);
    }
  };
  let names: string[] | undefined;
  try {
    if (statSync(file).isDirectory())
      names = readdirSync(file)
        .filter((n) => /\.(ndjson|jsonl)$/i.test(n))
        .sort();
  } catch {
    /* read() says why */
  }
  if (names === undefined) return parseTrace(read(file), file);
  if (names.length === 0) throw new ReportError("report.invalid-input", `${file}: a directory without .ndjson trace files`);
  return names.flatMap((n) => parseTrace(read(join(file, n)), join(file, n)));
}

/** True when a file looks like an NDJSON trace (by name, or a first line that is a trace record). */
export function isTraceFile(file: string, head: string): boolean {
  if (/\.(ndjson|jsonl)$/i.test(file)) return true;
  const first = head.trimStart().split("\n", 1)[0] ?? "";
  return first.startsWith("{") && /"kind"\s*:\s*"(http|decoded|note|outcome)"/.test(first) && /"device"\s*:/.test(first);
}

/** Prints the transcript of `device`, or the device list when the trace holds several and none is named. */
export function showTrace(file: string, device: string | undefined, json: boolean, write: (s: string) => void): void {
  const events = readTraceFile(file);
  const devices = listDevices(events);
  if (device === undefined && devices.length > 1) {
    write(json ? `${JSON.stringify({ source: file, devices }, null, 2)}\n` : formatDeviceList(devices, file));
    return;
  }
  const t = deviceTranscript(events, device ?? devices[0]!.device);
  write(json ? `${JSON.stringify(t, null, 2)}\n` : formatDeviceTranscript(t));
}

export const traceCommand = {
  command: "trace <action> <file>",
  describe: "Read a trace written by run --trace: one device's numbered transcript with every message decoded (SOAP, SyncML, plist, CMS/SCEP, certificates, JSON) and secrets redacted",
  builder: (y: Argv) =>
    y
      .positional("action", { choices: ["show"], demandOption: true, describe: "show: print a device's transcript (or, for a trace of several devices without --device, the devices and their outcomes)" })
      .positional("file", { type: "string", demandOption: true, describe: "NDJSON trace: --trace run.ndjson, a --trace DIR, or one <device>.ndjson in it" })
      .option("device", { type: "string", describe: "device id to show (as listed without --device)" })
      .option("json", { type: "boolean", default: false, describe: "print the decoded transcript model as JSON" })
      .example("$0 trace show run.ndjson", "list the devices of a run's trace with their outcomes")
      .example("$0 trace show run.ndjson --device 'iphone-15#3'", "that device's numbered, decoded transcript")
      .example("$0 trace show traces/", "a --trace DIR: its devices with their outcomes")
      .example("$0 trace show traces/windows-11-laptop_0.ndjson --json", "the decoded model as JSON"),
  handler: async (a: { file: string; device?: string; json: boolean }) => {
    showTrace(a.file, a.device, a.json, (s) => process.stdout.write(s));
  },
};
