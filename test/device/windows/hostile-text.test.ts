// SPDX-License-Identifier: MIT
/**
 * End to end, issue 13 #3: a server's SOAP fault reason carrying terminal escapes, a bidi override,
 * NUL and C1 controls reaches the printed transcript and the failure line escaped visibly, while
 * the transcript events (what JSON/NDJSON output serialises) keep it byte for byte.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatTranscript } from "../../../src/report/transcript-format.js";
import { terminalText } from "../../../src/report/terminal-text.js";
import { buildFault } from "../../../src/wire/windows/soap.js";
import { windowsHarness, type WinHarness } from "./harness.js";

const ESC = "\u001b";
const HOSTILE = `Denied ${ESC}[2J${ESC}[31m\u202egnp.exe\u202c\u0000 ${ESC}]8;;https://evil.example/${ESC}\\help${ESC}]8;;${ESC}\\ \u009b1m`;
// eslint-disable-next-line no-control-regex
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/;

describe("hostile SOAP fault text from a Windows server", () => {
  let h: WinHarness;
  beforeAll(async () => {
    h = await windowsHarness({}, (inner) => async (req) => {
      if (req.method === "POST" && req.url.includes("/Policy.svc")) {
        const body = buildFault({ code: "Sender", subcode: "s:Authorization", reason: HOSTILE, errorType: "Authorization", message: HOSTILE });
        return { status: 500, headers: { "content-type": "application/soap+xml; charset=utf-8" }, body: new TextEncoder().encode(body), url: req.url };
      }
      return inner(req);
    });
  });
  afterAll(() => h.close());

  it("is escaped in the printed transcript and failure line, and unchanged in the JSON events", async () => {
    const { result, events } = await h.run("windows-byod", { windows: { upn: "alice@contoso.com", password: "S3cret-pw-4-alice" } }, 11);
    expect(result).toMatchObject({ ok: false, step: "policy.getpolicies" });

    const printed = formatTranscript(events);
    expect(printed).toContain("\\x1b[2J\\x1b[31m\\u202egnp.exe\\u202c\\x00 \\x1b]8;;https://evil.example/\\x1b\\help\\x1b]8;;\\x1b\\ \\x9b1m");
    for (const line of printed.split("\n")) expect(line).not.toMatch(RAW);

    const failureLine = `FAILED: ${terminalText(result.code)}: ${terminalText(result.message ?? "")}`;
    expect(result.message).toContain("\u202e");
    expect(failureLine).toContain("\\u202egnp.exe");
    expect(failureLine).not.toMatch(RAW);

    const json = JSON.parse(JSON.stringify(events)) as { kind: string; data: { reason?: string } }[];
    expect(json.some((e) => e.kind === "decoded" && e.data.reason === HOSTILE)).toBe(true);
  });
});
