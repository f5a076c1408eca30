// SPDX-License-Identifier: MIT
/** The one terminal sanitiser: hostile server text is escaped visibly, never obeyed or dropped. */
import { describe, expect, it } from "vitest";
import { formatSummary } from "../../src/report/table.js";
import { terminalText } from "../../src/report/terminal-text.js";
import { formatTranscript } from "../../src/report/transcript-format.js";
import type { RunSummary } from "../../src/report/types.js";

const ESC = "\u001b";
/** Anything a terminal would act on or a reader could not see. */
// eslint-disable-next-line no-control-regex
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060\u2066-\u2069\ufeff]/;

describe("terminalText", () => {
  it("escapes a bidi override in a SOAP fault reason visibly", () => {
    expect(terminalText("Device \u202eexe.evil\u202c blocked")).toBe("Device \\u202eexe.evil\\u202c blocked");
    for (const c of ["\u061c", "\u200e", "\u200f", "\u202a", "\u202b", "\u202d", "\u2066", "\u2067", "\u2068", "\u2069"]) {
      expect(terminalText(c)).toBe(`\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
    }
  });

  it("defuses ANSI CSI (clear screen, colours), OSC 8 hyperlinks and OSC titles", () => {
    expect(terminalText(`${ESC}[2J${ESC}[31mred`)).toBe("\\x1b[2J\\x1b[31mred");
    expect(terminalText(`${ESC}]8;;https://evil.example/${ESC}\\click${ESC}]8;;${ESC}\\`)).toBe("\\x1b]8;;https://evil.example/\\x1b\\click\\x1b]8;;\\x1b\\");
    expect(terminalText(`${ESC}]0;title\u0007`)).toBe("\\x1b]0;title\\x07");
    // 8-bit CSI and OSC introducers (C1)
    expect(terminalText("\u009b2J\u009d8;;x\u009c")).toBe("\\x9b2J\\x9d8;;x\\x9c");
  });

  it("escapes NUL, other C0 controls, DEL, newlines and invisible or line-breaking format characters", () => {
    expect(terminalText("a\u0000b\u0008c\u007fd")).toBe("a\\x00b\\x08c\\x7fd");
    expect(terminalText("line1\nOK: enrolled\r\tx")).toBe("line1\\nOK: enrolled\\r\\tx");
    expect(terminalText("a\u200bb\u2028c\u2029d\ufeffe\u2060f")).toBe("a\\u200bb\\u2028c\\u2029d\\ufeffe\\u2060f");
    expect(terminalText("lone \ud800 and \udc00")).toBe("lone \\ud800 and \\udc00");
  });

  it("leaves ordinary text alone, including non-Latin scripts, emoji and right-to-left letters", () => {
    const ok = "Gerät 名前 😀 مرحبا שלום — ✓ C:\\Users\\x 100%";
    expect(terminalText(ok)).toBe(ok);
  });

  it("keeps newlines only when asked (multi-line text from a trusted source), escaping the rest", () => {
    expect(terminalText(`a\nb${ESC}[2J\r`, { lines: true })).toBe("a\nb\\x1b[2J\\r");
  });
});

describe("reports escape server text", () => {
  const hostile = `bad ${ESC}[2J\u202eevil\u0000 ${ESC}]8;;http://x/${ESC}\\link`;

  it("the transcript shows a hostile fault reason escaped; the events (JSON) keep it as sent", () => {
    const events = [
      { t: 0, device: "d#1", step: "discovery", kind: "http" as const, data: { method: "POST", url: "https://mdm.test/d", status: 500, contentType: "application/soap+xml" } },
      { t: 1, device: "d#1", step: "discovery", kind: "decoded" as const, data: { fault: "s:Receiver", reason: hostile } },
    ];
    const text = formatTranscript(events);
    expect(text).toContain("reason: bad \\x1b[2J\\u202eevil\\x00 \\x1b]8;;http://x/\\x1b\\link");
    expect(text.replace(/\n/g, "")).not.toMatch(RAW);
    expect(JSON.parse(JSON.stringify(events))[1].data.reason).toBe(hostile);
  });

  it("the failure table shows codes and examples escaped", () => {
    const summary = {
      scenario: "s",
      devices: 1,
      enrolled: 0,
      failed: 1,
      durationMs: 1000,
      ok: false,
      steps: {},
      errors: { "soap.fault": { count: 1, blame: "server", step: "discovery", example: hostile } },
      groups: {},
      expectations: [],
    } as unknown as RunSummary;
    const text = formatSummary(summary, { maxMessage: 500 });
    expect(text).toContain("bad \\x1b[2J\\u202eevil\\x00");
    expect(text.replace(/\n/g, "")).not.toMatch(RAW);
  });
});
