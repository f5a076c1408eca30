// SPDX-License-Identifier: MIT
/** The built CLI as users run it: exit codes, transcripts, files, JSON. */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, statSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ReferenceServer } from "../../src/server/reference-server.js";

const ROOT = resolve(import.meta.dirname, "../..");
const CLI = join(ROOT, "dist/cli/main.js");

function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const t = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("close", (code) => {
      clearTimeout(t);
      done({ code: code ?? -1, stdout, stderr });
    });
  });
}

describe.skipIf(!existsSync(CLI))("enrollsim CLI", () => {
  let server: ReferenceServer;
  const work = mkdtempSync(join(tmpdir(), "enrollsim-cli-"));
  beforeAll(async () => {
    server = await ReferenceServer.start({ scep: { challenge: "cli-secret" } });
  });
  afterAll(() => server.close());

  it("scep: numbered transcript, key.pem 0600 and cert.pem, exit 0, challenge redacted", async () => {
    const out = join(work, "one");
    const r = await cli(["scep", "--url", server.scepUrl, "--challenge", "cli-secret", "--subject", "CN=cli-test,O=enrollsim", "--out", out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^1\. scep\.getcacaps +GET /m);
    expect(r.stdout).toMatch(/^3\. scep\.pkioperation +POST /m);
    expect(r.stdout).toContain("OK: scep.issued");
    expect(r.stdout + r.stderr).not.toContain("cli-secret");
    expect(statSync(join(out, "key.pem")).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(out, "cert.pem"), "utf8")).toContain("BEGIN CERTIFICATE");
  });

  it("scep: a FAILURE exits 1 and says what the user would see", async () => {
    const r = await cli(["scep", "--url", server.scepUrl, "--challenge", "nope", "--out", join(work, "two")]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("FAILED: scep.failInfo.badRequest");
    expect(existsSync(join(work, "two", "key.pem"))).toBe(false);
  });

  it("scep: an unreachable server is a transport error with device and step, exit 3", async () => {
    const r = await cli(["scep", "--url", "http://127.0.0.1:9/scep", "--out", join(work, "three"), "--timeout", "2000"]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/step scep\.getcacaps.*transport\.refused/);
  });

  it("run --json on a shipped scenario: integer devices/enrolled/failed, exit 0", async () => {
    const r = await cli(["run", "scenarios/scep-pending.yaml", "--json", "--no-progress"]);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s).toMatchObject({ devices: 5, enrolled: 5, failed: 0 });
    expect(Number.isInteger(s.devices)).toBe(true);
    expect(s.steps["scep.certpoll"].count).toBe(10);
  });

  it("run: a failed expectation exits 1; a bad scenario exits 2 with file:line:column", async () => {
    const bad = join(work, "bad.yaml");
    const { writeFileSync } = await import("node:fs");
    writeFileSync(bad, "name: x\ngroups:\n  - name: a\n    model: iphone-15\n    count: 2\n    flow: scep\nexpect:\n  successRatio: 1\n  latency: { scep.pkioperation: { p50: 0.001 } }\n");
    const r1 = await cli(["run", bad, "--no-progress"]);
    expect(r1.code).toBe(1);
    expect(r1.stdout).toContain("FAIL");
    writeFileSync(bad, "name: x\ngroups:\n  - name: a\n    model: iphone-99\n    count: 2\n    flow: scep\n");
    const r2 = await cli(["run", bad]);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain(`${bad}:4:12: unknown device model "iphone-99"`);
  });

  it("run --log-level info writes pino JSON lines per device without secrets", async () => {
    const logFile = join(work, "run.log");
    const r = await cli(["run", "scenarios/scep-bad-challenge.yaml", "--no-progress", "--log-level", "info", "--log-file", logFile]);
    expect(r.code).toBe(0);
    await new Promise((done) => setTimeout(done, 200));
    const lines = readFileSync(logFile, "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.filter((l) => l.code === "scep.failInfo.badRequest")).toHaveLength(10);
    const text = readFileSync(logFile, "utf8");
    expect(text).not.toContain("a-wrong-one");
    expect(text).not.toContain("the-right-one");
  });

  it("devices --json lists the catalog; inspect decodes a fixture", async () => {
    const d = await cli(["devices", "--json"]);
    expect(JSON.parse(d.stdout).devices.map((x: { id: string }) => x.id)).toContain("zebra-tc52");
    const i = await cli(["inspect", "test/fixtures/scep/certrep-failure-badrequest.der", "--json"]);
    expect(i.code).toBe(0);
    expect(i.stdout).toContain("badRequest");
  });

  it("keys pregen fills a 0600 pool", async () => {
    const dir = join(work, "pool");
    const r = await cli(["keys", "pregen", "--count", "2", "--dir", dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("→ 2 keys");
    expect(statSync(join(dir, "rsa2048.pool")).mode & 0o777).toBe(0o600);
  });
});
