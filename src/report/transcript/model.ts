// SPDX-License-Identifier: MIT
/**
 * The decoded transcript: trace records (NDJSON lines written by `run --trace`) → per device, numbered
 * entries a person (the terminal, an HTML report) can read. Pure; no I/O.
 *
 * API (everything a view needs):
 *
 * ```ts
 * const events = parseTrace(text, "trace.ndjson");   // TranscriptEvent[]; ReportError "file:line:column" on a bad line
 * const devices = listDevices(events);              // [{ device, outcome: { ok, code, message? }, exchanges }]
 * const t = deviceTranscript(events, "iphone-15#0");// { device, outcome, entries }
 * t.entries[0];  // { n: 1, kind: "exchange", step, t, method, url, status, ms, request: {direction, contentType, message}, response: {...} }
 *                // or { n, kind: "note" | "decoded" | "outcome" | "injected", step, t, lines }
 * ```
 *
 * `n` numbers the entries 1, 2, … in recording order. Every message body is decoded by
 * ./decode.ts ({@link DecodedMessage}: format, summary lines, structure) and everything is
 * redacted again with the given Redactor (report/redact.ts), so a trace written by an older
 * version, or by hand, cannot leak through the viewer. Strings are not terminal-sanitised here
 * (the HTML report escapes for HTML; the CLI formatter, ./format.ts, uses terminal-text).
 */
import type { Shown } from "../../device/shown.js";
import type { TranscriptEvent } from "../../ports/transcript.js";
import { ReportError } from "../errors.js";
import { parseJsonText } from "../json-text.js";
import { Redactor } from "../redact.js";
import { decodeBody, type DecodedMessage } from "./decode.js";

export type { DecodedMessage, MessageFormat, CertificateSummary } from "./decode.js";

export interface MessageView {
  direction: "device → server" | "server → device";
  headers: Record<string, string>;
  contentType?: string;
  bytes?: number;
  /** The body as recorded (`{text}` / `{base64}` / `{omitted}`), redacted; absent when none was kept. */
  body?: Record<string, unknown>;
  message: DecodedMessage;
}

export interface TranscriptEntry {
  n: number;
  kind: "exchange" | "decoded" | "note" | "outcome" | "injected";
  step: string;
  /** Milliseconds since the epoch, device clock. */
  t: number;
  method?: string;
  url?: string;
  status?: number;
  /** Transport failure instead of a status (timeout, TLS, refused). */
  error?: string;
  ms?: number;
  request?: MessageView;
  response?: MessageView;
  /** For non-exchange entries: what was noted or decoded. */
  lines?: string[];
  data?: Record<string, unknown>;
}

export interface DeviceOutcome {
  ok: boolean;
  code: string;
  /** enrollsim's diagnosis (the failure's message). */
  message?: string;
  /** What the device shows (its own words) and, in `serverSaid`, what the server said (device/shown.ts). */
  shown?: Shown;
}

export interface DeviceListing {
  device: string;
  /** Absent when the trace has no outcome record for the device (interrupted, or truncated trace). */
  outcome?: DeviceOutcome;
  exchanges: number;
}

export interface DeviceTranscript extends DeviceListing {
  entries: TranscriptEntry[];
}

const obj = (v: unknown): Record<string, unknown> => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
const KINDS = new Set(["http", "decoded", "note", "outcome"]);

/**
 * Parses NDJSON trace text. Blank lines are skipped.
 * @throws {ReportError} `report.invalid-input` naming `source:line:column` for a line that is not JSON (a truncated last line too) or not a trace record.
 */
export function parseTrace(text: string, source: string): TranscriptEvent[] {
  const out: TranscriptEvent[] = [];
  const lines = text.split("\n");
  lines.forEach((line, i) => {
    if (line.trim() === "") return;
    const v = obj(parseJsonText(line, source, i));
    if (typeof v.device !== "string" || typeof v.step !== "string" || !KINDS.has(v.kind as string) || typeof v.t !== "number") {
      const truncated = i === lines.length - 1 && !text.endsWith("\n") ? " (the last line: the file may be truncated)" : "";
      throw new ReportError("report.invalid-input", `${source}:${i + 1}:1: not a trace record: expected an object with t (number), device, step and kind (http, decoded, note or outcome)${truncated}`);
    }
    out.push({ t: v.t, device: v.device, step: v.step, kind: v.kind as TranscriptEvent["kind"], data: obj(v.data) });
  });
  if (out.length === 0) throw new ReportError("report.invalid-input", `${source}: holds no trace records`);
  return out;
}

function outcomeOf(e: TranscriptEvent): DeviceOutcome {
  const d = obj(e.data);
  const message = str(d.message) ?? str(obj(d.error).message);
  const s = obj(d.shown);
  const shown = typeof s.text === "string" && typeof s.screen === "string" ? (s as unknown as Shown) : undefined;
  return { ok: d.ok === true, code: str(d.code) ?? "?", ...(message ? { message } : {}), ...(shown ? { shown } : {}) };
}

/** Devices in the trace in order of first appearance, with their outcome and exchange count. */
export function listDevices(events: readonly TranscriptEvent[]): DeviceListing[] {
  const by = new Map<string, DeviceListing>();
  for (const e of events) {
    let d = by.get(e.device);
    if (!d) by.set(e.device, (d = { device: e.device, exchanges: 0 }));
    if (e.kind === "http") d.exchanges++;
    if (e.kind === "outcome") d.outcome = outcomeOf(e);
  }
  return [...by.values()];
}

function message(direction: MessageView["direction"], part: Record<string, unknown>, contentType: string | undefined, redactor: Redactor): MessageView {
  const headers = Object.fromEntries(Object.entries(obj(part.headers)).map(([k, v]) => [k, String(v)]));
  const body = part.body !== undefined ? obj(part.body) : undefined;
  return {
    direction,
    headers,
    ...(contentType ? { contentType } : {}),
    ...(num(part.bytes) !== undefined ? { bytes: num(part.bytes) } : {}),
    ...(body ? { body } : {}),
    // Decoding can surface text the byte-level redaction did not see as a field (a plist inside a CMS): redact the decoded form too.
    message: redactor.redact(decodeBody(body, contentType ?? "")) as DecodedMessage,
  };
}

function exchangeEntry(n: number, e: TranscriptEvent, redactor: Redactor): TranscriptEntry {
  const d = obj(e.data);
  const req = obj(d.request);
  const res = d.response !== undefined ? obj(d.response) : undefined;
  const reqType = Object.entries(obj(req.headers)).find(([k]) => k.toLowerCase() === "content-type")?.[1];
  const resType = str(res?.contentType) ?? str(obj(res?.headers)["content-type"]);
  return {
    n,
    kind: "exchange",
    step: e.step,
    t: e.t,
    method: str(req.method) ?? str(d.method),
    url: str(req.url) ?? str(d.url),
    ...(res && num(res.status) !== undefined ? { status: num(res.status) } : {}),
    ...(str(d.error) ? { error: str(d.error) } : {}),
    ...(num(d.ms) !== undefined ? { ms: num(d.ms) } : {}),
    request: message("device → server", req, typeof reqType === "string" ? reqType : undefined, redactor),
    ...(res ? { response: message("server → device", res, resType, redactor) } : {}),
  };
}

function otherEntry(n: number, e: TranscriptEvent): TranscriptEntry {
  const d = obj(e.data);
  const injected = e.kind === "note" && d.injected === true;
  const given = d.summary ?? d.lines;
  const lines =
    typeof given === "string"
      ? given.split(/\r?\n/)
      : Array.isArray(given)
        ? given.map(String)
        : injected
          ? [`INJECTED FAULT ${String(d.fault)} (${String(d.entry)}): ${JSON.stringify(d.action)} on ${JSON.stringify(d.target)}`]
          : typeof d.message === "string"
            ? [d.message]
            : Object.entries(d).map(([k, v]) => `${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`);
  return { n, kind: injected ? "injected" : e.kind === "http" ? "exchange" : e.kind, step: e.step, t: e.t, lines, data: d };
}

/**
 * One device's decoded transcript.
 * @throws {ReportError} `report.invalid-input` when the trace has no record of `device` (naming the devices it has).
 */
export function deviceTranscript(events: readonly TranscriptEvent[], device: string, redactor: Redactor = new Redactor()): DeviceTranscript {
  const mine = events.filter((e) => e.device === device).map((e) => redactor.redactEvent(e));
  if (mine.length === 0) {
    const have = listDevices(events).map((d) => d.device);
    throw new ReportError("report.invalid-input", `no device ${JSON.stringify(device)} in this trace; it has ${have.slice(0, 10).join(", ")}${have.length > 10 ? `, … (${have.length})` : ""}`);
  }
  const entries = mine.map((e, i) => (e.kind === "http" ? exchangeEntry(i + 1, e, redactor) : otherEntry(i + 1, e)));
  const listing = listDevices(mine)[0]!;
  return { ...listing, entries };
}
