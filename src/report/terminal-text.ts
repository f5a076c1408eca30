// SPDX-License-Identifier: MIT
/**
 * The one sanitiser for text that came from a server (or any untrusted source) and is printed to a
 * terminal or written to a text report: transcripts, failure tables, summaries, CLI error lines.
 * JSON and NDJSON output stay lossless and never pass through here.
 *
 * What is escaped, visibly and reversibly enough for a support engineer to see what the server
 * sent (`\x1b[2J`, `\u202e`), instead of being obeyed by the terminal or silently dropped:
 * - C0 controls (U+0000–U+001F, so also TAB, LF and CR: a report cell or log line stays one line),
 *   DEL and C1 controls (U+0080–U+009F; U+009B and U+009D are 8-bit CSI and OSC). Escaping ESC and
 *   the C1 introducers defuses every ANSI CSI and OSC sequence (cursor moves, clears, colours,
 *   OSC 8 hyperlinks, window titles): what is left of the sequence is plain text;
 * - Unicode bidirectional controls (U+061C, U+200E–U+200F, U+202A–U+202E, U+2066–U+2069), which
 *   reorder what is displayed ("Trojan Source", CVE-2021-42574);
 * - invisible or line-breaking format characters a reader cannot see (U+200B–U+200D, U+2028,
 *   U+2029, U+2060, U+FEFF) and lone UTF-16 surrogates.
 */

// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060\u2066-\u2069\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const NAMED: Record<string, string> = { "\t": "\\t", "\n": "\\n", "\r": "\\r" };

function escapeOne(c: string): string {
  const named = NAMED[c];
  if (named) return named;
  const cp = c.charCodeAt(0);
  return cp <= 0xff ? `\\x${cp.toString(16).padStart(2, "0")}` : `\\u${cp.toString(16).padStart(4, "0")}`;
}

/**
 * Escapes control, escape-sequence, bidirectional and invisible characters visibly (`\x1b`,
 * `\u202e`). With `lines`, LF is kept (for multi-line text from a trusted source, such as a
 * scenario error with its did-you-mean); everything else is still escaped.
 */
export function terminalText(text: string, options: { lines?: boolean } = {}): string {
  return text.replace(UNSAFE, (c) => (options.lines && c === "\n" ? c : escapeOne(c)));
}

/** {@link terminalText} of any value: strings as they are, everything else through String(). */
export const terminalValue = (value: unknown): string => terminalText(typeof value === "string" ? value : String(value));
