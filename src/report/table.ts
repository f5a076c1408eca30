// SPDX-License-Identifier: MIT
/**
 * Plain-text end-of-run report for a person at a terminal or reading a CI log: a header line,
 * the step latency table, the failure codes with an example each, and the expectations.
 * Text that came from a server (error messages, codes, names) goes through terminalText: control
 * characters, escape sequences and bidirectional overrides are escaped visibly, so it can neither
 * move the cursor, recolour the terminal nor reorder what is shown.
 */
import { terminalText } from "./terminal-text.js";
import { describeShown } from "../device/shown-for.js";
import { NOT_NOW_UNANSWERED, type RunSummary } from "./types.js";

/** Options of {@link formatSummary}. */
export interface FormatOptions {
  /** Use ✓/✗, ≥ and ×. Default true; pass false when stdout is not a UTF-8 terminal. */
  unicode?: boolean;
  /** Longest example message shown in the errors table. Default 100 characters. */
  maxMessage?: number;
}

type Align = "l" | "r";

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

/** Renders rows as aligned columns separated by two spaces. */
export function renderTable(headers: string[], rows: string[][], align: Align[]): string[] {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (align[i] === "r" ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(headers), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)];
}

/** "850 ms", "12.3 s", "3 m 05 s", "1 h 02 m". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)} m ${String(s % 60).padStart(2, "0")} s`;
  const m = Math.round(s / 60);
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, "0")} m`;
}

const ms1 = (v: number): string => v.toFixed(1);

function asciiOnly(text: string): string {
  return text.replace(/≥/g, ">=").replace(/≤/g, "<=").replace(/×/g, "x").replace(/…/g, "...").replace(/∞/g, "inf").replace(/—/g, "-");
}

/** Formats a run summary as a plain-text report (ends with a newline). */
export function formatSummary(summary: RunSummary, options: FormatOptions = {}): string {
  const unicode = options.unicode ?? true;
  const maxMessage = options.maxMessage ?? 100;
  const out: string[] = [];
  const finished = summary.enrolled + summary.failed;
  const rate = summary.durationMs > 0 ? (finished * 1000) / summary.durationMs : 0;
  const incomplete = summary.devices - finished;
  out.push(
    `Scenario ${terminalText(summary.scenario) || "(unnamed)"}${summary.seed ? ` (seed ${terminalText(summary.seed)})` : ""}: ` +
      `${summary.devices} devices, ${summary.enrolled} enrolled, ${summary.failed} failed` +
      `${incomplete > 0 ? `, ${incomplete} did not finish` : ""} in ${formatDuration(summary.durationMs)} ` +
      `(${rate.toFixed(1)} devices/s) — ${summary.ok ? "PASS" : "FAIL"}`,
  );

  const steps = Object.entries(summary.steps);
  out.push("", "Steps (latency in ms, successful samples only)");
  if (steps.length === 0) out.push("  (no steps recorded)");
  else {
    const rows = steps.map(([name, s]) => [name, String(s.count), String(s.failed), ms1(s.p50), ms1(s.p95), ms1(s.p99), ms1(s.max)]);
    const table = renderTable(["step", "count", "failed", "p50", "p95", "p99", "max"], rows, ["l", "r", "r", "r", "r", "r", "r"]);
    out.push(...table.map((l) => `  ${l}`));
  }

  const outcomes = Object.entries(summary.outcomes ?? {}).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  if (outcomes.length > 0) out.push("", `Outcomes: ${outcomes.map(([code, n]) => `${terminalText(code)} ×${n}`).join(", ")}`);

  out.push(...commandLines(summary));
  for (const h of summary.hints ?? []) out.push("", `Hint: ${terminalText(h.message)}`);

  const errors = Object.entries(summary.errors).sort((a, b) => b[1].count - a[1].count || a[0].localeCompare(b[0]));
  if (errors.length > 0) {
    out.push("", "Failures (diagnosis = enrollsim's, for the first device seen; below it what that device shows, what it logged and what the server said)");
    const rows = errors.map(([code, e]) => [
      terminalText(code),
      String(e.count),
      terminalText(e.blame),
      terminalText(e.step) || "-",
      clip(terminalText(e.example), maxMessage),
    ]);
    out.push(...renderTable(["code", "count", "blame", "step", "diagnosis"], rows, ["l", "r", "l", "l", "l"]).map((l) => `  ${l}`));
    for (const [code, e] of errors) {
      if (!e.shown) continue;
      out.push(`  ${terminalText(code)}: the device shows ${clip(terminalText(describeShown(e.shown)), 2 * maxMessage)}`);
      // The device's own log lines (mdmclient, Event 76, CoManagementHandler.log: device/shown.ts `logged`), not its screen.
      if (e.shown.logged?.length) out.push(`  ${terminalText(code)}: the device logged ${clip(terminalText(e.shown.logged.map((l) => `"${l}"`).join(" / ")), 2 * maxMessage)}`);
      if (e.shown.serverSaid) out.push(`  ${terminalText(code)}: the server said "${clip(terminalText(e.shown.serverSaid), 2 * maxMessage)}"`);
    }
    const examples = summary.examples ?? [];
    if (examples.length > 0) {
      const shown = examples.slice(0, 5).map((e) => terminalText(e.device));
      out.push(`  first failing devices: ${shown.join(", ")}${examples.length > shown.length ? ", …" : ""}`);
    }
  }

  const groups = Object.entries(summary.groups);
  if (groups.length > 1) {
    out.push("", "Groups");
    const rows = groups.map(([name, g]) => [terminalText(name), String(g.devices), String(g.enrolled), String(g.failed)]);
    out.push(...renderTable(["group", "devices", "enrolled", "failed"], rows, ["l", "r", "r", "r"]).map((l) => `  ${l}`));
  }

  if (summary.pushes) {
    const p = summary.pushes;
    const refused = Object.entries(p.refused).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    out.push(
      "",
      "Pushes (mock APNs)",
      `  sent ${p.sent}, accepted ${p.accepted}, delivered ${p.delivered}, coalesced ${p.coalesced}, superseded ${p.superseded}, expired ${p.expired}, ignored ${p.ignored}`,
      `  refused: ${refused.length ? refused.map(([r, n]) => `${terminalText(r)} ${n}`).join(", ") : "none"}`,
    );
  }

  if (summary.eventLoopDelayMs) {
    const d = summary.eventLoopDelayMs;
    out.push("", `Event-loop delay of the load generator: p50 ${ms1(d.p50)} ms, p99 ${ms1(d.p99)} ms, max ${ms1(d.max)} ms`);
  }

  out.push("", "Expectations");
  for (const e of summary.expectations) {
    const mark = e.ok ? (unicode ? "✓" : "ok  ") : unicode ? "✗" : "FAIL";
    out.push(`  ${mark} ${terminalText(e.name)}: expected ${terminalText(e.expected)}, got ${terminalText(e.actual)}`);
  }
  const bad = summary.expectations.filter((e) => !e.ok).length;
  out.push("", summary.ok ? "Result: PASS" : `Result: FAIL (${bad} of ${summary.expectations.length} expectations not met)`);
  const text = `${out.join("\n")}\n`;
  return unicode ? text : asciiOnly(text);
}

/** The "Commands" section: answers per protocol and command, and Apple commands left at NotNow. */
function commandLines(summary: RunSummary): string[] {
  const commands = summary.commands ?? {};
  const lines: string[] = [];
  const unanswered: string[] = [];
  for (const [protocol, byCommand] of Object.entries(commands).sort((a, b) => a[0].localeCompare(b[0]))) {
    for (const [command, counts] of Object.entries(byCommand).sort((a, b) => a[0].localeCompare(b[0]))) {
      const answers = Object.entries(counts).filter(([s]) => s !== NOT_NOW_UNANSWERED).sort((a, b) => a[0].localeCompare(b[0]));
      lines.push(`  ${terminalText(protocol)} ${terminalText(command)}: ${answers.map(([s, n]) => `${terminalText(s)} ×${n}`).join(", ")}`);
      const left = counts[NOT_NOW_UNANSWERED] ?? 0;
      if (left > 0) unanswered.push(`  ! ${left} ${terminalText(command)} command(s) answered NotNow and never answered otherwise (the device did not carry them out)`);
    }
  }
  return lines.length ? ["", "Commands (answers by protocol and command)", ...lines, ...unanswered] : [];
}
