// SPDX-License-Identifier: MIT
/** `trace show` and `inspect TRACE` on a trace recorded by a real run against the embedded server. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli, ensureBuilt, MAIN } from "../runner/support/cli.js";

let dir: string;
let trace: string;
const CHALLENGE = "trace-test-challenge-91";

beforeAll(async () => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), "enrollsim-trace-"));
  trace = join(dir, "run.ndjson");
  const scenario = join(dir, "s.yaml");
  writeFileSync(
    scenario,
    [
      "name: trace-show",
      "seed: 5",
      "server: embedded",
      `embedded: { scep: { challenge: ${CHALLENGE} } }`,
      "groups:",
      `  - { name: ok, model: iphone-15, count: 1, flow: scep, options: { scep: { challenge: ${CHALLENGE}, subject: "CN=%SERIAL%" } } }`,
      `  - { name: bad, model: pixel-8, count: 1, flow: scep, options: { scep: { challenge: wrong-one, subject: "CN=%SERIAL%" } } }`,
      "arrival: { concurrency: 2 }",
    ].join("\n"),
  );
  const r = await cli(MAIN, ["run", scenario, "--trace", trace, "--no-progress"]);
  expect(r.code, r.stderr).toBe(1); // the wrong challenge fails one device
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("enrollsim trace show", () => {
  it("without --device on a multi-device trace lists the devices with their outcome", async () => {
    const r = await cli(MAIN, ["trace", "show", trace]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/2 device\(s\); show one with --device ID/);
    expect(r.stdout).toMatch(/iphone-15#0 +ok +scep\.issued +3 exchange\(s\)/);
    expect(r.stdout).toMatch(/pixel-8#1 +FAILED scep\.failInfo\.badRequest/);
  });

  it("prints one device's numbered, decoded, redacted transcript", async () => {
    const r = await cli(MAIN, ["trace", "show", trace, "--device", "pixel-8#1"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^1\. scep\.getcacaps {2}GET http:\/\/127\.0\.0\.1:\d+\/scep\?operation=GetCACaps → 200 text\/plain/m);
    expect(r.stdout).toMatch(/device → server {2}scep: SCEP PKCSReq; transactionID [0-9A-F]+/);
    expect(r.stdout).toMatch(/server → device {2}scep: SCEP CertRep FAILURE failInfo badRequest/);
    expect(r.stdout).toMatch(/certificate: subject CN=enrollsim reference CA.*; issuer .*; valid .* to .*; serial /);
    expect(r.stdout).toContain("outcome: FAILED scep.failInfo.badRequest");
    expect(r.stdout + readFileSync(trace, "utf8")).not.toContain(CHALLENGE);
  });

  it("inspect accepts a trace file; --json gives the model", async () => {
    const r = await cli(MAIN, ["inspect", trace, "--device", "iphone-15#0", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const t = JSON.parse(r.stdout) as { device: string; entries: { n: number; kind: string; response?: { message: { format: string } } }[] };
    expect(t.device).toBe("iphone-15#0");
    expect(t.entries.filter((e) => e.kind === "exchange").map((e) => e.response?.message.format)).toEqual(["text", "x509", "scep"]);
  });

  it("a truncated trace is refused naming file and line:column (exit 2)", async () => {
    const cut = join(dir, "cut.ndjson");
    const text = readFileSync(trace, "utf8");
    const lines = text.split("\n");
    writeFileSync(cut, `${lines.slice(0, 3).join("\n")}\n${lines[3]!.slice(0, 40)}`);
    const r = await cli(MAIN, ["trace", "show", cut]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${cut}:4:41: not valid JSON`);
    const missing = await cli(MAIN, ["trace", "show", join(dir, "nope.ndjson")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read .*nope\.ndjson: no such file/);
  });

  it("replay of a multi-device trace without --device asks for one (exit 2)", async () => {
    const r = await cli(MAIN, ["replay", trace, "--server", "http://127.0.0.1:9"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/the trace holds 2 devices: name one with --device \(iphone-15#0, pixel-8#1\)/);
  });

  it("a Windows password in the scenario never reaches the trace, though request bodies are kept", async () => {
    const scenario = join(dir, "win.yaml");
    const winTrace = join(dir, "win.ndjson");
    const password = "Trace-Pa55-w0rd-77";
    writeFileSync(
      scenario,
      `name: win\nseed: 2\nserver: embedded\nembedded: { windows: { password: ${password} } }\ngroups:\n  - { name: w, model: windows-11-laptop, count: 1, flow: windows-byod, options: { windows: { upn: bob@contoso.example.com, password: ${password} } } }\n`,
    );
    const r = await cli(MAIN, ["run", scenario, "--trace", winTrace, "--no-progress"]);
    expect(r.code, r.stderr).toBe(0);
    const text = readFileSync(winTrace, "utf8");
    expect(text).toContain("wsse:Password");
    expect(text).not.toContain(password);
    const show = await cli(MAIN, ["trace", "show", winTrace]);
    expect(show.stdout).toMatch(/device → server {2}soap: SOAP .*RST\/wstep/);
    expect(show.stdout).not.toContain(password);
  });

  it("reads a --trace DIR of per-device files too", async () => {
    const tdir = join(dir, "per-device");
    mkdirSync(tdir);
    const lines = readFileSync(trace, "utf8").split("\n").filter(Boolean);
    for (const d of ["iphone-15#0", "pixel-8#1"]) writeFileSync(join(tdir, `${d.replace("#", "_")}.ndjson`), `${lines.filter((l) => l.includes(`"device":"${d}"`)).join("\n")}\n`);
    const r = await cli(MAIN, ["trace", "show", tdir]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/2 device\(s\)/);
    expect(r.stdout).toMatch(/pixel-8#1 +FAILED scep\.failInfo\.badRequest/);
  });
});
