// SPDX-License-Identifier: MIT
/**
 * Every file the CLI writes that can hold a secret is 0600 and every directory it creates for them
 * 0700, whatever the umask and whatever mode an older file of the same name had (issue 13 #6,
 * issue 11 #7). Walks each output option of the built CLI.
 */
import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { ensurePrivateDir, preparePrivateAppendFile, writePrivateFile } from "../../src/report/private-file.js";

const ROOT = resolve(import.meta.dirname, "../..");
const CLI = join(ROOT, "dist/cli/main.js");
const mode = (p: string): number => statSync(p).mode & 0o777;

/** Runs the CLI with a permissive umask, so a mode that is right only thanks to the umask fails. */
function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn("/bin/sh", ["-c", 'umask 000 && exec "$@"', "sh", process.execPath, CLI, ...args], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const t = setTimeout(() => child.kill("SIGKILL"), 90_000);
    child.on("close", (code) => {
      clearTimeout(t);
      done({ code: code ?? -1, stdout, stderr });
    });
  });
}

describe("private files", () => {
  const work = mkdtempSync(join(tmpdir(), "enrollsim-modes-"));

  it("writePrivateFile replaces a wider existing file with a 0600 one and creates its directory 0700", () => {
    const path = join(work, "new-dir", "nested", "report.json");
    writePrivateFile(path, "{}");
    expect(mode(path)).toBe(0o600);
    expect(mode(join(work, "new-dir"))).toBe(0o700);
    expect(mode(join(work, "new-dir", "nested"))).toBe(0o700);
    const old = join(work, "old.json");
    writeFileSync(old, "secret");
    chmodSync(old, 0o644);
    writePrivateFile(old, "new");
    expect(mode(old)).toBe(0o600);
    expect(readFileSync(old, "utf8")).toBe("new");
  });

  it("preparePrivateAppendFile tightens an existing log file and keeps its content", () => {
    const log = join(work, "old.log");
    writeFileSync(log, "line\n");
    chmodSync(log, 0o666);
    preparePrivateAppendFile(log);
    expect(mode(log)).toBe(0o600);
    expect(readFileSync(log, "utf8")).toBe("line\n");
  });

  it("an existing directory keeps its mode (it is the user's)", () => {
    const dir = join(work, "users-dir");
    ensurePrivateDir(dir);
    chmodSync(dir, 0o755);
    ensurePrivateDir(dir);
    expect(mode(dir)).toBe(0o755);
  });
});

describe.skipIf(!existsSync(CLI))("every CLI output that can hold a secret is 0600 (umask 000)", () => {
  const work = mkdtempSync(join(tmpdir(), "enrollsim-cli-modes-"));
  const scenario = join(work, "two.yaml");
  writeFileSync(
    scenario,
    [
      "name: modes",
      "seed: 7",
      "server: embedded",
      "embedded: { scep: { challenge: modes-secret } }",
      "groups:",
      "  - { name: phones, model: iphone-15, count: 2, flow: scep, options: { scep: { challenge: modes-secret, subject: 'CN=%SERIAL%' } } }",
      "arrival: { concurrency: 2 }",
      "",
    ].join("\n"),
  );

  it("run --report --trace DIR --log-file, run --trace FILE.ndjson", async () => {
    const report = join(work, "out", "report.json");
    const traceDir = join(work, "traces");
    const logFile = join(work, "logs", "run.log");
    const r = await cli(["run", scenario, "--no-progress", "--report", report, "--trace", traceDir, "--log-file", logFile]);
    expect(r.code, r.stderr).toBe(0);
    expect(mode(report)).toBe(0o600);
    expect(mode(join(work, "out"))).toBe(0o700);
    expect(mode(traceDir)).toBe(0o700);
    const traces = readdirSync(traceDir);
    expect(traces.length).toBe(2);
    for (const f of traces) expect(mode(join(traceDir, f))).toBe(0o600);
    expect(mode(logFile)).toBe(0o600);
    expect(mode(join(work, "logs"))).toBe(0o700);
    // --log-file alone writes a log (it implies --log-level info) and the challenge never reaches it.
    const log = readFileSync(logFile, "utf8");
    expect(log.length).toBeGreaterThan(0);
    expect(log).not.toContain("modes-secret");

    const one = join(work, "one-trace.ndjson");
    const r2 = await cli(["run", scenario, "--no-progress", "--trace", one]);
    expect(r2.code, r2.stderr).toBe(0);
    expect(mode(one)).toBe(0o600);
  }, 120_000);

  it("run --html, report html (with --scenario and --trace): 0600, the challenge nowhere; a truncated run JSON is refused with file:line:column", async () => {
    const html = join(work, "html", "run.html");
    const report = join(work, "html", "run.json");
    const traces = join(work, "html-traces");
    const r = await cli(["run", scenario, "--no-progress", "--html", html, "--report", report, "--trace", traces]);
    expect(r.code, r.stderr).toBe(0);
    expect(mode(html)).toBe(0o600);
    expect(mode(join(work, "html"))).toBe(0o700);
    expect(readFileSync(html, "utf8")).toContain('id="enrollsim-data"');
    expect(readFileSync(html, "utf8")).not.toContain("modes-secret");

    const again = join(work, "html2", "saved.html");
    const r2 = await cli(["report", "html", report, "-o", again, "--scenario", scenario, "--trace", traces]);
    expect(r2.code, r2.stderr).toBe(0);
    expect(mode(again)).toBe(0o600);
    const text = readFileSync(again, "utf8");
    expect(text).toContain("challenge: [REDACTED]"); // the scenario file is shown, redacted
    expect(text).not.toContain("modes-secret");

    const cut = join(work, "html", "cut.json");
    writeFileSync(cut, readFileSync(report, "utf8").slice(0, 400));
    const r3 = await cli(["report", "html", cut, "-o", join(work, "html", "cut.html")]);
    expect(r3.code).toBe(2);
    expect(r3.stderr).toMatch(new RegExp(`${cut.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:\\d+:\\d+: not valid JSON`));
    expect(existsSync(join(work, "html", "cut.html"))).toBe(false);
  }, 120_000);

  it("android qr --out with a Wi-Fi password and a token", async () => {
    const png = join(work, "qr", "enroll.png");
    const r = await cli(["android", "qr", "--mode", "fully-managed", "--out", png, "--token", "tok-123", "--wifi-ssid", "corp", "--wifi-password", "hunter2", "--wifi-security", "WPA"]);
    expect(r.code, r.stderr).toBe(0);
    expect(mode(png)).toBe(0o600);
    expect(mode(join(work, "qr"))).toBe(0o700);
  });
});
