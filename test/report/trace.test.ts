// SPDX-License-Identifier: MIT
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { TranscriptEvent } from "../../src/ports/transcript.js";
import { ReportError } from "../../src/report/errors.js";
import { Redactor } from "../../src/report/redact.js";
import { fileTraceOutput, openTraceSink } from "../../src/report/trace-file.js";
import {
  MemoryTranscript,
  NdjsonTraceSink,
  formatTranscript,
  sanitizeFileName,
  type TraceOutput,
} from "../../src/report/trace.js";

/** In-memory TraceOutput: file name → text, plus an open/close log. */
function memoryOutput() {
  const files = new Map<string, string>();
  const log: string[] = [];
  const output: TraceOutput = {
    open(name, append) {
      log.push(`open ${name} ${append ? "append" : "truncate"}`);
      if (!append) files.set(name, "");
      return {
        write: (text) => files.set(name, (files.get(name) ?? "") + text),
        close: async () => void log.push(`close ${name}`),
      };
    },
  };
  return { files, log, output };
}

const CHALLENGE = "Xk9-challenge-77Qz";
const PEM = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg7Lm1\n-----END PRIVATE KEY-----\n";

function secretEvents(device = "iphone-15#17"): TranscriptEvent[] {
  return [
    {
      t: 1,
      device,
      step: "scep.pkioperation",
      kind: "http",
      data: {
        method: "GET",
        url: `http://ca.example/scep?operation=PKIOperation&message=abc&challenge=${encodeURIComponent(CHALLENGE)}`,
        request: { headers: { Authorization: `Bearer ${CHALLENGE}`, accept: "*/*" } },
        status: 200,
        contentType: "application/x-pki-message",
        responseBytes: 1234,
        ms: 41.26,
      },
    },
    {
      t: 2,
      device,
      step: "scep.pkioperation",
      kind: "decoded",
      data: {
        csr: {
          subject: "CN=iphone-15-17",
          attributes: [{ type: "1.2.840.113549.1.9.7", name: "challengePassword", value: CHALLENGE }],
          extensions: [{ note: `embedded ${CHALLENGE} in text` }],
        },
        identity: { keyPem: PEM, comment: `and again ${PEM}` },
      },
    },
  ];
}

describe("NdjsonTraceSink", () => {
  it("writes no secret: challenge in a CSR summary, a URL, an Authorization header, a PEM private key", () => {
    const { files, output } = memoryOutput();
    const redactor = new Redactor();
    redactor.addSecret(CHALLENGE);
    const sink = new NdjsonTraceSink({ output, redactor });
    for (const e of secretEvents()) sink.record(e);
    const text = files.get("iphone-15_17.ndjson")!;
    expect(text.split("\n")).toHaveLength(3); // two lines + trailing newline
    expect(text).not.toContain(CHALLENGE);
    expect(text).not.toContain(encodeURIComponent(CHALLENGE));
    expect(text).not.toContain("PRIVATE KEY");
    expect(text).not.toContain("MIGHAgEAMBMGByqGSM49");
    const [http, decoded] = text.trim().split("\n").map((l) => JSON.parse(l));
    expect(http).toMatchObject({ t: 1, device: "iphone-15#17", step: "scep.pkioperation", kind: "http" });
    expect(http.data.url).toContain("operation=PKIOperation&message=abc&challenge=[REDACTED]");
    expect(http.data.request.headers).toEqual({ Authorization: "Bearer [REDACTED]", accept: "*/*" });
    expect(decoded.data.csr.subject).toBe("CN=iphone-15-17");
  });

  it("redacts key-named fields and PEM keys even with no registered secret", () => {
    const { files, output } = memoryOutput();
    const sink = new NdjsonTraceSink({ output, file: "run.ndjson" });
    for (const e of secretEvents()) sink.record(e);
    const text = files.get("run.ndjson")!;
    expect(text).not.toContain("PRIVATE KEY");
    expect(text).not.toContain(`Bearer ${CHALLENGE}`);
    expect(text).not.toContain(`challenge=${CHALLENGE}`);
  });

  it("accepts one Redactor per device", () => {
    const { files, output } = memoryOutput();
    const perDevice = new Map<string, Redactor>();
    const redactorFor = (device: string) => {
      if (!perDevice.has(device)) perDevice.set(device, new Redactor());
      return perDevice.get(device)!;
    };
    redactorFor("a").addSecret(CHALLENGE);
    const sink = new NdjsonTraceSink({ output, redactor: redactorFor });
    const note = (device: string): TranscriptEvent => ({ t: 0, device, step: "s", kind: "note", data: { message: `got ${CHALLENGE}` } });
    sink.record(note("a"));
    sink.record(note("b"));
    expect(files.get("a.ndjson")).not.toContain(CHALLENGE);
    expect(files.get("b.ndjson")).toContain(CHALLENGE);
  });

  it("does not mutate the recorded event", () => {
    const { output } = memoryOutput();
    const events = secretEvents();
    const copy = structuredClone(events);
    const sink = new NdjsonTraceSink({ output });
    for (const e of events) sink.record(e);
    expect(events).toEqual(copy);
  });

  it("keeps one file per device, closes it at device end, reopens to append, bounds open files", async () => {
    const { files, log, output } = memoryOutput();
    const sink = new NdjsonTraceSink({ output, maxOpen: 2 });
    const ev = (device: string, t: number): TranscriptEvent => ({ t, device, step: "s", kind: "note", data: {} });
    sink.record(ev("a#1", 1));
    sink.record(ev("a_1", 2)); // same sanitised name, different device → distinct file
    sink.onDeviceEnd({ device: "a#1" } as never);
    sink.record(ev("a#1", 3)); // late event after device end: appended, not truncated
    sink.record(ev("c", 4)); // third open file: the least recently used is closed
    await sink.close();
    expect([...files.keys()].sort()).toEqual(["a_1-2.ndjson", "a_1.ndjson", "c.ndjson"]);
    expect(files.get("a_1.ndjson")!.trim().split("\n")).toHaveLength(2);
    expect(log).toContain("open a_1.ndjson append");
    expect(log.filter((l) => l.startsWith("open")).length - log.filter((l) => l.startsWith("close")).length).toBe(0);
  });

  it("never throws from record; reports the first I/O error from close()", async () => {
    const sink = new NdjsonTraceSink({
      output: {
        open() {
          throw new Error("EACCES");
        },
      },
    });
    expect(() => sink.record(secretEvents()[0]!)).not.toThrow();
    await expect(sink.close()).rejects.toThrow(ReportError);
  });

  it("sanitises device ids into plain file names", () => {
    expect(sanitizeFileName("iphone-15#17")).toBe("iphone-15_17");
    expect(sanitizeFileName("../../etc/passwd")).toBe("___.._etc_passwd");
    expect(sanitizeFileName("..")).toBe("__");
    expect(sanitizeFileName("")).toBe("_");
  });
});

describe("file trace output", () => {
  let dir = "";
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("creates 0600 files per device in the trace directory and flushes on close", async () => {
    dir = mkdtempSync(join(tmpdir(), "enrollsim-trace-"));
    const target = join(dir, "traces");
    const redactor = new Redactor();
    redactor.addSecret(CHALLENGE);
    const sink = openTraceSink(target, { redactor });
    for (const e of secretEvents()) sink.record(e);
    await sink.close();
    expect(readdirSync(target)).toEqual(["iphone-15_17.ndjson"]);
    const file = join(target, "iphone-15_17.ndjson");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const text = readFileSync(file, "utf8");
    expect(text.trim().split("\n")).toHaveLength(2);
    expect(text).not.toContain(CHALLENGE);
  });

  it("writes one file for the run when the target ends in .ndjson, tightening an existing file's mode", async () => {
    dir = mkdtempSync(join(tmpdir(), "enrollsim-trace-"));
    const file = join(dir, "run.ndjson");
    writeFileSync(file, "old\n", { mode: 0o644 });
    const sink = openTraceSink(file);
    for (const e of [...secretEvents("a"), ...secretEvents("b")]) sink.record(e);
    await sink.close();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const lines = readFileSync(file, "utf8").trim().split("\n");
    expect(lines).toHaveLength(4);
    expect(lines.map((l) => JSON.parse(l).device)).toEqual(["a", "a", "b", "b"]);
  });

  it("refuses names with path separators", () => {
    dir = mkdtempSync(join(tmpdir(), "enrollsim-trace-"));
    expect(() => fileTraceOutput(dir).open("../x.ndjson", false)).toThrow(ReportError);
  });
});

describe("MemoryTranscript and formatTranscript", () => {
  it("keeps redacted events and caps their number", () => {
    const m = new MemoryTranscript({ maxEvents: 1 });
    for (const e of secretEvents()) m.record(e);
    expect(m.events()).toHaveLength(1);
    expect(m.dropped).toBe(1);
    expect(JSON.stringify(m.events())).not.toContain(`Bearer ${CHALLENGE}`);
  });

  it("shows an injected fault as such, with its entry, action and target", () => {
    const text = formatTranscript([
      { t: 1, device: "d", step: "discovery.dns", kind: "note", data: { injected: true, fault: "branch-dns", entry: "groups[0].faults[0]", action: { dns: "nxdomain" }, target: "A enterpriseenrollment.contoso.com" } },
    ]);
    expect(text).toContain('INJECTED FAULT branch-dns (groups[0].faults[0]): {"dns":"nxdomain"} on A enterpriseenrollment.contoso.com');
  });

  it("numbers HTTP exchanges and indents decoded summaries under them", () => {
    const events: TranscriptEvent[] = [
      {
        t: 1,
        device: "d",
        step: "scep.getcacaps",
        kind: "http",
        data: { method: "GET", url: "http://ca/scep?operation=GetCACaps", status: 200, contentType: "text/plain; charset=utf-8", responseBytes: 54, ms: 3.1 },
      },
      { t: 2, device: "d", step: "scep.getcacaps", kind: "decoded", data: { summary: ["caps: POSTPKIOperation, SHA-256", "renewal: yes"] } },
      { t: 3, device: "d", step: "scep.getcacert", kind: "http", data: { method: "GET", url: "http://ca/scep?operation=GetCACert", error: "timeout after 30000 ms", ms: 30000 } },
      { t: 4, device: "d", step: "scep.getcacert", kind: "decoded", data: { certs: 2, subject: "CN=CA\u001b[31m" } },
      { t: 5, device: "d", step: "scep.getcacert", kind: "outcome", data: { ok: false, code: "transport.timeout" } },
    ];
    expect(formatTranscript(events)).toBe(
      [
        "1. scep.getcacaps  GET http://ca/scep?operation=GetCACaps → 200 text/plain (54 B) 3.1 ms",
        "   caps: POSTPKIOperation, SHA-256",
        "   renewal: yes",
        "2. scep.getcacert  GET http://ca/scep?operation=GetCACert → error: timeout after 30000 ms 30000.0 ms",
        "   certs: 2",
        "   subject: CN=CA\\x1b[31m",
        "outcome (scep.getcacert): ok: false; code: transport.timeout",
        "",
      ].join("\n"),
    );
    expect(formatTranscript([])).toBe("");
  });
});

describe("per-device transcript cap (limits.transcriptBytes)", () => {
  const big = (device: string, i: number): TranscriptEvent => ({ t: i, device, step: "dm.session", kind: "decoded", data: { commands: "x".repeat(1000) } });

  it("a trace file stops at the cap with one visible marker naming the limit; other devices are unaffected", async () => {
    const dir = mkdtempSync(join(tmpdir(), "enrollsim-trace-cap-"));
    const sink = openTraceSink(dir, { maxBytesPerDevice: 5000 });
    for (let i = 0; i < 50; i++) sink.record(big("a#0", i));
    sink.record(big("b#1", 0));
    await sink.close();
    const lines = readFileSync(join(dir, "a_0.ndjson"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.length).toBeLessThan(7);
    const last = lines.at(-1);
    expect(last).toMatchObject({ kind: "note", data: { truncated: true, limit: "limits.transcriptBytes", value: 5000 } });
    expect(last.data.message).toContain("raise limits.transcriptBytes");
    expect(readFileSync(join(dir, "b_1.ndjson"), "utf8").trim().split("\n")).toHaveLength(1);
    rmSync(dir, { recursive: true, force: true });
  });

  it("the in-memory transcript keeps the same marker and counts what it dropped", () => {
    const m = new MemoryTranscript({ maxBytes: 3000 });
    for (let i = 0; i < 10; i++) m.record(big("a#0", i));
    const ev = m.events();
    expect(ev.at(-1)).toMatchObject({ kind: "note", data: { truncated: true, value: 3000 } });
    expect(ev.length).toBe(3);
    expect(m.dropped).toBe(8);
  });
});
