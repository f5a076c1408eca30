// SPDX-License-Identifier: MIT
/**
 * Human-readable transcript of one device (or a few): every HTTP exchange numbered, with the
 * decoded protocol messages indented under the exchange they came from.
 *
 * ```
 * 1. scep.getcacaps  GET http://ca/scep?operation=GetCACaps → 200 text/plain (54 B) 3.1 ms
 *    caps: POSTPKIOperation, SHA-256, AES
 * ```
 *
 * Everything shown is server or device text, so every value goes through terminalText (control
 * characters, ANSI/OSC escapes and bidirectional overrides escaped visibly).
 */
import { labelledFailure } from "../device/shown-for.js";
import type { Shown } from "../device/shown.js";
import type { TranscriptEvent } from "../ports/transcript.js";
import { terminalText } from "./terminal-text.js";

/**
 * The `data` of a `kind: "http"` event as this formatter reads it. Alternative spellings are
 * accepted (`durationMs`, `bytes`, `response.status`, `response.headers["content-type"]`, …).
 */
export interface HttpTraceData {
  method: string;
  url: string;
  status?: number;
  contentType?: string;
  requestBytes?: number;
  responseBytes?: number;
  ms?: number;
  /** Set instead of `status` when the exchange failed (timeout, TLS, …). */
  error?: string;
}

const MAX_VALUE = 160;

function num(...values: unknown[]): number | undefined {
  for (const v of values) if (typeof v === "number" && Number.isFinite(v)) return v;
  return undefined;
}

function str(...values: unknown[]): string | undefined {
  for (const v of values) if (typeof v === "string" && v !== "") return v;
  return undefined;
}

function obj(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function clip(text: string): string {
  const p = terminalText(text);
  return p.length <= MAX_VALUE ? p : `${p.slice(0, MAX_VALUE - 1)}…`;
}

function show(value: unknown): string {
  if (typeof value === "string") return clip(value);
  if (Array.isArray(value) && value.every((v) => typeof v !== "object" || v === null)) return clip(value.join(", "));
  return clip(JSON.stringify(value) ?? String(value));
}

function size(bytes: number): string {
  return bytes < 10_000 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} kB`;
}

function httpLine(data: Record<string, unknown>): string {
  const res = obj(data.response);
  const req = obj(data.request);
  const method = str(data.method, req.method) ?? "?";
  const url = str(data.url, req.url) ?? "?";
  const status = num(data.status, res.status);
  const type = str(data.contentType, obj(res.headers)["content-type"]);
  const bytes = num(data.responseBytes, data.bytes, data.size, res.bytes, res.size);
  const ms = num(data.ms, data.durationMs, data.elapsedMs);
  const error = str(data.error);
  const parts = [`${method} ${clip(url)} →`];
  if (status !== undefined) parts.push(String(status));
  if (type) parts.push(clip(type.split(";")[0]!.trim()));
  if (bytes !== undefined) parts.push(`(${size(bytes)})`);
  if (error) parts.push(`error: ${clip(error)}`);
  if (status === undefined && !error) parts.push("(no response)");
  if (ms !== undefined) parts.push(`${ms.toFixed(1)} ms`);
  return parts.join(" ");
}

const isShown = (v: unknown): v is Shown => typeof v === "object" && v !== null && typeof (v as Shown).text === "string" && typeof (v as Shown).screen === "string";

/** Lines for a decoded/note/outcome event: `summary`/`lines`/`message` when given, else key: value. */
function detailLines(event: TranscriptEvent): string[] {
  const d = obj(event.data);
  const given = d.summary ?? d.lines;
  if (typeof given === "string") return given.split(/\r?\n/).map(clip);
  if (Array.isArray(given)) return given.map((l) => show(l));
  if (event.kind === "note" && typeof d.message === "string") return [`note: ${clip(d.message)}`];
  // A fault the scenario injected (runner/faults): said so plainly, so nobody mistakes it for the server's doing.
  if (event.kind === "note" && d.injected === true) return [`INJECTED FAULT ${show(d.fault)} (${show(d.entry)}): ${show(d.action)} on ${show(d.target)}`];
  const entries = Object.entries(d).map(([k, v]) => `${clip(k)}: ${show(v)}`);
  if (event.kind === "note") return entries.map((l) => `note: ${l}`);
  return entries;
}

/** Formats events as a numbered step-by-step transcript (ends with a newline, "" when empty). */
export function formatTranscript(events: readonly TranscriptEvent[]): string {
  const devices = new Set(events.map((e) => e.device));
  const tagged = devices.size > 1;
  const out: string[] = [];
  let n = 0;
  let indent = "   ";
  for (const e of events) {
    const who = tagged ? `[${clip(String(e.device))}] ` : "";
    if (e.kind === "http") {
      n++;
      const label = `${n}. `;
      indent = " ".repeat(label.length);
      out.push(`${label}${who}${clip(String(e.step))}  ${httpLine(obj(e.data))}`);
    } else if (e.kind === "outcome") {
      // The failure's three parts on labelled lines: the device's words, the server's, enrollsim's diagnosis (the message).
      const { shown, message, ...rest } = obj(e.data);
      const lines = detailLines({ ...e, data: rest });
      out.push(`${who}outcome (${clip(String(e.step))}): ${lines.join("; ")}`);
      for (const l of labelledFailure(isShown(shown) ? shown : undefined, typeof message === "string" ? message : undefined)) out.push(`${indent}${who}${l.label}: ${clip(l.text)}`);
    } else {
      for (const line of detailLines(e)) out.push(`${indent}${who}${line}`);
    }
  }
  return out.length === 0 ? "" : `${out.join("\n")}\n`;
}
