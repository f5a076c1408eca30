// SPDX-License-Identifier: MIT
/**
 * Terminal text of the decoded transcript (./model.ts): the device list of a trace, and one
 * device's numbered transcript. Every value is server or device text, so each line passes through
 * terminalText (escapes, bidirectional overrides and control characters shown visibly).
 *
 * ```
 * 3. scep.pkioperation  POST http://127.0.0.1:4000/scep?operation=PKIOperation → 200 application/x-pki-message 41.0 ms
 *    device → server  scep: SCEP PKCSReq; transactionID 6a1f…
 *    server → device  scep: SCEP CertRep SUCCESS; transactionID 6a1f…
 *                     certificate: subject CN=enrollsim reference CA; issuer …; valid … to …; serial 01
 * ```
 */
import { labelledFailure } from "../../device/shown-for.js";
import { terminalText } from "../terminal-text.js";
import type { DeviceListing, DeviceTranscript, MessageView, TranscriptEntry } from "./model.js";

const MAX = 200;
const clip = (s: string): string => {
  const t = terminalText(s);
  return t.length <= MAX ? t : `${t.slice(0, MAX - 1)}…`;
};

/** `device  outcome  exchanges` lines for a multi-device trace. */
export function formatDeviceList(devices: readonly DeviceListing[], source: string): string {
  const width = Math.min(40, Math.max(6, ...devices.map((d) => d.device.length)));
  const lines = [`${clip(source)}: ${devices.length} device(s); show one with --device ID`, ""];
  for (const d of devices) {
    const outcome = d.outcome ? `${d.outcome.ok ? "ok    " : "FAILED"} ${d.outcome.code}` : "(no outcome recorded)";
    lines.push(`  ${clip(d.device).padEnd(width)}  ${clip(outcome).padEnd(40)}  ${d.exchanges} exchange(s)`);
  }
  return `${lines.join("\n")}\n`;
}

function messageLines(m: MessageView | undefined, indent: string): string[] {
  if (!m) return [];
  const head = `${indent}${m.direction}  `;
  const pad = " ".repeat(head.length);
  const body = m.message;
  if (body.format === "none") return [];
  const [first, ...rest] = body.summary.length ? body.summary : [""];
  return [`${head}${body.format}: ${clip(first ?? "")}`, ...rest.map((l) => `${pad}${clip(l)}`)];
}

function entryLines(e: TranscriptEntry): string[] {
  const label = `${e.n}. `;
  const indent = " ".repeat(label.length);
  if (e.kind === "exchange") {
    const parts = [`${e.method ?? "?"} ${clip(e.url ?? "?")} →`];
    if (e.status !== undefined) parts.push(String(e.status));
    if (e.response?.contentType) parts.push(clip(e.response.contentType.split(";")[0]!.trim()));
    if (e.error) parts.push(`error: ${clip(e.error)}`);
    if (e.status === undefined && !e.error) parts.push("(no response)");
    if (e.ms !== undefined) parts.push(`${e.ms.toFixed(1)} ms`);
    return [`${label}${clip(e.step)}  ${parts.join(" ")}`, ...messageLines(e.request, indent), ...messageLines(e.response, indent)];
  }
  const tag = e.kind === "injected" ? "INJECTED" : e.kind;
  const [first, ...rest] = e.lines ?? [];
  return [`${label}${clip(e.step)}  ${tag}: ${clip(first ?? "")}`, ...rest.map((l) => `${indent}${clip(l)}`)];
}

/** One device's numbered, decoded transcript, ending with its outcome. */
export function formatDeviceTranscript(t: DeviceTranscript): string {
  const out = [`device ${clip(t.device)}: ${t.exchanges} exchange(s)`, ""];
  for (const e of t.entries) out.push(...entryLines(e));
  if (!t.outcome) out.push("", "outcome: (none recorded: the run was interrupted or the trace is cut short)");
  // A failure's three parts on labelled lines: the device's own words, the server's words, enrollsim's diagnosis.
  else if (!t.outcome.ok) out.push("", `outcome: FAILED ${clip(t.outcome.code)}`, ...labelledFailure(t.outcome.shown, t.outcome.message).map((l) => `  ${l.label}: ${clip(l.text)}`));
  else out.push("", `outcome: ok ${clip(t.outcome.code)}${t.outcome.message ? ` — ${clip(t.outcome.message)}` : ""}`);
  return `${out.join("\n")}\n`;
}
